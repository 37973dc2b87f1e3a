"""Recompute real workbooks saved by Microsoft Excel and compare with the values Excel cached.

The files are the Excel-saved test workbooks of the xlcalculator 0.5.0 sdist on PyPI (fixture
`excel_files`, downloaded once into .cache/excel-fixtures/). For each budget-style file,
`hso-xl recalc FILE -o OUT --json` must report no difference from Excel's cached values, and the
copy it writes must carry Excel's values, cell by cell.

Left out, and why:
* whole files whose functions are not budget material: trigonometry (ACOS, ASIN, ATAN, ATAN2, COS,
  COSH), LN, SQRT, POWER, engineering base conversion (BASES.xlsx: 96 cells differ, e.g. OCT2BIN of
  an out-of-range octal gives "0" where Excel gives #NUM!, DEC2BIN with a bad `places` gives
  #VALUE! where Excel gives #NUM!), VDB depreciation (VDB.xlsx: 15 cells differ in the 4th-5th
  significant digit for fractional periods), IRR/XNPV/SLN/YEARFRAC/DATEDIF, text functions (FIND,
  MID, LEN, RIGHT, EXACT, CONCAT), and files saved by LibreOffice rather than Excel;
* single cells in EXCLUDED_CELLS below.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from hso_xl.workbook.book import ExcelError, quote_sheet

from ..helpers.compare import agrees
from ..helpers.excel_files import saved_by
from ..helpers.libreoffice import read_values

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CLI_TIMEOUT = 120

# File (inside the sdist) -> what budget-style formulas it holds.
BUDGET_STYLE_FILES = {
    "examples/common_use_case/use_case_01.xlsm": "10 sheets: cross-sheet references, SUM, defined names (Hundred)",
    "tests/resources/SUM.xlsx": "SUM over a 2-D range",
    "tests/resources/addition.xlsx": "+",
    "tests/resources/subtraction.xlsx": "-",
    "tests/resources/multiplication.xlsx": "*",
    "tests/resources/division.xlsx": "/",
    "tests/resources/average.xlsx": "AVERAGE over ranges and scalars",
    "tests/resources/MIN.xlsx": "MIN",
    "tests/resources/MAX.xlsx": "MAX",
    "tests/resources/COUNT.xlsx": "COUNT with text, blanks and scalars",
    "tests/resources/COUNTA.xlsx": "COUNTA, up to column IW",
    "tests/resources/ROUND.xlsx": "ROUND with positive and negative digits, halves",
    "tests/resources/ROUNDUP.xlsx": "ROUNDUP",
    "tests/resources/ROUNDDOWN.xlsx": "ROUNDDOWN",
    "tests/resources/INT.xlsx": "INT",
    "tests/resources/MOD.xlsx": "MOD with negative operands",
    "tests/resources/IF.xlsx": "IF and text comparison",
    "tests/resources/SUMIFS.xlsx": "SUMIFS with case-insensitive criteria",
    "tests/resources/SUMPRODUCT.xlsx": "SUMPRODUCT",
    "tests/resources/VLOOKUP.xlsx": "VLOOKUP exact and approximate",
    "tests/resources/CONCATENATE.xlsx": "CONCATENATE of text and numbers",
    "tests/resources/DATE.xlsx": "DATE, with month/day overflow, text arguments and Excel's #NUM! cases",
    "tests/resources/EDATE.xlsx": "EDATE",
    "tests/resources/EOMONTH.xlsx": "EOMONTH",
    "tests/resources/YEAR.xlsx": "YEAR",
    "tests/resources/MONTH.xlsx": "MONTH",
    "tests/resources/DAY.xlsx": "DAY",
    "tests/resources/NPV.xlsx": "NPV",
    "tests/resources/PMT.xlsx": "PMT",
}

# (file, "Sheet!Cell") -> why that one cell is not compared.
EXCLUDED_CELLS = {
    ("tests/resources/YEAR.xlsx", "Sheet1!C5"): (
        "=YEAR(C3) of the text '7/5/1800' (a date before 1900): Excel gives #VALUE!, IronCalc #NUM!. "
        "Both are errors and hso_xl reports it as one; pre-1900 dates typed as text are not budget material"
    ),
}


@dataclass
class Run:
    source: Path
    output: Path
    returncode: int
    report: dict


def _recalc(source: Path, output: Path) -> Run:
    done = subprocess.run(
        [sys.executable, "-m", "hso_xl", "recalc", str(source), "-o", str(output), "--json"],
        capture_output=True, text=True, timeout=CLI_TIMEOUT, cwd=ROOT,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        report = {"unparsable_stdout": done.stdout, "stderr": done.stderr}
    return Run(source, output, done.returncode, report)


@pytest.fixture(scope="module")
def runs(excel_files, tmp_path_factory) -> dict[str, Run]:
    """`hso-xl recalc --json` of every selected file, run a few at a time."""
    out = tmp_path_factory.mktemp("excel-recalc")
    jobs = {name: (excel_files / name, out / f"{i:02d}-{Path(name).stem}.xlsx")
            for i, name in enumerate(BUDGET_STYLE_FILES)}
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 2)) as pool:
        futures = {name: pool.submit(_recalc, src, dst) for name, (src, dst) in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def _formula_cells(path: Path) -> list[tuple[str, str, str]]:
    """(sheet, cell, formula) of every formula cell in the file, with every cell of an array formula's
    range (Excel shows the formula in each; hso-xl recomputes and reports each)."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet.formula import ArrayFormula

    book = openpyxl.load_workbook(path)
    try:
        out = {}
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type != "f":
                        continue
                    out[(ws.title, cell.coordinate)] = str(cell.value)
                    if isinstance(cell.value, ArrayFormula) and ":" in (cell.value.ref or ""):
                        c1, r1, c2, r2 = range_boundaries(cell.value.ref)
                        for r in range(r1, r2 + 1):
                            for c in range(c1, c2 + 1):
                                out.setdefault((ws.title, ws.cell(r, c).coordinate), str(cell.value))
        return [(sheet, coordinate, formula) for (sheet, coordinate), formula in out.items()]
    finally:
        book.close()


