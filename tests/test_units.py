"""Amounts read in the unit their cells show (docs/workbook.md, "Units").

The sample workbook is written again by openpyxl or xlsxwriter (tests/helpers/unit_books.py) with
its amounts in tkr, Mkr or shown through Excel's scaling commas; LibreOffice re-saves some. Each
test asserts what the administrator sees: the figures `check` prints, the note saying what was
converted, the paragraph naming the cell, the sentences in the built drafts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from hso_xl.cli import main
from hso_xl.workbook.formats import shown

from .conftest import ROOT, SAMPLE
from .helpers.unit_books import unit_variant

NBSP = "\u00a0"
TKR = '#,##0" tkr"'
# The sample's figures, as `check` prints them.
SAMPLE_LINES = [
    r"^Summa bokförd kostnad\s+13 279 868\s+12 102 109\s+12 114 880\s+37 496 857$",
    r"^Summa projektkostnad\s+14 179 668\s+13 001 909\s+13 014 680\s+40 196 257$",
    r"^Summa finansiering\s+14 179 668\s+13 001 909\s+13 014 680\s+40 196 257$",
    r"^EU support \(Tillväxtverket\): 16 078 500 kr = 40,00 %",
    r"^  Härnösands kommun\s+454 407 / 454 407 / 454 407  total 1 363 221$",
    r"^  Sundsvalls kommun\s+661 270 / 661 270 / 661 270  total 1 983 810$",
    r"^  Örnsköldsviks kommun\s+454 407 / 454 407 / 454 407  total 1 363 221$",
]


def check(path: Path, *args: str):
    return CliRunner().invoke(main, ["--lang", "en", "check", str(path), *args])


def assert_sample_figures(output: str) -> None:
    for pattern in SAMPLE_LINES:
        assert re.search(pattern, output, re.M), f"{pattern} not in:\n{output}"
    assert output.rstrip().endswith("Result: OK"), output


@pytest.mark.parametrize("code, scale, text", [
    ("#,##0", 1, ""),
    ("General", 1, ""),
    ('#,##0" tkr"', 1, "tkr"),
    ('#,##0\\ "tkr"', 1, "tkr"),
    ("#,##0\\ \\t\\k\\r", 1, "tkr"),
    ('[$-41D]#,##0" tkr";[RED]\\-#,##0" tkr"', 1, "tkr"),
    ("#,##0\\ [$kr-41D]", 1, "kr"),
    ("#,##0,", 1000, ""),
    ("#,##0,,", 1_000_000, ""),
    ('#,##0," tkr"', 1000, "tkr"),
    ('0.0,," Mkr"', 1_000_000, "mkr"),
    ("#,##0_);(#,##0)", 1, ""),
    ('#,##0;-#,##0;"-"', 1, ""),
    ("#,##0 ,", 1, ""),
], ids=lambda v: str(v))
def test_what_a_number_format_shows(code, scale, text):
    result = shown(code)
    assert (result.scale, result.text) == (scale, text)
    assert not result.sections_differ


def test_a_format_whose_negative_section_has_another_unit_says_so():
    assert shown('#,##0" tkr";-#,##0" kr"').sections_differ


# -- converted, with a note ----------------------------------------------------------------------

@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
@pytest.mark.parametrize("fmt", [TKR, '#,##0\\ "tkr"', '[$-41D]#,##0" tkr";[RED]\\-#,##0" tkr"', '#,##0.000" tkr"'])
def test_amounts_typed_in_thousands_with_tkr_in_the_format_are_read_as_kronor(tmp_path, writer, fmt):
    path = unit_variant(SAMPLE, tmp_path / "tkr.xlsx", fmt=fmt, divide=1000,
                        title_unit="tkr", writer=writer)
    result = check(path)
    assert result.exit_code == 0, result.output
    assert_sample_figures(result.output)
    assert (f"info: Finansiering!D5: the financing table is in tkr (number format '{fmt}'; 56 amounts: "
            "Finansiering!D5, Finansiering!E5, Finansiering!F5, ...): its amounts are read ×1 000 as kronor, and the "
            "documents print kronor (3 970,576 tkr is 3 970 576 kr)") in result.output


def test_amounts_typed_in_millions_with_mkr_in_the_format(tmp_path):
    path = unit_variant(SAMPLE, tmp_path / "mkr.xlsx",
                        fmt='#,##0.000000" Mkr"', divide=1_000_000, title_unit=None)
    result = check(path)
    assert result.exit_code == 0, result.output
    assert_sample_figures(result.output)
    assert "the costs table is in Mkr" in result.output and "read ×1 000 000 as kronor" in result.output


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
@pytest.mark.parametrize("fmt, title", [("#,##0,", "tkr"), ('#,##0," tkr"', "tkr"), ("#,##0,,", None),
                                        ('#,##0.0,," Mkr"', None)])
def test_scaling_commas_show_thousands_but_the_cells_hold_kronor(tmp_path, writer, fmt, title):
    """Excel shows 454 407 formatted #,##0, as 454: the value is kronor, and so are the documents."""
    path = unit_variant(SAMPLE, tmp_path / "skala.xlsx", fmt=fmt,
                        title_unit=title, writer=writer)
    result = check(path)
    assert result.exit_code == 0, result.output
    assert_sample_figures(result.output)
    unit = "tkr" if fmt.count(",") == 2 else "Mkr"
    assert (f"info: Budget!B4: 40 amounts of the costs table are shown in Excel in {unit} (number format '{fmt}': "
            f"Budget!B4, Budget!C4, Budget!D4, ...), but the cells hold kronor; the documents print the kronor they "
            f"hold (6 428 829 kr, which Excel shows as ") in result.output


