"""Packages written the ways the standard allows and real programs use, made from the sample by rewriting its XML.

Each function takes the (name, bytes) members of a package and returns them rewritten the way
another program writes the same workbook: Excel's Power Query part in UTF-16, Strict Open XML,
rows and cells without `r`, absolute relationship targets, inline strings, ISO dates. The cells,
formulas and values stay the same, so hso-xl must print the sample's figures for every one.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from openpyxl.utils import column_index_from_string

Members = list[tuple[str, bytes]]


def members_of(path: Path) -> Members:
    with zipfile.ZipFile(path) as package:
        return [(info.filename, package.read(info)) for info in package.infolist()]


def write(path: Path, members: Members) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members:
            package.writestr(name, data)
    Path(path).write_bytes(buffer.getvalue())
    return Path(path)


def _edit(members: Members, test, change) -> Members:
    return [(name, change(data) if test(name) else data) for name, data in members]


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


# -- Power Query: a customXml part in UTF-16 ------------------------------------------------------

DATA_MASHUP = "AAAAABQDAABQSwMEFAACAAgAK3BWWAAAAAAAAAAAAAAAAA=="


def power_query(members: Members, prolog: str = "", encode=lambda text: text.encode("utf-16")) -> Members:
    """The customXml parts Excel adds for a Power Query: item1.xml in UTF-16 with a byte-order mark."""
    def link(data: bytes) -> bytes:
        return data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                            b'officeDocument/2006/relationships/customXml" Target="../customXml/item1.xml"/>'
                            b"</Relationships>")

    def declare(data: bytes) -> bytes:
        return data.replace(b"</Types>", b'<Override PartName="/customXml/itemProps1.xml" ContentType="application/'
                            b'vnd.openxmlformats-officedocument.customXmlProperties+xml"/></Types>')

    out = _edit(members, lambda n: n == "xl/_rels/workbook.xml.rels", link)
    out = _edit(out, lambda n: n == "[Content_Types].xml", declare)
    item = (f'<?xml version="1.0" encoding="utf-16"?>{prolog}'
            f'<DataMashup xmlns="http://schemas.microsoft.com/DataMashup">{DATA_MASHUP}</DataMashup>')
    props = (b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n<ds:datastoreItem '
             b'ds:itemID="{8C9F0C8E-4A1A-4B8B-9E7C-2E5A0E2B5C11}" xmlns:ds="http://schemas.openxmlformats.org/'
             b'officeDocument/2006/customXml"><ds:schemaRefs/></ds:datastoreItem>')
    rels = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/customXmlProps" Target="itemProps1.xml"/>'
            b'</Relationships>')
    return out + [("customXml/item1.xml", encode(item)), ("customXml/itemProps1.xml", props),
                  ("customXml/_rels/item1.xml.rels", rels)]


# -- Strict Open XML ------------------------------------------------------------------------------

STRICT = [  # longest first: a Transitional URI and the Strict one Excel writes for it
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
     b"http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
     b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
    (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
    (b"http://schemas.openxmlformats.org/drawingml/2006/main", b"http://purl.oclc.org/ooxml/drawingml/main"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
     b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
     b"http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes"),
]


def strict(members: Members) -> Members:
    """The package as Excel's "Strict Open XML Spreadsheet" writes it."""
    def convert(data: bytes) -> bytes:
        for transitional, strict_uri in STRICT:
            data = data.replace(transitional, strict_uri)
        return data

    out = _edit(members, lambda n: n.endswith((".xml", ".rels")), convert)
    return _edit(out, lambda n: n == "xl/workbook.xml", lambda d: d.replace(b"<workbook ", b'<workbook conformance="strict" ', 1))


# -- rows and cells without r ---------------------------------------------------------------------

def without_r(members: Members) -> Members:
    """Every `r` a reader can do without removed: a row right after the previous one, a cell right after the
    previous cell (or in column A), as streaming writers leave them out."""
    return _edit(members, _is_sheet, _drop_implied_r)