def _ref(sheet: str, cell: str) -> str:
    return f"{quote_sheet(sheet)}!{cell}"


@pytest.mark.parametrize("name", list(BUDGET_STYLE_FILES))
def test_file_was_saved_by_excel(excel_files, name):
    assert "Microsoft" in saved_by(excel_files / name) and "Excel" in saved_by(excel_files / name)


@pytest.mark.parametrize("name", list(BUDGET_STYLE_FILES))
def test_recalc_reports_no_difference_from_excel(runs, name):
    run = runs[name]
    report = run.report
    assert "unparsable_stdout" not in report, report
    assert run.output.is_file(), report
    assert report["formulas"] == len(_formula_cells(run.source)) > 0
    assert report["unsupported_functions"] == {}
    assert report["circular_references"] == [] and report["external_references"] == []
    excluded = {cell for (file, cell) in EXCLUDED_CELLS if file == name}
    differences = [d for d in report["differences"] if d["cell"] not in excluded]
    assert differences == []
    # Every error value hso_xl reports is an error Excel cached as well (DATE.xlsx has three):
    assert {e["cell"] for e in report["error_values"]} - excluded == {
        d for d in _excel_errors(run.source) if d not in excluded
    }
    assert run.returncode == (1 if report["error_values"] else 0)


@pytest.mark.parametrize("name", list(BUDGET_STYLE_FILES))
def test_recalc_output_carries_excels_values(runs, name):
    """Independently of hso_xl's own comparison: the written copy holds Excel's value in every cell."""
    run = runs[name]
    excel = read_values(run.source)
    ours = read_values(run.output)
    excluded = {cell for (file, cell) in EXCLUDED_CELLS if file == name}
    compared, wrong = 0, []
    for sheet, cell, formula in _formula_cells(run.source):
        ref = _ref(sheet, cell)
        if ref in excluded:
            continue
        key = (sheet, cell)
        assert key in excel, f"{ref} has no value cached by Excel: nothing to compare"
        compared += 1
        if not agrees(excel[key], ours.get(key)):
            wrong.append(f"{ref} {formula}: Excel cached {excel[key]!r}, hso-xl wrote {ours.get(key)!r}")
    assert compared > 0
    assert wrong == []


def test_excluded_cells_are_still_in_the_files(excel_files):
    """EXCLUDED_CELLS names real formula cells (a typo would silently exclude nothing)."""
    for file, ref in EXCLUDED_CELLS:
        assert file in BUDGET_STYLE_FILES
        cells = {_ref(sheet, cell) for sheet, cell, _ in _formula_cells(excel_files / file)}
        assert ref in cells


def test_selection_covers_the_budget_functions(excel_files):
    text = " ".join(f.upper() for name in BUDGET_STYLE_FILES for _, _, f in _formula_cells(excel_files / name))
    for function in ("SUM(", "ROUND(", "ROUNDUP(", "ROUNDDOWN(", "IF(", "SUMIFS(", "VLOOKUP(", "AVERAGE(",
                     "MIN(", "MAX(", "SUMPRODUCT(", "DATE(", "EDATE(", "YEAR(", "CONCATENATE("):
        assert function in text, function
    assert sum(len(_formula_cells(excel_files / name)) for name in BUDGET_STYLE_FILES) >= 140


def _excel_errors(path: Path) -> set[str]:
    cells = {(s, c) for s, c, _ in _formula_cells(path)}
    return {_ref(*key) for key, value in read_values(path).items() if key in cells and isinstance(value, ExcelError)}
