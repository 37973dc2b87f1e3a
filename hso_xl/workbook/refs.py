"""The cells a formula refers to: ranges, cross-sheet references and defined names resolved."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..text import LazyPattern
from .book import Workbook
from .cellnames import column_index_from_string, range_boundaries

_SHEET_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!(.+)$")
# A string literal, or a quoted sheet name (kept: 'Noter "gamla"'!B6 holds no string).
_STRING_LITERAL = re.compile("('(?:[^']|'')*')|\"(?:[^\"]|\"\")*\"")
MAX_RANGE_CELLS = 10_000


class CellRef(NamedTuple):  # (named tuples here, not dataclasses: defining one costs every start 0,5 ms)
    sheet: str
    row: int
    col: int


def without_strings(formula: str) -> str:
    """Return `formula` with every string literal emptied, so text in quotes is not read as a name or reference."""
    return _STRING_LITERAL.sub(_empty_string, formula)


def _empty_string(match: re.Match) -> str:
    return match.group(1) or '""'


# A reference inside a formula whose string literals were emptied: an optional sheet, then a cell,
# a range, whole columns (A:C), whole rows (3:5) or a name. Not preceded by what would make it part
# of a longer token (a name, a number, an error literal, an external [1] prefix), and not followed
# by "(" (a function) or "[" (a table).
_REFERENCE = re.compile(
    r"(?<![\w.$#!\]\\])"
    r"(?:(?P<sheet>'(?:[^']|'')+'|[^\W\d][\w.]*)!)?"
    r"(?:(?P<c1>\$?[A-Za-z]{1,3})(?P<r1>\$?\d+)(?::(?P<c2>\$?[A-Za-z]{1,3})(?P<r2>\$?\d+))?(?![\w.(\[!])"
    r"|(?P<cols1>\$?[A-Za-z]{1,3}):(?P<cols2>\$?[A-Za-z]{1,3})(?![\w.(\[!])"
    r"|(?P<rows1>\$?\d+):(?P<rows2>\$?\d+)(?![\w.(\[!])"
    r"|(?P<name>[^\W\d][\w.]*)(?![\w.(\[!]))"
)
# A 3D reference: the same cells on a range of sheets ('Budget:Finansiering'!D9, Projekt:Kommuner!A1:B2).
THREE_D = LazyPattern(r"(?<![\w.\]])(?:'((?:[^':]|'')+:(?:[^']|'')+)'|([^\W\d][\w.]*:[^\W\d][\w.]*))!"
                     r"(\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)")
MAX_ROW, MAX_COL = 1_048_576, 16_384
_COLUMN_CACHE: dict[str, int] = {}


class Area(NamedTuple):
    """A rectangle of one sheet, 1-based and inclusive (a whole column runs from row 1 to MAX_ROW)."""

    sheet: str
    min_row: int
    min_col: int
    max_row: int
    max_col: int


class Scanner:
    """Reads the areas formulas refer to, with the workbook's sheet names and defined names resolved."""

    def __init__(self, workbook: Workbook) -> None:
        self.sheets = {s.name.casefold(): s.name for s in workbook.sheets}
        self.order = [s.name for s in workbook.sheets]
        self.names: dict[str, str] = {}
        for key, text in workbook.defined_names.items():
            self.names[key.casefold()] = text
        self._names_seen: dict[tuple, list[Area]] = {}

    def areas(self, formula: str, sheet: str, depth: int = 0) -> list[Area]:
        """Return the areas `formula` (on `sheet`) refers to, in order of appearance (3D references last)."""
        text = without_strings(formula) if '"' in formula else formula
        out: list[Area] = []
        for found in _REFERENCE.findall(text):
            out.extend(self.areas_of(found, sheet, depth))
        if ":" in text and "!" in text:
            out.extend(self.three_d(text))
        return out

    def three_d(self, text: str) -> list[Area]:
        """Return the areas of the 3D references in `text` (string literals emptied): Blad1:Blad3!A1 is
        A1 on every sheet from Blad1 to Blad3 in the workbook's order. (_REFERENCE reads only its last
        part, Blad3!A1.)"""
        out: list[Area] = []
        for match in THREE_D.finditer(text):
            span = (match.group(1) or "").replace("''", "'") or match.group(2)
            for sheet in self.sheet_span(span):
                out.extend(self.areas("=" + match.group(3), sheet))
        return out

    def areas_of(self, found: tuple, sheet: str, depth: int = 0) -> list[Area]:
        """Return the areas of one reference as `_REFERENCE.findall` gives it."""
        quoted, c1, r1, c2, r2, cols1, cols2, rows1, rows2, name = found
        out: list[Area] = []
        target = sheet
        if quoted:
            wanted = quoted[1:-1].replace("''", "'") if quoted[0] == "'" else quoted
            target = self.sheets.get(wanted.casefold())
            if target is None:
                return out  # another workbook, a sheet that is gone (#REF!), or 'Blad1:Blad3' (see three_d)
        if c1:
            col1 = _COLUMN_CACHE.get(c1) or _column(c1)
            row1 = int(r1) if r1[0] != "$" else int(r1[1:])
            if c2:
                col2 = _COLUMN_CACHE.get(c2) or _column(c2)
                row2 = int(r2) if r2[0] != "$" else int(r2[1:])
                if col2 < col1:
                    col1, col2 = col2, col1
                if row2 < row1:
                    row1, row2 = row2, row1
            else:
                col2, row2 = col1, row1
            if col2 > MAX_COL:
                return self._name(f"{c1}{r1}", target if quoted else None, sheet, depth)
            out.append(Area(target, row1, col1, row2, col2))
        elif cols1:
            a, b = _column(cols1), _column(cols2)
            out.append(Area(target, 1, min(a, b), MAX_ROW, max(a, b)))
        elif rows1:
            a, b = int(rows1.lstrip("$")), int(rows2.lstrip("$"))
            out.append(Area(target, min(a, b), 1, max(a, b), MAX_COL))
        else:
            out.extend(self._name(name, target if quoted else None, sheet, depth))
        return out

    def sheet_span(self, text: str) -> list[str]:
        """The sheets `First:Last` covers, in workbook order ([] when either is not a sheet of this workbook)."""
        first, _colon, last = text.partition(":")
        a, b = self.sheets.get(first.casefold()), self.sheets.get(last.casefold())
        if a is None or b is None:
            return []
        i, j = sorted((self.order.index(a), self.order.index(b)))
        return self.order[i:j + 1]

    def _name(self, name: str, scope: str | None, sheet: str, depth: int) -> list[Area]:
        if depth > 5:
            return []
        cached = self._names_seen.get((name, scope, sheet))
        if cached is not None:
            return cached
        key = name.casefold()
        text = self.names.get(f"{(scope or sheet).casefold()}!{key}")
        if text is None and scope is None:
            text = self.names.get(key)
        # TRUE, FALSE, a LAMBDA parameter or a name the workbook does not define: no cells
        found = [] if text is None else self.areas(text, scope or sheet, depth + 1)
        self._names_seen[(name, scope, sheet)] = found
        return found


