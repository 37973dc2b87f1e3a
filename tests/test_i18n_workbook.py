"""Reading the workbook file and recomputing its formulas speak Swedish; `--json` stays English.

The files are the bad inputs of tests/corpus.py (a real zip bomb, a workbook really encrypted with
msoffcrypto-tool, a file cut off while copying) and the sample edited with openpyxl as an
administrator edits it in Excel (tests/test_formula_engine.py). Each test reads one real error or
finding in Swedish, word for word, and checks that its JSON form is the same in both languages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hso_xl.cli import main
from hso_xl.errors import FormulaProblem, HsoError, WorkbookUnusable
from hso_xl.i18n import speaking
from hso_xl.model.checked import check_workbook
from hso_xl.settings import Settings
from hso_xl.workbook.recalc import recompute_file

from . import corpus
from .test_formula_engine import FORECAST, PIVOTBY, with_lookup, with_notes
from .helpers.languages import same_json


def _refusal(path: Path) -> HsoError:
    with pytest.raises(HsoError) as caught:
        check_workbook(path, Settings())
    return caught.value


def _swedish(error: HsoError) -> str:
    """The paragraph in Swedish, after checking that the error's JSON is the same in both languages."""
    with speaking("sv"):
        swedish, as_json = error.paragraph(), error.to_json()
    with speaking("en"):
        assert error.to_json() == as_json
    return swedish


def test_a_zip_bomb_is_refused_in_swedish(tmp_path):
    path = corpus.zip_bomb_one_part(tmp_path)
    error = _refusal(path)
    assert isinstance(error, WorkbookUnusable)
    assert _swedish(error) == (
        f"{path}: filen avvisades eftersom delen xl/media/image1.png blir 1011 gånger större uppackad, långt mer "
        "än någon riktig arbetsbok (en 'zip-bomb'). Be avsändaren om originalarbetsboken, sparad från Excel.")
    assert error.to_json()["message"] == ("the file was refused because its part xl/media/image1.png expands 1011x, "
                                          "far beyond any real workbook (a 'zip bomb')")


@pytest.mark.slow
def test_a_zip_bomb_with_thousands_of_parts_counts_them_in_swedish(tmp_path):
    error = _refusal(corpus.zip_bomb_member_count(tmp_path))
    assert "filen avvisades eftersom den innehåller 20014 delar, långt mer än någon riktig arbetsbok" in _swedish(error)


def test_an_encrypted_workbook_in_swedish(tmp_path):
    path = corpus.password_protected(tmp_path)
    error = _refusal(path)
    assert _swedish(error) == (
        f"{path}: arbetsboken är lösenordsskyddad (krypterad), så innehållet kan inte läsas. Öppna den i Excel, "
        "ta bort lösenordet under Arkiv ▸ Information ▸ Skydda arbetsbok och spara den.")
    assert error.to_json()["hint"] == ("Open it in Excel, remove the password under File > Info > Protect Workbook, "
                                       "and save it")


def test_a_file_cut_off_says_what_is_wrong_in_swedish(tmp_path):
    path = corpus.truncated(tmp_path)
    error = _refusal(path)
    assert _swedish(error) == (
        f"{path}: filen är skadad eller ofullständig: innehållsförteckningen i zip-paketet kan inte läsas. Den kan ha "
        "kapats när den kopierades eller skickades med e-post; spara den igen från Excel.")
    assert error.to_json()["message"] == "the file is damaged or incomplete: its table of contents cannot be read"


def test_a_formula_that_cannot_be_computed_names_its_chain_in_swedish(sample):
    with_notes(sample, PIVOTBY, feed="Finansiering!D9")
    error = _refusal(sample)
    assert isinstance(error, FormulaProblem)
    assert _swedish(error) == (
        f"{sample}: Finansiering!D9 [Ånge kommun · 2027] ← Beräkning!F4 ← Anteckningar!B6: PIVOTBY stöds inte av "
        "beräkningsmotorn (IronCalc 0.9.1); dokumenten använder Finansiering!D9, som bygger på den. Byt ut "
        "funktionen mot en som stöds (se docs/workbook.md) och spara arbetsboken igen.")
    assert error.to_json()["message"] == ("PIVOTBY is not supported by the engine (IronCalc 0.9.1); the documents use "
                                          "Finansiering!D9, which rests on it")


def test_a_formula_no_figure_uses_is_a_swedish_warning(sample):
    with_notes(sample, FORECAST)
    [finding] = [f for f in check_workbook(sample, Settings()).findings if f.location == "Anteckningar!B6"]
    with speaking("sv"):
        assert finding.line() == (
            "varning: Anteckningar!B6: FORECAST.ETS stöds inte av beräkningsmotorn (IronCalc 0.9.1); 1 cell läser den "
            "(Anteckningar!B7); ingen siffra som dokumenten använder beror på dem, så dokumenten görs utan den")
    english = same_json(finding)
    assert english["details"]["hint"] == ("Replace the function with a supported one (see docs/workbook.md) and save "
                                          "the workbook again")
    assert english["message"].startswith("FORECAST.ETS is not supported by the engine (IronCalc 0.9.1); 1 cell reads")


