"""Field test: the tables found by what they hold, not by the sheets' names, and a financier below the sum row.

Variants of the sample as offices make them (sheets renamed 'Budget 2027–2029', both tables on one
sheet side by side or one above the other, a private financier added below 'Summa
projektfinansiering'), written by plain openpyxl and xlsxwriter (tests/helpers/sample_books.py) and
re-saved by LibreOffice. Each test asserts the figures `check` prints, or the paragraph naming the row.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter

from hso_xl.cli import main

from .helpers.field_books import office_form
from .helpers.sample_books import SampleBook
from .test_field_names import assert_municipalities

WRITERS = ["openpyxl", "xlsxwriter"]
PROJECT = r"^Summa projektkostnad\s+14 179 668\s+13 001 909\s+13 014 680\s+40 196 257$"
FINANCING = r"^Summa finansiering\s+14 179 668\s+13 001 909\s+13 014 680\s+40 196 257$"


def check(path: Path, *args: str):
    return CliRunner().invoke(main, ["--lang", "en", "check", str(path), *args])


def assert_sample_figures(output: str) -> None:
    assert re.search(PROJECT, output, re.M), output
    assert re.search(FINANCING, output, re.M), output
    assert "EU support (Tillväxtverket): 16 078 500 kr = 40,00 %" in output
    assert_municipalities(output)


def variant(how: str) -> SampleBook:
    book = SampleBook.load()
    if how == "renamed":
        book.rename_sheet("Budget", "Budget 2027–2029")
        book.rename_sheet("Finansiering", "Finansiering 2027–2029")
    elif how in ("beside", "below"):
        book.place_financing(how)
    return book


READ = {
    "renamed": "Read: costs: Budget 2027–2029!A3:E19; financing: Finansiering 2027–2029!A3:G22;",
    "beside": "Read: costs: Budget!A3:E19; financing: Budget!G3:M22;",
    "below": "Read: costs: Budget!A3:E19; financing: Budget!A24:G43;",
}


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("how", list(READ))
def test_the_tables_are_found_by_what_they_hold(tmp_path, how, writer):
    path = variant(how).write(tmp_path / f"{how}.xlsx", writer)
    result = check(path)
    assert result.exit_code == 0, result.output
    assert "Layout: hso-xl's layout" in result.output
    assert READ[how] in result.output, result.output
    assert_sample_figures(result.output)
    assert "Result: OK" in result.output


def test_costs_and_financing_side_by_side_keep_their_own_years(tmp_path):
    """The cost header row ends where the financing table's header begins (no 'years not consecutive')."""
    path = variant("beside").write(tmp_path / "beside.xlsx", "openpyxl")
    mapped = check(path, "--map").output
    assert "Cash financing (sheet Budget; 2027, 2028, 2029):" in mapped
    assert re.search(r"^  Kramfors kommun \[offentlig, kontant, municipality\]: 454 407 \(J8\)  454 407 \(K8\)  "
                     r"454 407 \(L8\)  \[G8\]", mapped, re.M), mapped


# -- a financier below the sum row ----------------------------------------------------------------

def findings(path: Path) -> list[dict]:
    return json.loads(check(path, "--json").output)["findings"]


@pytest.mark.parametrize("writer", WRITERS)
def test_a_financier_below_the_sum_row_left_out_of_a_subtotal_is_named_with_its_amounts(tmp_path, writer):
    """Summa projektfinansiering widened to add it, Summa kontant finansiering not: the row is named, once."""
    book = SampleBook.load()
    row = book.financier_below_sum("Sparbanken Nord", 100_000)
    path = book.write(tmp_path / "below.xlsx", writer)
    result = check(path)
    assert result.exit_code == 1, result.output
    assert "Result: OK" not in result.output
    assert ("error: Finansiering!D14: 'Summa kontant finansiering' leaves out 'Sparbanken Nord' (100 000 kr / 100 000 "
            "kr / 100 000 kr)") in result.output, result.output
    assert "is a row outside the SUM range" not in result.output  # the row is named, not guessed at
    found = {(f["code"], f["location"]) for f in findings(path)}
    assert ("financing.below_total", f"Finansiering!A{row}") in found


