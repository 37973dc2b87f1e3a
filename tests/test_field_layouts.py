"""Field test: workbooks hso-xl has never seen, laid out as real offices keep S0's table.

None of these is written by hso_xl/sample.py or tests/helpers/tvv_form.py: tests/helpers/field_books.py
lays the cells out once and writes them with plain openpyxl or with xlsxwriter; some are re-saved by
LibreOffice headless as .xlsx and .ods. Each test asserts what an administrator sees: the figures
`check` prints, the sentences in the built drafts, the error paragraph, the input left untouched.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from hso_xl.cli import main
from hso_xl.model.checked import check_workbook
from hso_xl.workbook.tables import Table, resolve

from .conftest import ROOT, SAMPLE
from .helpers.field_books import S0_BOOKED, S0_MUNICIPALITIES, S0_PROJECT, fact_grids, nfd, office_form, \
    table_workbook, write

NBSP = "\u00a0"
TEMPLATES = ROOT / "templates"
FORM = "Layout: Tillväxtverket's budget form"


def run(*args: str):
    return CliRunner().invoke(main, ["--lang", "en", *args])


def check(path: Path, *args: str):
    return run("check", str(path), *args)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def grouped(n: int) -> str:
    return f"{n:,}".replace(",", " ")


class printed_line:
    """A row of the figures `check` prints: the label and each amount grouped in thousands, in any column width."""

    def __init__(self, label: str, values) -> None:
        self.pattern = re.compile(r"^" + re.escape(label) + "".join(r"\s{2,}" + re.escape(grouped(v)) for v in values)
                                  + r"\s*$", re.M)

    def found_in(self, output: str) -> bool:
        return self.pattern.search(output) is not None


def assert_s0_figures(output: str, years: int = 3) -> None:
    """The totals S0 prints and each municipality's amounts, as `check` shows them."""
    booked = S0_BOOKED + [S0_BOOKED[-1]] * (years - 3)
    project = S0_PROJECT + [S0_PROJECT[-1]] * (years - 3)
    assert printed_line("Summa bokförd kostnad", [*booked, sum(booked)]).found_in(output), output
    assert printed_line("Summa projektkostnad", [*project, sum(project)]).found_in(output), output
    for name, amount in S0_MUNICIPALITIES.items():
        per_year = " / ".join([grouped(amount)] * years)
        line = re.compile(rf"^  {re.escape(name)}\s+{re.escape(per_year)}  total {re.escape(grouped(amount * years))}$", re.M)
        assert line.search(output), f"{name} not printed with its amounts:\n{output}"


def body_text(path: Path) -> str:
    document = Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def findings(path: Path) -> list[dict]:
    result = check(path, "--json")
    return json.loads(result.output)["findings"]


# -- headers and titles as offices write them ----------------------------------------------------

def test_xlsxwriter_form_with_title_merged_cells_and_years_as_numbers(tmp_path):
    """A title merged across the top and 'Belopp i kronor' above the header; the years typed as 2027."""
    path = office_form(tmp_path / "budget.xlsx", writer="xlsxwriter", title=True, year_style="number").path
    before = sha(path)
    result = check(path)
    assert result.exit_code == 0, result.output
    assert FORM in result.output
    assert "costs: Budget!A4:E19; financing: Budget!A21:E43" in result.output  # the title rows are not the table
    assert "sheet.merged" not in json.dumps(findings(path))  # the merged title hides nothing that is read
    assert_s0_figures(result.output)
    assert sha(path) == before


@pytest.mark.parametrize("cost, financing", [("Kostnader", "Finansiering"), ("Kostnadsslag", "Finansieringsplan"),
                                             ("KOSTNADER (kr)", "FINANSIERING (kr)"), ("Kostnad, kr", "Finansiärer")])
def test_the_tables_headed_in_other_words(tmp_path, cost, financing):
    path = office_form(tmp_path / "budget.xlsx", cost_header=cost, financing_header=financing).path
    result = check(path)
    assert result.exit_code == 0, result.output
    assert FORM in result.output
    assert_s0_figures(result.output)


