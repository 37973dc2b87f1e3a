"""Where an Excel template's rows and columns go when loops repeat them, and formulas that follow.

A row loop turns one template row into one row per item (a column loop alike); `Axis` maps
template indices to output indices, and `rewrite_formula` moves every reference in a formula the
way Excel moves references when rows are inserted (see render/xlsx.py for the rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl.utils.cell import column_index_from_string, get_column_letter

MAX_ROW, MAX_COL = 1_048_576, 16_384
_CELL = r"(\$?)([A-Za-z]{1,3})(\$?)([0-9]{1,7})"
_AREA = re.compile(rf"{_CELL}(?::{_CELL})?")
_COLS = re.compile(r"(\$?)([A-Za-z]{1,3}):(\$?)([A-Za-z]{1,3})")
_ROWS = re.compile(r"(\$?)([0-9]{1,7}):(\$?)([0-9]{1,7})")


@dataclass
class Loop:
    var: str
    expr: str
    where: str  # the cell of its tag, for messages
    items: list = field(default_factory=list)
    cell_text: str = ""  # the text of that cell, for messages

    @property
    def copies(self) -> int:
        return max(1, len(self.items))  # no items: the row stays once, emptied


class Axis:
    """Template rows (or columns) -> output rows (columns): a loop's index becomes one per item."""

    def __init__(self, loops: dict[int, Loop] | None = None):
        self.loops = dict(loops or {})
        self._extra = sorted((i, loop.copies - 1) for i, loop in self.loops.items())

    def copies(self, index: int) -> int:
        loop = self.loops.get(index)
        return loop.copies if loop else 1

    def start(self, index: int) -> int:
        return index + sum(extra for i, extra in self._extra if i < index)

    def last(self, index: int) -> int:
        return self.start(index) + self.copies(index) - 1

    def outputs(self, index: int) -> range:
        return range(self.start(index), self.last(index) + 1)

    def span(self, lo: int, hi: int, here: tuple[int, int] | None = None) -> tuple[int, int]:
        """Map the template span lo..hi; `here` = (template index, copy) of the formula that refers.

        An end on the formula's own repeated row follows the formula's copy; otherwise the span
        starts at the first copy of `lo` and ends at the last copy of `hi`.
        """
        def end(index: int, first: bool) -> int:
            if here is not None and index == here[0] and index in self.loops:
                return self.start(index) + here[1]
            return self.start(index) if first else self.last(index)

        lo, hi = min(lo, hi), max(lo, hi)
        return end(lo, True), end(hi, False)

    def spans(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """A merged range: one per copy if it lies on one repeated index, else the whole extended span."""
        if lo == hi and lo in self.loops:
            return [(o, o) for o in self.outputs(lo)]
        return [self.span(lo, hi)]


@dataclass
class Layout:
    rows: Axis
    cols: Axis


@dataclass(frozen=True)
class Here:
    """The formula being rewritten: its sheet and, per axis, (template index, copy)."""

    sheet: str
    row: tuple[int, int]
    col: tuple[int, int]


def rewrite_formula(formula: str, sheet: str | None, layouts: dict[str, Layout], here: Here | None = None) -> str:
    """Return `formula` with every cell and range reference moved to where its cells went.

    `layouts` maps sheet names (case-folded) to their Layout; `sheet` is the sheet that holds the
    formula (for references without a sheet name), None for a workbook-level defined name.
    Raises ValueError if the formula cannot be parsed.
    """
    from openpyxl.formula.tokenizer import Token, Tokenizer

    if not formula.startswith("="):
        return formula
    tokens = Tokenizer(formula)
    for token in tokens.items:
        if token.type == Token.OPERAND and token.subtype == Token.RANGE:
            token.value = _move_reference(token.value, sheet, layouts, here)
    return tokens.render()


def _move_reference(text: str, sheet: str | None, layouts: dict[str, Layout], here: Here | None) -> str:
    prefix, bang, area = text.rpartition("!")
    if bang:
        if "[" in prefix:  # another workbook
            return text
        name = prefix[1:-1].replace("''", "'") if len(prefix) > 1 and prefix[0] == prefix[-1] == "'" else prefix
        if ":" in name:  # a 3-D reference over several sheets
            return text
    elif sheet is None:
        return text
    else:
        name = sheet
    layout = layouts.get(name.casefold())
    if layout is None:
        return text
    own = here is not None and name.casefold() == here.sheet.casefold()
    here_row = here.row if own else None
    here_col = here.col if own else None

    if m := _AREA.fullmatch(area):
        c1d, c1, r1d, r1, c2d, c2, r2d, r2 = m.groups()
        single = c2 is None
        if single:
            c2d, c2, r2d, r2 = c1d, c1, r1d, r1
        cols = [_column(c1), _column(c2)]
        rows = [int(r1), int(r2)]
        if None in cols or not all(1 <= r <= MAX_ROW for r in rows):
            return text  # a name that looks almost like a cell
        top, bottom = layout.rows.span(rows[0], rows[1], here_row)
        left, right = layout.cols.span(cols[0], cols[1], here_col)
        first = f"{c1d}{get_column_letter(left)}{r1d}{top}"
        if single and top == bottom and left == right:
            moved = first
        else:
            moved = f"{first}:{c2d}{get_column_letter(right)}{r2d}{bottom}"
    elif m := _COLS.fullmatch(area):
        c1d, c1, c2d, c2 = m.groups()
        if _column(c1) is None or _column(c2) is None:
            return text
        left, right = layout.cols.span(_column(c1), _column(c2), here_col)
        moved = f"{c1d}{get_column_letter(left)}:{c2d}{get_column_letter(right)}"
    elif m := _ROWS.fullmatch(area):
        r1d, r1, r2d, r2 = m.groups()
        top, bottom = layout.rows.span(int(r1), int(r2), here_row)
        moved = f"{r1d}{top}:{r2d}{bottom}"
    else:
        return text  # a defined name, TRUE, an error value
    return f"{prefix}{bang}{moved}"


def _column(letters: str) -> int | None:
    try:
        index = column_index_from_string(letters.upper())
    except ValueError:
        return None
    return index if index <= MAX_COL else None