@pytest.mark.parametrize("fmt", ['_-* #,##0 "kr"_-;-* #,##0 "kr"_-;_-* "-" "kr"_-;_-@_-',  # Swedish Excel's Redovisning
                                 "#,##0.00 [$kr-41D];[RED]-#,##0.00 [$kr-41D]",  # LibreOffice's currency
                                 '[>=1000000]#,##0.0,," Mkr";#,##0" kr"'])  # Mkr above a million: still kronor
def test_formats_whose_sections_all_hold_kronor_are_read_as_kronor(tmp_path, fmt):
    path = unit_variant(SAMPLE, tmp_path / "kr.xlsx", fmt=fmt, title_unit=None)
    result = check(path)
    assert result.exit_code == 0, result.output
    assert_sample_figures(result.output)


def test_a_kronor_format_changes_nothing_and_says_nothing(tmp_path):
    path = unit_variant(SAMPLE, tmp_path / "kr.xlsx", fmt='#,##0" kr"')
    result = check(path)
    assert_sample_figures(result.output)
    assert "amount.unit" not in check(path, "--json").output and "table is in" not in result.output


# -- refused, naming the cell --------------------------------------------------------------------

def test_a_table_mixing_tkr_and_kronor_is_refused_naming_the_cells(tmp_path):
    path = unit_variant(SAMPLE, tmp_path / "blandat.xlsx", fmt=TKR,
                        divide=1000, title_unit="tkr", cells={"Finansiering!D9": "#,##0"})
    result = check(path)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}: Finansiering!D9: the financing table mixes units: ")
    assert "Finansiering!D9 in kr (number format '#,##0')" in result.output
    assert "in tkr (number format '#,##0\" tkr\"')" in result.output
    assert result.output.count("\n") == 1


def test_a_kr_title_over_cells_formatted_in_tkr_is_a_conflict(tmp_path):
    path = unit_variant(SAMPLE, tmp_path / "krock.xlsx", fmt=TKR, divide=1000,
                        title_unit="kr")
    result = check(path)
    assert result.exit_code == 2
    assert (f"Error: {path}: Budget!B4: the table says its amounts are in kr ('Budget – kostnader per år (kr)', "
            "Budget!A1), but this amount is shown in tkr (number format '#,##0\" tkr\"')") in result.output


def test_a_tkr_title_over_cells_without_a_unit_is_refused_as_before(tmp_path):
    path = unit_variant(SAMPLE, tmp_path / "rubrik.xlsx", title_unit="tkr")
    result = check(path)
    assert result.exit_code == 2
    assert f"Error: {path}: Budget!A1: the table says its amounts are in tkr ('Budget – kostnader per år (tkr)')" \
        in result.output


@pytest.mark.parametrize("fmt, how", [
    ('#,##0," kr"', "divides it by 1 000 for display yet writes 'kr' after it"),
    ('#,##0,," tkr"', "divides it by 1 000 000 for display yet writes 'tkr' after it"),
    ('#,##0" €"', "writes '€' after it, not a unit of kronor"),
    ("[$$-409]#,##0", "writes '$' after it, not a unit of kronor"),
    ("0%", "shows it as a percentage"),
    ('#,##0" tkr";-#,##0" kr"', "shows positive and negative amounts in different units"),
])
def test_a_format_whose_unit_is_not_certain_is_refused_naming_cell_and_format(tmp_path, fmt, how):
    path = unit_variant(SAMPLE, tmp_path / "oklar.xlsx", title_unit=None,
                        cells={"Finansiering!D11": fmt})
    result = check(path)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}: Finansiering!D11: the amount has the number format '{fmt}', "
                                    f"which {how}, so its unit is not certain. Give every amount")


def test_the_refusal_in_swedish(tmp_path):
    path = unit_variant(SAMPLE, tmp_path / "oklar.xlsx", title_unit=None,
                        cells={"Finansiering!D11": '#,##0," kr"'})
    result = CliRunner().invoke(main, ["--lang", "sv", "check", str(path)])
    assert result.exit_code == 2
    assert ("Finansiering!D11: beloppet har talformatet '#,##0,\" kr\"', som delar det med 1 000 för visning men "
            "skriver ändå 'kr' efter det, så dess enhet är inte säker") in result.output


