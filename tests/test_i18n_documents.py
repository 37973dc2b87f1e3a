"""`check`, `recalc` and the template errors of Word and Excel documents speak Swedish; `--json` does not change.

The workbooks are the shipped sample, edited with openpyxl or in its XML as an administrator's
Excel would leave it (tests/test_recalc.py, tests/test_formula_engine.py); the templates are made
with python-docx and openpyxl. Each test reads the real output word for word.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from hso_xl.cli import main
from hso_xl.errors import TemplateProblem
from hso_xl.i18n import speaking
from hso_xl.render.docx import render_docx
from hso_xl.render.xlsx import render_xlsx

from .conftest import SAMPLE
from .test_formula_engine import PIVOTBY, with_notes
from .test_recalc import stale

WHEN = dt.datetime(2026, 1, 30, 8, 0, 0)


def hso_xl(*args: str, exits: tuple[int, ...] = (0, 1)) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in exits, result.output
    return result.output


# -- hso-xl check ----------------------------------------------------------------------------------

SWEDISH_CHECK = f"""Arbetsbok: {SAMPLE}
Upplägg: hso-xl:s upplägg (bladen Budget och Finansiering)
Inläst: kostnader: Budget!A3:E19; finansiering: Finansiering!A3:G22; projektuppgifter: Projekt!A3:B18; \
parametrar: Parametrar!A3:C10; kommunuppgifter: Kommuner!A3:I10
Dokumentdatum: 2026-01-30 (Dokumentdatum, Projekt!B18)
Räknade om 91 formler med IronCalc 0.9.1: alla stämmer med värdena som är sparade i filen.

(kr)                             2027          2028          2029         Totalt
Summa bokförd kostnad      13 279 868    12 102 109    12 114 880     37 496 857
Direktfinansiering            899 800       899 800       899 800      2 699 400
Summa projektkostnad       14 179 668    13 001 909    13 014 680     40 196 257
Kontant finansiering       13 279 868    12 102 109    12 114 880     37 496 857
Summa finansiering         14 179 668    13 001 909    13 014 680     40 196 257

EU-stöd (Tillväxtverket): 16 078 500 kr = 40,00 % av den totala projektkostnaden (tak 40 %)

Medfinansiering per kommun (kr):
  Härnösands kommun        454 407 / 454 407 / 454 407  totalt 1 363 221
  Kramfors kommun          454 407 / 454 407 / 454 407  totalt 1 363 221
  Sollefteå kommun         454 407 / 454 407 / 454 407  totalt 1 363 221
  Sundsvalls kommun        661 270 / 661 270 / 661 270  totalt 1 983 810
  Timrå kommun             454 407 / 454 407 / 454 407  totalt 1 363 221
  Ånge kommun              454 407 / 454 407 / 454 407  totalt 1 363 221
  Örnsköldsviks kommun     454 407 / 454 407 / 454 407  totalt 1 363 221

