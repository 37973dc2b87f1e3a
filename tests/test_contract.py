"""The workbook contract: the tool keeps working when an administrator reshapes the workbook,
and the budget checks catch what is wrong with a name and a cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from hso_xl.model.checked import check_workbook
from hso_xl.sample import S0_COSTS, CostRow, Financier, s0_cash_financiers
from hso_xl.swedish import whole_kronor


def edit(path: Path, changes: dict[str, object], rename: dict[str, str] | None = None) -> Path:
    """Change cells ("Sheet!A1": value) of a workbook as an administrator would, and save it."""
    wb = openpyxl.load_workbook(path)
    for ref, value in changes.items():
        sheet, cell = ref.split("!")
        wb[sheet][cell] = value
    for old, new in (rename or {}).items():
        wb[old].title = new
    wb.save(path)
    return path


def codes(checked) -> set[str]:
    return {f.code for f in checked.findings if f.severity.value == "error"}


# -- reshaping the workbook ---------------------------------------------------------------------

def test_inserted_cost_row_is_counted(make_workbook):
    costs = S0_COSTS[:5] + (CostRow("Konferenser", (100_000, 50_000, 50_000)),) + S0_COSTS[5:]
    # A new cost is paid by a new financier, so the EU share stays within the cap.
    cash = s0_cash_financiers() + (Financier("Sparbanksstiftelsen", "privat", (100_000, 50_000, 50_000)),)
    checked = check_workbook(make_workbook(costs=costs, cash=cash))
    assert codes(checked) == set()
    assert [c.label for c in checked.budget.costs][5] == "Konferenser"
    assert whole_kronor(checked.budget.booked_cost(0)) == 13_279_868 + 100_000


def test_inserted_financier_is_counted(make_workbook):
    cash = s0_cash_financiers() + (Financier("Sparbanksstiftelsen", "privat", (50_000,)),)
    checked = check_workbook(make_workbook(cash=cash))
    assert codes(checked) == set()
    line = next(f for f in checked.budget.financing if f.label == "Sparbanksstiftelsen")
    assert (line.sector, line.kind) == ("privat", "kontant")
    # Tillväxtverket balances: it gives 50 000 less each year.
    tvv = next(f for f in checked.budget.financing if f.is_eu)
    assert whole_kronor(tvv.amounts[0]) == 5_921_580 - 50_000


def test_fourth_year(make_workbook):
    checked = check_workbook(make_workbook(years=4, eu_cap=0.5))
    assert checked.budget.years == (2027, 2028, 2029, 2030)
    assert codes(checked) == set()
    personal = checked.printed.costs.row("Personal").printed
    assert personal[3] == whole_kronor(6_428_829 * 1.024**3)
    assert checked.printed.cash.row("Ånge kommun").total == 4 * 454_407


def test_reordered_sheets(make_workbook):
    path = make_workbook(sheet_order=("Kommuner", "Finansiering", "Budget", "Parametrar", "Projekt"))
    checked = check_workbook(path)
    assert codes(checked) == set()
    assert sum(checked.printed.project_totals) == 40_196_257


def test_labels_in_other_case_and_spacing(make_workbook):
    shout = lambda text: "  " + text.upper().replace(" ", "   ") + " "  # noqa: E731
    checked = check_workbook(make_workbook(label=shout))
    assert codes(checked) == set()
    assert sum(checked.printed.booked_totals) == 37_496_857


def test_renamed_sheet_in_other_case(sample):
    edit(sample, {}, rename={"Finansiering": "tmp"})
    edit(sample, {}, rename={"tmp": "  FINANSIERING "})
    assert sum(check_workbook(sample).printed.project_totals) == 40_196_257


# -- what the checks catch -----------------------------------------------------------------------

def test_unbalanced_year(sample):
    edit(sample, {"Finansiering!E6": 5_000_000})  # Tillväxtverket 2028 typed over its formula
    checked = check_workbook(sample)
    found = [f for f in checked.findings if f.code == "balance.year"]
    assert found and "2028" in found[0].message
    assert found[0].location == "Finansiering!E22"


def test_eu_cap_exceeded(sample):
    edit(sample, {"Finansiering!D5": 1_000_000})  # less from the region: Tillväxtverket balances upward
    checked = check_workbook(sample)
    cap = [f for f in checked.findings if f.code == "eu.cap"]
    assert cap, checked.findings
    assert "Tillväxtverket" in cap[0].message and "40 %" in cap[0].message


def test_negative_amount(sample):
    edit(sample, {"Budget!C7": -5_000})
    checked = check_workbook(sample)
    neg = [f for f in checked.findings if f.code == "amount.negative"]
    assert [f.location for f in neg] == ["Budget!C7"]


def test_municipality_without_financing_and_financier_without_facts(sample):
    edit(sample, {"Finansiering!A9": "Bräcke kommun"})  # Ånge's row renamed
    checked = check_workbook(sample)
    found = {(f.code, f.location) for f in checked.findings}
    assert ("municipality.no_financing", "Kommuner!A6") in found
    assert ("municipality.no_facts", "Finansiering!A9") in found


def test_total_row_that_misses_a_row(sample):
    edit(sample, {"Budget!B11": "=SUM(B4:B8)-B10"})  # Resor och logi left out of the SUM
    checked = check_workbook(sample)
    found = [f for f in checked.findings if f.code == "workbook.total"]
    assert [f.location for f in found] == ["Budget!B11"]  # one finding for the cause, not one per year
    message = found[0].message
    assert "leaves out 'Resor och logi' (627 702 kr / 223 331 kr / 223 331 kr)" in message
    assert "Widen the formula =SUM(B4:B8)-B10 in Budget!B11" in message
    assert "2027 12 652 166,40 kr where its rows add up to 13 279 868,40 kr" in message
    # The financing plan balances against the wrong total: said in the same finding, not as ten more errors.
    assert codes(checked) == {"workbook.total"}


def test_decomposed_unicode_name_matches(sample):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Ånge kommun")
    assert decomposed != "Ånge kommun"
    edit(sample, {"Finansiering!A9": decomposed})
    checked = check_workbook(sample)
    assert codes(checked) == set()


def test_missing_project_name_is_a_missing_fact_not_a_refusal(sample):
    edit(sample, {"Projekt!B4": None})  # Projektnamn
    checked = check_workbook(sample)
    assert codes(checked) == set()
    assert "namn" not in checked.budget.project or checked.budget.project["namn"].value is None


def test_empty_amount_is_zero_with_a_warning(sample):
    edit(sample, {"Budget!C7": None})
    checked = check_workbook(sample)
    found = [f for f in checked.findings if f.code == "amount.empty"]
    assert [(f.severity.value, f.location) for f in found] == [("warning", "Budget!C7")]
    assert checked.budget.costs[3].amounts[1] == 0


def test_hidden_sheet_and_merged_cells_are_warned(sample):
    wb = openpyxl.load_workbook(sample)
    wb["Kommuner"].sheet_state = "hidden"
    wb["Budget"].merge_cells("A13:E13")  # the direct-financing heading across the table
    wb.save(sample)
    checked = check_workbook(sample)
    found = {(f.code, f.location) for f in checked.findings if f.severity.value == "warning"}
    assert ("sheet.hidden", "Kommuner") in found
    assert ("sheet.merged", "Budget!A13:E13") in found
    assert sum(checked.printed.project_totals) == 40_196_257


def test_iso_date_typed_as_text_is_read_with_a_warning(sample):
    edit(sample, {"Projekt!B10": " 2029-12-31 "})  # Projektslut, typed as text with stray spaces
    checked = check_workbook(sample)
    fact = checked.budget.project["projektslut"]
    assert fact.value == dt.datetime(2029, 12, 31)
    found = [f for f in checked.findings if f.code == "date.text"]
    assert [(f.severity.value, f.location) for f in found] == [("warning", "Projekt!B10")]
    assert "'2029-12-31'" in found[0].message and "Format the cell as a date" in found[0].message


@pytest.mark.parametrize("text", ["30/1/2026", "1.30.2026", "2026/01/30", "2026-02-30"])
def test_date_in_another_form_typed_as_text_is_an_error(sample, text):
    edit(sample, {"Projekt!B11": text})  # Utkast klart
    checked = check_workbook(sample)
    found = [f for f in checked.findings if f.code == "date.ambiguous"]
    assert [(f.severity.value, f.location) for f in found] == [("error", "Projekt!B11")]
    assert f"'{text}'" in found[0].message and "2029-12-31" in found[0].message


def test_text_that_is_not_a_date_stays_text(sample):
    edit(sample, {"Projekt!B11": "v. 5 2026"})
    checked = check_workbook(sample)
    assert not [f for f in checked.findings if f.code.startswith("date.")]
    assert checked.budget.project["utkast_klart"].value == "v. 5 2026"
