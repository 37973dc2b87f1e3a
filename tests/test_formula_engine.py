"""The formula engine as an administrator meets it: a workbook with formulas IronCalc cannot compute.

* A cell no figure uses (a notes sheet): `check` and `build` warn and make the documents;
  `recalc` writes the copy, lists the cell, keeps its cached value and exits 1 (`--strict`: 2).
* The same cell feeding Ånge's amount: `check` and `build` stop, naming the chain of cells and the
  real cause (not "#N/IMPL!", not SUM), through cross-sheet references, defined names and whole columns.
* A figure resting on an approximate MATCH over unsorted data, without a cached value to confirm
  it, is warned about; a confirming cached value or sorted data silences the warning.
* A recomputed text holding a control character is written the way Excel writes it (_x0001_).

Workbooks are the shipped sample edited with openpyxl, as an administrator edits in Excel
(openpyxl saves no cached values); where a test needs cached values the file is given them by
`hso-xl recalc` and then edited in its XML.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from hso_xl.cli import main
from hso_xl.workbook.load import load_workbook

from .conftest import ROOT, sha256
from .test_recalc import rewrite_member, sheet_member

TEMPLATES = ROOT / "templates"
PIVOTBY = "=_xlfn.PIVOTBY(A2:A4,B2:B4,C2:C4,_xleta.SUM)"
FORECAST = "=_xlfn.FORECAST.ETS(4,C2:C4,A2:A4)"
ARRAY_INDEX = "=SUM(VLOOKUP(1,A2:C4,{2,3},FALSE))"


def with_notes(path: Path, formula: str, feed: str | None = None) -> Path:
    """Add a notes sheet whose B6 holds `formula`; with `feed`, that cell (`Finansiering!D9`) reads it
    through a scratch sheet: Finansiering!D9 <- Beräkning!F4 <- Anteckningar!B6."""
    wb = openpyxl.load_workbook(path)
    notes = wb.create_sheet("Anteckningar")
    notes.append(["Månad", "Kategori", "Belopp"])
    for row in ([1, "Resor", 120], [2, "Resor", 140], [3, "Lokaler", 160]):
        notes.append(row)
    notes["B6"] = formula
    notes["B7"] = "=B6+1"
    notes["D1"] = "=SUM(C2:C4)"  # computes: the rest of the sheet is recomputed as usual
    if feed:
        scratch = wb.create_sheet("Beräkning")
        scratch["F4"] = "=0*Anteckningar!B6"
        wb["Finansiering"][feed.split("!")[1]] = "=454407+Beräkning!F4"
    wb.save(path)
    return path


def build(workbook: Path, out: Path):
    return CliRunner().invoke(main, ["build", str(workbook), "--templates", str(TEMPLATES), "--out", str(out)])


# -- a cell no figure uses --------------------------------------------------------------------------

@pytest.mark.slow
def test_build_with_an_unsupported_function_on_a_notes_sheet_warns_and_builds(sample, tmp_path):
    with_notes(sample, PIVOTBY)
    out = tmp_path / "output"
    result = build(sample, out)
    assert result.exit_code == 0, result.output
    assert "warning: Anteckningar!B6: PIVOTBY is not supported by the engine (IronCalc 0.9.1); 1 cell reads it " \
           "(Anteckningar!B7); no figure the documents use depends on them" in result.output
    assert (out / "kommuner" / "Ånge kommun – Beslutsunderlag.docx").is_file()
    assert "Anteckningar!B6: PIVOTBY is not supported" in (out / "rapport.txt").read_text(encoding="utf-8")


def test_check_with_an_unsupported_function_on_a_notes_sheet_warns(sample):
    with_notes(sample, FORECAST)
    result = CliRunner().invoke(main, ["check", str(sample), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    warning = next(f for f in data["findings"] if f["location"] == "Anteckningar!B6")
    assert warning["severity"] == "warning" and warning["code"] == "formula.unsupported"
    assert warning["message"].startswith("FORECAST.ETS is not supported by the engine")
    assert warning["details"]["dependents"] == ["Anteckningar!B7"]
    assert data["municipalities"][5]["name"] == "Ånge kommun" and data["municipalities"][5]["total"] == 1_363_221


# -- the same cell feeding a figure -----------------------------------------------------------------

CAUSES = [
    (PIVOTBY, "PIVOTBY is not supported by the engine (IronCalc 0.9.1)"),
    (FORECAST, "FORECAST.ETS is not supported by the engine (IronCalc 0.9.1)"),
    (ARRAY_INDEX, "an array constant as the column or row VLOOKUP/HLOOKUP returns is not supported by the engine"),
]


@pytest.mark.parametrize("formula, cause", CAUSES, ids=["PIVOTBY", "FORECAST.ETS", "VLOOKUP-array"])
def test_check_stops_naming_the_chain_to_the_real_cause(sample, formula, cause):
    with_notes(sample, formula, feed="Finansiering!D9")
    before = sha256(sample)
    result = CliRunner().invoke(main, ["check", str(sample)])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"Error: {sample}: Finansiering!D9 [Ånge kommun · 2027] ← Beräkning!F4 ← Anteckningar!B6: {cause}")
    assert "supported by the engine: SUM" not in result.stderr
    assert sha256(sample) == before


@pytest.mark.slow
def test_build_stops_naming_the_chain_and_writes_nothing(sample, tmp_path):
    with_notes(sample, PIVOTBY, feed="Finansiering!D9")
    out = tmp_path / "output"
    result = build(sample, out)
    assert result.exit_code == 2
    assert "Finansiering!D9 [Ånge kommun · 2027] ← Beräkning!F4 ← Anteckningar!B6: PIVOTBY is not supported" \
        in result.output
    assert not out.exists()


def test_chain_through_a_defined_name_and_a_whole_column(sample):
    """Budget!B7 reads a defined name over a scratch cell, which sums a whole column holding the cause."""
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.load_workbook(sample)
    notes = wb.create_sheet("Anteckningar")
    notes["C1"] = 1960000
    notes["C2"] = "=0*_xlfn.FORECAST.ETS(4,A3:A5,B3:B5)"
    notes["E1"] = "=SUM(C:C)"
    wb.defined_names["Externt_2027"] = DefinedName("Externt_2027", attr_text="Anteckningar!$E$1")
    wb["Budget"]["B7"] = "=Externt_2027"
    wb.save(sample)
    result = CliRunner().invoke(main, ["check", str(sample), "--json"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["location"] == ("Budget!B7 [Externa tjänster · 2027] ← Anteckningar!E1 ← Anteckningar!C2")
    assert error["message"].startswith("FORECAST.ETS is not supported by the engine")


def test_an_error_value_a_figure_rests_on_names_where_it_starts(sample):
    wb = openpyxl.load_workbook(sample)
    wb.create_sheet("Beräkning")["A1"] = "=1/0"
    wb["Finansiering"]["D9"] = "=454407+Beräkning!A1"
    wb.save(sample)
    result = CliRunner().invoke(main, ["check", str(sample)])
    assert result.exit_code == 2
    assert "Finansiering!D9 [Ånge kommun · 2027] ← Beräkning!A1: the formula gives #DIV/0! (=1/0)" in result.stderr


def test_an_error_value_no_figure_uses_is_a_warning(sample):
    wb = openpyxl.load_workbook(sample)
    notes = wb.create_sheet("Anteckningar")
    notes["A1"] = "=1/0"
    notes["A2"] = "=A1*2"
    wb.save(sample)
    result = CliRunner().invoke(main, ["check", str(sample)])
    assert result.exit_code == 0, result.output
    assert "warning: Anteckningar!A1: formula gives #DIV/0! (=1/0); no figure the documents use depends on it" \
        in result.output
    assert "Anteckningar!A2" not in result.output  # it only passes the error on


# -- recalc writes what it can ----------------------------------------------------------------------

def excel_cached(path: Path, tmp_path: Path, cached: dict[str, str]) -> Path:
    """Give `path` cached values as Excel would have saved them: hso-xl's own for the cells it computes,
    `cached` ("Sheet!A1" -> the <v> text) for those it cannot."""
    done = tmp_path / "cached.xlsx"
    CliRunner().invoke(main, ["recalc", str(path), "-o", str(done)])
    for ref, value in cached.items():
        sheet, cell = ref.split("!")

        def change(xml, cell=cell, value=value):
            xml, n = re.subn(rf'(<c r="{cell}")([^>]*>)(<f>.*?</f>)(<v>[^<]*</v>|<v/>)?',
                             lambda m: f'{m.group(1)}{re.sub(" t=.[a-z]+.", "", m.group(2))}{m.group(3)}<v>{value}</v>',
                             xml, count=1)
            assert n == 1, cell
            return xml

        rewrite_member(done, sheet_member(done, sheet), change)
    return done


def test_recalc_writes_what_it_can_and_accounts_for_every_formula(sample, tmp_path):
    with_notes(sample, PIVOTBY)
    source = excel_cached(sample, tmp_path, {"Anteckningar!B6": "420", "Anteckningar!B7": "421"})
    before = sha256(source)
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["recalc", str(source), "-o", str(out), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["output"] == str(out) and out.is_file()
    cells = report["cells"]
    assert cells["agree"] + cells["differ"] + cells["not_computed"] + cells["without_cached_value"] \
        == report["formulas"] == 94
    assert cells == {"agree": 92, "differ": 0, "not_computed": 2, "without_cached_value": 0}
    assert [(p["cell"], p["code"], p["why"]) for p in report["not_computed"]] == [
        ("Anteckningar!B6", "formula.unsupported", "PIVOTBY is not supported by the engine (IronCalc 0.9.1)"),
        ("Anteckningar!B7", "formula.depends",
         "depends on Anteckningar!B6 (PIVOTBY is not supported by the engine)"),
    ]
    assert sha256(source) == before
    written = {(s.name, c.coordinate): c.cached for s, c in load_workbook(out).formula_cells()}
    assert written[("Anteckningar", "B6")] == 420 and written[("Anteckningar", "B7")] == 421  # Excel's, kept
    assert written[("Anteckningar", "D1")] == 420  # computed
    assert written[("Finansiering", "G9")] == 1_363_221

    text = CliRunner().invoke(main, ["recalc", str(source), "-o", str(tmp_path / "t.xlsx")])
    assert text.exit_code == 1
    assert "Recomputed 94 formulas with IronCalc 0.9.1: 92 agree with the values cached in the file, 0 differ, " \
           "2 could not be computed, 0 had no cached value." in text.output
    assert "  Anteckningar!B6: PIVOTBY is not supported by the engine (IronCalc 0.9.1)  " + PIVOTBY in text.output
    assert "(2 cells not computed keep the value the file cached)" in text.output


def test_recalc_with_nothing_left_exits_0(sample, tmp_path):
    with_notes(sample, "=SUM(C2:C4)*2")
    result = CliRunner().invoke(main, ["recalc", str(sample), "-o", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 0, result.output
    assert "0 could not be computed" in result.output


def test_recalc_strict_keeps_the_refusal(sample, tmp_path):
    with_notes(sample, PIVOTBY)
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["recalc", str(sample), "-o", str(out), "--strict", "--json"])
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert report["output"] is None and report["exit_code"] == 2
    assert report["unsupported_functions"] == {"Anteckningar!B6": ["PIVOTBY"]}
    assert not out.exists()


def test_unsupported_function_wrapped_in_iferror_is_not_computed(sample, tmp_path):
    """IFERROR(PIVOTBY(...);0) gives 0 in IronCalc, not what Excel gives: still not computed."""
    with_notes(sample, "=IFERROR(_xlfn.PIVOTBY(A2:A4,B2:B4,C2:C4,_xleta.SUM),0)")
    result = CliRunner().invoke(main, ["recalc", str(sample), "-o", str(tmp_path / "o.xlsx"), "--json"])
    report = json.loads(result.output)
    assert report["unsupported_functions"] == {"Anteckningar!B6": ["PIVOTBY"]}
    assert result.exit_code == 1


# -- control characters -----------------------------------------------------------------------------

def test_control_character_is_written_as_excel_writes_it(sample, tmp_path):
    wb = openpyxl.load_workbook(sample)
    notes = wb.create_sheet("Anteckningar")
    notes["A1"] = '=CHAR(1)&"x"'
    notes["A2"] = '="_x0041_"'  # text that looks like an escape is escaped itself
    wb.save(sample)
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["recalc", str(sample), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as zf:
        xml = zf.read(sheet_member(out, "Anteckningar")).decode("utf-8")
    assert "<v>_x0001_x</v>" in xml and "<v>_x005F_x0041_</v>" in xml
    cached = {c.coordinate: c.cached for _, c in load_workbook(out).formula_cells() if _.name == "Anteckningar"}
    assert cached == {"A1": "\x01x", "A2": "_x0041_"}
    assert openpyxl.load_workbook(out)["Anteckningar"]["A1"].value == '=CHAR(1)&"x"'
    again = CliRunner().invoke(main, ["recalc", str(out), "-o", str(tmp_path / "again.xlsx"), "--json"])
    assert json.loads(again.output)["differences"] == []  # what was written reads back as the same text


# -- figures at risk --------------------------------------------------------------------------------

def with_lookup(path: Path, keys: tuple) -> Path:
    """Externa tjänster 2027 (Budget!B7) found by an approximate MATCH in a small table on Parametrar."""
    wb = openpyxl.load_workbook(path)
    par = wb["Parametrar"]
    for i, (key, amount) in enumerate(zip(keys, (930000, 680000, 1960000))):
        par[f"F{4 + i}"], par[f"G{4 + i}"] = key, amount
    wb["Budget"]["B7"] = "=INDEX(Parametrar!G4:G6,MATCH(2,Parametrar!F4:F6))"
    wb.save(path)
    return path


def test_figure_resting_on_approximate_match_over_unsorted_data_is_warned(sample):
    with_lookup(sample, (3, 1, 2))
    result = CliRunner().invoke(main, ["check", str(sample), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["totals"]["booked_cost"]["printed"]["2027"] == 13_279_868  # IronCalc found 1 960 000
    risks = [f for f in data["findings"] if f["code"] == "engine.divergence"]
    assert len(risks) == 1
    risk = risks[0]
    assert risk["severity"] == "warning" and risk["location"] == "Budget!B7"
    assert risk["details"]["divergence"] == "lookup.approximate"
    assert risk["message"].startswith("=INDEX(Parametrar!G4:G6,MATCH(2,Parametrar!F4:F6)): approximate lookup")
    assert "returns another position" in risk["message"]
    assert "no cached value to confirm the recomputed 1960000" in risk["message"]


def test_a_confirming_cached_value_or_sorted_data_is_no_risk(sample, tmp_path, make_workbook):
    with_lookup(sample, (3, 1, 2))
    confirmed = excel_cached(sample, tmp_path, {})  # the file now caches 1 960 000 for Budget!B7
    data = json.loads(CliRunner().invoke(main, ["check", str(confirmed), "--json"]).output)
    assert [f for f in data["findings"] if f["code"] == "engine.divergence"] == []
    sorted_keys = with_lookup(make_workbook(), (0, 1, 2))
    data = json.loads(CliRunner().invoke(main, ["check", str(sorted_keys), "--json"]).output)
    assert [f for f in data["findings"] if f["code"] == "engine.divergence"] == []


def test_risk_through_another_sheet_names_the_figure(sample):
    """A YEAR of an empty cell on a scratch sheet feeds a figure: the warning names that figure."""
    wb = openpyxl.load_workbook(sample)
    scratch = wb.create_sheet("Beräkning")
    scratch["B2"] = "=IFERROR(YEAR(A1),1900)-1900"
    wb["Budget"]["B8"] = "=Beräkning!B2"
    wb.save(sample)
    data = json.loads(CliRunner().invoke(main, ["check", str(sample), "--json"]).output)
    risk = next(f for f in data["findings"] if f["code"] == "engine.divergence")
    assert risk["location"] == "Beräkning!B2" and risk["details"]["divergence"] == "date.low_serial"
    assert risk["details"]["chain"] == ["Budget!B8", "Beräkning!B2"]
    assert "the figure Budget!B8 rests on it" in risk["message"]


# -- what "a figure the documents use" covers ---------------------------------------------------------

@pytest.mark.slow
def test_every_cell_a_document_reads_is_a_figure_check_guards(tmp_path):
    """The master workbook's cells `build` records per document all lie in the set `check` stops for
    (docs/workbook.md). Cells of other workbooks (`[Rapportdata_2025.xlsx]Nyckeltal!G25`) come from
    companions that are read whole: any formula there that does not compute stops the build."""
    from hso_xl.build import build as run_build
    from hso_xl.model.checked import check_workbook
    from hso_xl.model.used import figure_cells

    from .conftest import SAMPLE

    result = run_build(SAMPLE, tmp_path / "output", TEMPLATES)
    guarded = set(figure_cells(result.checked.workbook, result.checked.budget))
    read = {cell for doc in result.documents for cell in doc.cells if not cell.startswith("[")}
    assert read and read <= guarded
    assert "Kommuner!A9" in guarded and "Parametrar!B6" in guarded  # a municipality's row, a named parameter
    formula_findings = [f for f in check_workbook(SAMPLE).findings if f.code.startswith(("formula.", "engine."))]
    assert formula_findings == [f for f in result.checked.findings if f.code.startswith(("formula.", "engine."))]
