"""Column letters, cell coordinates and ranges: A1 <-> (row, column), "B2:D5" -> boundaries.

The same functions as openpyxl.utils.cell (openpyxl 3.1, MIT licence, (c) 2010-2024 openpyxl), copied so
that reading a workbook does not import openpyxl: its package import alone costs about 0,13 s, more than
`hso-xl check` may spend on the sample. tests/test_cellnames.py holds them equal to openpyxl's.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..text import LazyPattern

_RANGE = LazyPattern(r"""^
[$]?(?P<min_col>[A-Za-z]{1,3})?
[$]?(?P<min_row>\d+)?
(:[$]?(?P<max_col>[A-Za-z]{1,3})?
[$]?(?P<max_row>\d+)?)?
$""", re.VERBOSE)
ascii_uppercase = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # (string's: that module compiles a pattern when imported)
_LETTERS = [""] + list(ascii_uppercase)
_INDEX = {letter: position for position, letter in enumerate(ascii_uppercase, 1)}
_POWERS = (1, 26, 676)


@lru_cache(maxsize=None)
def get_column_letter(index: int) -> str:
    """1 -> "A", 28 -> "AB"; ValueError outside 1..18 278 (XFD is Excel's last column)."""
    if not 1 <= index <= 18278:
        raise ValueError(index)  # the callers say what is wrong, in the administrator's words
    if index < 26:
        return _LETTERS[index]
    result = []
    while index:
        index, remainder = divmod(index, 26)
        result.insert(0, _LETTERS[remainder])
        if not remainder:
            index -= 1
            result.insert(0, "Z")
    return "".join(result)


@lru_cache(maxsize=None)
def column_index_from_string(column: str) -> int:
    """"A" -> 1, "ab" -> 28; ValueError for anything that is not a column name A..ZZZ."""
    if len(column) > 3:
        raise ValueError(column)
    index = 0
    for letter, power in zip(reversed(column.upper()), _POWERS):
        try:
            index += _INDEX[letter] * power
        except KeyError:
            raise ValueError(column) from None
    if not 0 < index < 18279:
        raise ValueError(column)
    return index


def range_boundaries(text: str) -> tuple:
    """"B2:D5" -> (2, 2, 4, 5) as (min_col, min_row, max_col, max_row); a whole column or row leaves None."""
    match = _RANGE.match(text)
    if not match:
        raise ValueError(text)
    min_col, min_row, sep, max_col, max_row = match.groups()
    if sep:
        cols, rows = (min_col, max_col), (min_row, max_row)
        if not (all(cols + rows) or all(cols) and not any(rows) or all(rows) and not any(cols)):
            raise ValueError(text)
    if min_col is not None:
        min_col = column_index_from_string(min_col)
    if min_row is not None:
        min_row = int(min_row)
    max_col = column_index_from_string(max_col) if max_col is not None else min_col
    max_row = int(max_row) if max_row is not None else min_row
    return min_col, min_row, max_col, max_row


def coordinate_to_tuple(coordinate: str) -> tuple[int, int]:
    """"B12" -> (12, 2) as (row, column)."""
    index = 0
    for index, ch in enumerate(coordinate):
        if ch in "0123456789":
            break
    return int(coordinate[index:]), column_index_from_string(coordinate[:index])
