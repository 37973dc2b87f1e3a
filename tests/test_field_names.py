"""Field test: every financing row accounted for, and labels with characters Excel does not show.

The sample is rewritten the way offices write names ('Kramfors kn', 'Härnösand', a trailing space,
'Sundsvals kommun') and paste labels (no-break, narrow and zero-width spaces, tabs, a BOM, a soft
hyphen), then saved by plain openpyxl and by xlsxwriter (tests/helpers/sample_books.py). Each test
asserts what the administrator sees: the figures and notes `check` prints, `check --map`'s reason
for each row, the error naming the cell, and the sentences of the built drafts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from hso_xl.cli import main
from hso_xl.model.names import Names

from .helpers.field_books import S0_MUNICIPALITIES
from .helpers.sample_books import SampleBook

WRITERS = ["openpyxl", "xlsxwriter"]
MUNICIPALITIES_TOTAL = "10 163 136"  # the seven municipalities' three years together


def check(path: Path, *args: str):
    return CliRunner().invoke(main, ["--lang", "en", "check", str(path), *args])


def grouped(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def assert_municipalities(output: str) -> None:
    """Each of the seven printed with its amounts, under its official name."""
    for name, amount in S0_MUNICIPALITIES.items():
        line = re.compile(rf"^  {re.escape(name)}\s+{re.escape(' / '.join([grouped(amount)] * 3))}  total "
                          rf"{re.escape(grouped(amount * 3))}$", re.M)
        assert line.search(output), f"{name} not printed with its amounts:\n{output}"


def findings(path: Path) -> dict[tuple[str, str], str]:
    result = check(path, "--json")
    return {(f["code"], f["location"]): f["message"] for f in json.loads(result.output)["findings"]}


def written(tmp_path: Path, writer: str, *, labels: dict[tuple[str, str], str], facts: bool = True) -> Path:
    book = SampleBook.load()
    if not facts:
        book.drop_sheet("Kommuner")
    for (sheet, ref), text in labels.items():
        book.set_label(sheet, ref, text)
    return book.write(tmp_path / f"budget-{writer}.xlsx", writer)


# -- names as offices write them ------------------------------------------------------------------

@pytest.mark.parametrize("text, official, how", [
    ("Kramfors kn", "Kramfors kommun", "abbreviation"),
    ("Kramfors k:n", "Kramfors kommun", "abbreviation"),
    ("Härnösands KN", "Härnösands kommun", "abbreviation"),
    ("Härnösand", "Härnösands kommun", "short"),
    ("Härnösands", "Härnösands kommun", "short"),
    ("HÄRNÖSANDS  KOMMUN", "Härnösands kommun", "exact"),
    ("Örnsköldsviks kommun ", "Örnsköldsviks kommun", "exact"),
    ("Timrå\u00a0kommun", "Timrå kommun", "exact"),
    ("Ånge\u200b kommun", "Ånge kommun", "exact"),
    ("Sundsvall kommun", "Sundsvalls kommun", "genitive"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_the_forms_of_a_municipalitys_name_that_are_certain(text, official, how):
    match = Names.shipped().match(text)
    assert (match.organisation.name, match.how) == (official, how)


@pytest.mark.parametrize("text, like", [
    ("Sundsvals kommun", "Sundsvalls kommun"),  # a letter left out
    ("Sundsvalll kn", "Sundsvalls kommun"),
    ("Ange kommun", "Ånge kommun"),  # Å typed as A
    ("Örnsköldsvk", "Örnsköldsviks kommun"),
    ("Timrå kommunförvaltning", "Timrå kommun"),
    ("Kramfors kommun (via bolaget)", "Kramfors kommun"),
])
def test_a_name_that_only_resembles_a_municipality_is_not_taken_for_it(text, like):
    names = Names.shipped()
    assert names.match(text) is None
    assert names.resembles(text).name == like


@pytest.mark.parametrize("text", ["Sundsvall Energi AB", "Bräcke kommun", "Umeå kommun", "Sparbanken Nord",
                                  "Region Västernorrland"])
def test_other_names_resemble_no_municipality(text):
    assert Names.shipped().resembles(text) is None


@pytest.mark.parametrize("writer", WRITERS)
def test_short_forms_without_a_facts_sheet_give_every_municipality_its_row(tmp_path, writer):
    """'Kramfors kn', 'Härnösand', a trailing space: no Kramfors draft went missing, no certificate to 'Kramfors kn'."""
    path = written(tmp_path, writer, facts=False, labels={
        ("Finansiering", "A7"): "Härnösand", ("Finansiering", "A8"): "Kramfors kn",
        ("Finansiering", "A12"): "Timrå k:n", ("Finansiering", "A13"): "Örnsköldsviks kommun "})
    result = check(path, "--map")  # one run: the figures, the findings and the map
    assert result.exit_code == 0, result.output
    output = result.output
    assert_municipalities(output)
    assert "Result: OK" in output
    assert "info: Finansiering!A8: 'Kramfors kn' is read as Kramfors kommun\n" in output
    assert "info: Finansiering!A7: 'Härnösand' is read as Härnösands kommun\n" in output
    assert "info: Finansiering!A12: 'Timrå k:n' is read as Timrå kommun\n" in output
    assert "Finansiering!A13:" not in output  # a trailing space is no news
    assert re.search(r"^  Kramfors kommun \[offentlig, kontant, municipality\] \(written 'Kramfors kn'\): 454 407 \(D8\)"
                     r".*\[A8\]  — municipality: its name with 'kommun' abbreviated$", output, re.M), output
    assert re.search(r"^  Härnösands kommun .*\[A7\]  — municipality: its short name$", output, re.M)
    assert re.search(r"^  Region Västernorrland \[offentlig, kontant\].*\[A5\]  — known financier: its name$",
                     output, re.M)


@pytest.mark.parametrize("facts", [True, False], ids=["with Kommuner", "without facts"])
@pytest.mark.parametrize("writer", WRITERS)
def test_a_misspelt_municipality_stops_the_check_naming_the_row_and_the_municipality(tmp_path, writer, facts):
    path = written(tmp_path, writer, facts=facts, labels={("Finansiering", "A11"): "Sundsvals kommun"})
    result = check(path, "--map")
    output = result.output
    assert result.exit_code == 1, output
    assert "Result: OK" not in output
    assert "error: Finansiering!A11: 'Sundsvals kommun' resembles Sundsvalls kommun but is not written as its " \
           "name" in output
    assert "Sundsvals kommun  " not in output  # not printed as a municipality of its own
    assert output.count("resembles Sundsvalls kommun but") == 1
    # One cause, said once: not also 'looks like a municipality' or 'has no cash financing row'.
    assert "looks like a municipality" not in output and "has no cash financing row" not in output
    assert "[A11]  — not read: the name resembles Sundsvalls kommun (see the error)" in output


@pytest.mark.parametrize("writer", WRITERS)
def test_an_unknown_financier_is_said_to_be_one(tmp_path, writer):
    book = SampleBook.load()
    book.set_label("Finansiering", "A19", "Sparbanken Nord")  # an in-kind row of 0 kr, renamed
    path = book.write(tmp_path / "budget.xlsx", writer)
    result = check(path, "--map")
    assert result.exit_code == 0, result.output
    assert re.search(r"^  Sparbanken Nord \[offentlig, annat än pengar\].*\[A19\]  — other financier: not a known "
                     r"organisation, and not like a municipality's name$", result.output, re.M), result.output


# -- characters Excel does not show -----------------------------------------------------------------

INVISIBLE = {
    ("Budget", "A3"): "Kostnads\u200bslag",  # a header word
    ("Budget", "A4"): "Personal\t",  # a cost label
    ("Budget", "A11"): "Summa\u00a0bokförd kostnad",  # a total's label
    ("Finansiering", "A9"): "\ufeffÅnge kommun",  # a financier
    ("Finansiering", "A12"): "Timrå\u202fkommun",
    ("Finansiering", "A14"): "Summa kontant\u2060finansiering".replace("\u2060", " \u2060"),
    ("Finansiering", "C5"): "kon\u00adtant",  # the kind column's word
    ("Projekt", "A4"): "Projekt\u200dnamn",  # a fact label
    ("Kommuner", "B6"): "Ånge\u200c kommun",  # a municipality's official name
}


@pytest.mark.parametrize("writer", WRITERS)
def test_invisible_characters_in_labels_are_read_as_they_look_with_a_note_naming_each_cell(tmp_path, writer):
    path = written(tmp_path, writer, labels=INVISIBLE)
    result = check(path)
    assert result.exit_code == 0, result.output
    assert_municipalities(result.output)
    assert re.search(r"^Summa projektkostnad\s+14 179 668\s+13 001 909\s+13 014 680\s+40 196 257$", result.output, re.M)
    found = findings(path)
    for (sheet, ref) in INVISIBLE:
        assert ("text.invisible", f"{sheet}!{ref}") in found, (sheet, ref, sorted(found))
    assert found[("text.invisible", "Finansiering!A12")] == (
        "'Timrå kommun' holds a narrow no-break space, which Excel does not show; it is read as typed with plain "
        "spaces (retype the text to be rid of this note)")
    assert "a byte order mark" in found[("text.invisible", "Finansiering!A9")]
    assert "a soft hyphen" in found[("text.invisible", "Finansiering!C5")]
    assert not [k for k in found if k[0] == "name.official"]  # the names are the official ones, as they look


def test_the_note_is_in_swedish_by_default(tmp_path):
    path = written(tmp_path, "openpyxl", labels={("Finansiering", "A12"): "Timrå\u00a0kommun"})
    result = CliRunner().invoke(main, ["--lang", "sv", "check", str(path)])
    assert "notering: Finansiering!A12: 'Timrå kommun' innehåller ett hårt mellanslag, som Excel inte visar" \
        in result.output, result.output


# -- the drafts -------------------------------------------------------------------------------------

def body_text(path: Path) -> str:
    document = Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells).replace("\u00a0", " ")


@pytest.mark.slow
def test_kramfors_kn_without_facts_gets_its_draft_and_every_draft_the_municipalities_total(tmp_path):
    path = written(tmp_path, "xlsxwriter", facts=False, labels={
        ("Finansiering", "A7"): "Härnösand", ("Finansiering", "A8"): "Kramfors kn",
        ("Finansiering", "A13"): "Örnsköldsviks kommun "})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--lang", "en", "build", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    drafts = sorted((out / "kommuner").glob("*.docx"))
    assert [d.name.split(" – ")[0] for d in drafts] == sorted(S0_MUNICIPALITIES)
    for draft in drafts:
        text = body_text(draft)
        assert f"Kommunernas sammanlagda medfinansiering är {MUNICIPALITIES_TOTAL} kronor" in text, draft.name
        assert "Kramfors kn" not in text
    kramfors = body_text(out / "kommuner" / "Kramfors kommun – Beslutsunderlag.docx")
    assert "Kramfors kommun" in kramfors and "454 407 kronor per år" in kramfors
    assert not [c for c in (out / "finansiarer").glob("*.docx") if "kn" in c.name]
