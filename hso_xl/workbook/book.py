"""The in-memory workbook: sheets of cells, each with its formula, cached value and recomputed value."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .cellnames import get_column_letter


class ExcelError(str):
    """An Excel error value such as '#REF!' (kept distinct from text that happens to look alike)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"ExcelError({str(self)!r})"


Value = float | int | str | bool | dt.datetime | ExcelError | None


def ref(sheet: str, row: int, col: int) -> str:
    """Return an A1 reference with the sheet, quoted the way Excel quotes it when needed."""
    return f"{quote_sheet(sheet)}!{get_column_letter(col)}{row}"


def cell_order(reference: str) -> tuple:
    """Sort key for 'Sheet!A1' references: by sheet, then row, then column (B2 before AA2 before A10)."""
    sheet, _bang, coordinate = reference.rpartition("!")
    letters = coordinate.replace("$", "").rstrip("0123456789")
    digits = coordinate[len(letters):].replace("$", "")
    return sheet, int(digits) if digits.isdigit() else 0, len(letters), letters.upper()


@lru_cache(maxsize=4096)  # a workbook has few sheets, and every reference to a cell quotes its sheet's name
def quote_sheet(name: str) -> str:
    if name.replace("_", "").isalnum() and not name[0].isdigit():
        return name
    return "'" + name.replace("'", "''") + "'"


class _Record:
    """What @dataclass gave Cell and Sheet (an __init__ by its fields, repr, ==, no hash), written out: defining a
    dataclass cost every start about 0,6 ms each."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({fields})"

    def __eq__(self, other) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        mine, theirs = (tuple(getattr(record, name) for name in record._fields) for record in (self, other))
        return mine == theirs

    __hash__ = None  # (mutable, as a dataclass with eq)


class Cell(_Record):
    __slots__ = _fields = ("row", "col", "value", "formula", "cached", "is_date", "number_format")
    __match_args__ = _fields
    row: int
    col: int
    value: Value  # recomputed (formulas) or typed-in (constants)
    formula: str | None  # "=..." exactly as stored in the file
    cached: Value  # what the file carried as the formula's value
    is_date: bool
    number_format: str  # the cell's number format code, "" for General (workbook/formats.py reads it)

    def __init__(self, row: int, col: int, value: Value, formula: str | None = None, cached: Value = None,
                 is_date: bool = False, number_format: str = "") -> None:
        self.row = row
        self.col = col
        self.value = value
        self.formula = formula
        self.cached = cached
        self.is_date = is_date
        self.number_format = number_format

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"


class Sheet(_Record):
    _fields = ("name", "index", "state", "cells", "merged", "data_tables", "array_members", "hidden_rows",
               "hidden_cols")
    __match_args__ = _fields

    def __init__(self, name: str, index: int, state: str = "visible", cells: dict[tuple[int, int], Cell] | None = None,
                 merged: list[str] | None = None, data_tables: list[tuple[int, int]] | None = None,
                 array_members: set[tuple[int, int]] | None = None, hidden_rows: set[int] | None = None,
                 hidden_cols: set[int] | None = None) -> None:
        self.name = name
        self.index = index
        self.state = state
        self.cells = {} if cells is None else cells
        self.merged = [] if merged is None else merged
        # Cells holding a data table ({=TABLE(,B1)}, Data > What-If Analysis), which the engine cannot compute.
        self.data_tables = [] if data_tables is None else data_tables
        # Cells an array formula (or data table) fills beside its first cell: no <f> of their own in the file,
        # but Excel shows the formula in them and computes their values (load.py gives them its formula).
        self.array_members = set() if array_members is None else array_members
        self.hidden_rows = set() if hidden_rows is None else hidden_rows  # rows Excel hides (Format > Hide)
        self.hidden_cols = set() if hidden_cols is None else hidden_cols

    def get(self, row: int, col: int) -> Cell | None:
        return self.cells.get((row, col))

    def value(self, row: int, col: int) -> Value:
        cell = self.cells.get((row, col))
        return None if cell is None else cell.value

    def ref(self, row: int, col: int) -> str:
        return ref(self.name, row, col)

    @property
    def max_col(self) -> int:
        return max((c for _row, c in self.cells), default=0)

    def rows(self) -> list[int]:
        return sorted({r for r, _col in self.cells})


@dataclass
class Workbook:
    path: Path
    sheets: list[Sheet]
    defined_names: dict[str, str]  # name -> formula text ("Parametrar!$B$3"); sheet-scoped as "Sheet!name"
    # The .xlsx package actually read: `path` itself, LibreOffice's .xlsx copy of an .ods, or the copy
    # workbook/normalise.py writes of a file in a form the engine cannot read (messages name `path`).
    package: Path | None = None
    keep: object = field(default=None, repr=False)  # keeps a converted copy's folder alive as long as the workbook
    iterative: bool = False  # the file lets Excel iterate circular references (calcPr iterate="1")
    application: str = ""  # the program that saved the file (docProps/app.xml), "" when it does not say
    # What the calculation engine reads: `package`, or a copy with the Excel tables' structured
    # references written as A1 ranges (workbook/tables.py); formulas shown to the user stay as written.
    engine_package: Path | None = None
    tables: list = field(default_factory=list)  # the Excel tables (workbook/tables.py Table)
    keep_engine: object = field(default=None, repr=False)  # keeps the engine copy's folder alive
    keep_package: object = field(default=None, repr=False)  # keeps the normalised copy's folder alive (normalise.py)
    read_copy: Path | None = None  # the private copy of the bytes read (workbook/load.py reads the file once)
    keep_copy: object = field(default=None, repr=False)  # keeps that copy alive as long as the workbook

    @property
    def sha256(self) -> str | None:
        """The sha256 of the bytes read, what manifest.json records; worked out when first asked (recalc never
        asks, and hashlib costs a start as much as the hashing)."""
        if self.__dict__.get("_sha256") is None and self.read_copy is not None:
            import hashlib

            self.__dict__["_sha256"] = hashlib.sha256(self.read_copy.read_bytes()).hexdigest()
        return self.__dict__.get("_sha256")

    @property
    def saved_by_excel(self) -> bool:
        """False when another program (LibreOffice) saved the file: its cached values are not Excel's."""
        return not self.application or self.application.startswith("Microsoft")

    def __post_init__(self) -> None:
        if self.package is None:
            self.package = self.path
        if self.engine_package is None:
            self.engine_package = self.package

    def sheet(self, name: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)

    def formula_cells(self):
        """Yield (sheet, cell) for every cell that holds a formula."""
        for sheet in self.sheets:
            for cell in sheet.cells.values():
                if cell.formula is not None:
                    yield sheet, cell
