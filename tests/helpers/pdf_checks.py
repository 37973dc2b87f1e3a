"""What an archive and a screen reader need from a PDF, read with pikepdf (and poppler as a second opinion).

veraPDF, the reference PDF/A and PDF/UA validator, is not in the package registries this project
installs from (PyPI, Debian, npm), so the tests check the properties that matter one by one:
the PDF/A and PDF/UA identification in the XMP metadata, MarkInfo /Marked, the document language,
every font embedded, the structure tree (headings, tables with header cells) and alternate text
on every figure.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

_HEADING = re.compile(r"/H([1-6])")


@dataclass
class PdfFacts:
    pdfa: tuple[str | None, str | None]  # (pdfaid:part, pdfaid:conformance)
    pdfua: str | None
    marked: bool
    lang: str | None
    xmp_language: list[str]
    title: str | None
    author: str | None
    keywords: str | None
    xmp_keywords: str | None
    created: str | None  # Info /CreationDate
    xmp_created: str | None
    output_intent: bool
    unembedded_fonts: list[str]
    tags: Counter = field(default_factory=Counter)
    headings: list[int] = field(default_factory=list)  # H1..H6 in reading order
    figures_without_alt: int = 0
    bookmarks: int = 0


def _walk(node, facts: PdfFacts, role_map: dict) -> None:
    if isinstance(node, pikepdf.Array):
        for item in node:
            _walk(item, facts, role_map)
        return
    if not isinstance(node, pikepdf.Dictionary):
        return
    tag = node.get("/S")
    if tag is not None:
        name = str(tag)
        standard = role_map.get(name, name)
        facts.tags[standard] += 1
        m = _HEADING.fullmatch(standard)
        if m:
            facts.headings.append(int(m.group(1)))
        if standard == "/Figure" and not str(node.get("/Alt", "")).strip():
            facts.figures_without_alt += 1
    kids = node.get("/K")
    if kids is not None:
        _walk(kids, facts, role_map)


def _fonts(pdf) -> list[str]:
    """Return the names of fonts used on any page that have no embedded font program."""
    missing = set()

    def check(font) -> None:
        if font.get("/Subtype") == "/Type3":
            return
        if font.get("/Subtype") == "/Type0":
            for descendant in font.get("/DescendantFonts", []):
                check(descendant)
            return
        descriptor = font.get("/FontDescriptor")
        if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            missing.add(str(font.get("/BaseFont")))

    for page in pdf.pages:
        resources = page.obj.get("/Resources", {})
        for font in (resources.get("/Font") or {}).values():
            check(font)
    return sorted(missing)


def _count_outlines(item) -> int:
    count = 0
    while item is not None:
        count += 1 + _count_outlines(item.get("/First"))
        item = item.get("/Next")
    return count


def pdf_facts(path: Path) -> PdfFacts:
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        root = pdf.Root
        tree = root.get("/StructTreeRoot")
        language = meta.get("dc:language")
        facts = PdfFacts(
            pdfa=(meta.get("pdfaid:part"), meta.get("pdfaid:conformance")),
            pdfua=meta.get("pdfuaid:part"),
            marked=bool(root.get("/MarkInfo", {}).get("/Marked", False)),
            lang=str(root.get("/Lang")) if "/Lang" in root else None,
            xmp_language=sorted(language) if language else [],
            title=str(pdf.docinfo.get("/Title")) if "/Title" in pdf.docinfo else None,
            author=str(pdf.docinfo.get("/Author")) if "/Author" in pdf.docinfo else None,
            keywords=str(pdf.docinfo.get("/Keywords")) if "/Keywords" in pdf.docinfo else None,
            xmp_keywords=meta.get("pdf:Keywords"),
            created=str(pdf.docinfo.get("/CreationDate")) if "/CreationDate" in pdf.docinfo else None,
            xmp_created=meta.get("xmp:CreateDate"),
            output_intent=bool(root.get("/OutputIntents")),
            unembedded_fonts=_fonts(pdf),
        )
        if tree is not None:
            role_map = {str(k): str(v) for k, v in (tree.get("/RoleMap") or {}).items()}
            _walk(tree.get("/K"), facts, role_map)
        outlines = root.get("/Outlines")
        if outlines is not None:
            facts.bookmarks = _count_outlines(outlines.get("/First"))
    return facts


def poppler(path: Path) -> tuple[str, str]:
    """Return (pdfinfo's output, pdffonts' output): poppler's independent reading."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return info, fonts


def text(path: Path) -> str:
    """Return the PDF's text as poppler extracts it, non-breaking spaces as spaces."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.replace("\u00a0", " ").replace("\u202f", " ")