def test_kostnadsslag_on_a_sheet_named_budget_without_a_finansiering_sheet_is_the_form(tmp_path):
    """hso-xl's own header word on hso-xl's own sheet name, but the financing is the form's: read as the form."""
    path = office_form(tmp_path / "budget.xlsx", cost_header="Kostnadsslag", two_sheets=False).path
    result = check(path)
    assert result.exit_code == 0, result.output
    assert FORM in result.output


def test_amounts_in_thousands_are_refused_not_read_as_kronor(tmp_path):
    path = office_form(tmp_path / "budget.xlsx", cost_header="KOSTNADER (tkr)").path
    result = check(path)
    assert result.exit_code == 2
    assert f"Error: {path}: Budget!A1: the table says its amounts are in tkr ('KOSTNADER (tkr)')" in result.output
    assert result.output.count("\n") == 1 and "ContractError" not in result.output  # one paragraph, no Python


def test_a_belopp_i_tkr_line_above_the_hso_layouts_table_is_refused(sample):
    wb = openpyxl.load_workbook(sample)
    wb["Budget"]["A2"] = "Belopp i tkr"
    wb.save(sample)
    result = check(sample)
    assert result.exit_code == 2
    assert "Budget!A2: the table says its amounts are in tkr ('Belopp i tkr')" in result.output


def test_the_hso_layout_headed_kostnader_is_read_as_hso_layout(sample):
    wb = openpyxl.load_workbook(sample)
    wb["Budget"]["A3"] = "Kostnader (kr)"
    wb.save(sample)
    result = check(sample)
    assert result.exit_code == 0, result.output
    assert "Layout: hso-xl's layout" in result.output
    assert printed_line("Summa projektkostnad", [14_179_668, 13_001_909, 13_014_680, 40_196_257]).found_in(result.output)


# -- year columns --------------------------------------------------------------------------------

@pytest.mark.parametrize("style", ["number", "text"])
def test_years_as_numbers_or_as_text_without_a_total_column(tmp_path, style):
    path = office_form(tmp_path / "budget.xlsx", year_style=style, total=None).path
    checked = check_workbook(path)
    assert checked.budget.years == (2027, 2028, 2029)
    assert [line.total_cell for line in checked.budget.costs] == [None] * 7  # no TOTAL column: none invented
    result = check(path)
    assert result.exit_code == 0, result.output
    assert_s0_figures(result.output)


@pytest.mark.parametrize("headers", [["År 2027", "År 2028", "År 2029"], ["År 1 (2027)", "År 2 (2028)", "År 3 (2029)"],
                                     ["2027 (år 1)", "2028 (år 2)", "2029 (år 3)"], ["År 1\n2027", "År 2\n2028", "År 3\n2029"]])
def test_year_headers_that_name_the_calendar_year_in_words(tmp_path, headers):
    form = office_form(tmp_path / "budget.xlsx", facts="none")
    wb = openpyxl.load_workbook(form.path)
    for col, text in zip(form.year_cols, headers):
        wb["Budget"].cell(1, col, text)
    wb.save(form.path)
    checked = check_workbook(form.path)
    assert checked.budget.years == (2027, 2028, 2029)  # no start date given: the headers say it
    assert "years.relative" not in {f.code for f in checked.findings}


def test_year_headers_typed_as_dates_shown_as_years(tmp_path):
    import datetime as dt

    form = office_form(tmp_path / "budget.xlsx", facts="none")
    wb = openpyxl.load_workbook(form.path)
    for i, col in enumerate(form.year_cols):
        cell = wb["Budget"].cell(1, col, dt.datetime(2027 + i, 1, 1))
        cell.number_format = "yyyy"
    wb.save(form.path)
    assert check_workbook(form.path).budget.years == (2027, 2028, 2029)


def test_five_years(tmp_path):
    path = office_form(tmp_path / "budget.xlsx", years=5, year_style="number").path
    result = check(path)
    assert result.exit_code == 0, result.output
    assert_s0_figures(result.output, years=5)


