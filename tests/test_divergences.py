"""Every known IronCalc divergence (hso_xl/workbook/divergences.py) still holds, and is recognised.

Each example is built as a one-cell workbook (typed-in cells on sheet S, the formula in S!Z1),
recomputed by hso_xl's engine, and IronCalc's current result is asserted. When a newer IronCalc
fixes one, its test fails: remove the entry (and its warning) then. Each example's formula must
also be matched by its entry's detector, so the warning `check` gives is tested on the very input
that shows the divergence.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from hso_xl.workbook.book import ExcelError
from hso_xl.workbook.divergences import DIVERGENCES, matching, unsupported_shape
from hso_xl.workbook.engine import UNIMPLEMENTED_FUNCTIONS
from hso_xl.workbook.recalc import recompute_file
from hso_xl.workbook.refs import Scanner

CASES = [(d, i, e) for d in DIVERGENCES for i, e in enumerate(d.examples)]


def one_cell(path: Path, formula: str, cells: dict) -> Path:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "S"
    for ref, value in cells.items():
        sheet[ref] = value
    sheet["Z1"] = formula
    wb.save(path)
    return path


@pytest.mark.parametrize("entry, index, example", CASES, ids=[f"{d.code}-{i}" for d, i, _ in CASES])
def test_ironcalc_still_diverges(entry, index, example, tmp_path):
    done = recompute_file(one_cell(tmp_path / "one.xlsx", example.formula, example.cells))
    value = done.workbook.sheet("S").get(1, 26).value
    assert isinstance(value, ExcelError) == isinstance(example.ironcalc, ExcelError)
    assert value == example.ironcalc, f"IronCalc now gives {value!r} for {example.formula}: is {entry.code} fixed?"
    assert value != example.excel


@pytest.mark.parametrize("entry, index, example", CASES, ids=[f"{d.code}-{i}" for d, i, _ in CASES])
def test_detector_recognises_its_example(entry, index, example, tmp_path):
    done = recompute_file(one_cell(tmp_path / "one.xlsx", example.formula, example.cells))
    sheet = done.workbook.sheet("S")
    cell = sheet.get(1, 26)
    found = matching(cell.formula, sheet, done.workbook, Scanner(done.workbook), cell.value)
    assert entry in found


@pytest.mark.parametrize("name", sorted(UNIMPLEMENTED_FUNCTIONS))
def test_unimplemented_function_still_gives_not_implemented(name, tmp_path):
    cells = {"A1": 1, "A2": 2, "A3": 3, "B1": 10, "B2": 20, "B3": 30}
    args = "4,B1:B3,A1:A3" if name in ("FORECAST.ETS", "FORECAST.ETS.CONFINT") else "B1:B3,A1:A3"
    if name == "FORECAST.ETS.STAT":
        args += ",1"
    done = recompute_file(one_cell(tmp_path / "one.xlsx", f"=_xlfn.{name}({args})", cells))
    assert done.workbook.sheet("S").get(1, 26).value == "#N/IMPL!"
    assert done.engine.unsupported == {"S!Z1": [name]}


@pytest.mark.parametrize("formula, cells", [
    ("=MATCH(2,A1:A3)", {"A1": 1, "A2": 2, "A3": 3}),  # sorted numbers: IronCalc agrees with Excel
    ("=MATCH(2,A1:A3,0)", {"A1": 3, "A2": 1, "A3": 2}),  # exact
    ("=VLOOKUP(2,A1:B3,2,FALSE)", {"A1": 3, "A2": 1, "A3": 2}),
    ("=YEAR(A1)", {"A1": 46000}),
    ("=OR(A1,TRUE)", {"A1": 1}),
    ("=SUM(A1:A3, B1:B3)", {"A1": 1}),  # a space after a comma is no intersection
    ('=SUMIF(A1:A3,">1",B1:B3)', {"A1": 1}),
    ('=TEXT(A1,"0")', {"A1": 12}),
    ('="Personal: "&TEXT(A1,"0")', {"A1": 6583120.9}),
])
def test_budget_formulas_are_not_flagged(formula, cells, tmp_path):
    done = recompute_file(one_cell(tmp_path / "one.xlsx", formula, cells))
    sheet = done.workbook.sheet("S")
    cell = sheet.get(1, 26)
    assert matching(cell.formula, sheet, done.workbook, Scanner(done.workbook), cell.value) == []


def test_unsupported_shapes_are_named():
    assert unsupported_shape("=SUM(B2:E5 C3:D4)") == "the intersection operator (a space between two ranges)"
    assert unsupported_shape("=SUM(VLOOKUP(1,A1:C1,{2,3}))").startswith("an array constant")
    assert unsupported_shape("=SUM(B2:E5,C3:D4)") is None


def test_every_entry_has_an_example_and_words():
    codes = [d.code for d in DIVERGENCES]
    assert len(codes) == len(set(codes))
    for d in DIVERGENCES:
        assert d.examples and d.trigger and d.ironcalc and d.excel and d.functions


def test_function_names_are_found_once_for_formulas_that_differ_in_digits():
    """engine._suspect_names searches formulas differing only in digits once; a name with digits of its own
    (LOG10 beside a mistyped LOG11) is still told apart, and a name inside a text is no call."""
    from hso_xl.workbook.book import Cell, Sheet, Workbook
    from hso_xl.workbook.divergences import FUNCTIONS
    from hso_xl.workbook.engine import _suspect_names

    formulas = ["=LOG10(A1)", "=LOG11(A2)", "=ROUND(B2*2,0)", "=ROUND(B3*2,0)", '="PIVOTBY(" & A1', "=SUMM(1)"]
    sheet = Sheet(name="Blad1", index=0)
    for row, formula in enumerate(formulas, 1):
        sheet.cells[(row, 3)] = Cell(row=row, col=3, value=None, formula=formula)
    suspect = _suspect_names(Workbook(path=Path("x.xlsx"), sheets=[sheet], defined_names={}), FUNCTIONS)
    assert {"LOG11", "SUMM"} <= suspect and not {"LOG10", "ROUND", "PIVOTBY"} & suspect
