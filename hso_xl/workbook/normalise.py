"""Rewrite a package the standard allows into the one form both readers accept, in a private copy.

Excel, LibreOffice and the libraries offices use write packages the standard allows but IronCalc
0.9 (and partly hso-xl's own reader) does not read: XML parts in UTF-16 (Excel writes a Power
Query's customXml/item1.xml so), Strict Open XML (other namespace URIs; File > Save As > "Strict
Open XML Spreadsheet"), rows and cells without their `r` attribute, relationships with absolute
targets (openpyxl links comments as /xl/comments/comment1.xml, which IronCalc turns into a path that
does not exist), parts under other names than Excel gives them (IronCalc reads the texts and
formats by fixed names, and panics on a sheet outside xl/worksheets/), ISO dates in cells (t="d",
which IronCalc gives as #N/IMPL!), and a defined name scoped to a sheet that does not exist
(IronCalc panics). `normalised_copy` writes a copy in the Transitional form Excel itself saves, the same
cells, values and formulas, so both hso-xl's reader and the engine read it; the input is never touched.

Strict is mapped here rather than converted by LibreOffice (as .ods is): the mapping is exact (the
two differ in namespace URIs and a few relationship type names, ECMA-376 Part 1, 4th ed., Annex
A), takes milliseconds, needs no LibreOffice, and keeps the cached values Excel saved, which a
LibreOffice re-save would replace by its own.

The package has passed workbook/safety.py first (no DTD, no entity, no bomb). A part is read with the
standard library's parser (xml_parts.py); only one that changes is parsed again by lxml, which writes it back
with its namespace prefixes as they were, and with the same safe options.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from pathlib import Path

from ..package import write_package
from .xml_parts import XmlError, parse, utf16_encoding

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PARSER = dict(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)

_STRICT = "http://purl.oclc.org/ooxml/"
_TRANSITIONAL = {
    "spreadsheetml/main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "officeDocument/relationships": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "officeDocument/extendedProperties": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "officeDocument/customProperties": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "officeDocument/docPropsVTypes": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    "officeDocument/sharedTypes": "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes",
    "officeDocument/customXml": "http://schemas.openxmlformats.org/officeDocument/2006/customXml",
    "officeDocument/bibliography": "http://schemas.openxmlformats.org/officeDocument/2006/bibliography",
    "officeDocument/characteristics": "http://schemas.openxmlformats.org/officeDocument/2006/characteristics",
    "officeDocument/math": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "schemaLibrary/main": "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
    "wordprocessingml/main": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "presentationml/main": "http://schemas.openxmlformats.org/presentationml/2006/main",
}
_DRAWINGML = ("main", "chart", "chartDrawing", "diagram", "lockedCanvas", "picture", "spreadsheetDrawing",
              "wordprocessingDrawing", "compatibility")
_TRANSITIONAL.update({f"drawingml/{n}": f"http://schemas.openxmlformats.org/drawingml/2006/{n}" for n in _DRAWINGML})
# Relationship types: .../officeDocument/relationships/<kind>, two of them spelt differently in Transitional.
_RELATIONSHIP_KINDS = {"extendedProperties": "extended-properties", "customProperties": "custom-properties"}
_STRICT_URI = re.compile(rb"""(["'])http://purl\.oclc\.org/ooxml/([^"'<>\s]*)\1""")
_CONFORMANCE = re.compile(rb"""\sconformance=(["'])strict\1""")

# A row or cell start tag without an r attribute; `c` and `row` exactly (not cols, cfRule, rowBreaks).
_NO_R = re.compile(rb"<(?:\w+:)?(?:c|row)(?=[\s/>])(?![^>]*\sr\s*=)")
_IN_WORKSHEETS = re.compile(r"xl/worksheets/[^/]+\.xml")
_FIXED_NAMES = {"/sharedStrings": "xl/sharedStrings.xml", "/styles": "xl/styles.xml"}
_ISO_DATE = re.compile(rb"""\st\s*=\s*["']d["']""")
_XML_DECLARATION = re.compile(r"""^\s*<\?xml[^>]*?\?>""")
_UTF8_BOM = b"\xef\xbb\xbf"


def normalised_copy(path: Path, folder: Path, parts: dict[str, bytes] | None = None) -> Path | None:
    """Write `folder`/workbook.xlsx, the package at `path` in the form Excel itself saves; None if it already is.

    ISO dates stay as they are: hso-xl's reader reads them as dates (as openpyxl does), whatever the
    cell's format; `engine_dates` writes them as numbers for the engine. Parts are read one at a
    time, so a large workbook Excel saved costs one pass and no copy; none with `parts`, the bytes of every part
    safety.py has unpacked already.
    """
    with zipfile.ZipFile(path) as package:
        read = package.read if parts is None else parts.__getitem__
        names = [info.filename for info in package.infolist() if not info.is_dir()]
        rels = "xl/_rels/workbook.xml.rels"
        workbook_rels = _encoded(read(rels)) if rels in names else b""
        sheets = _worksheet_parts(workbook_rels)
        renames = _renames(workbook_rels, names)
        renames.update({_rels_of(old): _rels_of(new) for old, new in list(renames.items()) if _rels_of(old) in names})
        changes = {}
        for name in names:
            data = read(name)
            new = _normalised(name, data, sheets, renames)
            if new != data or name in renames:
                changes[name] = new
        if not changes:
            return None
        members = [(renames.get(name, name), changes[name] if name in changes else read(name)) for name in names]
    return _write(Path(folder) / "workbook.xlsx", members)


def with_positions(package: Path, folder: Path) -> Path:
    """Write `folder`/positions.xlsx, `package` with every row and cell given the `r` Excel writes (the engine
    places a cell without r wrongly, and the recomputed copy finds cells by it). load.py asks for it when
    the reader met a row or cell without r: looking for one in every sheet cost more than reading it."""
    with zipfile.ZipFile(package) as opened:
        names = [info.filename for info in opened.infolist() if not info.is_dir()]
        rels = "xl/_rels/workbook.xml.rels"
        sheets = _worksheet_parts(_encoded(opened.read(rels))) if rels in names else set()
        members = [(name, _tolerant(_worksheet, opened.read(name)) if name in sheets else opened.read(name))
                   for name in names]
    return _write(Path(folder) / "positions.xlsx", members)


def engine_dates(package: Path, folder: Path) -> Path | None:
    """Write `folder`/engine-dates.xlsx, `package` with its ISO date cells (t="d") as the serial numbers Excel
    stores, which the engine reads (it gives #N/IMPL! for an ISO date); None when it has none."""
    with zipfile.ZipFile(package) as opened:
        names = [info.filename for info in opened.infolist() if not info.is_dir()]
        rels = "xl/_rels/workbook.xml.rels"
        sheets = _worksheet_parts(opened.read(rels)) if rels in names else set()
        dated = [name for name in names if name in sheets and _ISO_DATE.search(opened.read(name))]
        if not dated:
            return None
        date1904 = _date1904(opened.read("xl/workbook.xml")) if "xl/workbook.xml" in names else False
        members = [(name, _tolerant(_dates, opened.read(name), date1904) if name in dated else opened.read(name))
                   for name in names]
    return _write(Path(folder) / "engine-dates.xlsx", members)


def _normalised(name: str, data: bytes, sheets: set[str], renames: dict[str, str]) -> bytes:
    data = _encoded(data)
    if name.endswith(".rels"):
        return _tolerant(_relationships, data, name, renames)
    if name == "[Content_Types].xml" and renames:
        return _tolerant(_content_types, data, renames)
    if name == "xl/workbook.xml":
        return _tolerant(_workbook, data)
    return data  # (a worksheet's cells and rows without r: with_positions, when the reader finds one)


def _encoded(data: bytes) -> bytes:
    """The part in UTF-8 with Transitional namespaces."""
    data = _as_utf8(data)
    return _transitional(data) if _is_xml(data) else data


def _write(copy: Path, members: list[tuple[str, bytes]]) -> Path:
    copy.write_bytes(write_package(members))
    return copy


def _tolerant(change, data: bytes, *args) -> bytes:
    """`change(data)`, or the part as it is when it is not well-formed (the reader names it, load.py)."""
    try:
        return change(data, *args) or data
    except _Unreadable:
        return data


class _Unreadable(Exception):
    """A part that is not the XML it should be: left as it is, for the reader to name it (load.py)."""


def _parse(data: bytes):
    """The part as a tree to read (not to change: `_edited`)."""
    try:
        return parse(data)
    except XmlError:
        raise _Unreadable from None


def _edited(data: bytes, change, *args) -> bytes:
    """The part after `change(root, *args)` on its lxml tree (the standard library's would rename prefixes)."""
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER))
    except etree.XMLSyntaxError:
        raise _Unreadable from None
    change(root, *args)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# -- encodings and namespaces ---------------------------------------------------------------------