# -- columns and rows an office adds -------------------------------------------------------------

def test_total_first_a_notes_column_spacers_and_a_hidden_row(tmp_path):
    path = office_form(tmp_path / "budget.xlsx", total="first", notes=True, spacer_col=True, spacer_rows=True,
                       hidden_row=True).path
    result = check(path)
    assert result.exit_code == 0, result.output
    assert_s0_figures(result.output)
    checked = check_workbook(path)
    personal = checked.budget.costs[0]
    assert personal.cells == ("Budget!D2", "Budget!E2", "Budget!F2") and personal.total_cell == "Budget!C2"
    hidden = [f for f in checked.findings if f.code == "sheet.hidden_row"]
    assert [(f.location, str(f.message)) for f in hidden] == [
        ("Budget!A7", "row 7 ('Investeringar, materiel och externa lokaler') is hidden in Excel; its amounts are "
                      "read like any other row")]


def test_a_hidden_column_in_a_table_is_warned(tmp_path):
    form = office_form(tmp_path / "budget.xlsx", notes=True)
    wb = openpyxl.load_workbook(form.path)
    wb["Budget"].column_dimensions["C"].hidden = True  # År 2
    wb.save(form.path)
    warned = [(f["location"], f["message"]) for f in findings(form.path) if f["code"] == "sheet.hidden_column"]
    assert ("Budget!C1", "column C is hidden in Excel; what it holds is read like any other column") in warned


@pytest.mark.parametrize("cash, private", [("Offentlig finansiering – kontanta medel", "PRIVAT FINANSIERING, KONTANT"),
                                           ("OFFENTLIG FINANSIERING, KONTANT", "Privat finansiering – kontanta medel"),
                                           ("Offentlig finansiering", "Privat finansiering")])
def test_section_headings_with_other_dashes_case_and_wording(tmp_path, cash, private):
    form = office_form(tmp_path / "budget.xlsx", cash_heading=cash, private_heading=private)
    wb = openpyxl.load_workbook(form.path)
    ws = wb["Budget"]
    blank = next(r for r in range(1, ws.max_row) if ws.cell(r, 1).value is None and ws.cell(r, 2).value == 0
                 and r > form.rows["SUMMA BOKFÖRD OFFENTLIG FINANSIERING"])
    ws.cell(blank, 1, "Sparbanksstiftelsen Norrland")  # the form's empty private line, given a name
    wb.save(form.path)
    checked = check_workbook(form.path)
    kinds = {(line.label, line.sector, line.kind) for line in checked.budget.financing}
    assert ("Sparbanksstiftelsen Norrland", "privat", "kontant") in kinds  # not filed under the public section
    assert ("Tillväxtverket", "offentlig", "kontant") in kinds
    assert ("Region Västernorrland", "offentlig", "kontant") in kinds
    assert check(form.path).exit_code == 0


def test_a_heading_that_says_no_kind_stops_with_the_heading_named(tmp_path):
    form = office_form(tmp_path / "budget.xlsx", private_heading="Övrig finansiering")
    result = check(form.path)
    assert result.exit_code == 2
    row = form.rows["SUMMA BOKFÖRD OFFENTLIG FINANSIERING"] + 1
    assert (f"Budget!A{row}: 'Övrig finansiering' looks like a section heading but does not say whether the rows "
            "below it are cash or in kind, public or private") in result.output


def test_summa_rows_in_lower_case_with_a_colon(tmp_path):
    path = office_form(tmp_path / "budget.xlsx", summa_style="lower").path
    checked = check_workbook(path)
    assert {"booked", "project", "financing", "public_cash", "private_cash", "cash", "in_kind"} <= set(
        checked.budget.workbook_totals)
    assert "workbook.total" not in {f.code for f in checked.findings}
    assert_s0_figures(check(path).output)


def test_a_summa_row_typed_over_is_still_caught(tmp_path):
    form = office_form(tmp_path / "budget.xlsx", summa_style="lower")
    wb = openpyxl.load_workbook(form.path)
    wb["Budget"].cell(form.rows["Summa bokförd kostnad:"], form.year_cols[0], 13_000_000)
    wb.save(form.path)
    assert "workbook.total" in {f["code"] for f in findings(form.path) if f["severity"] == "error"}


