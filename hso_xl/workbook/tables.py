"""Excel tables (Infoga ▸ Tabell) and their structured references, resolved to the A1 ranges Excel means.

IronCalc 0.9.1 computes `Tabell1[2027]`, `Tabell1[[#This Row],[2027]:[2029]]` and
`Tabell1[[#Totals],[2027]]`, but gives #NAME? or #ERROR! for `Tabell1[@2027]`, `[@2027]`,
`Tabell1[@[2027]:[2029]]`, a table name alone (`SUM(Tabell1)`), `[#All]`, two specifiers
(`Tabell1[[#Data],[#Totals],[2027]]`) and a table name typed in another case (`tabell1[2027]`).
So before the engine sees a workbook with tables, every structured reference is rewritten into the
A1 reference Excel resolves it to, in a private copy of the package (`engine_copy`); the workbook's
own formulas, shown in every message, stay as written, and the input file is never touched.

Excel's rules (support.microsoft.com, "Using structured references with Excel tables"): no
specifier means the data rows; `#All` the whole table; `#Headers`, `#Totals` that row (#REF! when
the table has none); `#This Row` and `@` the formula's own row (#VALUE! outside the data rows);
two specifiers together the rows from the first to the last; no column means every column, and
`[a]:[b]` the columns from a to b. A `'` escapes the next character in a column name.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..package import write_package
from ..text import LazyPattern
from .book import quote_sheet
from .cellnames import column_index_from_string, get_column_letter
from .damage import DamagedTable

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PARSER = dict(resolve_entities=False, no_network=True, huge_tree=True)
_RANGE = LazyPattern(r"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$", re.I)  # (IGNORECASE: slow to compile)
_NAME_START = re.compile(r"[A-Za-z_\\]")
_NAME_CHAR = re.compile(r"[\w.\\]")
SPECIFIERS = {"#all": "all", "#data": "data", "#headers": "headers", "#totals": "totals", "#this row": "row"}


@dataclass(frozen=True)
class Table:
    name: str  # the display name formulas use
    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    header_rows: int  # 0 or 1
    totals_rows: int  # 0 or 1
    columns: tuple[str, ...]

    def column(self, name: str) -> int | None:
        """The sheet column of the table column `name` (case does not matter, as in Excel), or None."""
        key = name.casefold()
        return next((self.first_col + i for i, c in enumerate(self.columns) if c.casefold() == key), None)

    def rows(self, parts: set[str], row: int | None) -> tuple[int, int] | str:
        """The first and last sheet row of `parts` ('data', 'headers', 'totals', 'all', 'row'), or an error value."""
        data = (self.first_row + self.header_rows, self.last_row - self.totals_rows)
        spans = []
        for part in parts or {"data"}:
            if part == "all":
                spans.append((self.first_row, self.last_row))
            elif part == "data":
                spans.append(data)
            elif part == "headers":
                if not self.header_rows:
                    return "#REF!"
                spans.append((self.first_row, self.first_row))
            elif part == "totals":
                if not self.totals_rows:
                    return "#REF!"
                spans.append((self.last_row, self.last_row))
            elif part == "row":
                if row is None or not data[0] <= row <= data[1]:
                    return "#VALUE!"
                spans.append((row, row))
        return min(s[0] for s in spans), max(s[1] for s in spans)


def read_tables(package: zipfile.ZipFile) -> list[Table]:
    """Return every table of the package, with the sheet it stands on (sheets by their names in workbook.xml).

    Raises DamagedTable for a table part a sheet names that the package lacks or whose range cannot
    be read: Excel would repair such a file, and its structured references cannot be resolved, so
    the file is not read.
    """
    members = {info.filename for info in package.infolist()}
    if not any(m.startswith("xl/tables/") for m in members) or "xl/workbook.xml" not in members:
        return []
    workbook = etree.fromstring(package.read("xl/workbook.xml"), etree.XMLParser(**_PARSER))
    targets = _relationships(package, members, "xl/workbook.xml")
    tables = []
    for sheet in workbook.iter(MAIN + "sheet"):
        part = targets.get(sheet.get(REL + "id"), ("", ""))[1]
        if part not in members:
            continue
        for kind, target in _relationships(package, members, part).values():
            if not kind.endswith("/table"):
                continue
            if target not in members:
                raise DamagedTable(target, missing=True)
            try:
                table = _table(package.read(target), sheet.get("name"))
            except etree.XMLSyntaxError:
                raise DamagedTable(target) from None
            if table is None:
                raise DamagedTable(target)
            tables.append(table)
    return tables


def _table(data: bytes, sheet: str) -> Table | None:
    root = etree.fromstring(data, etree.XMLParser(**_PARSER))
    match = _RANGE.match(root.get("ref", ""))
    name = root.get("displayName") or root.get("name")
    if match is None or not name:
        return None
    first_col, first_row = column_index_from_string(match.group(1)), int(match.group(2))
    last_col = column_index_from_string(match.group(3) or match.group(1))
    last_row = int(match.group(4) or match.group(2))
    columns = tuple(_unescape_xml(c.get("name", "")) for c in root.iter(MAIN + "tableColumn"))
    return Table(name, sheet, first_row, first_col, last_row, last_col, int(root.get("headerRowCount", "1")),
                 int(root.get("totalsRowCount", "0")), columns)


def _unescape_xml(text: str) -> str:
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def _relationships(package: zipfile.ZipFile, members: set[str], part: str) -> dict[str, tuple[str, str]]:
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in members:
        return {}
    out = {}
    for rel in etree.fromstring(package.read(rels), etree.XMLParser(**_PARSER)).iter(PKG_REL + "Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id")] = (rel.get("Type", ""), member)
    return out


# -- resolving references ------------------------------------------------------------------------

def _closing_quote(formula: str, start: int) -> int:
    """Where the quote opened at `start` closes (a doubled quote is one quote inside); the end if never."""
    quote, j = formula[start], start + 1
    while j < len(formula):
        if formula[j] == quote:
            if formula[j + 1:j + 2] == quote:
                j += 2
                continue
            return j
        j += 1
    return len(formula)


def resolve(formula: str, tables: list[Table], sheet: str, row: int | None, col: int | None = None) -> str:
    """Return `formula` with every structured reference replaced by the A1 reference Excel resolves it to.

    `sheet`, `row` and `col` say where the formula stands: a reference without a table name means
    the table the cell is in, and `#This Row` / `@` the cell's row.
    """
    if "[" not in formula and not _mentions_a_table(formula, tables):
        return formula
    by_name = {t.name.casefold(): t for t in tables}
    own = next((t for t in tables if t.sheet == sheet and row is not None and col is not None
                and t.first_row <= row <= t.last_row and t.first_col <= col <= t.last_col), None)
    out = []
    i, n = 0, len(formula)
    while i < n:
        ch = formula[i]
        if ch in "\"'":  # a text constant or a quoted sheet name: copied as it is
            j = _closing_quote(formula, i)
            out.append(formula[i:j + 1])
            i = j + 1
            continue
        previous = formula[i - 1] if i else ""
        if _NAME_START.match(ch) and not (previous and (_NAME_CHAR.match(previous) or previous in "!]$")):
            j = i + 1
            while j < n and _NAME_CHAR.match(formula[j]):
                j += 1
            word = formula[i:j]
            table = by_name.get(word.casefold())
            if table is not None and j < n and formula[j] == "[":
                end = _bracket_end(formula, j)
                if end is not None:
                    out.append(_reference(table, formula[j + 1:end], sheet, row))
                    i = end + 1
                    continue
            if table is not None and (j >= n or formula[j] not in "(!"):
                out.append(_reference(table, "", sheet, row))  # the table's name alone: its data rows
                i = j
                continue
            out.append(word)
            i = j
            continue
        if ch == "[" and own is not None and previous not in ("]",) and not _is_external(formula, i):
            end = _bracket_end(formula, i)
            if end is not None:
                out.append(_reference(own, formula[i + 1:end], sheet, row))
                i = end + 1
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _mentions_a_table(formula: str, tables: list[Table]) -> bool:
    folded = formula.casefold()
    return any(t.name.casefold() in folded for t in tables)


def _is_external(formula: str, i: int) -> bool:
    """`[1]Budget!A1` is another workbook's cell, not a structured reference."""
    end = formula.find("]", i)
    return end > i and formula[i + 1:end].isdigit()