def _is_xml(data: bytes) -> bool:
    return data.lstrip()[:1] == b"<"


def _as_utf8(data: bytes) -> bytes:
    """An XML part in UTF-16 (with or without a byte-order mark) or with a UTF-8 BOM, as plain UTF-8."""
    if data.startswith(_UTF8_BOM):
        return data[len(_UTF8_BOM):]
    encoding = utf16_encoding(data)
    if encoding is None:
        return data
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return data
    declaration = _XML_DECLARATION.match(text)
    if declaration:
        fixed = re.sub(r"""encoding\s*=\s*["'][^"']*["']""", 'encoding="UTF-8"', declaration.group(0))
        text = fixed + text[declaration.end():]
    return text.encode("utf-8")


def _transitional(data: bytes) -> bytes:
    """Strict Open XML's namespace URIs and relationship types written as Transitional ones."""
    if b"purl.oclc.org/ooxml/" not in data:
        return data

    def mapped(match: re.Match) -> bytes:
        quote, rest = match.group(1), match.group(2).decode("ascii", "replace")
        uri = _TRANSITIONAL.get(rest)
        if uri is None and rest.startswith("officeDocument/relationships/"):
            kind = rest.rpartition("/")[2]
            uri = _TRANSITIONAL["officeDocument/relationships"] + "/" + _RELATIONSHIP_KINDS.get(kind, kind)
        if uri is None:
            return match.group(0)  # a URI of no part hso-xl or the engine reads: left as it is
        return quote + uri.encode("ascii") + quote

    return _CONFORMANCE.sub(b"", _STRICT_URI.sub(mapped, data))