def test_costs_and_financing_on_two_sheets_written_by_xlsxwriter(tmp_path):
    path = office_form(tmp_path / "budget.xlsx", writer="xlsxwriter", two_sheets=True, title=True, year_style="text",
                       total="first", notes=True, summa_style="lower").path
    result = check(path)
    assert result.exit_code == 0, result.output
    assert "costs: Budget!A4:E19; financing: Finansiering!A4:E26" in result.output
    assert_s0_figures(result.output)


# -- amounts and names ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["1 363 221", "454 407 kr"])
def test_an_amount_typed_as_text_is_one_paragraph_naming_the_cell(tmp_path, text):
    form = office_form(tmp_path / "budget.xlsx", text_amounts={"Ånge kommun": text})
    before = sha(form.path)
    result = check(form.path)
    assert result.exit_code == 2
    paragraph = result.output.strip()
    assert paragraph == (f"Error: {form.path}: Budget!B{form.rows['Ånge kommun']}: 'Ånge kommun' 2027 should be an "
                         f"amount, but the cell holds the text \"{text}\". Type the number again with digits only "
                         "(no spaces, 'kr' or letters); Excel shows it as 1 363 221 when the cell is formatted as Number.")
    assert sha(form.path) == before


def test_a_financing_row_of_zeros_is_allowed_and_shown(tmp_path):
    path = office_form(tmp_path / "budget.xlsx", zero_financier="Sparbanksstiftelsen").path
    result = check(path)
    assert result.exit_code == 0, result.output
    checked = check_workbook(path)
    row = next(f for f in checked.budget.financing if f.label == "Sparbanksstiftelsen")
    assert row.amounts == (0, 0, 0) and row.kind == "kontant"


def test_municipality_names_as_people_write_them(tmp_path):
    names = {"Härnösands kommun": "Härnösands Kommun", "Ånge kommun": nfd("Ånge kommun"),
             "Örnsköldsviks kommun": "Örnsköldsviks  kommun"}
    form = office_form(tmp_path / "budget.xlsx", names=names)
    result = check(form.path)
    assert result.exit_code == 0, result.output
    assert_s0_figures(result.output)  # each matched to its official name and its Kommuner row
    found = {(f["code"], f["location"]): f["message"] for f in findings(form.path)}
    assert found[("name.genitive", f"Budget!A{form.rows['Sundsvall kommun']}")].startswith(
        "'Sundsvall kommun' is read as Sundsvalls kommun, the official name")
    assert ("name.official", f"Budget!A{form.rows[names['Härnösands kommun']]}") in found
    # Å typed as two code points looks the same in the workbook and in print: nothing to say about it.
    assert ("name.official", f"Budget!A{form.rows[names['Ånge kommun']]}") not in found


# -- facts ----------------------------------------------------------------------------------------

REWORDED = {"Projektnamn": "Projektets namn", "Officiellt namn": "Namn", "Diarienummer KS": "Dnr",
            "Beslut senast": "Sista beslutsdag", "Halvtidsutvärdering (SWECO)": "Halvtidsutvärdering",
            "Medfinansiering hittills 2024–2025": "Medfinansiering hittills", "EU-stöd högst": "EU-tak"}


def test_facts_in_a_fakta_workbook_with_other_labels(tmp_path):
    path = office_form(tmp_path / "budget.xlsx", facts="file", fact_labels=REWORDED).path
    checked = check_workbook(path)
    ange = next(m for m in checked.budget.municipalities if m.official_name == "Ånge kommun")
    assert ange.facts["diarienummer"].value == "Dnr KS 2026/37"
    assert ange.facts["diarienummer"].cell == "[Fakta.xlsx]Kommuner!C4"
    assert str(ange.facts["beslut_senast"].value)[:10] == "2026-04-30"
    assert checked.budget.project["halvtidsutvardering"].cell == "[Fakta.xlsx]Projekt!B7"
    assert checked.budget.eu_cap is not None
    missing = {f.details.get("fact") for f in checked.findings if f.code == "fact.missing" and f.details}
    assert not {"projekt.halvtidsutvardering", "projekt.medfinansiering_hittills", "kommun.beslut_senast",
                "kommun.diarienummer", "projekt.namn"} & missing


