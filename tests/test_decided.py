"""A decision states what was decided (docs/workbook.md, "Printed rounding" and "Checks").

A municipality's total typed in, or a round amount split by formula (`=$G8/3`), is printed as it
is and the years absorb the rounding; a typed total its years cannot add up to stops the build; a
municipality at 0 kr gets no draft and no certificate, with a warning naming the row and the
documents. The sample is changed and written again by openpyxl or xlsxwriter.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from click.testing import CliRunner
from docx import Document

from hso_xl.cli import main
from hso_xl.model.budget import Line
from hso_xl.model.decided import Decided
from hso_xl.model.rounding import round_table

from .conftest import ROOT, SAMPLE
from .helpers.unit_books import sample_variant

NBSP = "\u00a0"
SPLIT = "=$G8/3"
# Region Västernorrland covers what Kramfors gives less than its 454 407 a year, so EU support stays at its cap.
RVN = {"Finansiering!D5": 3_970_576, "Finansiering!E5": 3_640_535, "Finansiering!F5": 3_644_110}


def rvn_plus(per_year: int) -> dict:
    return {cell: value + per_year for cell, value in RVN.items()}


def run(*args: str):
    return CliRunner().invoke(main, ["--lang", "en", *args])


def kramfors(output: str) -> str:
    return re.search(r"^  Kramfors kommun\s+(.*)$", output, re.M).group(1)


def test_a_decided_total_in_a_table_is_printed_and_the_first_year_absorbs():
    line = Line("Kramfors kommun", tuple(Decimal(1_000_000) / 3 for _ in range(3)), ("F!D8", "F!E8", "F!F8"), "F!A8")
    other = Line("Tillväxtverket", (Decimal(5_000_000),) * 3, ("F!D6", "F!E6", "F!F6"), "F!A6")
    anchors = [a + Decimal(5_000_000) for a in line.amounts]
    table = round_table("cash financing", (2027, 2028, 2029), [line, other], anchors, None,
                        decided={"F!A8": Decided(Decimal(1_000_000), "F!G8", split=True)})
    assert table.rows[0].printed == (333_334, 333_333, 333_333) and table.rows[0].total == 1_000_000
    assert table.rows[1].printed == (4_999_999, 5_000_000, 5_000_000)  # the year total still holds
    assert [a.year for a in table.kept[0].years] == [2027]


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
def test_a_round_amount_split_by_formula_is_printed_as_decided(tmp_path, writer):
    path = sample_variant(SAMPLE, tmp_path / "delat.xlsx", {"Finansiering!G8": 1_000_000, "Finansiering!D8": SPLIT,
                          "Finansiering!E8": SPLIT, "Finansiering!F8": SPLIT, **rvn_plus(121_074)}, writer)
    result = run("check", str(path))
    assert result.exit_code == 0, result.output
    assert kramfors(result.output) == "333 334 / 333 333 / 333 333  total 1 000 000"
    assert ("info: Finansiering!D8: 'Kramfors kommun': the total 1 000 000 in Finansiering!G8 (split over the years "
            "by formula) is printed as it is, and the years absorb the rounding: 2027 is printed as 333 334 (exact "
            "333 333,33)") in result.output


def test_rounding_down_takes_the_krona_from_the_first_year(tmp_path):
    path = sample_variant(SAMPLE, tmp_path / "delat.xlsx", {"Finansiering!G8": 1_400_000, "Finansiering!D8": SPLIT,
                          "Finansiering!E8": SPLIT, "Finansiering!F8": SPLIT})
    result = run("check", str(path))
    assert result.exit_code == 0, result.output
    assert kramfors(result.output) == "466 666 / 466 667 / 466 667  total 1 400 000"


def test_a_typed_total_with_years_in_ore_is_printed_and_the_year_rounded_furthest_absorbs(tmp_path):
    path = sample_variant(SAMPLE, tmp_path / "skrivet.xlsx", {"Finansiering!G8": 1_000_000, "Finansiering!D8": 333_333.33,
                          "Finansiering!E8": 333_333.33, "Finansiering!F8": 333_333.34, **rvn_plus(121_074)})
    result = run("check", str(path))
    assert result.exit_code == 0, result.output
    assert kramfors(result.output) == "333 333 / 333 333 / 333 334  total 1 000 000"
    assert ("the total 1 000 000 in Finansiering!G8 (typed in as the row's total) is printed as it is, and the years "
            "absorb the rounding: 2029 is printed as 333 334 (exact 333 333,34)") in result.output


def test_a_municipalitys_typed_total_its_whole_krona_years_miss_stops_the_build(tmp_path):
    """333 333 typed each year and 1 000 000 as the total: which did the council decide? Not guessed."""
    path = sample_variant(SAMPLE, tmp_path / "skrivet.xlsx", {"Finansiering!G8": 1_000_000, "Finansiering!D8": 333_333,
                          "Finansiering!E8": 333_333, "Finansiering!F8": 333_333, **rvn_plus(121_074)})
    result = run("check", str(path))
    assert result.exit_code == 1
    assert ("error: Finansiering!G8: 'Kramfors kommun' has 1 000 000,00 kr typed in as its total, but its years add up "
            "to 999 999,00 kr; a document cannot print both") in result.output


def test_a_typed_total_its_years_do_not_add_up_to_stops_the_build(tmp_path):
    path = sample_variant(SAMPLE, tmp_path / "fel.xlsx", {"Finansiering!G8": 1_500_000})
    result = run("check", str(path))
    assert result.exit_code == 1
    assert ("error: Finansiering!G8: 'Kramfors kommun' has 1 500 000,00 kr typed in as its total, but its years add "
            "up to 1 363 221,00 kr; a document cannot print both. Correct the total or the years") in result.output


def test_the_sample_states_no_decided_total():
    result = run("check", str(SAMPLE), "--json")
    assert '"rounding.decided"' not in result.output and '"municipality.zero"' not in result.output


@pytest.mark.slow
def test_the_draft_states_the_decided_total(tmp_path):
    path = sample_variant(SAMPLE, tmp_path / "delat.xlsx", {"Finansiering!G8": 1_000_000, "Finansiering!D8": SPLIT,
                          "Finansiering!E8": SPLIT, "Finansiering!F8": SPLIT, **rvn_plus(121_074)}, "xlsxwriter")
    out = tmp_path / "out"
    result = run("build", str(path), "--templates", str(ROOT / "templates"), "--out", str(out), "--only", "Kramfors")
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in Document(str(out / "kommuner" / "Kramfors kommun – Beslutsunderlag.docx"))
                     .paragraphs)
    assert (f"med 333{NBSP}334{NBSP}kronor år 2027, 333{NBSP}333{NBSP}kronor år 2028 och 333{NBSP}333{NBSP}kronor år "
            f"2029, totalt 1{NBSP}000{NBSP}000{NBSP}kronor") in text
    assert "999" not in text


# -- a municipality at 0 kr, or below -------------------------------------------------------------

def test_a_municipality_at_0_kr_is_a_warning_naming_the_row_and_the_documents(tmp_path):
    path = sample_variant(SAMPLE, tmp_path / "noll.xlsx", {"Finansiering!D8": 0, **rvn_plus(454_407)})
    result = run("check", str(path))
    assert result.exit_code == 0, result.output
    assert ("warning: Finansiering!A8: 'Kramfors kommun' co-finances 0 kr in every year (Finansiering!D8:F8): no "
            "decision draft or co-financing certificate is built for it. Type its amounts, or take it out of the "
            "financing plan and the Kommuner sheet if it does not take part (not built: kommuner/Kramfors kommun – "
            "Beslutsunderlag.docx, finansiarer/Kramfors kommun – Medfinansieringsintyg.docx)") in result.output


@pytest.mark.slow
def test_no_0_kr_draft_or_certificate_is_built(tmp_path):
    path = sample_variant(SAMPLE, tmp_path / "noll.xlsx", {"Finansiering!D8": 0, **rvn_plus(454_407)}, "xlsxwriter")
    out = tmp_path / "out"
    result = run("build", str(path), "--templates", str(ROOT / "templates"), "--out", str(out), "--only", "kommun")
    assert result.exit_code == 0, result.output
    drafts = sorted(p.name for p in (out / "kommuner").iterdir())
    assert len(drafts) == 6 and not any("Kramfors" in name for name in drafts)
    assert not any("Kramfors" in p.name for p in (out / "finansiarer").iterdir())
    assert "co-finances 0 kr in every year" in result.output and "(not built: kommuner/Kramfors kommun" in result.output


def test_a_negative_municipal_amount_stops_the_build_naming_the_cell(tmp_path):
    path = sample_variant(SAMPLE, tmp_path / "negativ.xlsx", {"Finansiering!D8": -454_407})
    result = run("build", str(path), "--templates", str(ROOT / "templates"), "--out", str(tmp_path / "out"))
    assert result.exit_code != 0
    assert "Finansiering!D8: 'Kramfors kommun' 2027 is negative" in result.output
    assert not (tmp_path / "out" / "kommuner").exists()