def _bracket_end(formula: str, start: int) -> int | None:
    """The index of the `]` closing the `[` at `start`, with `'` escaping the next character; None if unbalanced."""
    depth = 0
    i = start
    while i < len(formula):
        ch = formula[i]
        if ch == "'":
            i += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _items(inner: str) -> tuple[set[str], list[str], bool] | None:
    """Parse the inside of a structured reference into (row parts, column names, is a column range)."""
    parts: set[str] = set()
    columns: list[str] = []
    ranged = False
    text = inner.strip()
    if text.startswith("@"):
        parts.add("row")
        text = text[1:].strip()
        if not text:
            return parts, columns, ranged
        if not text.startswith("["):
            return parts, [_unescape(text)], ranged
    if not text.startswith("["):
        if not text:
            return parts, columns, ranged
        spec = SPECIFIERS.get(text.casefold())
        if spec:
            return {spec}, columns, ranged
        return parts, [_unescape(text)], ranged
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in " ,":
            i += 1
            continue
        if ch == ":":
            ranged = True
            i += 1
            continue
        if ch != "[":
            return None
        end = _bracket_end(text, i)
        if end is None:
            return None
        item = text[i + 1:end]
        spec = SPECIFIERS.get(item.strip().casefold())
        if spec:
            parts.add(spec)
        else:
            columns.append(_unescape(item))
        i = end + 1
    return parts, columns, ranged