def test_facts_on_sheets_named_otherwise_are_found_by_what_they_hold(tmp_path):
    path = office_form(tmp_path / "budget.xlsx", facts="none").path
    grids = fact_grids()
    grids[0].name, grids[1].name = "Projektfakta", "Blad1"
    write(tmp_path / "Fakta.xlsx", grids, "openpyxl")
    result = check(path)
    assert result.exit_code == 0, result.output
    assert "municipality facts: [Fakta.xlsx]Blad1!A1:E8; project facts: [Fakta.xlsx]Projektfakta!A1:B8" in result.output
    assert ("[Fakta.xlsx]Blad1: the municipality facts are read from the sheet 'Blad1', which holds them (no sheet is "
            "named 'Kommuner')") in result.output
    assert "no Kommuner sheet" not in result.output
    assert check_workbook(path).budget.years == (2027, 2028, 2029)  # Projektstart from Projektfakta


def test_a_facts_workbook_nothing_is_read_from_is_named(tmp_path):
    path = office_form(tmp_path / "budget.xlsx", facts="none").path
    book = openpyxl.Workbook()
    book.active.title = "Anteckningar"
    book.active["A1"] = "Möte 12/3"
    book.save(tmp_path / "Fakta.xlsx")
    warned = [f["message"] for f in findings(path) if f["code"] == "facts.workbook_unused"]
    assert warned == ["the facts workbook Fakta.xlsx holds no sheet hso-xl reads facts from (it has 'Anteckningar'); "
                      "name the sheets Projekt, Kommuner and Parametrar as docs/workbook.md shows"]


@pytest.mark.slow
def test_build_from_a_reworded_fakta_workbook_keeps_every_sentence(tmp_path):
    path = office_form(tmp_path / "budget.xlsx", facts="file", fact_labels=REWORDED, cost_header="Kostnadsslag",
                       writer="xlsxwriter").path
    out = tmp_path / "out"
    result = run("build", str(path), "--templates", str(TEMPLATES), "--out", str(out))
    assert result.exit_code == 0, result.output
    drafts = sorted(p.name for p in (out / "kommuner").iterdir())
    assert drafts == sorted(f"{name} – Beslutsunderlag.docx" for name in S0_MUNICIPALITIES)
    text = body_text(out / "kommuner" / "Sundsvalls kommun – Beslutsunderlag.docx")
    assert f"med 661{NBSP}270{NBSP}kronor per år 2027–2029, totalt 1{NBSP}983{NBSP}810{NBSP}kronor" in text
    assert text.count("senast 30 april 2026") == 2
    assert f"Medfinansieringen av det pågående projektet uppgår hittills till 685{NBSP}371{NBSP}kronor" in text
    assert "halvtidsutvärdering av projektet, daterad 22 januari 2026" in text
    assert "Projektets totala kostnad beräknas till 40" + NBSP + "196" + NBSP + "257" + NBSP + "kronor" in text
    assert "Lena Sjö" in text  # the contact, from Fakta.xlsx


# -- Excel tables and structured references -------------------------------------------------------

