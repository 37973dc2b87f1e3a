"""The shipped sample as a grid of cells, changed the way offices change it, written by openpyxl or xlsxwriter.

`SampleBook.load()` reads input/HSO_finansiering_2027-2029.xlsx with plain openpyxl (formulas as
typed, defined names); the methods below rename sheets, rewrite labels, reorder the municipalities'
rows, move the financing table beside or below the cost table and add a financier below the sum
row, rewriting every formula that reads a moved cell, as Excel would. `write(path, writer)` saves
it with the chosen library (never hso_xl), so each variant exists as two independent files.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.formula.translate import Translator

from ..conftest import SAMPLE
from .field_books import Grid, write

MUNICIPALITY_ROWS = range(7, 14)  # Finansiering!A7:A13, the seven municipalities
FINANCING, BUDGET = "Finansiering", "Budget"


def _quote(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else "'" + name.replace("'", "''") + "'"


def _rewrite(formula: str, change) -> str:
    """Return `formula` with each reference token replaced by change(sheet or None, reference)."""
    tokens = Tokenizer(formula).items
    out = []
    for token in tokens:
        value = token.value
        if token.type == Token.OPERAND and token.subtype == Token.RANGE:
            sheet, bang, ref = value.rpartition("!")
            sheet_name = sheet.strip("'").replace("''", "'") if bang else None
            value = change(sheet_name, ref if bang else value, value)
        out.append(value)
    return "=" + "".join(out)


@dataclass
class SampleBook:
    grids: dict[str, Grid]
    names: dict[str, str]  # defined name -> 'Sheet!$B$4'
    order: list[str] = field(default_factory=list)
    tables: dict[str, str] = field(default_factory=lambda: {"costs": BUDGET, "financing": FINANCING})
    origin: tuple[int, int] = (1, 1)  # the financing table's top-left cell (Finansiär's is A3 below it)

    @classmethod
    def load(cls) -> "SampleBook":
        wb = openpyxl.load_workbook(SAMPLE)
        grids = {}
        for ws in wb:
            grid = Grid(ws.title)
            for row in ws.iter_rows():
                for cell in row:
                    grid.put(cell.row, cell.column, cell.value)
            grids[ws.title] = grid
        names = {n: d.attr_text for n, d in wb.defined_names.items()}
        return cls(grids, names, [ws.title for ws in wb])

    # -- what offices do -------------------------------------------------------------------------

    def rename_sheet(self, old: str, new: str) -> None:
        """Rename a sheet and every formula and defined name that reads it."""
        def change(sheet, ref, text):
            return f"{_quote(new)}!{ref}" if sheet == old else text
        self._each_formula(change)
        self.names = {n: (f"{_quote(new)}!{t.rpartition('!')[2]}" if t.rpartition("!")[0].strip("'") == old else t)
                      for n, t in self.names.items()}
        self.tables = {k: (new if v == old else v) for k, v in self.tables.items()}
        grid = self.grids.pop(old)
        grid.name = new
        self.grids[new] = grid
        self.order[self.order.index(old)] = new

    def set_label(self, sheet: str, ref: str, text: str) -> None:
        row, col = openpyxl.utils.cell.coordinate_to_tuple(ref)
        self.grids[sheet].cells[(row, col)] = text

    def drop_sheet(self, name: str) -> None:
        self.grids.pop(name)
        self.order.remove(name)

    def reorder_municipalities(self, order: list[int]) -> None:
        """Put the municipality rows 7..13 in `order` (a permutation of those rows): row order[i] moves to 7+i."""
        grid = self.grids[self.sheet_of_financing()]
        top = self.financing_origin()
        moved = {old + top[0] - 1: new + top[0] - 1 for new, old in zip(MUNICIPALITY_ROWS, order)}
        rows = {r: {c: v for (rr, c), v in grid.cells.items() if rr == r} for r in moved}
        for old, new in moved.items():
            for c, v in rows[old].items():
                if isinstance(v, str) and v.startswith("="):  # '=D7' in its own row follows the row
                    v = _rewrite(v, lambda s, ref, text, o=old, n=new: Translator.translate_range(ref, n - o, 0)
                                 if s is None and _row_of(ref) == o else text)
                grid.cells[(new, c)] = v

    def financier_below_sum(self, label: str = "Sparbanken Nord", amount: int = 100_000, widen: bool = True) -> int:
        """Add a private cash financier on the row below 'Summa projektfinansiering'; return its row.

        With `widen`, Summa projektfinansiering adds it, as the office 'widened the totals'.
        """
        grid = self.grids[self.sheet_of_financing()]
        row0, col0 = self.financing_origin()
        total_row = row0 + 21
        row = total_row + 1
        below = {(r, c): v for (r, c), v in grid.cells.items() if r >= row and col0 <= c <= col0 + 6}
        for key in below:
            del grid.cells[key]
        for (r, c), v in below.items():  # what stood below moves one row down
            grid.cells[(r + 1, c)] = v
        letters = [openpyxl.utils.get_column_letter(col0 + 3 + i) for i in range(3)]
        grid.put(row, col0, label)
        grid.put(row, col0 + 1, "privat")
        grid.put(row, col0 + 2, "kontant")
        for i, letter in enumerate(letters):
            grid.put(row, col0 + 3 + i, amount)
            if widen:
                grid.cells[(total_row, col0 + 3 + i)] += f"+{letter}{row}"
        grid.put(row, col0 + 6, f"=SUM({letters[0]}{row}:{letters[-1]}{row})")
        return row

    def place_financing(self, how: str) -> tuple[int, int]:
        """Move the financing table onto the cost sheet: 'beside' (from column G) or 'below' (from row 22)."""
        fin, costs = self.tables["financing"], self.tables["costs"]
        source = self.grids.pop(fin)
        self.order.remove(fin)
        target = self.grids[costs]
        drow, dcol = (0, 6) if how == "beside" else (21, 0)

        def change(sheet, ref, text):
            if sheet == costs:
                return ref
            if sheet is None:
                return Translator.translate_range(ref, drow, dcol)
            return text
        for (r, c), v in source.cells.items():
            if isinstance(v, str) and v.startswith("="):
                v = _rewrite(v, change)
            target.cells[(r + drow, c + dcol)] = v
        self.names = {n: t for n, t in self.names.items() if t.rpartition("!")[0].strip("'") != fin}
        self.tables["financing"] = costs
        self.origin = (1 + drow, 1 + dcol)
        return self.origin

    def write(self, path: Path, writer: str = "openpyxl") -> Path:
        return write(path, [self.grids[n] for n in self.order], writer, names=self.names)

    # -- where things are ------------------------------------------------------------------------

    def sheet_of_financing(self) -> str:
        return self.tables["financing"]

    def financing_origin(self) -> tuple[int, int]:
        return self.origin

    def financing_ref(self, row: int, col: int = 1) -> str:
        """'Finansiering!A8' for the sample's A8, wherever the table now is."""
        r, c = row + self.origin[0] - 1, col + self.origin[1] - 1
        return f"{_quote(self.tables['financing'])}!{openpyxl.utils.get_column_letter(c)}{r}"

    def _each_formula(self, change) -> None:
        for grid in self.grids.values():
            for key, v in list(grid.cells.items()):
                if isinstance(v, str) and v.startswith("="):
                    grid.cells[key] = _rewrite(v, change)


def _row_of(ref: str) -> int | None:
    digits = re.sub(r"[^0-9]", "", ref.split(":")[0])
    return int(digits) if digits else None


__all__ = ["SampleBook", "MUNICIPALITY_ROWS", "dt"]
