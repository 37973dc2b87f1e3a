"""The regional reports (S4) as `hso-xl build` writes them: every figure, table row and chart bar is the
data workbook's (read back with python-docx, the data workbook read independently with openpyxl),
Ånge's report shows S4's figures, the picture has alt text, builds are byte-identical, the reports
are listed to send again when a record changes, and a missing data workbook is said in one line."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from hso_xl import parallel
from hso_xl.cli import main

from .conftest import ROOT, SAMPLE
from .helpers.ooxml import differences

NBSP = "\u00a0"
DATA = ROOT / "input" / "Rapportdata_2025.xlsx"
GOLDEN = Path(__file__).parent / "golden" / "Region Västernorrlands arbete i Ånge kommun.docx"
REPORTS = "rapporter"
MUNICIPALITIES = ["Härnösands kommun", "Kramfors kommun", "Sollefteå kommun", "Sundsvalls kommun", "Timrå kommun",
                  "Ånge kommun", "Örnsköldsviks kommun"]
S4_CASES = [("Extreme Medic Fastigheter AB", 2_102_500), ("ROCCO Oil Sweden AB", 1_800_000),
            ("Torp's Vattenskärning AB", 1_734_840), ("Torp's Vattenskärning AB", 1_293_035),
            ("Nordbiten AB", 999_600), ("Nordbiten AB", 993_413), ("Bränna Natur AB", 873_000),
            ("Träffpunkt Haverö AB", 526_704), ("Cygrids Communications AB", 516_425)]


def report_name(municipality: str) -> str:
    return f"Region Västernorrlands arbete i {municipality}.docx"


def build(out: Path, *extra: str, workbook: Path = SAMPLE, templates: Path = ROOT / "templates"):
    return CliRunner().invoke(main, ["build", str(workbook), "--templates", str(templates), "--out", str(out), *extra])


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reports") / "output"
    result = build(folder)
    assert result.exit_code == 0, result.output
    return folder


def records(sheet: str) -> list[dict]:
    """The data workbook's rows as openpyxl reads them (not hso-xl's reader)."""
    ws = openpyxl.load_workbook(DATA, data_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:] if any(v is not None for v in row)]


def number(text: str) -> int:
    return int(text.replace(NBSP, "").replace(" ", ""))


def tables_by_header(doc) -> dict[str, list[list[str]]]:
    return {t.rows[0].cells[0].text: [[c.text for c in r.cells] for r in t.rows] for t in doc.tables}


def mkr(value: int) -> str:
    text = f"{value / 1_000_000:.1f}".replace(".", ",").removesuffix(",0")
    return f"{text}{NBSP}Mkr"


def test_make_run_writes_a_report_for_every_municipality(out):
    assert sorted(p.name for p in (out / REPORTS).iterdir()) == sorted(report_name(m) for m in MUNICIPALITIES)


def test_anges_report_shows_s4s_figures(out):
    doc = Document(str(out / REPORTS / report_name("Ånge kommun")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"Ånge kommun har beviljats 10,7{NBSP}Mkr i bredbandsstöd och 15{NBSP}Mkr i företagsstöd under perioden " \
           "2023–2025." in text
    boxes = [c.text for t in doc.tables for c in t.rows[0].cells if len(t.rows) == 1]
    for figure, label in [(f"10,7{NBSP}Mkr", "bredband"), (f"15{NBSP}Mkr", "företagsstöd"), ("58", "kundmöten"),
                          ("40", "AU-kunder"), ("14", "lån"), (f"6,2{NBSP}Mkr", "beviljade lån"),
                          (f"270{NBSP}000", "kr i projekt- och verksamhetsstöd"),
                          ("35", "aktiviteter inom Livskraft")]:
        assert any(b.startswith(figure + "\n" + label) for b in boxes), (figure, boxes)
    tables = tables_by_header(doc)
    chart_rows = tables["Företag"]
    assert chart_rows[0] == ["Företag", "Belopp (kr)"]
    assert [(name, number(amount)) for name, amount in chart_rows[1:]] == S4_CASES
    culture = tables["Mottagare av projekt- och verksamhetsstöd 2023–2025"]
    assert culture[1:] == [["2023", ""], ["Folk flute academy", f"25{NBSP}000"], ["Konstnärligt residens", f"30{NBSP}000"],
                           ["2024", ""], ["Folk flute academy", f"25{NBSP}000"], ["Konstnärligt residens", f"30{NBSP}000"],
                           ["2025", ""], ["Folk flute academy", f"30{NBSP}000"], ["Konstnärligt residens", f"30{NBSP}000"],
                           ["Visioner, samverkanssatsning, gestaltad livsmiljö", f"100{NBSP}000"],
                           ["Summa", f"270{NBSP}000"]]
    assert "För att genomföra uppdraget har RVN avsatt 519\u00a0miljoner kronor för 2025." in text
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Inledning", "Områden inom regional utveckling", "Lokala exempel",
                        "Siffror: utveckling i Ånge kommun", "Avslutning"]
    assert {"Vätgassatsning", "Mittstråket", "YH Scentekniker vid Ålsta folkhögskola",
            "Regional transportinfrastruktur"} <= {p.text for p in doc.paragraphs if p.style.name == "Heading 2"}
    assert "Exempeldata" not in text  # Ånge's records are S4's


@pytest.mark.parametrize("municipality", MUNICIPALITIES)
def test_every_figure_row_and_bar_equals_the_data_workbook(out, municipality):
    doc = Document(str(out / REPORTS / report_name(municipality)))
    tables = tables_by_header(doc)
    cases = sorted([(r["Företag"], r["Belopp"]) for r in records("Företagsstöd") if r["Kommun"] == municipality],
                   key=lambda c: -c[1])[:10]
    assert [(n, number(a)) for n, a in tables["Företag"][1:]] == cases
    culture = [r for r in records("Kulturstöd") if r["Kommun"] == municipality]
    years = sorted({r["År"] for r in culture})
    header = f"Mottagare av projekt- och verksamhetsstöd {years[0]}–{years[-1]}"
    rows = tables[header][1:]
    expected = []
    for year in years:
        expected.append([str(year), ""])
        expected += [[r["Mottagare"], f"{r['Belopp']:,}".replace(",", NBSP)] for r in culture if r["År"] == year]
    total = sum(r["Belopp"] for r in culture)
    assert rows == expected + [["Summa", f"{total:,}".replace(",", NBSP)]]
    boxes = [c.text for t in doc.tables for c in t.rows[0].cells if len(t.rows) == 1]
    for figure in (r for r in records("Nyckeltal") if r["Kommun"] == municipality):
        shown = mkr(figure["Värde"]) if figure["Enhet"] == "kr" else f"{figure['Värde']:,}".replace(",", NBSP)
        assert f"{shown}\n{figure['Text']}" in boxes, (figure, boxes)
    assert f"{total:,}".replace(",", NBSP) + "\nkr i projekt- och verksamhetsstöd" in boxes
    text = "\n".join(p.text for p in doc.paragraphs)
    for example in (r for r in records("Lokala exempel") if r["Kommun"] == municipality):
        for paragraph in example["Text"].split("\n"):
            assert paragraph in text
    note = next(r["Anmärkning"] for r in records("Rapport") if r["Kommun"] == municipality)
    assert (note or "") in text and (("Exempeldata" in text) == (municipality != "Ånge kommun"))


def test_the_chart_picture_has_alt_text_naming_every_bar(out):
    path = out / REPORTS / report_name("Ånge kommun")
    with zipfile.ZipFile(path) as zf:
        body = zf.read("word/document.xml").decode("utf-8")
        rels = zf.read("word/_rels/document.xml.rels").decode("utf-8")
        media = [n for n in zf.namelist() if n.startswith("word/media/")]
        picture = zf.read(media[0])
    assert body.count("<wp:docPr ") == 1
    shapes = Document(str(path)).inline_shapes
    assert len(shapes) == 1
    doc_pr = shapes[0]._inline.docPr
    descr = doc_pr.get("descr")
    assert doc_pr.get("title") == "Företagsstöd – största ärenden, Ånge kommun"
    assert descr.startswith("Liggande stapeldiagram: Företagsstöd – största ärenden, Ånge kommun.")
    for name, amount in S4_CASES:
        assert f"{name}: {amount:,}".replace(",", NBSP) + f"{NBSP}kr" in descr
    assert media == ["word/media/image1.png"] and picture[:8] == b"\x89PNG\r\n\x1a\n"
    assert 'Target="media/image1.png"' in rels
    width = int.from_bytes(picture[16:20], "big")
    assert width >= 1800  # 16 cm at 300 dpi


def test_the_header_has_date_dnr_and_live_page_fields(out):
    with zipfile.ZipFile(out / REPORTS / report_name("Ånge kommun")) as zf:
        headers = [zf.read(n).decode("utf-8") for n in zf.namelist() if re.fullmatch(r"word/header\d*\.xml", n)]
    text = " ".join(re.sub(r"<[^>]+>", "", h) for h in headers)
    assert "Datum" in text and "2025-11-27" in text and "Dnr" in text and "Sida" in text
    assert any(" PAGE " in h and " NUMPAGES " in h for h in headers)

@pytest.mark.slow

def test_two_builds_give_byte_identical_reports(out, tmp_path):
    again = tmp_path / "again"
    assert build(again, "--only", "rapport").exit_code == 0
    for municipality in MUNICIPALITIES:
        name = report_name(municipality)
        assert (again / REPORTS / name).read_bytes() == (out / REPORTS / name).read_bytes(), name


def test_anges_report_matches_its_golden_file(out, request):
    got = out / REPORTS / report_name("Ånge kommun")
    if request.config.getoption("--update-golden"):
        shutil.copyfile(got, GOLDEN)
    assert GOLDEN.exists(), "no golden file; run pytest --update-golden"
    assert differences(got, GOLDEN) == []
    assert differences(out / REPORTS / report_name("Timrå kommun"), GOLDEN)  # the comparison is not blind


def test_the_manifest_names_the_data_workbook_cells_of_each_report(out):
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    ange = next(d for d in manifest["documents"] if d["path"] == f"{REPORTS}/{report_name('Ånge kommun')}")
    assert "[Rapportdata_2025.xlsx]Företagsstöd!C2" in ange["cells"]
    # From the master workbook only the municipality's official name, which the report prints.
    assert [c for c in ange["cells"] if not c.startswith("[Rapportdata_2025.xlsx]")] == ["Kommuner!B6"]

@pytest.mark.slow

def test_a_changed_record_lists_that_municipalitys_report_to_send_again(tmp_path):
    inbox = tmp_path / "input"
    inbox.mkdir()
    workbook = inbox / SAMPLE.name
    shutil.copy(SAMPLE, workbook)
    shutil.copy(DATA, inbox / DATA.name)
    out = tmp_path / "output"
    assert build(out, workbook=workbook).exit_code == 0
    wb = openpyxl.load_workbook(inbox / DATA.name)
    cell = next(r for r in wb["Företagsstöd"].iter_rows(min_row=2) if r[0].value == "Ånge kommun")[2]
    assert cell.coordinate == "C2" and cell.value == 2_102_500
    cell.value = 2_200_000
    wb.save(inbox / DATA.name)
    result = build(out, workbook=workbook)
    assert result.exit_code == 0, result.output
    assert ("input  [Rapportdata_2025.xlsx]Företagsstöd!C2 [Ånge kommun · Extreme Medic Fastigheter AB · Belopp]: "
            "2 102 500 → 2 200 000") in result.output
    changes = (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")
    resend = [line for line in changes.splitlines() if line.startswith("- ") and ".docx (" in line]
    assert resend == [f"- {REPORTS}/{report_name('Ånge kommun')} (visar ändrade uppgifter: "
                      "[Rapportdata_2025.xlsx]Företagsstöd!C2 [Ånge kommun · Extreme Medic Fastigheter AB · Belopp] "
                      "2 102 500 → 2 200 000)"], resend


def test_without_a_data_workbook_the_build_says_so_and_writes_the_rest(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no input/ folder here, and the master workbook lies alone
    workbook = tmp_path / "alone" / SAMPLE.name
    workbook.parent.mkdir()
    shutil.copy(SAMPLE, workbook)
    result = build(tmp_path / "output", workbook=workbook)
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if "regional report" in line]
    assert len(notes) == 1 and "no regional report data workbook" in notes[0] and "were not written" in notes[0]
    assert "Wrote 17 documents" in result.output and not (tmp_path / "output" / REPORTS).exists()

@pytest.mark.slow

def test_a_municipality_without_records_is_named(tmp_path):
    inbox = tmp_path / "input"
    inbox.mkdir()
    workbook = inbox / SAMPLE.name
    shutil.copy(SAMPLE, workbook)
    wb = openpyxl.load_workbook(DATA)
    for ws in wb.worksheets:
        for row in reversed(range(2, ws.max_row + 1)):
            if ws.cell(row, 1).value == "Kramfors kommun":
                ws.delete_rows(row)
    wb.save(inbox / "Rapportdata_utan_Kramfors.xlsx")
    result = build(tmp_path / "output", workbook=workbook)
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if "no records of" in line]
    assert notes == ["  info: Rapportdata_utan_Kramfors.xlsx holds no records of Kramfors kommun: no regional report "
                     "(rapport/Region Västernorrlands arbete i {kommun}.docx) was written for it"], result.output
    assert len(list((tmp_path / "output" / REPORTS).iterdir())) == 6


def test_a_broken_data_workbook_stops_the_build_naming_the_cell(tmp_path):
    inbox = tmp_path / "input"
    inbox.mkdir()
    workbook = inbox / SAMPLE.name
    shutil.copy(SAMPLE, workbook)
    wb = openpyxl.load_workbook(DATA)
    wb["Kulturstöd"]["D3"] = "30 000 kr"
    wb.save(inbox / DATA.name)
    result = build(tmp_path / "output", workbook=workbook)
    assert result.exit_code == 2
    assert f"{inbox / DATA.name}: Kulturstöd!D3: 'Belopp' should be a number" in result.output
    assert not (tmp_path / "output").exists()


@pytest.mark.libreoffice
@pytest.mark.slow
def test_the_pdf_shows_the_chart(tmp_path):
    from tests.helpers.libreoffice import soffice_path

    soffice_path()
    out = tmp_path / "output"
    result = build(out, "--pdf", "--only", "Ånge kommun")
    assert result.exit_code == 0, result.output
    pdf = out / REPORTS / report_name("Ånge kommun").replace(".docx", ".pdf")
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    images = [line.split() for line in listing.splitlines()[2:] if line.split()[2] == "image"]
    assert len(images) == 1 and int(images[0][3]) >= 1800 and int(images[0][12]) >= 290, listing  # width, x-ppi
    assert images[0][8] != "jpeg", listing  # kept lossless: a chart's figures are not blurred by JPEG
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(NBSP, " ")
    assert re.search(r"Extreme Medic Fastigheter AB +2 102 500", text), text  # the data table under the chart


def synthetic_data(path: Path, names: list[str]) -> Path:
    """The sample's tables with Ånge's records given to each of `names`, its amounts varied (openpyxl)."""
    wb = openpyxl.load_workbook(DATA)
    for ws in wb.worksheets:
        if ws.cell(1, 1).value != "Kommun":
            continue
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2) if row[0].value == "Ånge kommun"]
        ws.delete_rows(2, ws.max_row)
        for i, name in enumerate(names):
            for row in rows:
                ws.append([name] + [v + 1_000 * i if isinstance(v, int) and v > 1_000 and ws.title != "Kulturstöd"
                                    else v for v in row[1:]])
    wb.save(path)
    return path


@pytest.mark.slow
def test_reports_with_charts_on_forked_workers_equal_a_one_process_build(tmp_path_factory, tmp_path, monkeypatch):
    from .test_large_workbook import bench_workbooks

    forty = bench_workbooks().municipality_workbook(40, cache=tmp_path_factory.mktemp("forty"))
    inbox = tmp_path / "input"
    inbox.mkdir()
    workbook = inbox / forty.name
    shutil.copy(forty, workbook)
    synthetic_data(inbox / "Rapportdata.xlsx", [f"Kommun {i:03d} kommun" for i in range(1, 41)])
    started = []
    real = parallel.multiprocessing.get_context
    monkeypatch.setattr(parallel.multiprocessing, "get_context", lambda method: started.append(method) or real(method))
    forked = build(tmp_path / "forked", workbook=workbook)
    assert forked.exit_code == 0, forked.output
    assert started == ["fork"]
    monkeypatch.setattr(parallel, "MAX_WORKERS", 1)
    alone = build(tmp_path / "alone", workbook=workbook)
    assert alone.exit_code == 0, alone.output

    def hashes(out: Path) -> dict[str, str]:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return {d["path"]: d["sha256"] for d in manifest["documents"]}

    reports = [p for p in hashes(tmp_path / "forked") if p.startswith(REPORTS)]
    assert len(reports) == 40
    assert hashes(tmp_path / "forked") == hashes(tmp_path / "alone")
    with zipfile.ZipFile(tmp_path / "forked" / reports[-1]) as zf:
        assert "word/media/image1.png" in zf.namelist()


def notes_on_reports(workbook: Path) -> list:
    """The notes the build writes about reports it does not write, for the shipped report template."""
    from hso_xl.model.checked import check_workbook
    from hso_xl.render.context import build_context
    from hso_xl.reports import read_for_build
    from hso_xl.settings import Settings

    checked = check_workbook(workbook, Settings())
    template = ROOT / "templates" / "rapport" / report_name("{kommun}")
    return read_for_build(checked, build_context(checked, dt.date(2027, 1, 1)), [template])[2]


def test_the_notes_on_reports_not_written_speak_swedish(tmp_path, monkeypatch):
    from hso_xl.i18n import speaking

    monkeypatch.chdir(tmp_path)
    alone = tmp_path / "alone" / SAMPLE.name
    alone.parent.mkdir()
    shutil.copy(SAMPLE, alone)
    inbox = tmp_path / "input"
    inbox.mkdir()
    workbook = inbox / SAMPLE.name
    shutil.copy(SAMPLE, workbook)
    without_data = notes_on_reports(alone)  # neither beside the workbook nor in input/
    wb = openpyxl.load_workbook(DATA)
    for ws in wb.worksheets:
        for row in reversed(range(2, ws.max_row + 1)):
            if ws.cell(row, 1).value in ("Kramfors kommun", "Ånge kommun"):
                ws.delete_rows(row)
    wb.save(inbox / "Rapportdata_utan_två.xlsx")
    without_two = notes_on_reports(workbook)
    examples = [n for n in without_two if n.code == "report.example_data"]
    without_two = [n for n in without_two if n.code != "report.example_data"]
    with speaking("sv"):
        assert [str(n.message) for n in examples] == [  # Ånge's records are S4's, the others invented
            "regionrapporterna (rapport/Region Västernorrlands arbete i {kommun}.docx) för Härnösands kommun, "
            "Sollefteå kommun, Sundsvalls kommun, Timrå kommun, Örnsköldsviks kommun bygger på uppgifter märkta "
            "som exempeldata (t.ex. [Rapportdata_utan_två.xlsx]Rapport!D2): byt ut dem mot riktiga uppgifter innan "
            "de skickas"]
        assert [str(n.message) for n in without_data] == [
            "det finns ingen arbetsbok med rapportdata (Rapportdata*.xlsx i alone/ eller input/, eller report_data i "
            "hso.toml): regionrapporterna (rapport/Region Västernorrlands arbete i {kommun}.docx) skrevs inte"]
        assert [str(n.message) for n in without_two] == [
            "Rapportdata_utan_två.xlsx har inga uppgifter om Kramfors kommun, Ånge kommun: ingen regionrapport "
            "(rapport/Region Västernorrlands arbete i {kommun}.docx) skrevs för de kommunerna"]
    assert [n.to_json()["message"] for n in without_two] == [
        "Rapportdata_utan_två.xlsx holds no records of Kramfors kommun, Ånge kommun: no regional report "
        "(rapport/Region Västernorrlands arbete i {kommun}.docx) was written for them"]
