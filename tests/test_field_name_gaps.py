"""Field test: nothing about a financier disappears without a word (issue 19).

Variants of the sample written by openpyxl (tests/helpers/sample_books.py): a municipality with no row in
the financing plan, a municipality's negative amount, and misspellings of the other known financiers
(Tillväxtverket, Region Västernorrland, Länsstyrelsen). Each test asserts what `check` prints.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hso_xl.cli import main
from hso_xl.model.names import Names

from .helpers.sample_books import SampleBook


def check(path: Path, *args: str, lang: str = "en"):
    return CliRunner().invoke(main, ["--lang", lang, "check", str(path), *args])


def written(tmp_path: Path, labels: dict[str, object], facts: bool = True) -> Path:
    book = SampleBook.load()
    if not facts:
        book.drop_sheet("Kommuner")
    for ref, value in labels.items():
        book.set_label("Finansiering", ref, value)
    return book.write(tmp_path / "budget.xlsx", "openpyxl")


ANGE_AS_BANK = {"A9": "Sparbanken Nord", "B9": "privat"}  # Ånge's row now a private financier's


@pytest.mark.slow
def test_a_known_municipality_without_a_row_is_said_when_there_is_no_kommuner_sheet(tmp_path):
    result = check(written(tmp_path, ANGE_AS_BANK, facts=False))
    assert result.exit_code == 0, result.output
    assert ("warning: Finansiering: Ånge kommun has no row in the financing plan, so no decision draft or "
            "co-financing certificate is built for it. If it takes part, add its cash financing row") in result.output
    assert "Kramfors kommun has no row" not in result.output  # only the one missing


def test_a_municipality_of_the_kommuner_sheet_without_a_row_is_an_error(tmp_path):
    result = check(written(tmp_path, ANGE_AS_BANK))
    assert "error: Kommuner!A6: the municipality 'Ånge kommun' has no cash financing row" in result.output
    assert "has no row in the financing plan" not in result.output  # said once, by the existing rule


def test_a_municipalitys_negative_amount_names_its_documents(tmp_path):
    output = check(written(tmp_path, {"D8": -5}), lang="sv").output
    assert ("fel: Finansiering!D8: 'Kramfors kommun' 2027 är negativt (−5,00 kr); belopp måste vara 0 eller mer. "
            "Beloppet skulle stå i beslutsunderlaget och medfinansieringsintyget för Kramfors kommun, så inget av dem "
            "görs förrän det är rättat") in output
    assert "Resultat: kontrollen hittade fel; rätta arbetsboken innan du tar fram dokumenten" in output


@pytest.mark.parametrize("cell, text, official", [
    ("A5", "Region Västernorland", "Region Västernorrland"),
    ("A18", "Länsstyrelsen Västernorland", "Länsstyrelsen Västernorrland"),
    ("A19", "Mittuniversitett", "Mittuniversitetet"),
])
def test_a_misspelt_known_financier_is_an_error_naming_the_row(tmp_path, cell, text, official):
    result = check(written(tmp_path, {cell: text}))
    assert (f"error: Finansiering!{cell}: '{text}' resembles {official} but is not written as its name, so it is "
            f"taken neither for {official} nor for a financier of its own. Write {official}, or add '{text}' to an "
            "Alias sheet or hso.toml [aliases]") in result.output
    assert "Result: errors found" in result.output


def test_a_misspelt_eu_financier_stops_naming_the_row(tmp_path):
    result = check(written(tmp_path, {"A6": "Tillväxtverk"}))
    assert result.exit_code == 2, result.output
    assert ("Finansiering!A6: the EU financier 'Tillväxtverket' has no cash row in the financing plan: 'Tillväxtverk' "
            "resembles it but is not written as its name, so it is not taken for it. Write Tillväxtverket in "
            "Finansiering!A6") in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("text", ["Sparbanken Nord", "Region Västerbotten", "Almi Mitt", "RV", "TV", "Miun AB",
                                  "Tillväxtverket", "Mittuniversitetet"])
def test_other_names_resemble_no_known_financier(text):
    assert Names.shipped().resembles(text) is None
