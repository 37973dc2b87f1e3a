"""IronCalc's own Excel-saved test workbooks (tests/oracle/excel/ironcalc/, see its README):
`hso-xl recalc` computes every formula cell, finds no difference from what Excel cached, and the
copy it writes carries Excel's values.

These files are what IronCalc is tested against, so they mostly confirm it; they also hold a
function name Excel does not know either, inside IFERROR (`=IFERROR(SUMM(1,2),…)`), which the
value Excel cached confirms, and times of day that Excel caches under a time format.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hso_xl.cli import main
from hso_xl.workbook.load import load_workbook

from ..helpers.compare import agrees
from ..helpers.excel_files import saved_by

FOLDER = Path(__file__).resolve().parent / "excel" / "ironcalc"
FILES = sorted(FOLDER.glob("*.xlsx"))


def test_the_files_are_there_and_saved_by_excel():
    assert len(FILES) == 34
    assert all("Excel" in saved_by(p) for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_recalc_agrees_with_excel_in_every_cell(path, tmp_path):
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["recalc", str(path), "-o", str(out), "--json"])
    report = json.loads(result.output)
    assert report["not_computed"] == [] and report["differences"] == []
    assert report["cells"]["agree"] + report["cells"]["without_cached_value"] == report["formulas"] > 0
    assert result.exit_code == (1 if report["error_values"] else 0)
    excel = {(s.name, c.coordinate): c.cached for s, c in load_workbook(path).formula_cells()}
    ours = {(s.name, c.coordinate): c.cached for s, c in load_workbook(out).formula_cells()}
    wrong = [k for k, v in excel.items() if v is not None and not agrees(v, ours[k])]
    assert wrong == []


def test_a_name_excel_does_not_know_either_is_confirmed_by_the_cached_value(tmp_path):
    path = FOLDER / "LOGICAL_IFERROR.xlsx"
    cells = {c.coordinate: c for s, c in load_workbook(path).formula_cells() if s.name == "Sheet1"}
    assert "SUMM(" in cells["C13"].formula.upper()
    result = CliRunner().invoke(main, ["recalc", str(path), "-o", str(tmp_path / "o.xlsx"), "--json"])
    report = json.loads(result.output)
    assert report["unsupported_functions"] == {} and report["not_computed"] == []