# -- relationships --------------------------------------------------------------------------------

def _relationships(data: bytes, name: str, renames: dict[str, str]) -> bytes | None:
    """A .rels part with every internal target written relative to its source part (as Excel writes them),
    and to the new name of a part `renames` moves."""
    if b"Target" not in data or not _retargeted(_parse(data), name, renames):
        return None
    return _edited(data, _retargeted, name, renames)


def _retargeted(root, name: str, renames: dict[str, str]) -> bool:
    """Set each relationship's target as `_relationships` says; whether any changed."""
    folder = posixpath.dirname(posixpath.dirname(name))  # xl/_rels/workbook.xml.rels -> xl
    owner = posixpath.join(folder, posixpath.basename(name).removesuffix(".rels"))
    new_folder = posixpath.dirname(renames.get(owner, owner))
    changed = False
    for rel in root.iter(PKG_REL + "Relationship"):
        target = rel.get("Target")
        if rel.get("TargetMode") == "External" or not target:
            continue
        member = part_of(target, folder)
        canonical = _relative(renames.get(member, member), new_folder)
        if canonical != target:
            rel.set("Target", canonical)
            changed = True
    return changed


def _renames(workbook_rels: bytes, names: list[str]) -> dict[str, str]:
    """Parts IronCalc looks for by a fixed name (xl/sharedStrings.xml, xl/styles.xml) or folder (a sheet outside
    xl/worksheets/ makes it panic) that the package keeps under another name: old name -> the one Excel gives."""
    try:
        root = _parse(workbook_rels)
    except _Unreadable:
        return {}
    existing, out = set(names), {}
    for rel in root.iter(PKG_REL + "Relationship"):
        member, kind = part_of(rel.get("Target", ""), "xl"), rel.get("Type", "")
        if rel.get("TargetMode") == "External" or member not in existing or member in out:
            continue
        if kind.endswith("/worksheet") and not _IN_WORKSHEETS.fullmatch(member):
            new = next(f"xl/worksheets/sheet{n}.xml" for n in range(1, len(names) + 2)
                       if f"xl/worksheets/sheet{n}.xml" not in existing)
        else:
            new = next((canonical for suffix, canonical in _FIXED_NAMES.items() if kind.endswith(suffix)), member)
            if new in existing:
                continue
        existing.add(new)
        out[member] = new
    return out