def test_excel_tables_with_totals_rows_and_structured_references(tmp_path):
    path = table_workbook(tmp_path / "tabeller.xlsx")
    with zipfile.ZipFile(path) as package:
        assert sorted(n for n in package.namelist() if n.startswith("xl/tables/")) == ["xl/tables/table1.xml",
                                                                                        "xl/tables/table2.xml"]
    before = sha(path)
    result = check(path)
    assert result.exit_code == 0, result.output
    assert printed_line("Summa bokförd kostnad", [*S0_BOOKED, sum(S0_BOOKED)]).found_in(result.output)
    assert printed_line("Summa projektkostnad", [*S0_PROJECT, sum(S0_PROJECT)]).found_in(result.output)
    checked = check_workbook(path)
    budget = checked.workbook.sheet("Budget")
    assert budget.get(4, 5).formula == "=SUM(Kostnader[@[2027]:[2029]])"  # shown as written
    assert budget.get(4, 5).value == 6_428_829 + 6_583_121 + 6_741_116
    assert budget.get(10, 2).formula == "=Kostnader[[#Totals],[2027]]" and budget.get(10, 2).value == S0_BOOKED[0]
    assert {f.code for f in checked.findings if f.severity.value == "error"} == set()
    assert sha(path) == before


TABLE = Table("Tabell1", "Budget", 3, 1, 10, 5, 1, 1, ("Kostnadsslag", "2027", "2028", "2029", "Totalt"))


@pytest.mark.parametrize("formula, where, expected", [
    ("=SUM(Tabell1[2027])", ("Budget", 12, 2), "=SUM($B$4:$B$9)"),
    ("=Tabell1[@2027]", ("Budget", 5, 5), "=$B5"),
    ("=[@2027]+[@[2028]]", ("Budget", 5, 5), "=$B5+$C5"),
    ("=SUM(Tabell1[@[2027]:[2029]])", ("Budget", 5, 5), "=SUM($B5:$D5)"),
    ("=SUM(Tabell1[[#This Row],[2027]:[2029]])", ("Budget", 6, 5), "=SUM($B6:$D6)"),
    ("=Tabell1[[#Totals],[2027]]", ("Budget", 12, 2), "=$B$10"),
    ("=SUBTOTAL(109,Tabell1[2027])", ("Budget", 10, 2), "=SUBTOTAL(109,$B$4:$B$9)"),
    ("=SUM(Tabell1)", ("Budget", 12, 2), "=SUM($A$4:$E$9)"),  # the name alone is the data rows (Excel)
    ("=SUM(Tabell1[#All])", ("Budget", 12, 2), "=SUM($A$3:$E$10)"),
    ("=SUM(Tabell1[[#Data],[#Totals],[2027]])", ("Budget", 12, 2), "=SUM($B$4:$B$10)"),
    ("=SUM(tabell1[2027])", ("Blad2", 1, 1), "=SUM(Budget!$B$4:$B$9)"),  # case does not matter; another sheet
    ("=Tabell1[[#Headers],[2027]]", ("Budget", 12, 2), "=$B$3"),
    ("=Tabell1[@2027]", ("Budget", 12, 2), "=#VALUE!"),  # This Row outside the data rows, as Excel
    ("=Tabell1[Finns inte]", ("Budget", 12, 2), "=#REF!"),
    ('=IF(A1="Tabell1[2027]",1,0)', ("Budget", 12, 2), '=IF(A1="Tabell1[2027]",1,0)'),  # text is text
    ("=[1]Budget!A1+'Tabell1 x'!A1", ("Budget", 5, 5), "=[1]Budget!A1+'Tabell1 x'!A1"),
])
def test_structured_references_resolve_as_excel_resolves_them(formula, where, expected):
    assert resolve(formula, [TABLE], *where) == expected


@pytest.mark.libreoffice
@pytest.mark.slow
def test_structured_references_agree_with_libreoffice(tmp_path):
    """LibreOffice as the oracle for the forms it reads from a file ([#This Row], [#Totals], SUBTOTAL, [[a]:[b]])."""
    from hso_xl.libreoffice import convert, program, write_profile
    from hso_xl.workbook.recalc import recompute_file

    path = table_workbook(tmp_path / "tabeller.xlsx", row_total="=SUM(Kostnader[[#This Row],[2027]:[2029]])")
    convert(program(), [path], "xlsx", tmp_path / "lo", write_profile(tmp_path / "profile"))
    oracle = openpyxl.load_workbook(tmp_path / "lo" / "tabeller.xlsx", data_only=True)
    ours = recompute_file(path).workbook
    compared = 0
    for sheet in ours.sheets[:2]:
        for cell in sheet.cells.values():
            if cell.formula and "[" in cell.formula:
                assert round(cell.value) == round(oracle[sheet.name].cell(cell.row, cell.col).value), cell.formula
                compared += 1
    assert compared >= 20