def _unescape(name: str) -> str:
    return re.sub(r"'(.)", r"\1", name)


def _reference(table: Table, inner: str, sheet: str, row: int | None) -> str:
    parsed = _items(inner)
    if parsed is None:
        return "#REF!"
    parts, columns, _ranged = parsed
    rows = table.rows(parts, row)
    if isinstance(rows, str):
        return rows
    if columns:
        found = [table.column(c) for c in columns]
        if any(c is None for c in found):
            return "#REF!"
        first_col, last_col = min(found), max(found)
    else:
        first_col, last_col = table.first_col, table.last_col
    this_row = parts == {"row"}
    prefix = "" if table.sheet == sheet else quote_sheet(table.sheet) + "!"

    def cell(r: int, c: int) -> str:
        return f"${get_column_letter(c)}{'' if this_row else '$'}{r}"

    start, end = cell(rows[0], first_col), cell(rows[1], last_col)
    return prefix + (start if start == end else f"{start}:{end}")


# -- the engine's copy ---------------------------------------------------------------------------

def engine_copy(package_path: Path, tables: list[Table], sheet_parts: dict[str, str], folder: Path) -> Path | None:
    """Write a copy of the package with every structured reference resolved; None when no formula uses one.

    `sheet_parts` maps each sheet's name to its worksheet part ("xl/worksheets/sheet1.xml").
    """
    part_sheet = {part: name for name, part in sheet_parts.items()}
    changed = False
    members = []
    with zipfile.ZipFile(package_path) as package:
        for info in package.infolist():
            data = package.read(info)
            if info.filename in part_sheet:
                new = _resolve_sheet(data, tables, part_sheet[info.filename])
            elif info.filename == "xl/workbook.xml":
                new = _resolve_names(data, tables)
            else:
                new = None
            if new is not None:
                changed = True
                data = new
            members.append((info.filename, data))
    if not changed:
        return None
    copy = folder / "engine.xlsx"
    copy.write_bytes(write_package(members))
    return copy


def _resolve_sheet(data: bytes, tables: list[Table], sheet: str) -> bytes | None:
    root = etree.fromstring(data, etree.XMLParser(**_PARSER))
    changed = False
    for f in root.iter(MAIN + "f"):
        if not f.text:
            continue
        coordinate = f.getparent().get("r", "")
        match = _RANGE.match(coordinate)
        row = int(match.group(2)) if match else None
        col = column_index_from_string(match.group(1)) if match else None
        text = resolve(f.text, tables, sheet, row, col)
        if text != f.text:
            f.text = text
            changed = True
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) if changed else None


def _resolve_names(data: bytes, tables: list[Table]) -> bytes | None:
    root = etree.fromstring(data, etree.XMLParser(**_PARSER))
    changed = False
    for name in root.iter(MAIN + "definedName"):
        if name.text and not name.get("name", "").lower().startswith("_xlnm."):
            text = resolve(name.text, tables, "", None)
            if text != name.text:
                name.text = text
                changed = True
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) if changed else None
