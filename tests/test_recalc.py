"""`hso-xl recalc`: a copy with recomputed cached values, every other part kept, differences reported."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from hso_xl.cli import main

from .conftest import sha256


def rewrite_member(path: Path, member: str, change) -> None:
    """Apply `change(text) -> text` to one part of a zip package, keeping the others."""
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == member:
                data = change(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)


def sheet_member(path: Path, name: str) -> str:
    from hso_xl.workbook.write import sheet_parts

    with zipfile.ZipFile(path) as zf:
        return sheet_parts(zf)[name]


def style(cell) -> tuple:
    return (cell.number_format, cell.font.name, cell.font.sz, cell.font.b, cell.font.i, cell.fill.fgColor.rgb,
            cell.border.top.style, cell.border.bottom.style)


def stale(sample: Path) -> Path:
    """Make Budget!B11 (Summa bokförd kostnad 2027) carry a wrong cached value, as after a manual edit."""
    member = sheet_member(sample, "Budget")
    rewrite_member(sample, member, lambda xml: re.sub(r'(<c r="B11"[^>]*>.*?<v>)[^<]*(</v>)', r"\g<1>12345\g<2>", xml))
    return sample


def test_recalc_reports_stale_cached_value_and_fixes_it(sample, tmp_path):
    stale(sample)
    before = sha256(sample)
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["recalc", str(sample), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["differences"] == [
        {"cell": "Budget!B11", "cached": 12345, "recomputed": 13279868.4, "formula": "=SUM(B4:B9)-B10"}
    ]
    assert sha256(sample) == before  # the input is never modified
    cached = openpyxl.load_workbook(out, data_only=True)
    assert cached["Budget"]["B11"].value == 13279868.4
    assert cached["Finansiering"]["G9"].value == 1363221  # Ånge kommun, total


def test_recalc_keeps_formulas_styles_and_other_parts(sample, tmp_path):
    stale(sample)
    out = tmp_path / "out.xlsx"
    CliRunner().invoke(main, ["recalc", str(sample), "-o", str(out)], catch_exceptions=False)
    with zipfile.ZipFile(sample) as a, zipfile.ZipFile(out) as b:
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        changed = [n for n in a.namelist() if a.read(n) != b.read(n)]
        assert changed == [sheet_member(sample, "Budget")]
    src = openpyxl.load_workbook(sample)
    dst = openpyxl.load_workbook(out)
    for ws in src.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                twin = dst[ws.title][cell.coordinate]
                assert twin.value == cell.value  # formulas and constants
                assert style(twin) == style(cell)


def test_recalc_text_lists_differences(sample, tmp_path):
    stale(sample)
    result = CliRunner().invoke(main, ["recalc", str(sample), "-o", str(tmp_path / "o.xlsx")])
    assert "Budget!B11: cached 12345, recomputed 13279868.4  =SUM(B4:B9)-B10" in result.output
    assert result.exit_code == 0


def test_recalc_refuses_to_overwrite_input(sample):
    before = sha256(sample)
    result = CliRunner().invoke(main, ["recalc", str(sample), "-o", str(sample)])
    assert result.exit_code == 2
    assert "overwrite the input" in result.output
    assert sha256(sample) == before


def test_recalc_keeps_the_cached_value_of_a_circular_reference(sample, tmp_path):
    wb = openpyxl.load_workbook(sample)
    wb["Budget"]["B7"] = "=B11*0.1"  # Externa tjänster now depends on the total it is part of
    wb.save(sample)
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["recalc", str(sample), "-o", str(out), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    causes = [p for p in report["not_computed"] if p["code"] == "formula.circular"]
    assert {p["cell"] for p in causes} == {"Budget!B7", "Budget!B11"}  # the cycle, not every reader
    readers = {p["cell"]: p for p in report["not_computed"] if p["code"] == "formula.depends"}
    assert readers["Finansiering!D6"]["why"].startswith("depends on Budget!B")  # Tillväxtverket balances on B11
    assert "Finansiering!G9" not in readers  # Ånge's total reads nothing of the cycle: computed and written
    assert openpyxl.load_workbook(out, data_only=True)["Finansiering"]["G9"].value == 1363221
    assert report["cells"]["not_computed"] == len(report["not_computed"])
    strict = tmp_path / "strict.xlsx"
    refused = CliRunner().invoke(main, ["recalc", str(sample), "-o", str(strict), "--strict"])
    assert refused.exit_code == 2
    assert "Budget!B7" in refused.output and "circular" in refused.output
    assert not strict.exists()


def test_recalc_fills_missing_cached_values(sample, tmp_path):
    wb = openpyxl.load_workbook(sample)  # openpyxl saves formulas without cached values
    wb.save(sample)
    assert openpyxl.load_workbook(sample, data_only=True)["Budget"]["D4"].value is None
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["recalc", str(sample), "-o", str(out), "--json"])
    assert json.loads(result.output)["without_cached_value"] > 80
    assert openpyxl.load_workbook(out, data_only=True)["Budget"]["D4"].value == 6741115.797503999


def test_name_starting_with_a_ring_is_reported_and_the_rest_written(sample, tmp_path):
    """IronCalc 0.9.1 cannot parse a defined name whose first letter is Å/Ä/Ö: say so, keep that cell's value."""
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.load_workbook(sample)
    wb.defined_names["Årsbelopp"] = DefinedName("Årsbelopp", attr_text="Parametrar!$B$5")
    wb["Parametrar"]["D5"] = "=Årsbelopp*2"
    wb.save(sample)
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["recalc", str(sample), "-o", str(out)])
    assert result.exit_code == 1
    assert "Parametrar!D5: the engine (IronCalc 0.9.1) cannot read the defined name Årsbelopp" in result.output
    assert "Name Manager" in result.output
    assert openpyxl.load_workbook(out, data_only=True)["Budget"]["D4"].value == 6741115.797503999
    assert openpyxl.load_workbook(out, data_only=True)["Parametrar"]["D5"].value is None  # openpyxl cached none
    # Parametrar!D5 is a note beside the parameters, which no figure reads: check warns, the documents are made.
    check = CliRunner().invoke(main, ["check", str(sample)])
    assert check.exit_code == 0, check.output
    assert "warning: Parametrar!D5: the engine (IronCalc 0.9.1) cannot read the defined name Årsbelopp" in check.output


def test_cells_not_computed_are_left_out_of_the_values_written_under_any_sheet_name():
    from hso_xl.workbook.book import Cell, Sheet
    from hso_xl.workbook.write import _formula_values

    cells = {(r, c): Cell(r, c, float(r * c), formula="=1") for r in (2, 3) for c in (2, 28)}
    cells[(4, 2)] = Cell(4, 2, 9.0)  # a typed-in number: not a formula, never written
    for name in ("Budget", "Min budget", "Bud'get", "Budget 2"):
        sheet = Sheet(name, 0, cells=dict(cells))
        keep = {sheet.ref(2, 2), sheet.ref(3, 28), "Other!B3", "'Min budget 2'!B3", "Budget 2!AB2"}
        assert _formula_values(sheet, keep) == {b"AB2": 56.0, b"B3": 6.0}, name
        assert _formula_values(sheet, set()) == {b"B2": 4.0, b"AB2": 56.0, b"B3": 6.0, b"AB3": 84.0}