# -- LibreOffice: the field forms re-saved as .xlsx and .ods --------------------------------------

@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.parametrize("target", ["ods", "xlsx"])
def test_field_forms_resaved_by_libreoffice_give_s0s_figures(tmp_path, target):
    from hso_xl.libreoffice import convert, program, write_profile

    sources = [office_form(tmp_path / "kolumner.xlsx", total="first", notes=True, spacer_col=True, hidden_row=True).path,
               office_form(tmp_path / "tva_blad.xlsx", two_sheets=True, title=True, year_style="number").path]
    convert(program(), sources, target, tmp_path / "lo", write_profile(tmp_path / "profile"))
    for source in sources:
        saved = tmp_path / "lo" / f"{source.stem}.{target}"
        before = sha(saved)
        result = check(saved)
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"Workbook: {saved}\n")
        assert FORM in result.output
        assert_s0_figures(result.output)
        assert sha(saved) == before


@pytest.mark.libreoffice
@pytest.mark.slow
def test_excel_tables_saved_as_ods_give_the_same_figures(tmp_path):
    from hso_xl.libreoffice import convert, program, write_profile

    path = table_workbook(tmp_path / "tabeller.xlsx", row_total="=SUM(Kostnader[[#This Row],[2027]:[2029]])")
    convert(program(), [path], "ods", tmp_path / "lo", write_profile(tmp_path / "profile"))
    result = check(tmp_path / "lo" / "tabeller.ods")
    assert result.exit_code == 0, result.output
    assert printed_line("Summa projektkostnad", [*S0_PROJECT, sum(S0_PROJECT)]).found_in(result.output)