def _rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _content_types(data: bytes, renames: dict[str, str]) -> bytes | None:
    return _edited(data, _renamed_overrides, renames)


def _renamed_overrides(root, renames: dict[str, str]) -> None:
    for override in root:
        part = (override.get("PartName") or "").lstrip("/")
        if part in renames:
            override.set("PartName", "/" + renames[part])


def part_of(target: str, source_folder: str) -> str:
    """The package member a relationship's target names, from the folder of its source part."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(source_folder, target)) if source_folder else posixpath.normpath(target)


def _relative(member: str, source_folder: str) -> str:
    """The target of `member` as Excel writes it: relative to the source part's folder, without ./ or /."""
    return posixpath.relpath(member, source_folder) if source_folder else member


def _worksheet_parts(rels: bytes) -> set[str]:
    """The worksheet parts xl/_rels/workbook.xml.rels names."""
    try:
        root = _parse(rels)
    except _Unreadable:
        return set()
    return {part_of(rel.get("Target", ""), "xl") for rel in root.iter(PKG_REL + "Relationship")
            if rel.get("Type", "").endswith("/worksheet") and rel.get("TargetMode") != "External"}


# -- the workbook part ----------------------------------------------------------------------------

def _workbook(data: bytes) -> bytes | None:
    """Defined names scoped to a sheet the workbook does not have removed: no formula can use them, and
    IronCalc stops (panics) on one."""
    if b"localSheetId" not in data or not _stale_names(_parse(data)):
        return None
    return _edited(data, lambda root: [name.getparent().remove(name) for name in _stale_names(root)])


def _stale_names(root) -> list:
    """The defined names scoped to a sheet the workbook does not have."""
    count = sum(1 for _sheet in root.iter(MAIN + "sheet"))
    return [name for name in root.iter(MAIN + "definedName")
            if (local := name.get("localSheetId")) is not None and not (local.isdigit() and int(local) < count)]


def _date1904(workbook: bytes) -> bool:  # (read before the part is parsed)
    match = re.search(rb"""<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*["'](1|true)["']""", workbook)
    return match is not None


# -- worksheets -----------------------------------------------------------------------------------

def _worksheet(data: bytes) -> bytes | None:
    """Rows and cells given the `r` Excel writes."""
    return _edited(data, _positioned) if _NO_R.search(data) else None


def _positioned(root) -> None:
    row_number = 0
    for row in root.iter(MAIN + "row"):
        r = row.get("r")
        row_number = int(r) if r and r.isdigit() else row_number + 1
        row.set("r", str(row_number))
        column = 0
        for cell in row.iterchildren(MAIN + "c"):
            coordinate = cell.get("r")
            if coordinate:
                column = _column_number(coordinate.rstrip("0123456789").lstrip("$").upper()) or column + 1
            else:
                column += 1
                cell.set("r", f"{_column_letters(column)}{row_number}")


def _dates(data: bytes, date1904: bool) -> bytes | None:
    if not _ISO_DATE.search(data):
        return None
    return _edited(data, lambda root: [_iso_to_serial(cell, date1904) for cell in root.iter(MAIN + "c")
                                       if cell.get("t") == "d"])


def _iso_to_serial(cell, date1904: bool) -> None:
    """<c t="d"><v>2027-01-30T00:00:00</v></c> as the serial number Excel stores (IronCalc does not read ISO dates)."""
    value = cell.find(MAIN + "v")
    if value is None or not value.text:
        return
    from .serials import MAC_EPOCH, WINDOWS_EPOCH, from_ISO8601, to_excel

    try:
        when = from_ISO8601(value.text.strip())
    except ValueError:
        return  # left for the reader, which names the cell
    if isinstance(when, dt.timedelta):
        return
    value.text = repr(to_excel(when, MAC_EPOCH if date1904 else WINDOWS_EPOCH))
    del cell.attrib["t"]


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        if not "A" <= ch <= "Z":
            return 0
        number = number * 26 + ord(ch) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
