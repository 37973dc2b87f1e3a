"""The proposed decision of a Word document, as a fingerprint: did what the reader is asked to decide change?

A decision draft's decision is its section headed "Förslag till beslut" (up to the next heading)
and every `att`-clause ("att medfinansiera projektet … med 454 407 kronor"); a template may mark
its decision itself with a bookmark named `beslut` (Insert > Bookmark in Word) around it. A
document without any of these has no decision (None).
"""

from __future__ import annotations

import hashlib
import re
from xml.etree import ElementTree as ET

from ..package import read_members
from .reading import parsed

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADING = re.compile(r"^(heading|rubrik)\s*\d*$|^title$", re.IGNORECASE)
DECISION_HEADINGS = ("förslag till beslut", "beslutsförslag", "förslag till yttrande")
BOOKMARK = "beslut"


def decision_text(data: bytes) -> str | None:
    """The proposed decision's text (paragraphs joined by newlines), or None when the document has none."""
    try:
        members = dict(read_members(data))
        body = parsed(members["word/document.xml"]).find(f"{W}body")  # parsed once with the reading's
    except (KeyError, ValueError, ET.ParseError, OSError):
        return None
    if body is None:
        return None
    kept: list[str] = []
    in_section = in_bookmark = False
    marked: list[str] = []
    for paragraph in body.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        heading = style is not None and bool(HEADING.match(style.get(f"{W}val", "")))
        for mark in paragraph.iter(f"{W}bookmarkStart"):
            if mark.get(f"{W}name", "").casefold() == BOOKMARK:
                in_bookmark = True
        text = " ".join("".join(t.text or "" for t in paragraph.iter(f"{W}t")).split())
        if in_bookmark:
            marked.append(text)
        if any(True for _ in paragraph.iter(f"{W}bookmarkEnd")) and in_bookmark and _ends_mark(paragraph, body):
            in_bookmark = False
        if heading:
            in_section = text.casefold().startswith(DECISION_HEADINGS)
            continue
        if in_section or text.casefold().startswith(("att ", "att\t")):
            kept.append(text)
    if marked:
        return "\n".join(t for t in marked if t)
    text = "\n".join(t for t in kept if t)
    return text or None


def _ends_mark(paragraph, body) -> bool:
    """Whether the paragraph closes the `beslut` bookmark (its bookmarkEnd has the start's id)."""
    ids = {m.get(f"{W}id") for m in body.iter(f"{W}bookmarkStart") if m.get(f"{W}name", "").casefold() == BOOKMARK}
    return any(end.get(f"{W}id") in ids for end in paragraph.iter(f"{W}bookmarkEnd"))


def decision_hash(data: bytes) -> str | None:
    """A fingerprint of the proposed decision (decision_text), or None when the document has none."""
    text = decision_text(data)
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()
