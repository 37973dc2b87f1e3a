"""Document structure a screen reader and an archive rely on: heading levels and table semantics in .docx.

The markers (docs/templates.md, "Headings and tables"):
- a data table: its first row repeats as a header row (w:trPr/w:tblHeader);
- a label/value list: First Column on and Header Row off in its look (w:tblLook firstColumn=1,
  firstRow=0), with an alt-text title (w:tblCaption);
- a layout table: an alt-text title starting "Layouttabell".
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
_HEADING = re.compile(r"heading ([1-9])")


@dataclass(frozen=True)
class Table:
    part: str
    first_row: str
    kind: str | None  # 'data', 'label/value', 'layout' or None (unmarked)


def _on(look, name: str, mask: int) -> bool:
    if look is None:
        return False
    value = look.get(f"{{{W}}}{name}")
    if value is not None:
        return value in ("1", "true", "on")
    try:
        return bool(int(look.get(f"{{{W}}}val") or "0", 16) & mask)
    except ValueError:
        return False


def _read(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if _PARTS.fullmatch(n) or n == "word/styles.xml"}


def heading_levels(path: Path) -> list[tuple[int, str]]:
    """Return (level, text) of every heading in the body, in order (styles named 'heading N', or an outline level)."""
    parts = _read(path)
    levels = {}
    if "word/styles.xml" in parts:
        for style in etree.fromstring(parts["word/styles.xml"]).findall("w:style", NS):
            name = style.find("w:name", NS)
            m = _HEADING.fullmatch((name.get(f"{{{W}}}val") or "").lower()) if name is not None else None
            if m:
                levels[style.get(f"{{{W}}}styleId")] = int(m.group(1))
    body = etree.fromstring(parts["word/document.xml"]).find("w:body", NS)
    found = []
    for p in body.iter(f"{{{W}}}p"):
        style = p.find("w:pPr/w:pStyle", NS)
        outline = p.find("w:pPr/w:outlineLvl", NS)
        level = levels.get(style.get(f"{{{W}}}val")) if style is not None else None
        if outline is not None:
            level = int(outline.get(f"{{{W}}}val")) + 1
        if level is not None and level <= 9:
            found.append((level, "".join(p.itertext()).strip()))
    return found


def skipped_levels(levels: list[tuple[int, str]]) -> list[str]:
    """Return a description of every heading deeper than one below the heading before it (the first: 1)."""
    out, previous = [], 0
    for level, text in levels:
        if level > previous + 1:
            out.append(f"heading {level} after {'heading ' + str(previous) if previous else 'no heading'}: {text!r}")
        previous = level
    return out


def tables(path: Path) -> list[Table]:
    """Return every table of the body, headers and footers with what it is marked as."""
    out = []
    for name, data in sorted(_read(path).items()):
        if name == "word/styles.xml":
            continue
        for tbl in etree.fromstring(data).iter(f"{{{W}}}tbl"):
            rows = tbl.findall("w:tr", NS)
            look = tbl.find("w:tblPr/w:tblLook", NS)
            caption = tbl.find("w:tblPr/w:tblCaption", NS)
            caption = (caption.get(f"{{{W}}}val") or "").strip() if caption is not None else ""
            first = " ".join("".join(rows[0].itertext()).split()) if rows else ""
            if rows and rows[0].find("w:trPr/w:tblHeader", NS) is not None:
                kind = "data"
            elif caption.startswith("Layouttabell"):
                kind = "layout"
            elif caption and _on(look, "firstColumn", 0x80) and not _on(look, "firstRow", 0x20):
                kind = "label/value"
            else:
                kind = None
            out.append(Table(name, first[:60], kind))
    return out