def _column(text: str) -> int:
    """'$AB' -> 28 (cached under the text as written)."""
    number = _COLUMN_CACHE.get(text)
    if number is None:
        number = 0
        for ch in text.lstrip("$").upper():
            number = number * 26 + ord(ch) - 64
        _COLUMN_CACHE[text] = number
    return number


def formula_areas(formula: str, sheet: str, workbook: Workbook, scanner: Scanner | None = None) -> list[Area]:
    """Return the areas a formula on `sheet` refers to (see Scanner.areas)."""
    return (scanner or Scanner(workbook)).areas(formula, sheet)


def references(formula: str, sheet: str, workbook: Workbook) -> list[CellRef]:
    """Return the cells `formula` (on `sheet`) reads, in order of appearance, without repeats.

    Only cells that hold something are returned for a range; an empty cell reads as 0 or "".
    """
    out: list[CellRef] = []
    seen: set[CellRef] = set()
    for area in formula_areas(formula, sheet, workbook):
        for ref in area_cells(workbook, area):
            if ref not in seen:
                seen.add(ref)
                out.append(ref)
    return out


def area_cells(workbook: Workbook, area) -> list[CellRef]:
    """The cells of `area` that hold something, in row order (a whole column is walked by its filled cells)."""
    target = workbook.sheet(area.sheet)
    if (area.max_row - area.min_row + 1) * (area.max_col - area.min_col + 1) > MAX_RANGE_CELLS:
        return [CellRef(area.sheet, r, c) for (r, c) in sorted(target.cells)
                if area.min_row <= r <= area.max_row and area.min_col <= c <= area.max_col]
    return [CellRef(area.sheet, r, c) for r in range(area.min_row, area.max_row + 1)
            for c in range(area.min_col, area.max_col + 1) if (r, c) in target.cells]


def resolve(text: str, sheet: str, workbook: Workbook, depth: int) -> list[CellRef]:
    if depth > 5:
        return []
    match = _SHEET_REF.match(text)
    if match:
        sheet = (match.group(1) or match.group(2)).replace("''", "'")
        area = match.group(3)
    else:
        area = text
    if "[" in sheet:
        return []  # another workbook
    name = workbook.defined_names.get(f"{sheet}!{area}") or workbook.defined_names.get(area)
    if name is not None and not _looks_like_area(area):
        return [r for part in name.lstrip("=").split(",") for r in resolve(part.strip(), sheet, workbook, depth + 1)]
    try:
        min_col, min_row, max_col, max_row = range_boundaries(area.replace("$", ""))
    except (ValueError, TypeError):
        return []
    try:
        target = workbook.sheet(sheet)
    except KeyError:
        return []
    if min_row is None or max_row is None:  # whole columns: only the cells that hold something
        return [CellRef(sheet, r, c) for (r, c) in sorted(target.cells) if min_col <= c <= max_col]
    if min_col is None or max_col is None:  # whole rows
        return [CellRef(sheet, r, c) for (r, c) in sorted(target.cells) if min_row <= r <= max_row]
    if (max_row - min_row + 1) * (max_col - min_col + 1) > MAX_RANGE_CELLS:
        return [CellRef(sheet, r, c) for (r, c) in sorted(target.cells)
                if min_row <= r <= max_row and min_col <= c <= max_col]
    return [CellRef(sheet, r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)
            if (r, c) in target.cells]


def _looks_like_area(text: str) -> bool:
    first = text.replace("$", "").split(":")[0]
    letters = first.rstrip("0123456789")
    digits = first[len(letters):]
    if not letters or not digits or not letters.isalpha() or len(letters) > 3:
        return False
    try:
        return column_index_from_string(letters.upper()) <= 16384
    except ValueError:
        return False