# -- the documents ------------------------------------------------------------------------------

@pytest.mark.slow
def test_drafts_built_from_a_workbook_in_tkr_print_kronor(tmp_path):
    from docx import Document

    path = unit_variant(SAMPLE, tmp_path / "tkr.xlsx", fmt=TKR, divide=1000,
                        title_unit="tkr", writer="xlsxwriter")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--lang", "en", "build", str(path), "--templates", str(ROOT / "templates"), "--out",
                                       str(out), "--only", "Härnösand"])
    assert result.exit_code == 0, result.output
    draft = Document(str(out / "kommuner" / "Härnösands kommun – Beslutsunderlag.docx"))
    text = "\n".join(p.text for p in draft.paragraphs)
    assert f"med 454{NBSP}407{NBSP}kronor per år" in text
    assert f"totalt 1{NBSP}363{NBSP}221{NBSP}kronor" in text


@pytest.mark.libreoffice
@pytest.mark.slow
def test_formats_as_libreoffice_writes_them(tmp_path):
    """LibreOffice re-saves the tkr and scaling-comma workbooks in its own format codes ([$-41D], \\ escapes)."""
    from .helpers.libreoffice import resave

    sample = SAMPLE
    sources = [unit_variant(sample, tmp_path / "tkr.xlsx", fmt=TKR, divide=1000, title_unit="tkr"),
               unit_variant(sample, tmp_path / "skala.xlsx", fmt="#,##0,", title_unit="tkr")]
    saved = resave(sources, tmp_path / "lo")
    tkr, scaled = check(saved[sources[0]]), check(saved[sources[1]])
    assert_sample_figures(tkr.output)
    assert "the financing table is in tkr" in tkr.output
    assert_sample_figures(scaled.output)
    assert "are shown in Excel in tkr" in scaled.output


# -- facts, and Tillväxtverket's form --------------------------------------------------------------

def test_a_fact_formatted_in_tkr_is_read_as_kronor(tmp_path):
    from .helpers.unit_books import sample_variant

    path = sample_variant(SAMPLE, tmp_path / "fakta.xlsx", {"Projekt!B17": 685.371})
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["Projekt"]["B17"].number_format = '#,##0.000" tkr"'
    wb["Parametrar"]["B7"].number_format = "0.0%"  # a rate stays a rate
    wb.save(path)
    result = check(path, "--map")
    assert result.exit_code == 0, result.output
    assert ("info: Projekt!B17: 'Medfinansiering hittills 2024–2025' is in tkr (number format '#,##0.000\" tkr\"'): "
            "685,371 tkr is read as 685 371 kr") in result.output
    assert "projekt.medfinansiering_hittills = 685371  (Projekt!B17" in result.output
    assert "\nResult: OK\n" in result.output and "EU-stöd högst" not in result.output.split("Result: OK")[0]


def test_tillvaxtverkets_form_in_tkr_with_its_header_saying_so(tmp_path):
    """The form on one sheet (costs, then FINANSIERING below), typed in tkr, headed 'KOSTNAD (tkr)'."""
    import openpyxl

    from .helpers.field_books import office_form
    from .test_field_layouts import assert_s0_figures

    path = office_form(tmp_path / "blankett.xlsx", cost_header="KOSTNAD (tkr)", writer="xlsxwriter").path
    wb = openpyxl.load_workbook(path)
    ws = wb["Budget"]
    for row in ws.iter_rows(min_col=2):
        for cell in row:
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) or \
                    (isinstance(cell.value, str) and cell.value.startswith("=")):
                if isinstance(cell.value, (int, float)):
                    cell.value = cell.value / 1000
                cell.number_format = TKR
    wb.save(path)
    result = check(path)
    assert result.exit_code == 0, result.output
    assert_s0_figures(result.output)
    notes = [f["message"] for f in json.loads(check(path, "--json").output)["findings"] if f["code"] == "amount.unit"]
    assert [n.split(" (")[0] for n in notes] == ["the costs table is in tkr", "the financing table is in tkr"]


def test_explain_says_the_cells_are_in_tkr(tmp_path):
    path = unit_variant(SAMPLE, tmp_path / "tkr.xlsx", fmt=TKR, divide=1000, title_unit="tkr")
    result = CliRunner().invoke(main, ["--lang", "en", "explain", "kommun.totalt", "--kommun", "Härnösand", str(path)])
    assert result.exit_code == 0, result.output
    assert ("kommun.totalt = 1 363 221: the sum of Finansiering!D7:F7 (in tkr, read ×1 000 as kronor), in whole "
            "kronor") in result.output