@pytest.mark.parametrize("damage, says", [
    (lambda data: data[: len(data) // 2], "the workbook is damaged: the part xl/tables/table1.xml (the definition of "
                                          "an Excel table, made with Insert > Table) cannot be read"),
    (lambda data: data.replace(b'ref="A3:E9"', b'ref="A3:E"'), "the workbook is damaged: the part xl/tables/table1.xml (the definition of "
                                                                 "an Excel table, made with Insert > Table) cannot be read"),
    (lambda data: None, "the part xl/tables/table1.xml is missing from the file (the definition of an Excel table, "
                        "made with Insert > Table)"),
])
def test_a_damaged_table_part_is_named_in_the_administrators_words(tmp_path, damage, says):
    path = table_workbook(tmp_path / "tabeller.xlsx")
    damaged = tmp_path / "trasig.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(damaged, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            data = damage(data) if info.filename == "xl/tables/table1.xml" else data
            if data is not None:
                zout.writestr(info, data)
    result = check(damaged)
    assert result.exit_code == 2
    assert result.output == (f"Error: {damaged}: {says}. Open it in Excel, check that it opens without a repair "
                             "prompt, and save it again.\n")


def test_map_shows_the_cells_of_a_table(tmp_path):
    path = table_workbook(tmp_path / "tabeller.xlsx")
    result = check(path, "--map")
    assert result.exit_code == 0, result.output
    assert "Personal: 6 428 829 (B4)  6 583 121 (C4)  6 741 116 (D4)  [A4]" in result.output


def test_a_sample_copy_and_the_form_together_still_ask_which(tmp_path):
    path = tmp_path / "both.xlsx"
    shutil.copy(SAMPLE, path)
    form = openpyxl.load_workbook(office_form(tmp_path / "form.xlsx", cost_header="Kostnader").path)
    wb = openpyxl.load_workbook(path)
    sheet = wb.create_sheet("TVV-blankett")
    for row in form["Budget"].iter_rows(values_only=True):
        sheet.append(list(row))
    wb.save(path)
    result = check(path)
    assert result.exit_code == 2
    assert "the workbook can be read in two layouts" in result.output and "'TVV-blankett'!A1" in result.output


def test_the_eu_row_written_with_more_than_the_name_is_named_not_guessed(tmp_path):
    form = office_form(tmp_path / "budget.xlsx", names={"Tillväxtverket": "Tillväxtverket (ERUF)"})
    result = check(form.path)
    assert result.exit_code == 2
    assert (f"Budget!A{form.rows['Tillväxtverket (ERUF)']}: the workbook does not say which financier gives the EU "
            "support: 'Tillväxtverket (ERUF)' is not written as the managing authority's name") in result.output
    wb = openpyxl.load_workbook(form.path)
    wb["Parametrar"].append(["EU-finansiär", "Tillväxtverket (ERUF)"])
    wb.save(form.path)
    checked = check_workbook(form.path)
    assert [line.label for line in checked.budget.eu_lines] == ["Tillväxtverket (ERUF)"]


def test_cells_are_named_by_their_row_and_the_tables_header_not_the_title(tmp_path):
    """What messages and the change round call a cell: 'Ånge kommun · 2027', from the header row under the title."""
    from hso_xl.model.labels import label
    from hso_xl.workbook.refs import CellRef

    form = office_form(tmp_path / "budget.xlsx", two_sheets=True, title=True, year_style="number")
    workbook = check_workbook(form.path).workbook
    assert label(workbook, CellRef("Finansiering", form.rows["Ånge kommun"], 2)) == "Ånge kommun · 2027"
    assert label(workbook, CellRef("Budget", form.rows["Personal"], 3)) == "Personal · 2028"


@pytest.mark.parametrize("two_sheets", [False, True])
def test_a_header_of_two_rows_with_belopp_i_kronor_merged_over_the_years(tmp_path, two_sheets):
    from hso_xl.model.labels import label
    from hso_xl.workbook.refs import CellRef

    form = office_form(tmp_path / "budget.xlsx", two_row_header=True, year_style="number", two_sheets=two_sheets)
    result = check(form.path)
    assert result.exit_code == 0, result.output
    assert "costs: Budget!A1:E17" in result.output  # from the label row, not the row of years
    assert "sheet.merged" not in result.output and "merged cells" not in result.output
    assert_s0_figures(result.output)
    workbook = check_workbook(form.path).workbook
    assert label(workbook, CellRef("Budget", form.rows["Personal"], 3)) == "Personal · 2028"


@pytest.mark.parametrize("value", ["2027", 2027])
def test_the_start_year_typed_as_text_or_as_a_year_in_projektstart(tmp_path, value):
    form = office_form(tmp_path / "budget.xlsx")
    wb = openpyxl.load_workbook(form.path)
    wb["Projekt"]["B4"] = None  # no Projektstart date
    wb["Parametrar"].append(["Startår", value])
    wb.save(form.path)
    checked = check_workbook(form.path)
    assert checked.budget.years == (2027, 2028, 2029)
    assert "years.relative" not in {f.code for f in checked.findings}  # it does not ask for what is there
    wb["Projekt"]["B4"] = 2030  # the year alone where a date belongs (a number, not a date)
    wb["Projekt"]["B4"].number_format = "General"
    wb.save(form.path)
    assert check_workbook(form.path).budget.years == (2030, 2031, 2032)


def test_a_figure_resting_on_a_table_reference_is_followed_to_what_it_reads(tmp_path):
    """Summa bokförd kostnad = Kostnader[[#Totals],[2027]], whose totals cell calls PIVOTBY: the figure rests on it."""
    path = table_workbook(tmp_path / "tabeller.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Budget"]["B9"] = "=SUBTOTAL(109,Kostnader[2027])+IFERROR(_xlfn.PIVOTBY(A4:A8,B4:B8,B4:B8,_xleta.SUM),0)"
    wb.save(path)
    result = check(path)
    assert result.exit_code == 2  # was: a warning that no figure depends on it, and Result: OK
    assert (f"Error: {path}: Budget!B10 [Summa bokförd kostnad · 2027] ← Budget!B9 [Summa · 2027]: PIVOTBY is not "
            "supported by the engine") in result.output