Kontrollen hittade 0 fel, 3 varningar och 4 noteringar
"""


def test_the_check_summary_of_the_sample_in_swedish():
    out = hso_xl("--lang", "sv", "check", str(SAMPLE))
    assert out.startswith(SWEDISH_CHECK)
    findings = out[len(SWEDISH_CHECK):].splitlines()
    assert [line.split(":")[0] for line in findings] == ["  varning"] * 3 + ["  notering"] * 4 + ["Resultat"]
    assert findings[-1] == "Resultat: OK"


def test_no_english_is_left_in_the_swedish_summary():
    out = hso_xl("--lang", "sv", "check", str(SAMPLE))
    ours = [line for line in out.splitlines() if not line.startswith(("  varning:", "  notering:"))]  # quote tags
    english = re.compile(r"\b(the|of|with|and|total|Findings|Result|Workbook|Layout|Read|Recomputed|cap)\b")
    assert [line for line in ours if english.search(line)] == []


@pytest.mark.parametrize("cells, english, swedish", [
    ({}, "Findings: 0 errors, 3 warnings, 4 notes", "Kontrollen hittade 0 fel, 3 varningar och 4 noteringar"),
    ({"C7": -1}, "Findings: 1 error, 3 warnings, 4 notes", "Kontrollen hittade 1 fel, 3 varningar och 4 noteringar"),
    ({"B7": -1, "C7": -1, "D7": None}, "Findings: 2 errors, 4 warnings, 4 notes",
     "Kontrollen hittade 2 fel, 4 varningar och 4 noteringar"),
], ids=["sample", "one-error", "two-of-each"])
def test_the_findings_are_counted_with_real_plurals(sample, cells, english, swedish):
    wb = openpyxl.load_workbook(sample)
    for cell, value in cells.items():  # Externa tjänster: negative amounts are errors, an empty one a warning
        wb["Budget"][cell] = value
    wb.save(sample)
    en = hso_xl("--lang", "en", "check", str(sample))
    sv = hso_xl("--lang", "sv", "check", str(sample))
    assert f"\n{english}\n" in en and f"\n{swedish}\n" in sv
    if cells:
        assert en.rstrip().endswith("\nResult: errors found: fix the workbook before producing documents")
        assert sv.rstrip().endswith("\nResultat: kontrollen hittade fel; rätta arbetsboken innan du tar fram "
                                    "dokumenten")


def test_the_document_date_line_without_a_dokumentdatum_in_swedish(sample):
    wb = openpyxl.load_workbook(sample)
    wb["Projekt"]["B18"] = None
    wb.save(sample)
    out = hso_xl("--lang", "sv", "check", str(sample))
    today = dt.date.today().isoformat()
    assert (f"\nDokumentdatum: inget Dokumentdatum på bladet Projekt, så nya och ändrade dokument får byggdatumet "
            f"({today}) och oförändrade dokument behåller sitt datum\n") in out
    assert (f"\nDocument date: no Dokumentdatum in Projekt, so new and changed documents get the build date ({today}) "
            "and unchanged ones keep theirs\n") in hso_xl("--lang", "en", "check", str(sample))


def test_the_map_in_swedish():
    lines = hso_xl("--lang", "sv", "check", str(SAMPLE), "--map").splitlines()
    for line in [
        "Det som dokumenten använder, och var det kommer ifrån (kronor som de skrivs ut, cellen inom parentes):",
        "Kostnader (bladet Budget; 2027, 2028, 2029):",
        "Direktfinansierade kostnader (bladet Budget; 2027, 2028, 2029):",
        "Kontant finansiering (bladet Finansiering; 2027, 2028, 2029):",
        "Direktfinansiering (bladet Finansiering; 2027, 2028, 2029):",
        "  Tillväxtverket [offentlig, kontant, EU]: 5 921 580 (D6)  5 073 862 (E6)  5 083 058 (F6)  [A6]  — känd "
        "finansiär: sitt namn",
        "  Härnösands kommun [offentlig, kontant, kommun]: 454 407 (D7)  454 407 (E7)  454 407 (F7)  [A7]  — kommun: "
        "sitt namn",
        "Projektuppgifter:",
        "  projekt.diarienummer: saknas ('Diarienummer')",
        "  projekt.dokumentdatum = 2026-01-30  (Projekt!B18, 'Dokumentdatum')",
        "Parametrar:",
        "  parametrar.oh_sats = 0.15  (Parametrar!B6, ingen känd uppgift)",
        "Härnösands kommun (finansieringsrad Finansiering!A7, uppgiftsrad Kommuner!A4):",
        "  kommun.organisationsnummer: saknas",
    ]:
        assert line in lines


def test_check_json_is_the_same_in_swedish_and_english(sample):
    wb = openpyxl.load_workbook(sample)
    wb["Budget"]["C7"] = -1  # errors and warnings besides the sample's notes
    wb["Projekt"]["B18"] = None
    wb.save(sample)
    for path in (SAMPLE, sample):
        swedish = hso_xl("--lang", "sv", "check", str(path), "--json")
        assert swedish == hso_xl("--lang", "en", "check", str(path), "--json")
        assert '"message": "' in swedish and "Kontrollen" not in swedish and " är " not in swedish


# -- hso-xl recalc ---------------------------------------------------------------------------------

def test_the_recalc_report_in_swedish(sample, tmp_path):
    with_notes(sample, PIVOTBY)
    out = tmp_path / "ut.xlsx"
    lines = hso_xl("--lang", "sv", "recalc", str(sample), "-o", str(out)).splitlines()
    assert lines[0] == f"Arbetsbok: {sample}"
    assert lines[1] == ("Räknade om 94 formler med IronCalc 0.9.1: 0 stämmer med värdena som är sparade i filen, "
                        "0 skiljer sig, 2 kunde inte beräknas, 92 hade inget sparat värde.")  # openpyxl saved none
    assert lines[2] == "Celler som inte kunde beräknas (de behåller värdet som är sparat i filen):"
    assert lines[3].startswith("  Anteckningar!B6: ") and lines[3].endswith(f"  {PIVOTBY}")
    assert lines[5].startswith("  Så rättar du det: ")
    assert lines[-1] == (f"Skrev {out} (2 celler som inte kunde beräknas behåller värdena som är sparade i filen).")
    check = hso_xl("--lang", "sv", "check", str(sample))
    assert ("\nRäknade om 94 formler med IronCalc 0.9.1: inget sparat värde skiljer sig; 92 hade inget sparat "
            "värde; 2 kunde inte beräknas (se varningarna).\n") in check
    strict = hso_xl("--lang", "sv", "recalc", str(sample), "-o", str(tmp_path / "inte.xlsx"), "--strict", exits=(2,))
    assert not (tmp_path / "inte.xlsx").exists()
    assert "Celler som inte kunde beräknas (inget skrevs):" in strict
    assert strict.rstrip().endswith("Inget skrevs (--strict): arbetsboken har formler som beräkningsmotorn inte kan "
                                    "räkna ut.")


def test_a_stale_cached_value_in_swedish_and_english(sample, tmp_path):
    stale(sample)
    out = tmp_path / "ut.xlsx"
    sv = hso_xl("--lang", "sv", "recalc", str(sample), "-o", str(out)).splitlines()
    assert sv[1:] == ["Räknade om 91 formler med IronCalc 0.9.1: 90 stämmer med värdena som är sparade i filen, "
                      "1 skiljer sig, 0 kunde inte beräknas, 0 hade inget sparat värde.",
                      "Celler där det sparade värdet skiljer sig från det omräknade:",
                      "  Budget!B11: sparat 12345, omräknat 13279868.4  =SUM(B4:B9)-B10",
                      f"Skrev {out}"]
    en = hso_xl("--lang", "en", "recalc", str(sample), "-o", str(out)).splitlines()
    assert en[1] == ("Recomputed 91 formulas with IronCalc 0.9.1: 90 agree with the values cached in the file, "
                     "1 differs, 0 could not be computed, 0 had no cached value.")
    check = hso_xl("--lang", "sv", "check", str(sample))
    assert ("Räknade om 91 formler med IronCalc 0.9.1: 1 skiljer sig från värdena som är sparade i filen.\n"
            in check)


def test_recalc_json_is_the_same_in_swedish_and_english(sample, tmp_path):
    with_notes(sample, PIVOTBY)
    out = tmp_path / "ut.xlsx"
    swedish = hso_xl("--lang", "sv", "recalc", str(sample), "-o", str(out), "--json")
    assert swedish == hso_xl("--lang", "en", "recalc", str(sample), "-o", str(out), "--json")


# -- template errors ---------------------------------------------------------------------------------

def word_template(path: Path, text: str) -> Path:
    doc = Document()
    doc.add_paragraph("Rubrik")
    doc.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def test_a_word_template_error_names_the_paragraph_in_swedish(tmp_path):
    template = word_template(tmp_path / "Beslut.docx", "Beloppet för {{ kommun.namnn }} är {{ kommun.totalt }}.")
    with pytest.raises(TemplateProblem) as caught:
        render_docx(template, {"kommun": {"namn": "Ånge kommun", "totalt": 1}}, WHEN)
    problem = caught.value
    with speaking("sv"):
        assert problem.paragraph() == (f"{template}: i stycket \"Beloppet för {{{{ kommun.namnn }}}} är "
                                       "{{ kommun.totalt }}.\": okänd variabel 'namnn'. Rätta taggen; i "
                                       "docs/templates.md står alla variabler som en mall kan använda.")
        swedish = problem.to_json()
    assert problem.paragraph() == (f"{template}: in the paragraph \"Beloppet för {{{{ kommun.namnn }}}} är "
                                   "{{ kommun.totalt }}.\": unknown variable 'namnn'. Correct the tag; "
                                   "docs/templates.md lists every variable a template can use.")
    assert swedish == problem.to_json()


def test_a_word_template_error_in_a_swedish_build(tmp_path):
    templates = tmp_path / "templates"
    template = word_template(templates / "kommun" / "Trasig.docx", "Beloppet är {{ kommun.totlat|kr }} kronor.")
    result = CliRunner().invoke(main, ["--lang", "sv", "build", str(SAMPLE), "--templates", str(templates),
                                       "--out", str(tmp_path / "ut")])
    assert result.exit_code == 2
    assert (f"{template}: i stycket \"Beloppet är {{{{ kommun.totlat|kr }}}} kronor.\": okänd variabel 'totlat'. "
            "Rätta taggen;") in result.output
    assert not (tmp_path / "ut").exists()


def excel_template(path: Path, cells: dict[str, str]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Blad 1"
    for ref, text in cells.items():
        ws[ref] = text
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


CONTEXT = {"rader": [{"namn": "Ånge kommun"}, {"namn": "Timrå kommun"}], "titel": "Budget"}


@pytest.mark.parametrize("cells, swedish, english", [
    ({"A2": "Namn", "B2": "{%row for r in rader %}{{ r.namn }}"},
     "'Blad 1'!B2: taggen som upprepar raden, i cellen \"{%row for r in rader %}{{ r.namn }}\", måste stå i radens "
     "första ifyllda cell. Flytta taggen {%row for … %} till kolumn A (eller till den första cellen på raden som "
     "har text).",
     "'Blad 1'!B2: a row loop tag must be in the first filled cell of its row, in the cell \"{%row for r in rader %}"
     "{{ r.namn }}\". Move the {%row for … %} tag to column A (or the first cell of the row that has text)."),
    ({"A1": "{%row for r in titel %}x"},
     "'Blad 1'!A1: mallen kunde inte fyllas i: 'titel' är ingen lista (värdet är str) i cellen "
     "\"{%row for r in titel %}x\". Rätta taggen i Excel och kör igen.",
     "'Blad 1'!A1: the template could not be rendered: 'titel' is not a list (it is str) in the cell "
     "\"{%row for r in titel %}x\". Correct the tag in Excel and run again."),
    ({"B1": "{%col for y in rader %}{{ y.namn }}", "B2": "{%col for x in rader %}{{ x.namn }}"},
     "'Blad 1'!B2: kolumnen har två olika taggar som upprepar den ('Blad 1'!B1 och 'Blad 1'!B2). Använd samma tagg "
     "{%col for … %} i alla celler i kolumnen, eller bara en.",
     "'Blad 1'!B2: the column has two different loop tags ('Blad 1'!B1 and 'Blad 1'!B2). Use the same {%col for … %} "
     "tag in every cell of the column, or only one."),
    ({"A1": "=1/0"},
     "'Blad 1'!A1: en formel i den ifyllda arbetsboken kan inte beräknas: ",
     "'Blad 1'!A1: a formula of the filled-in workbook cannot be computed: "),
    ({"A1": "{%row for r in rader %}{{ r.namn }}", "A3": "=1/0"},  # two rows: the formula moves down one
     "'Blad 1'!A4: en formel i den ifyllda arbetsboken (från mallens 'Blad 1'!A3) kan inte beräknas: ",
     "'Blad 1'!A4: a formula of the filled-in workbook (from the template's 'Blad 1'!A3) cannot be computed: "),
], ids=["row-loop-not-first", "loop-over-text", "two-column-loops", "formula-error", "formula-error-moved"])
def test_an_excel_template_error_in_swedish(tmp_path, cells, swedish, english):
    template = excel_template(tmp_path / "Trasig.xlsx", cells)
    with pytest.raises(TemplateProblem) as caught:
        render_xlsx(template, CONTEXT, WHEN)
    problem = caught.value
    with speaking("sv"):
        assert problem.paragraph().startswith(f"{template}: {swedish}")
        json = problem.to_json()
    assert problem.paragraph().startswith(f"{template}: {english}")
    assert json == problem.to_json()
