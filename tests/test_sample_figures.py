"""The shipped sample workbook lands on S0's figures (see docs/workbook.md for the 1-2 kr places)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hso_xl.model.checked import check_workbook
from hso_xl.report import exit_code
from hso_xl.swedish import whole_kronor

from .conftest import SAMPLE


@pytest.fixture(scope="module")
def checked():
    return check_workbook(SAMPLE)


def test_sample_has_no_error_findings(checked):
    assert exit_code(checked.findings) == 0
    assert checked.verification.formula_count > 80
    assert checked.verification.without_cached_value == 0
    assert checked.verification.differences == []


def test_years(checked):
    assert checked.budget.years == (2027, 2028, 2029)


@pytest.mark.parametrize(
    "method, expected",
    [
        ("booked_cost", (13_279_868, 12_102_109, 12_114_880)),
        ("project_cost", (14_179_668, 13_001_909, 13_014_680)),
        ("direct_cost", (899_800, 899_800, 899_800)),
        ("cash_financing", (13_279_868, 12_102_109, 12_114_880)),
        ("total_financing", (14_179_668, 13_001_909, 13_014_680)),
    ],
)
def test_yearly_totals_round_to_s0(checked, method, expected):
    per_year = getattr(checked.budget, method)
    assert tuple(whole_kronor(per_year(i)) for i in range(3)) == expected


def test_printed_totals_equal_s0(checked):
    p = checked.printed
    assert p.booked_totals == (13_279_868, 12_102_109, 12_114_880)
    assert sum(p.booked_totals) == 37_496_857
    assert p.project_totals == (14_179_668, 13_001_909, 13_014_680)
    assert sum(p.project_totals) == 40_196_257
    assert p.financing_totals == p.project_totals


@pytest.mark.parametrize(
    "label, year1, year2, year3",
    [
        ("Personal", 6_428_829, 6_583_121, 6_741_116),
        ("Lönebikostnad", 2_868_707, 2_937_556, 3_008_057),
        ("OH (indirekta kostnader)", 1_394_630, 1_428_101, 1_462_376),  # year 2 absorbs the rounding
        ("Externa tjänster", 1_960_000, 930_000, 680_000),
        ("Resor och logi", 627_702, 223_331, 223_331),
    ],
)
def test_printed_cost_rows_equal_s0(checked, label, year1, year2, year3):
    assert checked.printed.costs.row(label).printed == (year1, year2, year3)


def test_overhead_year2_is_exact_formula_value(checked):
    oh = next(c for c in checked.budget.costs if c.label.startswith("OH"))
    assert oh.amounts[1] == Decimal("1428101.5296")


@pytest.mark.parametrize(
    "name, per_year, total",
    [
        ("Ånge kommun", 454_407, 1_363_221),
        ("Sundsvalls kommun", 661_270, 1_983_810),
        ("Härnösands kommun", 454_407, 1_363_221),
        ("Örnsköldsviks kommun", 454_407, 1_363_221),
    ],
)
def test_municipal_co_financing(checked, name, per_year, total):
    row = checked.printed.cash.row(name)
    assert row.printed == (per_year,) * 3
    assert row.total == total


def test_rvn_cash_is_typed_s0_values(checked):
    assert checked.printed.cash.row("Region Västernorrland").printed == (3_970_576, 3_640_535, 3_644_110)


@pytest.mark.parametrize("year_index, s0", [(0, 5_921_581), (1, 5_073_864), (2, 5_083_058)])
def test_tillvaxtverket_within_two_kronor_of_s0(checked, year_index, s0):
    tvv = checked.printed.cash.row("Tillväxtverket")
    assert abs(tvv.line.amounts[year_index] - s0) <= 2


def test_eu_support_is_within_the_40_percent_cap(checked):
    b = checked.budget
    assert b.eu_cap == Decimal("0.4")
    assert b.eu_total <= b.eu_cap * b.total_project_cost
    assert abs(b.eu_rate - Decimal("0.4")) < Decimal("0.000001")


def test_rounding_notes_name_their_cells(checked):
    notes = {(f.code, f.location) for f in checked.findings}
    assert ("rounding.adjusted", "Budget!C5") in notes


def test_printed_row_totals_are_sums_of_printed_years(checked):
    assert checked.printed.costs.row("OH (indirekta kostnader)").total == 4_285_107
    assert checked.printed.cash.row("Tillväxtverket").total == 16_078_500
    for table in checked.printed.tables:
        for row in table.rows:
            assert row.total == sum(row.printed)
        for i, total in enumerate(table.totals):
            assert sum(r.sign * r.printed[i] for r in table.rows) == total


def test_financing_2029_prints_equal_to_cost(checked):
    assert checked.printed.financing_totals[2] == 13_014_680 == checked.printed.project_totals[2]