_ROW = re.compile(rb"<row\b[^>]*>.*?</row>|<row\b[^>]*/>", re.S)
_ROW_R = re.compile(rb'(<row\b[^>]*?)\sr="(\d+)"')
_CELL_R = re.compile(rb'(<c\b[^>]*?)\sr="([A-Z]+)(\d+)"')


def _drop_implied_r(data: bytes) -> bytes:
    previous_row = 0

    def row(match: re.Match) -> bytes:
        nonlocal previous_row
        text = match.group(0)
        number = int(_ROW_R.search(text).group(2))
        if number == previous_row + 1:
            text = _ROW_R.sub(rb"\1", text, count=1)
        previous_row = number
        previous_col = 0

        def cell(found: re.Match) -> bytes:
            nonlocal previous_col
            column = column_index_from_string(found.group(2).decode())
            implied = column == previous_col + 1
            previous_col = column
            return found.group(1) if implied else found.group(0)

        return _CELL_R.sub(cell, text)

    return _ROW.sub(row, data)


# -- absolute relationship targets ----------------------------------------------------------------

def absolute_targets(members: Members) -> Members:
    """Every internal target written from the package root (/xl/worksheets/sheet1.xml), as openpyxl does."""
    def rewrite(name: str, data: bytes) -> bytes:
        folder = name.rpartition("_rels/")[0].rstrip("/")

        def absolute(match: re.Match) -> bytes:
            target = match.group(1).decode()
            if target.startswith("/"):
                return match.group(0)
            import posixpath

            member = posixpath.normpath(posixpath.join(folder, target)) if folder else target
            return b'Target="/' + member.encode() + b'"'

        return re.sub(rb'Target="([^"]+)"(?![^>]*TargetMode="External")', absolute, data)

    return [(name, rewrite(name, data) if name.endswith(".rels") else data) for name, data in members]


# -- inline strings and ISO dates -----------------------------------------------------------------

def inline_strings(members: Members) -> Members:
    """Every text cell written as an inline string (<c t="inlineStr"><is><t>…</t></is></c>), as streaming
    writers (Apache POI's SXSSF, many exports) write them."""
    strings_xml = dict(members)["xl/sharedStrings.xml"].decode()
    strings = [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<si>(.*?)</si>", strings_xml, re.S)]

    def inline(data: bytes) -> bytes:
        def cell(match: re.Match) -> bytes:
            text = strings[int(match.group(2))]
            return match.group(1) + b't="inlineStr"><is><t xml:space="preserve">' + text.encode() + b"</t></is></c>"

        return re.sub(rb'(<c\b[^>]*?)t="s"><v>(\d+)</v></c>', cell, data)

    return _edit(members, _is_sheet, inline)


def iso_date(members: Members, part: str, cell: str, iso: str) -> Members:
    """The date in `cell` written as an ISO 8601 date cell (t="d"), as Strict files and openpyxl's iso_dates do."""
    def change(data: bytes) -> bytes:
        pattern = re.compile(rb'(<c r="' + cell.encode() + rb'"[^>]*?)(?:\st="n")?>(<v>)[^<]*(</v>)')
        new, count = pattern.subn(rb'\1 t="d">\g<2>' + iso.encode() + rb"\3", data)
        assert count == 1, cell
        return new

    return _edit(members, lambda n: n == part, change)


# -- parts under other names ----------------------------------------------------------------------

def renamed_parts(members: Members, renames: dict[str, str]) -> Members:
    """Parts kept under other names than Excel gives them (the standard names parts by relationships only):
    the links to each, its content type and its own relationships follow, targets written from the root."""
    import posixpath

    def rels_of(part: str) -> str:
        folder, name = posixpath.split(part)
        return posixpath.join(folder, "_rels", name + ".rels")

    moved_rels = {rels_of(old): rels_of(new) for old, new in renames.items()}
    out = []
    for name, data in absolute_targets(members):
        for old, new in renames.items():
            data = data.replace(f'"/{old}"'.encode(), f'"/{new}"'.encode())
        out.append((renames.get(name) or moved_rels.get(name) or name, data))
    return out