@pytest.mark.parametrize("writer", WRITERS)
def test_a_financier_below_the_sum_row_with_every_total_widened_is_read(tmp_path, writer):
    """The office did it all: Summa kontant finansiering (so the project's sum) and Tillväxtverket's balance add it."""
    book = SampleBook.load()
    row = book.financier_below_sum("Sparbanken Nord", 100_000, widen=False)
    grid = book.grids["Finansiering"]
    for col in (4, 5, 6):
        letter = get_column_letter(col)
        grid.cells[(14, col)] += f"+{letter}{row}"
        grid.cells[(6, col)] = grid.cells[(6, col)].replace(f"{letter}7:{letter}13)", f"{letter}7:{letter}13,{letter}{row})")
    path = book.write(tmp_path / "below.xlsx", writer)
    result = check(path)
    assert result.exit_code == 0, result.output
    assert re.search(PROJECT, result.output, re.M) and re.search(FINANCING, result.output, re.M), result.output
    assert "EU support (Tillväxtverket): 15 778 500 kr" in result.output  # 300 000 kr less to balance
    assert_municipalities(result.output)
    assert (f"info: Finansiering!A{row}: 'Sparbanken Nord' (100 000 kr / 100 000 kr / 100 000 kr) stands below "
            "'Summa projektfinansiering'; it is read as a financier of the table (privat, kontant)") in result.output
    mapped = check(path, "--map").output
    assert re.search(rf"^  Sparbanken Nord \[privat, kontant\]: 100 000 \(D{row}\).*\[A{row}\]  — other financier",
                     mapped, re.M), mapped


def test_a_row_below_the_sum_without_its_kind_is_not_read_and_said_so(tmp_path):
    book = SampleBook.load()
    row = book.financier_below_sum("Tidigare medfinansiering", 5_000, widen=False)
    book.set_label("Finansiering", f"B{row}", None)
    del book.grids["Finansiering"].cells[(row, 2)]
    path = book.write(tmp_path / "below.xlsx", "openpyxl")
    result = check(path)
    assert result.exit_code == 0, result.output
    assert_sample_figures(result.output)
    assert (f"warning: Finansiering!A{row}: 'Tidigare medfinansiering' (5 000 kr / 5 000 kr / 5 000 kr) stands below "
            "'Summa projektfinansiering' without 'Offentlig/privat' and 'Kontant/annat än pengar', so it is not read "
            "as a financier") in result.output, result.output


@pytest.mark.parametrize("writer", WRITERS)
def test_the_forms_sum_widened_to_a_row_below_it_stops_naming_the_row(tmp_path, writer):
    """Tillväxtverket's form: below SUMMA PROJEKTFINANSIERING a row has no section, so its kind is unknown."""
    form = office_form(tmp_path / "form.xlsx", writer=writer)
    wb = openpyxl.load_workbook(form.path)
    ws = wb[form.sheets["financing"]]
    total = form.rows["SUMMA PROJEKTFINANSIERING"]
    ws.cell(total + 1, 1, "Sparbanken Nord")
    for col in form.year_cols:
        ws.cell(total + 1, col, 100_000)
        ws.cell(total, col).value += f"+{get_column_letter(col)}{total + 1}"
    wb.save(form.path)
    result = check(form.path)
    assert result.exit_code == 2, result.output
    paragraph = result.output.strip()
    assert f"Budget!A{total + 1}: 'Sparbanken Nord' (100 000 kr / 100 000 kr / 100 000 kr) stands below 'SUMMA " \
           "PROJEKTFINANSIERING', outside the form's sections" in paragraph, paragraph
    assert paragraph.count("\n") == 0 and "Traceback" not in paragraph


# -- LibreOffice ------------------------------------------------------------------------------------

@pytest.mark.libreoffice
@pytest.mark.slow
def test_the_variants_resaved_by_libreoffice_give_the_samples_figures(tmp_path):
    from .helpers.libreoffice import resave

    sources = [variant(how).write(tmp_path / f"{how}.xlsx", "xlsxwriter") for how in READ]
    book = SampleBook.load()
    book.drop_sheet("Kommuner")
    for ref, text in (("A7", "Härnösand"), ("A8", "Kramfors kn"), ("A9", "Ånge\u200b kommun"),
                      ("A12", "Timrå\u00a0kommun")):
        book.set_label("Finansiering", ref, text)
    sources.append(book.write(tmp_path / "names.xlsx", "openpyxl"))
    saved = resave(sources, tmp_path / "lo")
    for source, path in saved.items():
        result = check(path)
        assert result.exit_code == 0, (source.name, result.output)
        assert_sample_figures(result.output)
        if source.stem in READ:
            assert READ[source.stem] in result.output, result.output


@pytest.mark.parametrize("how, cell, says", [("beside", (8, 10), "Kramfors kommun · 2027"),
                                             ("beside", (8, 2), "Investeringar, materiel och externa lokaler · 2027"),
                                             ("below", (29, 4), "Kramfors kommun · 2027"),
                                             ("below", (27, 7), "Tillväxtverket · Totalt")])
def test_a_cell_on_a_sheet_of_two_tables_is_named_by_its_own_tables_row_and_year(tmp_path, how, cell, says):
    """Messages name a financing cell by the financier and its year, not by the cost row beside or the year above."""
    from hso_xl.model.checked import check_workbook
    from hso_xl.model.labels import label
    from hso_xl.workbook.refs import CellRef

    checked = check_workbook(variant(how).write(tmp_path / f"{how}.xlsx", "openpyxl"))
    assert label(checked.workbook, CellRef("Budget", *cell)) == says
    assert label(checked.workbook, CellRef("Budget", *cell), {}) == says
