"""Insert, delete and move rows of a workbook as Excel does, with openpyxl (no hso_xl).

openpyxl's insert_rows/delete_rows move cells but leave every formula pointing where it pointed.
Excel rewrites every reference to the sheet: a cell below the insertion moves down, a range
spanning it widens (a range ending just above it does not), a deleted cell becomes #REF!, a
range over a deleted row shrinks. These helpers do the same to every formula and defined name.
"""

from __future__ import annotations

import re
from typing import Callable

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string

_CELL = re.compile(r"^(\$?)([A-Za-z]{1,3})(\$?)(\d+)$")


def _split_sheet(text: str) -> tuple[str | None, str]:
    if "!" not in text:
        return None, text
    sheet, _bang, area = text.rpartition("!")
    return sheet, area


def _sheet_name(prefix: str) -> str:
    return prefix.strip("'").replace("''", "'")


def _shift_area(area: str, shift: Callable[[int, int, bool], int | None]) -> str | None:
    """Rewrite 'B4' or 'B4:D9'; `shift(row, col, is_bottom)` gives the new row or None (the cell is gone)."""
    parts = area.split(":")
    matches = [_CELL.match(p) for p in parts]
    if not all(matches):
        return area  # a whole column, a name: unchanged
    if len(parts) == 1:
        m = matches[0]
        row = shift(int(m[4]), column_index_from_string(m[2]), False)
        return None if row is None else f"{m[1]}{m[2]}{m[3]}{row}"
    top, bottom = matches
    new_top = shift(int(top[4]), 0, False)
    new_bottom = shift(int(bottom[4]), 0, True)
    if new_top is None or new_bottom is None or new_bottom < new_top:
        return None
    return f"{top[1]}{top[2]}{top[3]}{new_top}:{bottom[1]}{bottom[2]}{bottom[3]}{new_bottom}"


def _rewrite(formula: str, home: str, sheet: str, shift) -> str:
    tokens = Tokenizer(formula).items
    out = []
    for token in tokens:
        text = token.value
        if token.type == Token.OPERAND and token.subtype == Token.RANGE:
            prefix, area = _split_sheet(text)
            target = _sheet_name(prefix) if prefix else home
            if target == sheet:
                moved = _shift_area(area, shift)
                text = "#REF!" if moved is None else (f"{prefix}!{moved}" if prefix else moved)
        out.append(text)
    return "=" + "".join(out)


def _apply(wb, sheet: str, shift) -> None:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.value = _rewrite(cell.value, ws.title, sheet, shift)
    for name, defined in list(wb.defined_names.items()):
        defined.attr_text = _rewrite("=" + defined.attr_text, wb.worksheets[0].title, sheet, shift)[1:]


def insert_row(wb, sheet: str, before: int, values: dict[str, object] | None = None) -> None:
    """Insert an empty row before row `before` of `sheet` as Excel does, then type `values` ({'A': …}) into it."""
    _apply(wb, sheet, lambda row, _col, bottom: row + 1 if row >= before else row)
    wb[sheet].insert_rows(before)
    for column, value in (values or {}).items():
        wb[sheet][f"{column}{before}"] = value


def delete_row(wb, sheet: str, row_number: int) -> None:
    """Delete row `row_number` of `sheet` as Excel does (references to it become #REF!, ranges shrink)."""
    def shift(row, _col, bottom):
        if row < row_number:
            return row
        if row > row_number:
            return row - 1
        return row - 1 if bottom else (None if not _col == 0 else row)  # a range's edge on the row moves in
    _apply(wb, sheet, shift)
    wb[sheet].delete_rows(row_number)


def move_row(wb, sheet: str, source: int, before: int) -> None:
    """Move row `source` of `sheet` to stand before row `before` (cut, insert cut cells), inside one table."""
    insert_row(wb, sheet, before)
    if source >= before:
        source += 1
    ws = wb[sheet]
    for cell in list(ws[source]):
        value = cell.value
        if isinstance(value, str) and value.startswith("="):
            value = _rewrite(value, sheet, sheet, lambda row, _c, _b: before if row == source else row)
        ws.cell(before, cell.column, value)
        ws.cell(before, cell.column).number_format = cell.number_format
    # references elsewhere to the moved cells follow them
    for other in wb.worksheets:
        for row in other.iter_rows():
            for cell in row:
                if cell.row != source or other.title != sheet:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cell.value = _rewrite(cell.value, other.title, sheet,
                                              lambda r, col, _b: before if r == source and col else r)
    delete_row(wb, sheet, source)


def letter(col: int) -> str:
    return get_column_letter(col)
