"""Compare Office packages (.docx/.xlsx): XML member by XML member with volatile parts stripped, or
by what a reader sees (the text of a Word document, the cells of a workbook)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from lxml import etree

# Parts or elements that change without the content changing.
VOLATILE_MEMBERS = {"docProps/app.xml"}
VOLATILE_PATTERNS = [
    re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>"),
    re.compile(rb"<cp:lastPrinted>[^<]*</cp:lastPrinted>"),
    re.compile(rb'\sw:rsid\w*="[0-9A-F]+"'),
]

Package = Path | bytes  # a file, or a package's bytes


def canonical(data: bytes) -> bytes:
    for pattern in VOLATILE_PATTERNS:
        data = pattern.sub(b"", data)
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    return etree.tostring(etree.fromstring(data, parser), method="c14n")


def _open(package: Package) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(package) if isinstance(package, bytes) else package)


def members(package: Package) -> dict[str, bytes]:
    with _open(package) as zf:
        out = {}
        for name in zf.namelist():
            if name in VOLATILE_MEMBERS:
                continue
            data = zf.read(name)
            out[name] = canonical(data) if name.endswith((".xml", ".rels")) else data
        return out


def differences(got: Package, want: Package) -> list[str]:
    """Return the names of members that differ (or exist in only one package)."""
    a, b = members(got), members(want)
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


# --- what a reader sees in a Word document ------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_IN_RUN = {f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n", f"{W}noBreakHyphen": "\u2011"}


def visible_text(package: Package) -> list[str]:
    """Return the non-empty paragraphs of a .docx as a reader sees them: the body in order, then
    each header, footer and note part (ordered by their text, since editors number them freely).

    Field results are left out (the page number in `Sida 1(1)`): Word recomputes them on opening,
    and an editor that re-saves a template stores its own. Deleted text (w:delText) is left out.
    """
    with _open(package) as zf:
        parts = {name: zf.read(name) for name in zf.namelist() if _TEXT_PARTS.fullmatch(name)}
    body = _paragraphs(parts.pop("word/document.xml"))
    others = sorted(_paragraphs(data) for data in parts.values())
    return body + [line for part in others for line in part]


def _paragraphs(data: bytes) -> list[str]:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    texts: dict[object, list[str]] = {}
    fields: list[bool] = []  # one per open complex field: True once its result has begun
    for el in root.iter():
        if el.tag == f"{W}p":
            texts.setdefault(el, [])
        elif el.tag == f"{W}fldChar":
            kind = el.get(f"{W}fldCharType")
            if kind == "begin":
                fields.append(False)
            elif kind == "separate" and fields:
                fields[-1] = True
            elif kind == "end" and fields:
                fields.pop()
        elif any(fields) or _inside(el, (f"{W}fldSimple", _FALLBACK)):
            continue
        elif el.tag == f"{W}t":
            _paragraph_of(el, texts).append(el.text or "")
        elif el.tag in _IN_RUN and el.getparent().tag == f"{W}r":  # not a tab stop in w:tabs
            _paragraph_of(el, texts).append(_IN_RUN[el.tag])
    return [line for line in ("".join(parts) for parts in texts.values()) if line.strip()]


def _inside(el, tags) -> bool:
    return any(parent.tag in tags for parent in el.iterancestors())


def _paragraph_of(el, texts) -> list[str]:
    paragraph = next(el.iterancestors(f"{W}p"))
    return texts.setdefault(paragraph, [])


# --- what a reader sees in a workbook -----------------------------------------------------------


def cell_contents(package: Package) -> dict[tuple[str, str], tuple]:
    """Return (sheet, "B7") -> (value shown, formula or None, number format) for every filled cell.

    The value of a formula cell is its cached value. A backslash in a number format only marks the
    next character as literal (`yyyy\\-mm\\-dd` shows as `yyyy-mm-dd`), so it is dropped.
    """
    import openpyxl

    def load(values: bool):
        return openpyxl.load_workbook(io.BytesIO(package) if isinstance(package, bytes) else package,
                                      data_only=values)

    formulas, values = load(False), load(True)
    out = {}
    for ws in formulas.worksheets:
        shown = values[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                value = shown[cell.coordinate].value
                if cell.value is None and value is None:
                    continue
                formula = cell.value if cell.data_type == "f" else None
                out[(ws.title, cell.coordinate)] = (value, formula, re.sub(r"\\(.)", r"\1", cell.number_format))
    return out


_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f]\d{3})*(?:,\d+)?")


def numbers(lines: list[str]) -> list[str]:
    """Return every number in `lines`, in order, as printed (`1 363 221`, `40,00`, `2026`)."""
    return [m.group(0) for line in lines for m in _NUMBER.finditer(line)]
