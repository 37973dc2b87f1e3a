"""The check, the workbook contract and hso.toml speak Swedish; `--json` stays English.

The workbooks are the valid one edited with openpyxl as an administrator edits it in Excel
(tests/corpus.py); each test reads one real finding or error in Swedish, word for word, and checks
that its JSON form is the same whichever language the screen speaks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hso_xl.errors import ContractError, SettingsError
from hso_xl.findings import Finding, Severity, both, either, joined
from hso_xl.i18n import _, speaking
from hso_xl.model.checked import check_workbook
from hso_xl.model.layouts import shown_title, title
from hso_xl.settings import Settings, load_settings

from . import corpus
from .helpers.languages import same_json


def _findings(tmp_path: Path, change, code: str) -> list[Finding]:
    path = corpus._edited(tmp_path, "arbetsbok.xlsx", change)
    return [f for f in check_workbook(path, Settings()).findings if f.code == code]


def test_a_negative_amount_in_swedish(tmp_path):
    def change(wb):
        wb["Budget"]["B9"].value = -5  # Resor och logi 2027

    [finding] = _findings(tmp_path, change, "amount.negative")
    with speaking("sv"):
        assert finding.line() == "fel: Budget!B9: 'Resor och logi' 2027 är negativt (−5,00 kr); belopp ska vara 0 eller mer"
    assert same_json(finding)["message"] == "'Resor och logi' 2027 is negative (−5,00 kr); amounts must be 0 or more"


def test_a_row_left_out_of_a_total_is_one_swedish_sentence(tmp_path):
    def change(wb):
        for col in "BCD":  # Summa bokförd kostnad no longer adds up row 9, Resor och logi
            wb["Budget"][f"{col}11"].value = f"=SUM({col}4:{col}8)-{col}10"

    [finding] = _findings(tmp_path, change, "workbook.total")
    with speaking("sv"):
        assert str(finding.message) == (
            "'Summa bokförd kostnad' räknar inte med 'Resor och logi' (627 702 kr / 223 331 kr / 223 331 kr): "
            "2027 12 652 166,40 kr där raderna summerar till 13 279 868,40 kr, "
            "2028 11 878 778,39 kr där raderna summerar till 12 102 109,39 kr, "
            "2029 11 891 549,08 kr där raderna summerar till 12 114 880,08 kr. "
            "Utöka formeln =SUM(B4:B8)-B10 i Budget!B11:D11 så att raden kommer med; så länge summan är fel är "
            "finansieringsplanen, som ska gå jämnt ut mot den, fel med samma belopp")
    english = same_json(finding)["message"]
    assert english.startswith("'Summa bokförd kostnad' leaves out 'Resor och logi' (627 702 kr / 223 331 kr / 223 331 kr): "
                              "2027 12 652 166,40 kr where its rows add up to 13 279 868,40 kr, ")
    assert english.endswith("to include it; as long as it is wrong, the financing plan, which balances against it, is "
                            "off by the same amount")


def test_the_eu_cap_advice_in_swedish(tmp_path):
    def change(wb):
        wb["Budget"]["B7"].value = 3960000  # Externa tjänster 2027 up by 2 000 000: the EU formula follows

    [finding] = _findings(tmp_path, change, "eu.cap")
    with speaking("sv"):
        text = str(finding.message)
    assert text.startswith("EU-stödet (Tillväxtverket) är 18 078 501 kr, 42,84 % av den totala projektkostnaden "
                           "42 196 258 kr; taket 40 % tillåter 16 878 503 kr, så stödet är 1 199 998 kr för stort under "
                           "perioden. Beloppet för Tillväxtverket är formeln som får finansieringen att gå jämnt ut (den "
                           "räknas fram från Budget: Personal, ")
    assert text.endswith("så skriv inte över den: Region Västernorrland eller kommunerna tillsammans måste täcka "
                         "1 199 998 kr mer under perioden, eller så måste kostnaderna minska med 2 999 995 kr")
    english = same_json(finding)["message"]
    assert "Region Västernorrland or the municipalities together must cover 1 199 998 kr more" in english


@pytest.mark.parametrize("others, swedish, english", [
    (False, "de 7 kommunerna hämtas från finansieringsplanen, utan sina uppgifter",
     "the 7 municipalities are taken from the financing plan, without their facts"),
    (True, ": 1 kommun hämtas från finansieringsplanen, utan sina uppgifter",
     "the 1 municipality is taken from the financing plan, without its facts"),
], ids=["seven", "one"])
def test_municipalities_without_a_kommuner_sheet_are_counted(tmp_path, others, swedish, english):
    def change(wb):
        del wb["Kommuner"]
        if others:  # six of the seven municipalities' rows now name foundations
            for row in range(8, 14):
                wb["Finansiering"][f"A{row}"].value = f"Stiftelse {row}"

    [finding] = _findings(tmp_path, change, "facts.no_municipality_table")
    with speaking("sv"):
        assert str(finding.message).startswith("inget blad Kommuner (i arbetsboken eller i en faktaarbetsbok)")
        assert swedish in str(finding.message)
    assert english in same_json(finding)["message"]


def test_an_amount_typed_as_text_is_told_in_swedish(tmp_path):
    path = corpus.text_amount(tmp_path)
    with pytest.raises(ContractError) as raised:
        check_workbook(path, Settings())
    with speaking("sv"):
        assert raised.value.paragraph() == (
            f"{path}: Finansiering!D9: 'Ånge kommun' 2027 ska vara ett belopp, men cellen innehåller texten "
            "\"454 407 kr\". Skriv talet igen med bara siffror (utan mellanslag, 'kr' eller bokstäver); Excel visar "
            "det som 1 363 221 när cellen har formatet Tal.")
        json = raised.value.to_json()
    assert json["message"] == "'Ånge kommun' 2027 should be an amount, but the cell holds the text \"454 407 kr\""
    assert json["hint"].endswith("Excel shows it as 1 363 221 when the cell is formatted as Number")


def test_no_budget_names_the_labels_to_look_for_in_swedish(tmp_path):
    path = corpus.missing_sheet(tmp_path)
    with pytest.raises(ContractError) as raised:
        check_workbook(path, Settings())
    with speaking("sv"):
        assert raised.value.paragraph() == (
            f"{path}: ingen budget hittades i arbetsboken (den har bladen 'Projekt', 'Parametrar', 'Budget', "
            "'Finansiering', 'Kommuner'). hso-xl läser budgeten på två sätt: bladen 'Budget' och 'Finansiering' med "
            "rubrikerna 'Kostnadsslag' och 'Finansiär', eller Tillväxtverkets budgetmall med en tabell "
            "'KOSTNAD | År 1 | År 2 … | TOTAL' som slutar med 'SUMMA BOKFÖRD KOSTNAD'; docs/workbook.md visar båda.")


@pytest.mark.parametrize("text, swedish", [
    ("keep_archives = 'ten'\n", "'keep_archives' ska vara ett heltal, inte 'ten'"),
    ("[parameters]\neu_cap = 'fyrtio'\n", "'parameters.eu_cap' ska vara ett heltal eller ett decimaltal, inte 'fyrtio'"),
    ("strict = 'ja'\n", "'strict' ska vara true eller false, inte 'ja'"),
    ("outptu = 'x'\n", "okänd inställning 'outptu'. Kända inställningar: input, output,"),
    ("layout = 'excel'\n", "layout: layout måste vara något av hso, tillvaxtverket, inte 'excel'."),
], ids=["int", "number", "bool", "unknown", "layout"])
def test_settings_errors_in_swedish(tmp_path, text, swedish):
    (tmp_path / "hso.toml").write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as raised:
        load_settings(tmp_path)
    with speaking("sv"):
        assert swedish in raised.value.paragraph()


def test_lists_are_joined_in_the_language_they_are_shown_in():
    parts = [_("costs"), _("cash financing")]
    with speaking("sv"):  # made while the screen speaks Swedish ...
        finding = Finding(Severity.WARNING, "x.y", _("{first} or {second}", first=joined(parts, "; "),
                                                     second=both(["A", "B", "C"])))
        assert str(finding.message) == "kostnader; kontant finansiering eller A och B och C"
        assert str(either(["'offentlig'", "'privat'"])) == "'offentlig' eller 'privat'"
    # ... and still English in JSON
    assert finding.to_json()["message"] == "costs; cash financing or A and B and C"
    assert either([]) == "" and either(["A"]) == "A"


def test_severity_words_and_layout_titles():
    finding = Finding(Severity.INFO, "x.y", _("none"), "Budget!A1")
    with speaking("sv"):
        assert finding.line() == "notering: Budget!A1: inga"
        assert str(shown_title("tillvaxtverket")) == "Tillväxtverkets budgetmall (tabellerna KOSTNAD och FINANSIERING)"
        assert title("hso") == "hso-xl's layout (sheets Budget and Finansiering)"  # for --json


def test_a_missing_fact_is_told_in_swedish(tmp_path):
    import docx

    from hso_xl.build import plan_jobs
    from hso_xl.missing import missing_fact_findings

    def change(wb):
        wb["Projekt"]["B16"].value = None  # Halvtidsutvärdering (SWECO) left empty

    path = corpus._edited(tmp_path, "arbetsbok.xlsx", change)
    (tmp_path / "mallar" / "projekt").mkdir(parents=True)
    letter = docx.Document()
    letter.add_paragraph("{% if projekt.halvtidsutvardering %}Halvtiden är {{ projekt.halvtidsutvardering }}.{% endif %}")
    letter.add_paragraph("Diarienummer: {{ projekt.diarienummer }}")
    letter.save(tmp_path / "mallar" / "projekt" / "Brev.docx")
    checked = check_workbook(path, Settings())
    findings = missing_fact_findings(checked, plan_jobs(checked, tmp_path / "mallar"))
    with speaking("sv"):
        assert sorted(f.line() for f in findings) == [
            f"varning: {tmp_path / 'mallar' / 'projekt' / 'Brev.docx'}: uppgiften 'Diarienummer' (projekt.diarienummer) "
            "finns inte i arbetsboken, så Brev.docx skriver [saknas: …] i «Diarienummer: …» "
            "(1 dokument). Lägg till den på bladet Projekt (eller i faktaarbetsboken)",
            f"varning: {tmp_path / 'mallar' / 'projekt' / 'Brev.docx'}: uppgiften 'Halvtidsutvärdering (SWECO)' "
            "(projekt.halvtidsutvardering) finns inte i arbetsboken, så Brev.docx tar bort «Halvtiden är ….» (1 dokument). "
            "Lägg till den på bladet Projekt (eller i faktaarbetsboken)",
        ]
    assert all("(1 document). Add it to the Projekt sheet" in same_json(f)["message"] for f in findings)
