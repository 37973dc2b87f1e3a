"""The cells a formula refers to: ranges, cross-sheet references and defined names resolved."""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import column_index_from_string, range_boundaries

from .book import Workbook

_SHEET_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!(.+)$")
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
MAX_RANGE_CELLS = 10_000


@dataclass(frozen=True, order=True)
class CellRef:
    sheet: str
    row: int
    col: int


def without_strings(formula: str) -> str:
    """Return `formula` with every string literal emptied, so text in quotes is not read as a name or reference."""
    return _STRING_LITERAL.sub('""', formula)


def references(formula: str, sheet: str, workbook: Workbook) -> list[CellRef]:
    """Return the cells `formula` (on `sheet`) reads, in order of appearance, without repeats.

    Only cells that hold something are returned for a range; an empty cell reads as 0 or "".
    """
    out: list[CellRef] = []
    seen: set[CellRef] = set()
    try:
        tokens = Tokenizer(formula).items
    except Exception:  # a formula openpyxl cannot tokenise has no references we can show
        return out
    for token in tokens:
        if token.type != Token.OPERAND or token.subtype != Token.RANGE:
            continue
        for ref in resolve(token.value, sheet, workbook, depth=0):
            if ref not in seen:
                seen.add(ref)
                out.append(ref)
    return out


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
