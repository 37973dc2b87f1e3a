"""The administrator's own workbook: Tillväxtverket's form typed in by hand, Excel tables, .ods, other wording.

None of these workbooks is written by hso_xl/sample.py: the form is typed in with openpyxl as S0
prints it (tests/helpers/tvv_form.py), the Excel table is made from the sample by openpyxl as a
user would make it in Excel, and the .ods and re-saved .xlsx come from LibreOffice itself.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl.worksheet.table import Table

from hso_xl.cli import main
from hso_xl.errors import ContractError
from hso_xl.model.checked import check_workbook
from hso_xl.settings import Settings

from .conftest import ROOT, SAMPLE
from .helpers.tvv_form import write_form

NBSP = "\u00a0"
TEMPLATES = ROOT / "templates"
S0_MUNICIPALITIES = {"Härnösands kommun": 454_407, "Kramfors kommun": 454_407, "Ånge kommun": 454_407,
                     "Sollefteå kommun": 454_407, "Sundsvalls kommun": 661_270, "Timrå kommun": 454_407,
                     "Örnsköldsviks kommun": 454_407}


def kr(n: int) -> str:
    return f"{n:,}".replace(",", NBSP)


def check(path: Path, *args: str, cwd: Path | None = None):
    result = CliRunner().invoke(main, ["check", str(path), *args])
    return result


def build(path: Path, out: Path):
    return CliRunner().invoke(main, ["build", str(path), "--templates", str(TEMPLATES), "--out", str(out)])


def codes(checked, severity="error") -> set[str]:
    return {f.code for f in checked.findings if f.severity.value == severity}


def body_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


# -- Tillväxtverket's form, typed in as S0 ---------------------------------------------------------

@pytest.fixture
def form(tmp_path) -> Path:
    return write_form(tmp_path / "HSO budget TVV.xlsx")


def test_form_is_recognised_and_gives_s0s_totals(form):
    checked = check_workbook(form)
    assert checked.budget.layout == "tillvaxtverket"
    assert checked.budget.years == (2027, 2028, 2029)  # År 1 … År 3 from Projektstart 2027-01-01
    assert codes(checked) == set()
    p = checked.printed
    assert list(p.booked_totals) == [13_279_868, 12_102_109, 12_114_880]
    assert sum(p.booked_totals) == 37_496_857
    assert sum(p.project_totals) == 40_196_257
    assert list(p.direct_costs.totals) == [899_800] * 3
    for name, per_year in S0_MUNICIPALITIES.items():
        assert p.cash.row(name).printed == (per_year,) * 3
    # S0's EU row is typed in: 16 078 503 kr, 0,20 kr above the exact 40 %, within whole-krona rounding.
    assert p.cash.row("Tillväxtverket").total == 16_078_503
    assert "eu.cap_rounding" in codes(checked, "info")


def test_form_check_names_the_layout_the_tables_and_the_typo(form):
    result = check(form)
    assert result.exit_code == 0, result.output
    assert "Layout: Tillväxtverket's budget form" in result.output
    assert "costs: Budget!A1:E17; financing: Budget!A19:E42" in result.output
    assert "Budget!A27: 'Sundsvall kommun' is read as Sundsvalls kommun, the official name" in result.output
    assert "'Söks från REGION VÄSTERNORRLAND' is printed as Region Västernorrland" in result.output
    assert "Sundsvalls kommun        661 270 / 661 270 / 661 270  total 1 983 810" in result.output
    # S0's own rows differ from its costs by 1 and 2 kr: said, not refused.
    assert "2027: cash financing 13 279 869,00 kr differs from booked cost 13 279 868,00 kr by 1,00 kr" in result.output

@pytest.mark.slow

def test_form_builds_seven_drafts_with_s0s_amounts(form, tmp_path):
    out = tmp_path / "out"
    result = build(form, out)
    assert result.exit_code == 0, result.output
    drafts = sorted(p.name for p in (out / "kommuner").iterdir())
    assert drafts == sorted(f"{name} – Beslutsunderlag.docx" for name in S0_MUNICIPALITIES)
    for name, per_year in S0_MUNICIPALITIES.items():
        text = body_text(out / "kommuner" / f"{name} – Beslutsunderlag.docx")
        assert (f"med {kr(per_year)}{NBSP}kronor per år 2027–2029, totalt {kr(3 * per_year)}{NBSP}kronor") in text
        assert "Projektets totala kostnad beräknas till 40" + NBSP + "196" + NBSP + "257" + NBSP + "kronor" in text


def test_facts_in_a_separate_workbook(tmp_path):
    form = write_form(tmp_path / "budget.xlsx", facts="file")
    result = check(form)
    assert result.exit_code == 0, result.output
    assert f"Facts workbook: {tmp_path / 'Fakta.xlsx'}" in result.output
    assert "municipality facts: [Fakta.xlsx]Kommuner!A1:D8" in result.output
    checked = check_workbook(form)
    ange = next(m for m in checked.budget.municipalities if m.official_name == "Ånge kommun")
    assert ange.facts["diarienummer"].value == "Dnr KS 2026/37"
    assert ange.facts["diarienummer"].cell == "[Fakta.xlsx]Kommuner!C4"

@pytest.mark.slow

def test_no_facts_at_all_still_builds_and_lists_what_is_missing(tmp_path):
    form = write_form(tmp_path / "budget.xlsx", facts="none")
    result = check(form)
    assert result.exit_code == 0, result.output
    assert "no Kommuner sheet" in result.output  # municipalities taken from the plan, said once
    assert "the year columns are År 1 … År 3 and the workbook does not say which calendar year År 1 is" in result.output
    assert "the workbook gives no cap on EU support" in result.output
    assert "the fact 'Projektnamn' (projekt.namn) is not in the workbook" in result.output
    out = tmp_path / "out"
    built = build(form, out)
    assert built.exit_code == 0, built.output
    text = body_text(out / "kommuner" / "Sundsvalls kommun – Beslutsunderlag.docx")
    assert "[saknas: Projektnamn]" in text  # printed visibly, never silently blank
    assert f"med 661{NBSP}270{NBSP}kronor per år År 1–År 3" in text


def test_fourth_year(tmp_path):
    checked = check_workbook(write_form(tmp_path / "budget.xlsx", years=4))
    assert checked.budget.years == (2027, 2028, 2029, 2030)
    assert checked.printed.cash.row("Ånge kommun").printed == (454_407,) * 4


def test_sections_in_another_order(tmp_path):
    checked = check_workbook(write_form(tmp_path / "budget.xlsx", private_first=True))
    assert codes(checked) == set()
    assert sum(checked.printed.cash.row("Sundsvalls kommun").printed) == 1_983_810
    kinds = {(f.label, f.sector, f.kind) for f in checked.budget.financing}
    assert ("Tillväxtverket", "offentlig", "kontant") in kinds
    assert ("Region Västernorrland", "offentlig", "annat än pengar") in kinds  # Rvn, by the alias list


def test_start_year_from_a_parameter_wins_over_nothing(tmp_path):
    form = write_form(tmp_path / "budget.xlsx", start=2030)
    checked = check_workbook(form)
    assert checked.budget.years[0] == 2027  # Projektstart is a date and comes first
    wb = openpyxl.load_workbook(form)
    wb["Projekt"]["B4"] = None  # Projektstart
    wb.save(form)
    assert check_workbook(form).budget.years == (2030, 2031, 2032)


def test_first_year_from_hso_toml(tmp_path):
    form = write_form(tmp_path / "budget.xlsx", facts="none")
    checked = check_workbook(form, Settings(first_year=2027, eu_cap=0.4))
    assert checked.budget.years == (2027, 2028, 2029)
    assert "eu.cap_rounding" in codes(checked, "info")


def test_two_cost_tables_stop_and_name_both(tmp_path, monkeypatch):
    form = write_form(tmp_path / "budget.xlsx")
    wb = openpyxl.load_workbook(form)
    copy = wb.copy_worksheet(wb["Budget"])
    copy.title = "Budget gammal"
    wb.save(form)
    with pytest.raises(ContractError) as err:
        check_workbook(form)
    assert "two tables could be the cost table ('KOSTNAD'): Budget!A1 and 'Budget gammal'!A1" in err.value.message
    assert "budget_sheet" in err.value.hint
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hso.toml").write_text('budget_sheet = "Budget"\n', encoding="utf-8")
    result = check(form)
    assert result.exit_code == 0, result.output


def test_a_workbook_in_both_layouts_stops_until_one_is_chosen(tmp_path, monkeypatch):
    path = tmp_path / "both.xlsx"
    shutil.copy(SAMPLE, path)
    form = openpyxl.load_workbook(write_form(tmp_path / "form.xlsx"))
    wb = openpyxl.load_workbook(path)
    sheet = wb.create_sheet("TVV-blankett")
    for row in form["Budget"].iter_rows(values_only=True):
        sheet.append(list(row))
    wb.save(path)
    result = check(path)
    assert result.exit_code == 2
    assert "the workbook can be read in two layouts" in result.output
    assert "'TVV-blankett'!A1" in result.output and "Budget!A3" in result.output
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hso.toml").write_text('layout = "hso"\n', encoding="utf-8")
    result = check(path)
    assert result.exit_code == 0, result.output
    assert "Layout: hso-xl's layout" in result.output


def test_aliases_from_the_workbook_and_from_hso_toml(tmp_path, monkeypatch):
    form = write_form(tmp_path / "budget.xlsx")
    wb = openpyxl.load_workbook(form)
    wb["Budget"]["A14"] = "Mittuniv."  # Miun, written another way
    wb["Budget"]["A39"] = "Mittuniv."
    alias = wb.create_sheet("Alias")
    alias.append(["Alias", "Namn"])
    alias.append(["Mittuniv.", "Mittuniversitetet"])
    wb.save(form)
    checked = check_workbook(form)
    assert "Mittuniversitetet" in {line.label for line in checked.budget.in_kind_lines}
    del wb["Alias"]
    wb["Budget"]["A22"] = "TVV-ERUF"
    wb.save(form)
    with pytest.raises(ContractError):  # an unknown EU row: never guessed
        check_workbook(form)
    checked = check_workbook(form, Settings(aliases={"TVV-ERUF": "Tillväxtverket"}))
    assert [line.label for line in checked.budget.eu_lines] == ["Tillväxtverket"]


def test_short_forms_are_not_guessed(tmp_path):
    form = write_form(tmp_path / "budget.xlsx")
    wb = openpyxl.load_workbook(form)
    wb["Budget"]["A13"] = "Lst"  # not in the alias list
    wb.save(form)
    checked = check_workbook(form)
    assert "Lst" in {line.label for line in checked.budget.direct_costs}


# -- the sample's financing as an Excel table -----------------------------------------------------

def excel_table_variant(tmp_path: Path) -> Path:
    """The sample with its financing plan made an Excel table (Insert > Table): text headers, structured refs."""
    path = tmp_path / "tabell.xlsx"
    shutil.copy(SAMPLE, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Finansiering"]
    for col, year in zip("DEF", (2027, 2028, 2029)):
        ws[f"{col}3"] = str(year)  # Excel keeps a table's header cells as text
    for row in range(4, 23):
        if ws[f"G{row}"].value:
            ws[f"G{row}"] = "=SUM(Finansiering_tabell[[#This Row],[2027]:[2029]])"
    ws.add_table(Table(displayName="Finansiering_tabell", ref="A3:G22"))
    wb.save(path)
    return path


def test_excel_table_with_text_headers_and_structured_references(tmp_path):
    path = excel_table_variant(tmp_path)
    with open(path, "rb") as fh:
        import zipfile

        assert any(n.startswith("xl/tables/") for n in zipfile.ZipFile(fh).namelist())  # a real table part
    checked = check_workbook(path)
    sample = check_workbook(SAMPLE)
    assert codes(checked) == set()
    assert checked.printed.cash.totals == sample.printed.cash.totals
    assert checked.printed.cash.row("Sundsvalls kommun").printed == (661_270,) * 3
    tvv = next(f for f in checked.budget.financing if f.is_eu)
    total = checked.workbook.sheet("Finansiering").get(6, 7)
    assert total.formula.startswith("=SUM(Finansiering_tabell[") and round(total.value) == round(tvv.total)


# -- renamed labels ------------------------------------------------------------------------------

def renamed(tmp_path: Path, labels: dict[str, str]) -> Path:
    path = tmp_path / "omdopt.xlsx"
    shutil.copy(SAMPLE, path)
    wb = openpyxl.load_workbook(path)
    for ws in (wb["Projekt"], wb["Kommuner"]):
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in labels:
                    cell.value = labels[cell.value]
    wb.save(path)
    return path


THREE_RENAMES = {"Halvtidsutvärdering (SWECO)": "Halvtidsutvärdering",
                 "Medfinansiering hittills 2024–2025": "Medfinansiering hittills",
                 "Beslut senast": "Sista beslutsdag"}

@pytest.mark.slow

def test_the_three_renamed_labels_keep_every_sentence(tmp_path):
    path = renamed(tmp_path, THREE_RENAMES)
    result = check(path)
    assert result.exit_code == 0, result.output
    for fact in ("projekt.halvtidsutvardering", "projekt.medfinansiering_hittills", "kommun.beslut_senast"):
        assert f"({fact}) is not in the workbook" not in result.output
    out = tmp_path / "out"
    assert build(path, out).exit_code == 0
    text = body_text(out / "kommuner" / "Ånge kommun – Beslutsunderlag.docx")
    assert text.count("senast 30 april 2026") == 2
    assert f"Medfinansieringen av det pågående projektet uppgår hittills till 685{NBSP}371{NBSP}kronor" in text
    assert "halvtidsutvärdering av projektet, daterad 22 januari 2026" in text


def test_an_unknown_label_is_reported_with_the_sentence_it_costs(tmp_path):
    path = renamed(tmp_path, {"Halvtidsutvärdering (SWECO)": "Halvtidsutvärderingen klar"})
    result = CliRunner().invoke(main, ["check", str(path), "--json"])
    data = json.loads(result.output)
    unknown = [f for f in data["findings"] if f["code"] == "fact.unknown_label"]
    assert [f["location"] for f in unknown] == ["Projekt!A16"]
    assert "did you mean 'Halvtidsutvärdering" in unknown[0]["message"]
    missing = [f for f in data["findings"] if f["code"] == "fact.missing"]
    assert missing and missing[0]["severity"] == "warning"
    assert missing[0]["details"]["fact"] == "projekt.halvtidsutvardering"
    assert len(missing[0]["details"]["documents"]) == 7
    assert any("daterad" in s for s in missing[0]["details"]["sentences"])


def test_strict_makes_a_lost_sentence_stop_the_build(tmp_path, monkeypatch):
    path = renamed(tmp_path, {"Halvtidsutvärdering (SWECO)": "Halvtidsutvärderingen klar"})
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hso.toml").write_text(f'strict = true\ntemplates = "{TEMPLATES}"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "strict = true" in result.output and "halvtidsutvardering" in result.output
    assert not (tmp_path / "out").exists()


# -- LibreOffice: .ods and a re-saved .xlsx -----------------------------------------------------

def _convert(tmp_path: Path, source: Path, target: str) -> Path:
    from hso_xl.libreoffice import convert, program, write_profile

    out = tmp_path / f"lo-{target}"
    convert(program(), [source], target, out, write_profile(tmp_path / f"profile-{target}"))
    made = out / f"{source.stem}.{target}"
    assert made.is_file()
    return made


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.parametrize("target", ["ods", "xlsx"])
def test_sample_saved_by_libreoffice_gives_the_samples_figures(tmp_path, target):
    source = tmp_path / "HSO.xlsx"
    shutil.copy(SAMPLE, source)
    saved = _convert(tmp_path, source, target)
    before = saved.read_bytes()
    checked = check_workbook(saved)
    sample = check_workbook(SAMPLE)
    assert codes(checked) == set()
    assert checked.printed.cash.totals == sample.printed.cash.totals
    assert checked.printed.project_totals == sample.printed.project_totals
    assert checked.printed.cash.row("Ånge kommun").printed == (454_407,) * 3
    assert saved.read_bytes() == before  # the input is never modified
    if target == "ods":
        result = check(saved)
        assert result.output.startswith(f"Workbook: {saved}\n")


@pytest.mark.libreoffice
@pytest.mark.slow
def test_an_ods_with_a_problem_names_the_ods_and_the_cell(tmp_path):
    source = tmp_path / "HSO.xlsx"
    shutil.copy(SAMPLE, source)
    wb = openpyxl.load_workbook(source)
    wb["Finansiering"]["D9"] = "454 407 kr"
    wb.save(source)
    saved = _convert(tmp_path, source, "ods")
    result = check(saved)
    assert result.exit_code == 2
    assert f"{saved}: Finansiering!D9:" in result.output and '"454 407 kr"' in result.output


def test_an_ods_without_libreoffice_says_what_is_missing(tmp_path, monkeypatch):
    from hso_xl.workbook import ods

    fake = tmp_path / "x.ods"
    import zipfile

    with zipfile.ZipFile(fake, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content xmlns:office='urn:oasis:names:tc:opendocument:xmlns:office:1.0'/>")
    monkeypatch.setattr(ods, "program", lambda: None)
    result = check(fake)
    assert result.exit_code == 2
    assert "LibreOffice is not installed" in result.output and "Traceback" not in result.output


def test_s0s_printed_totals_typed_in_are_rounding_not_errors(tmp_path):
    """S0 prints SUMMA BOKFÖRD OFFENTLIG FINANSIERING as 13 279 868,45 beside rows adding up to 13 279 869."""
    form = write_form(tmp_path / "typed.xlsx")
    wb = openpyxl.load_workbook(form)
    ws = wb["Budget"]
    for row in range(1, ws.max_row + 1):
        label = ws.cell(row, 1).value
        if label == "SUMMA BOKFÖRD OFFENTLIG FINANSIERING":
            for col, value in zip((2, 3, 4, 5), (13_279_868.45, 12_102_109.32, 12_114_879.38, 37_496_857)):
                ws.cell(row, col, value)
        if label == "OH":
            ws.cell(row, 5, 4_285_108)  # S0's OH total, one krona off its years
    wb.save(form)
    checked = check_workbook(form)
    assert codes(checked) == set()
    warnings = {(f.code, f.location) for f in checked.findings if f.severity.value == "warning"}
    assert ("workbook.total_rounding", "Budget!B30") in warnings
    assert ("workbook.row_total", "Budget!E3") in warnings
    assert checked.printed.costs.row("OH").total == 4_285_107  # the sum of the years, as the rule says


def test_a_total_far_off_its_rows_is_still_an_error(tmp_path):
    form = write_form(tmp_path / "wrong.xlsx")
    wb = openpyxl.load_workbook(form)
    wb["Budget"]["B9"] = 13_000_000  # SUMMA BOKFÖRD KOSTNAD 2027 typed over its formula
    wb.save(form)
    assert "workbook.total" in codes(check_workbook(form))


def test_municipalities_listed_by_their_short_names(tmp_path):
    form = write_form(tmp_path / "short.xlsx")
    wb = openpyxl.load_workbook(form)
    wb["Kommuner"].delete_cols(2)  # only 'Kommun' (Härnösand, Sundsvall …) and the facts
    wb.save(form)
    checked = check_workbook(form)
    assert codes(checked) == set()
    sundsvall = next(m for m in checked.budget.municipalities if m.short_name == "Sundsvall")
    assert sundsvall.official_name == "Sundsvalls kommun"
    assert checked.budget.municipality_line(sundsvall).label_cell == "Budget!A27"  # S0's 'Sundsvall kommun'
