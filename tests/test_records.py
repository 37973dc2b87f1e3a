"""The regional report's data workbook: tables of records read from files written by other means.

Hand-built openpyxl workbooks (a title line above the header, short names, formulas), a sheet
holding an Excel table part, a LibreOffice re-save of the shipped sample, and every way a data
workbook can be wrong, each error naming file, sheet and cell. The shipped sample holds S4's
figures for Ånge exactly.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.table import Table, TableStyleInfo

from hso_xl.errors import ContractError, FormulaProblem, HsoError
from hso_xl.model.checked import check_workbook
from hso_xl.model.records import names_municipality, read_report_data
from hso_xl.render.report_context import report_context

from .conftest import ROOT, SAMPLE

DATA = ROOT / "input" / "Rapportdata_2025.xlsx"


@pytest.fixture(scope="module")
def municipalities():
    return list(check_workbook(SAMPLE).budget.municipalities)


def ange(municipalities):
    return next(m for m in municipalities if m.official_name == "Ånge kommun")


def write(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_the_sample_holds_s4s_figures_for_ange(municipalities):
    data = read_report_data(DATA, municipalities)
    ctx = report_context(data, ange(municipalities))
    figures = {r["matt"]: r["varde"] for r in ctx["nyckeltal"]}
    assert figures == {"Bredbandsstöd": 10_700_000, "Företagsstöd": 15_000_000, "Kundmöten": 58, "AU-kunder": 40,
                       "Lån": 14, "Beviljade lån": 6_200_000, "Livskraft – kultur för äldre": 35}
    assert [(r["foretag"], r["belopp"]) for r in ctx["foretagsstod"]] == [
        ("Extreme Medic Fastigheter AB", 2_102_500), ("ROCCO Oil Sweden AB", 1_800_000),
        ("Torp's Vattenskärning AB", 1_734_840), ("Torp's Vattenskärning AB", 1_293_035), ("Nordbiten AB", 999_600),
        ("Nordbiten AB", 993_413), ("Bränna Natur AB", 873_000), ("Träffpunkt Haverö AB", 526_704),
        ("Cygrids Communications AB", 516_425)]
    assert sum(r["belopp"] for r in ctx["kulturstod"]) == 270_000
    assert [r["ar"] for r in ctx["kulturstod"]] == [2023, 2023, 2024, 2024, 2025, 2025, 2025]
    assert all(r["kalla"].startswith("S4") for table in ctx.values() for r in table if "kalla" in r
               and r.get("kommun") == "Ånge kommun")
    assert data.findings == []


def test_the_invented_records_are_marked_as_sample_data(municipalities):
    data = read_report_data(DATA, municipalities)
    for m in municipalities:
        ctx = report_context(data, m)
        assert ctx["foretagsstod"] and ctx["kulturstod"] and ctx["lokala_exempel"], m.official_name
        if m.official_name == "Ånge kommun":
            continue
        rows = [r for table in ctx.values() for r in table if "kommun" in r]
        assert rows and all("EXEMPELDATA" in r["kalla"] for r in rows if "kalla" in r), m.official_name
        assert "Exempeldata" in ctx["rapport"][0]["anmarkning"]


def test_a_hand_built_workbook_with_a_title_line_short_names_and_formulas(tmp_path, municipalities):
    path = write(tmp_path / "Rapportdata.xlsx", {
        "Företagsstöd": [["Företagsstöd 2023–2025 (underlag från näringslivsenheten)"], [],
                         ["Kommun", "Företag", "Belopp"],
                         ["Ånge", "Exempel AB", 1000], ["  ånge   KOMMUN ", "Annat AB", "=C4*2"],
                         ["Timrå kommun", "Tredje AB", 5]],
        "Regionen": [["Mått", "Värde"], ["Budget", 519_000_000]],
    })
    data = read_report_data(path, municipalities)
    ctx = report_context(data, ange(municipalities))
    assert ctx["foretagsstod"][0]["foretag"] == "Exempel AB"
    assert [r["belopp"] for r in ctx["foretagsstod"]] == [1000, 2000]  # the formula recomputed
    assert ctx["foretagsstod"][1]["celler"][2] == f"[{path.name}]Företagsstöd!C5"
    assert ctx["regionen"] == [{"matt": "Budget", "varde": 519_000_000,
                                "celler": [f"[{path.name}]Regionen!A2", f"[{path.name}]Regionen!B2"]}]


def test_an_excel_table_part_is_read_like_any_table(tmp_path, municipalities):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kulturstöd"
    for row in [["Kommun", "År", "Mottagare", "Belopp"], ["Ånge kommun", 2023, "Folk flute academy", 25000],
                ["Ånge kommun", 2024, "Konstnärligt residens", 30000]]:
        ws.append(row)
    table = Table(displayName="Kultur", ref="A1:D3")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    path = tmp_path / "Rapportdata tabell.xlsx"
    wb.save(path)
    import zipfile

    assert any(n.startswith("xl/tables/") for n in zipfile.ZipFile(path).namelist())
    ctx = report_context(read_report_data(path, municipalities), ange(municipalities))
    assert [(r["ar"], r["mottagare"], r["belopp"]) for r in ctx["kulturstod"]] == [
        (2023, "Folk flute academy", 25000), (2024, "Konstnärligt residens", 30000)]


@pytest.mark.libreoffice
@pytest.mark.slow
def test_a_libreoffice_resave_reads_the_same(tmp_path, municipalities):
    from tests.helpers.libreoffice import soffice_path

    shutil.copy(DATA, tmp_path / "in.xlsx")
    profile = tmp_path / "profile"
    subprocess.run([soffice_path(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "out"), str(tmp_path / "in.xlsx")],
                   check=True, capture_output=True, timeout=180)
    resaved = tmp_path / "out" / "in.xlsx"
    assert resaved.read_bytes() != DATA.read_bytes()
    for m in municipalities:
        want = report_context(read_report_data(DATA, municipalities), m)
        got = report_context(read_report_data(resaved, municipalities), m)
        strip = lambda ctx: {k: [{c: v for c, v in r.items() if c != "celler"} for r in rows] for k, rows in ctx.items()}
        assert strip(got) == strip(want), m.official_name


@pytest.mark.parametrize("sheets, location, words", [
    ({"Stöd": [["Kommun", "Belopp"], [None, 5]]}, "Stöd!A2", "names no municipality"),
    ({"Stöd": [["Kommun", "Belopp"], ["Ånge kommun", 5], ["Ånge kommun", "454 407 kr"]]}, "Stöd!B3",
     "should be a number"),
    ({"Stöd": [["Kommun", "Belopp"], ["Ånge kommun", "=1/0"]]}, "Stöd!B2", "#DIV/0!"),
    ({"Stöd": [["Kommun", "Belopp", "belopp"], ["Ånge kommun", 1, 2]]}, "Stöd!C1", "used twice"),
    ({"Stöd": [["Kommun", "Belopp"], ["Ånge kommun", 1, 99]]}, "Stöd!C2", "no title"),
], ids=["no-municipality", "number-as-text", "error-value", "duplicate-title", "untitled-value"])
def test_errors_name_file_sheet_and_cell(tmp_path, municipalities, sheets, location, words):
    path = write(tmp_path / "Rapportdata.xlsx", sheets)
    with pytest.raises((ContractError, FormulaProblem)) as caught:
        read_report_data(path, municipalities)
    text = caught.value.paragraph()
    assert text.startswith(f"{path}: {location}: "), text
    assert words in text


def test_unknown_municipalities_and_hidden_sheets_are_warned_about(tmp_path, municipalities):
    path = write(tmp_path / "Rapportdata.xlsx", {"Stöd": [["Kommun", "Belopp"], ["Ångee kommun", 1], ["Ånge", 2]]})
    wb = openpyxl.load_workbook(path)
    wb["Stöd"].sheet_state = "hidden"
    wb.create_sheet("Synlig").append(["Text"])
    wb.save(path)
    data = read_report_data(path, municipalities)
    lines = [f.line() for f in data.findings]
    assert any("Stöd!A2" in line and "'Ångee kommun' is not a municipality" in line for line in lines), lines
    assert any("hidden" in line for line in lines)


def test_a_damaged_data_workbook_is_refused_naming_the_file(tmp_path, municipalities):
    path = tmp_path / "Rapportdata.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(HsoError) as caught:
        read_report_data(path, municipalities)
    assert caught.value.paragraph().startswith(f"{path}: ")


@pytest.mark.parametrize("written, matches", [
    ("Ånge kommun", True), ("Ånge", True), ("  ÅNGE  kommun ", True), ("A\u030ange kommun", True),
    ("Ångermanland", False), ("Sundsvalls kommun", False), (None, False),
])
def test_names_are_matched_as_the_master_workbook_matches_them(municipalities, written, matches):
    assert names_municipality(written, ange(municipalities)) is matches


@pytest.mark.parametrize("sheets, english, swedish", [
    ({"Nyckeltal": [["Kommun", "Mått", "MATT"], ["Ånge", "Lån", 14]]},
     "the columns 'Mått' and 'MATT' give templates the same name 'matt'",
     "kolumnerna 'Mått' och 'MATT' får samma namn i mallarna, 'matt'. Ge kolumnen en annan rubrik."),
    ({"2025": [["Kommun", "Värde"], ["Ånge", 1]]},
     "the sheet name '2025' gives no name a template can use",
     "bladnamnet '2025' ger inget namn som en mall kan använda. Låt bladets namn börja med en bokstav, till "
     "exempel 'Nyckeltal'."),
])
def test_names_templates_cannot_use_are_explained_in_swedish(tmp_path, municipalities, sheets, english, swedish):
    from hso_xl.i18n import speaking

    path = write(tmp_path / "Rapportdata.xlsx", sheets)
    with pytest.raises(ContractError) as caught:
        report_context(read_report_data(path, municipalities), ange(municipalities))
    sheet = next(iter(sheets))
    with speaking("sv"):
        assert caught.value.paragraph() == f"{path}: {sheet}: {swedish}"
    assert caught.value.to_json()["message"] == english