def test_a_divergence_warning_in_swedish(sample):
    with_lookup(sample, (3, 1, 2))
    [finding] = [f for f in check_workbook(sample, Settings()).findings if f.code == "engine.divergence"]
    with speaking("sv"):
        assert str(finding.message) == (
            "=INDEX(Parametrar!G4:G6,MATCH(2,Parametrar!F4:F6)): ungefärlig sökning (PASSA/LETAUPP med matchningstyp 1 "
            "eller utan, LETARAD/LETAKOLUMN utan FALSKT; på engelska MATCH/LOOKUP, VLOOKUP/HLOOKUP) i data som inte "
            "är sorterade i stigande ordning eller blandar tal och text: IronCalc ger en annan position, medan Excel "
            "ger den position som dess egen binärsökning hittar; arbetsboken har inget sparat värde som bekräftar det "
            "omräknade 1960000")
    assert same_json(finding)["message"].startswith(
        "=INDEX(Parametrar!G4:G6,MATCH(2,Parametrar!F4:F6)): approximate lookup (MATCH/LOOKUP with match type 1 or ")


def test_a_cell_that_reads_one_not_computed_quotes_its_cause_in_swedish(sample):
    with_notes(sample, PIVOTBY)
    problems = recompute_file(sample).verification.problems
    reader = problems["Anteckningar!B7"]
    with speaking("sv"):
        assert str(reader.why) == "beror på Anteckningar!B6 (PIVOTBY stöds inte av beräkningsmotorn)"
        as_json = reader.to_json()
    assert as_json["why"] == "depends on Anteckningar!B6 (PIVOTBY is not supported by the engine)"


@pytest.mark.slow
def test_check_and_recalc_json_do_not_change_with_the_language(sample, tmp_path):
    with_notes(sample, PIVOTBY)
    with_lookup(sample, (3, 1, 2))
    runner = CliRunner()
    for command in (["check", str(sample), "--json"], ["recalc", str(sample), "-o", str(tmp_path / "r.xlsx"), "--json"]):
        swedish = runner.invoke(main, ["--lang", "sv", *command])
        english = runner.invoke(main, ["--lang", "en", *command])
        assert swedish.exit_code == english.exit_code and swedish.exit_code in (0, 1), swedish.output
        assert json.loads(swedish.output) == json.loads(english.output)
    report = json.loads(english.output)
    assert report["unsupported_functions"] == {"Anteckningar!B6": ["PIVOTBY"]}


def test_check_on_the_command_line_speaks_swedish_by_default(tmp_path):
    """No --lang and no language in the environment: Swedish (tests otherwise run in English)."""
    path = corpus.empty_file(tmp_path)
    result = CliRunner().invoke(main, ["check", str(path)], env={"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "",
                                                                 "LANG": ""})
    assert result.exit_code == 2
    assert (f"{path}: filen är tom (0 byte). Den sparades eller kopierades förmodligen inte helt; spara arbetsboken "
            "igen från Excel (.xlsx).") in result.stderr
    english = CliRunner().invoke(main, ["--lang", "en", "check", str(path)])
    assert "the file is empty (0 bytes)" in english.stderr and "filen" not in english.stderr


def test_the_tables_read_are_named_in_swedish(sample):
    checked = check_workbook(sample, Settings())
    with speaking("sv"):
        assert [place.text() for place in checked.budget.places][:3] == [
            "kostnader: Budget!A3:E19", "finansiering: Finansiering!A3:G22", "projektuppgifter: Projekt!A3:B18"]
    assert [place.what for place in checked.budget.places][:2] == ["costs", "financing"]  # what JSON keeps


def test_a_damaged_sheet_and_a_damaged_value_in_swedish(tmp_path):
    sheet = corpus.damaged_sheet_xml(tmp_path)
    assert _swedish(_refusal(sheet)) == (
        f"{sheet}: bladet 'Finansiering' (xl/worksheets/sheet4.xml) är skadat. Öppna den i Excel och spara den igen "
        "(Excel reparerar det som går), eller återställ en kopia som sparades innan den skadades.")
    value = corpus.damaged_number(tmp_path)
    assert _swedish(_refusal(value)) == (
        f"{value}: Finansiering!D9: cellen innehåller '1.2.3' där filen ska ha ett tal: filen är skadad. Skriv in "
        "värdet i cellen igen i Excel och spara arbetsboken, eller återställ en kopia som sparades innan den skadades.")
