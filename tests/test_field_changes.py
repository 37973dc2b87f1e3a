"""A change round as an administrator runs one: edits made with openpyxl and LibreOffice, builds through the
command line, and what ÄNDRINGAR.md and the console then say (issue 10, field test).

Every workbook here is edited by other means than hso_xl/sample.py: openpyxl cell edits, rows inserted,
deleted and moved as Excel does it (tests/helpers/excel_rows.py), LibreOffice re-saves, and
Tillväxtverket's form typed in by hand (tests/helpers/tvv_form.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from click.testing import CliRunner

from hso_xl.cli import main

from .conftest import ROOT, SAMPLE
from .helpers.excel_rows import delete_row, insert_row, move_row

REPORT_DATA = SAMPLE.with_name("Rapportdata_2025.xlsx")
DRAFTS = [f"kommuner/{name} – Beslutsunderlag.docx" for name in (
    "Härnösands kommun", "Kramfors kommun", "Sollefteå kommun", "Sundsvalls kommun", "Timrå kommun", "Ånge kommun",
    "Örnsköldsviks kommun")]
APPENDIX = ["projekt/Budgetbilaga Tillväxtverket.docx", "projekt/Budgetbilaga Tillväxtverket.xlsx"]


# -- helpers -------------------------------------------------------------------------------------

def variant(folder: Path, edit=None, base: Path = SAMPLE, name: str = SAMPLE.name) -> Path:
    """A copy of `base` in its own folder (with the regional report's data beside it), edited by `edit(wb)`."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPORT_DATA, folder / REPORT_DATA.name)
    path = folder / name
    if edit is None:
        shutil.copy(base, path)
        return path
    wb = openpyxl.load_workbook(base)
    edit(wb)
    wb.save(path)
    return path


def cells(**values):
    def edit(wb):
        for reference, value in values.items():
            sheet, cell = reference.split("_")
            wb[sheet][cell] = value
    return edit


def build(workbook: Path, out: Path, *args: str, templates: Path = ROOT / "templates", lang: str = "sv"):
    result = CliRunner().invoke(main, ["--lang", lang, "build", str(workbook), "--out", str(out),
                                       "--templates", str(templates), *args])
    assert result.exit_code == 0, result.output
    return result.output


def diff(old: Path, new: Path) -> dict:
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--json", "--templates", str(ROOT / "templates")])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def changes(out: Path) -> str:
    return (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")


def resent(out: Path) -> dict[str, str]:
    """The documents ÄNDRINGAR.md lists to send again, each with its reason."""
    section = changes(out).split("## Dokument att skicka igen", 1)[1].split("\n## ", 1)[0]
    found = {}
    for line in section.splitlines():
        match = re.match(r"- (\S.*?\.(?:docx|xlsx)) \((.*)\)$", line)
        if match:
            found[match[1]] = match[2]
    return found


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    """An output folder built once from the shipped sample; each test builds into a copy of it."""
    out = tmp_path_factory.mktemp("baseline") / "output"
    build(SAMPLE, out)
    return out


@pytest.fixture
def out(baseline, tmp_path) -> Path:
    copy = tmp_path / "output"
    shutil.copytree(baseline, copy)
    return copy


# -- the workbook ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_one_municipalitys_amount_names_the_typed_in_cell_first(tmp_path, out):
    console = build(variant(tmp_path / "v", cells(Finansiering_D9=500_000)), out)
    listed = resent(out)
    assert sorted(listed) == sorted(["finansiarer/Ånge kommun – Medfinansieringsintyg.docx", *DRAFTS, *APPENDIX])
    cause = ("visar ändrade uppgifter: Finansiering!D9 [Ånge kommun · 2027] 454 407 → 500 000; belopp som räknas "
             "fram ur dem: ")
    for path, why in listed.items():
        # the cause the administrator typed comes first, the balancing amount computed from it after; Ånge's
        # att-clause names its amount, so its draft says first that the proposed decision changed
        assert why.startswith(("förslaget till beslut har ändrats; " if path == DRAFTS[5] else "") + cause), (path, why)
    assert "Finansiering!D6 [Tillväxtverket · 2027] 5 921 580,40 → 5 875 987,40" in listed[DRAFTS[0]]
    # the console lists per recipient; a recipient's documents sent again for the same reason share one line
    assert "skicka igen Tillväxtverket (inget registrerat som skickat" in console
    assert "(de 2 ovan: visar ändrade uppgifter: Finansiering!D9 [Ånge kommun · 2027] 454 407 → 500 000; 5 belopp " \
           "som räknas fram ur ändrade uppgifter)" in console


@pytest.mark.slow
def test_a_fact_of_one_municipality_resends_only_its_documents(tmp_path, out):
    build(variant(tmp_path / "v", cells(Kommuner_E6="Dnr KS 2026/99")), out)
    assert resent(out) == {
        "finansiarer/Ånge kommun – Medfinansieringsintyg.docx":
            "visar ändrade uppgifter: Kommuner!E6 [Ånge · Diarienummer KS] Dnr KS 2026/37 → Dnr KS 2026/99",
        "kommuner/Ånge kommun – Beslutsunderlag.docx":
            "visar ändrade uppgifter: Kommuner!E6 [Ånge · Diarienummer KS] Dnr KS 2026/37 → Dnr KS 2026/99"}


@pytest.mark.slow
def test_a_project_fact_used_by_all_resends_every_document_that_prints_it(tmp_path, out):
    build(variant(tmp_path / "v", cells(Projekt_B4="HSO – Hållbar samhällsomställning i Västernorrland")), out)
    listed = resent(out)
    assert len(listed) == 17  # 7 drafts, 8 certificates, the appendix twice; the regional reports do not print it
    assert not any(path.startswith("rapporter/") for path in listed)
    assert all("Projekt!B4 [Projektnamn · Värde]" in why for why in listed.values())


@pytest.mark.slow
def test_a_fact_no_document_prints_resends_nothing_and_says_so(tmp_path, out):
    console = build(variant(tmp_path / "v", cells(Kommuner_H6=9_200)), out)
    assert resent(out) == {}
    assert "| Kommuner!H6 | Ånge · Invånare 2023-12-31 | 9 109 | 9 200 |" in changes(out)
    assert "Inget dokument ser annorlunda ut för en läsare: inget att skicka igen." in console


@pytest.mark.slow
def test_a_parameter_is_shown_with_every_decimal_typed(tmp_path, out):
    build(variant(tmp_path / "v", cells(Parametrar_B5=0.02)), out)
    text = changes(out)
    assert "| Parametrar!B5 | Uppräkning per år · Värde | 0,024 | 0,02 |" in text
    listed = resent(out)
    assert sorted(listed) == sorted([*DRAFTS, *APPENDIX])
    assert listed[DRAFTS[0]].startswith("visar belopp som räknas fram ur ändrade uppgifter: Budget!C4 [Personal · "
                                        "2028] 6 583 120,90 → 6 557 405,58")


@pytest.mark.slow
def test_a_row_inserted_in_the_financing_table_is_one_new_row(tmp_path, out):
    def insert(wb):
        insert_row(wb, "Finansiering", 10, {"A": "Mittuniversitetet", "B": "offentlig", "C": "kontant", "D": 100_000,
                                            "E": "=D10", "F": "=E10", "G": "=SUM(D10:F10)"})
    new = variant(tmp_path / "v", insert)
    console = build(new, out)
    inputs = diff(SAMPLE, new)["inputs"]
    # one new row; the in-kind row 'Mittuniversitetet' further down, whose label grew to tell the two apart,
    # is the same row as before (no rename)
    assert inputs == [{"kind": "added", "name": "Finansiering!A10", "label": "Mittuniversitetet · offentlig · kontant",
                       "old": None, "new": None, "cells": {"Offentlig/privat": "offentlig",
                                                           "Kontant/annat än pengar": "kontant", "2027": 100000}}]
    assert "bytte namn" not in console and "bytte namn" not in changes(out)
    listed = resent(out)
    assert listed["finansiarer/Mittuniversitetet – Medfinansieringsintyg.docx"] == "nytt dokument"
    assert listed[DRAFTS[5]].startswith("visar nya rader: 'Mittuniversitetet · offentlig · kontant'")
    assert "finansiarer/Ånge kommun – Medfinansieringsintyg.docx" not in listed


@pytest.mark.slow
def test_a_deleted_row_is_one_removed_row(tmp_path, out):
    new = variant(tmp_path / "v", lambda wb: delete_row(wb, "Budget", 8))  # Investeringar, all zero
    build(new, out)
    assert diff(SAMPLE, new)["inputs"] == [{
        "kind": "removed", "name": "Budget!A8", "label": "Investeringar, materiel och externa lokaler", "old": None,
        "new": None, "cells": {"2027": 0, "2028": 0, "2029": 0}}]
    listed = resent(out)
    assert sorted(listed) == sorted([*DRAFTS, *APPENDIX])
    assert set(listed.values()) == {"visar inte längre borttagna rader: 'Investeringar, materiel och externa lokaler'"}


@pytest.mark.slow
def test_a_moved_row_is_no_changed_input_and_the_reason_says_the_order_changed(tmp_path, out):
    new = variant(tmp_path / "v", lambda wb: move_row(wb, "Finansiering", 12, 9))  # Timrå before Ånge
    build(new, out)
    assert diff(SAMPLE, new)["inputs"] == []
    listed = resent(out)
    assert sorted(listed) == sorted([*DRAFTS, *APPENDIX])  # their financing tables list the rows in workbook order
    assert set(listed.values()) == {"visar rader som står i en annan ordning i arbetsboken: 'Timrå kommun'"}
    assert not any(path.startswith("finansiarer/") for path in listed)


@pytest.mark.slow
def test_a_renamed_label_is_the_reason_and_no_figure_changes(tmp_path, out):
    new = variant(tmp_path / "v", cells(Budget_A7="Externa tjänster och konsulter"))
    build(new, out)
    data = diff(SAMPLE, new)
    assert [c["kind"] for c in data["inputs"]] == ["renamed"]
    assert data["figures"] == []  # the same amounts under the new name
    assert set(resent(out).values()) == {"visar rader som bytt namn: Externa tjänster → Externa tjänster och konsulter"}


@pytest.mark.slow
def test_a_notes_sheet_no_document_uses(tmp_path):
    def notes(text):
        def edit(wb):
            ws = wb.create_sheet("Anteckningar")
            ws["A1"], ws["A2"], ws["B2"] = "Anteckning", text, 17
        return edit
    out = tmp_path / "output"
    build(variant(tmp_path / "a", notes("Att göra: ring Ånge")), out)
    console = build(variant(tmp_path / "b", notes("Att göra: ring Sundsvall")), out)
    assert resent(out) == {}
    assert "Anteckningar!A2" in changes(out)
    assert "Inget dokument ser annorlunda ut för en läsare" in console


@pytest.mark.slow
def test_two_changes_and_a_revert(tmp_path, out):
    two = variant(tmp_path / "v", cells(Finansiering_D9=500_000, Kommuner_E8="KS-2026-00999"))
    build(two, out)
    listed = resent(out)
    assert "Kommuner!E8" in listed["finansiarer/Sundsvalls kommun – Medfinansieringsintyg.docx"]
    assert "Finansiering!D9" not in listed["finansiarer/Sundsvalls kommun – Medfinansieringsintyg.docx"]
    assert "Kommuner!E8" in listed["kommuner/Sundsvalls kommun – Beslutsunderlag.docx"]
    assert "Kommuner!E8" not in listed["kommuner/Ånge kommun – Beslutsunderlag.docx"]
    sent = CliRunner().invoke(main, ["sent", "--all", "--out", str(out), "--by", "Anna"])
    assert sent.exit_code == 0, sent.output
    # reverted after they were sent: the same documents again, back to the old text
    build(variant(tmp_path / "back", None), out)
    back = resent(out)
    assert sorted(back) == sorted(listed)
    assert "Finansiering!D9 [Ånge kommun · 2027] 500 000 → 454 407" in back[DRAFTS[5]]
    assert "| Kommuner!E8 | Sundsvall · Diarienummer KS | KS-2026-00999 | KS-2026-00150 |" in changes(out)


@pytest.mark.slow
def test_the_tillvaxtverket_form_with_an_inserted_cost_row(tmp_path):
    from .helpers.tvv_form import write_form

    (tmp_path / "a").mkdir()
    form = write_form(tmp_path / "a" / "Budget_TVV.xlsx")

    def insert(wb):  # a cost row in the middle; Region Västernorrland pays for it, so the budget balances
        insert_row(wb, "Budget", 5, {"A": "Konferenser", "B": 100_000, "C": 50_000, "D": 50_000, "E": "=SUM(B5:D5)"})
        ws = wb["Budget"]
        ws["B22"], ws["C22"], ws["D22"] = 4_070_576, 3_690_535, 3_694_110
    new = variant(tmp_path / "b", insert, base=form, name="Budget_TVV.xlsx")
    inputs = diff(form, new)["inputs"]
    # the form's blank lines of zeros (no label) are known by the row above them: not renamed when rows move down
    assert [(c["kind"], c["name"]) for c in inputs] == [
        ("added", "Budget!A5"), ("changed", "Budget!B22"), ("changed", "Budget!C22"), ("changed", "Budget!D22")]


# -- LibreOffice re-saves --------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.libreoffice
def test_a_libreoffice_resave_without_change_lists_nothing_and_with_one_change_that_change(tmp_path, out):
    from .helpers.libreoffice import resave

    same = resave([SAMPLE], tmp_path / "lo")[SAMPLE.resolve()]
    shutil.copy(REPORT_DATA, same.parent / REPORT_DATA.name)
    console = build(same, out)
    assert "Inga ändringar sedan förra bygget." in console
    assert "Inga ändringar" in changes(out)
    edited = variant(tmp_path / "edit", cells(Kommuner_E4="KS 2026/000099"), name="Redigerad.xlsx")
    once_more = resave([edited], tmp_path / "lo2")[edited.resolve()]
    shutil.copy(REPORT_DATA, once_more.parent / REPORT_DATA.name)
    build(once_more, out)
    assert sorted(resent(out)) == ["finansiarer/Härnösands kommun – Medfinansieringsintyg.docx",
                                   "kommuner/Härnösands kommun – Beslutsunderlag.docx"]


@pytest.mark.slow
@pytest.mark.libreoffice
def test_templates_resaved_by_libreoffice_read_the_same_and_the_report_says_so(tmp_path, out):
    from .helpers.libreoffice import resave

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    every = sorted(templates.glob("*/*.docx")) + sorted(templates.glob("*/*.xlsx"))
    assert len(every) == 5
    for original, saved in resave(every, tmp_path / "lo").items():
        shutil.copy(saved, original)
    console = build(SAMPLE, out, templates=templates)
    assert resent(out) == {}  # all 24 documents read as before
    assert ("Mallen Beslutsunderlag.docx har ändrats, men de 7 dokument som görs av den läses likadant (samma text, "
            "tabeller, betoningar och bilder): inget av dem behöver skickas igen.") in console
    assert "- Mallen Budgetbilaga Tillväxtverket.xlsx har ändrats, men dokumentet som görs av den läses likadant" \
        in changes(out)


# -- templates ---------------------------------------------------------------------------------------

def _split_first_run(path: Path, bold: bool = False) -> None:
    """Split the first plain text run of a Word template in two (as Word does when it saves), optionally bold."""
    from copy import deepcopy

    from docx import Document

    doc = Document(str(path))
    for paragraph in doc.paragraphs:
        run = next((r for r in paragraph.runs if len(r.text) > 12 and "{" not in r.text and "%" not in r.text), None)
        if run is not None:
            break
    else:
        raise AssertionError("no plain text run in the template")
    head, tail = run.text[:6], run.text[6:]
    twin = deepcopy(run._r)
    run._r.addnext(twin)
    run.text = head
    from docx.text.run import Run

    second = Run(twin, paragraph)
    second.text = tail
    if bold:
        second.bold = True
    doc.save(str(path))


@pytest.mark.slow
def test_a_template_edit_nobody_can_see_lists_nothing_and_emphasis_lists_every_document(tmp_path, out):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    _split_first_run(templates / "finansiar" / "Medfinansieringsintyg.docx")
    build(SAMPLE, out, templates=templates)
    assert resent(out) == {}
    assert "Mallen Medfinansieringsintyg.docx har ändrats, men de 8 dokument" in changes(out)
    _split_first_run(templates / "finansiar" / "Medfinansieringsintyg.docx", bold=True)  # now a reader sees it
    build(SAMPLE, out, templates=templates)
    listed = resent(out)
    assert len(listed) == 8 and set(listed.values()) == {"mallen har ändrats"}


@pytest.mark.slow
def test_a_settings_change_in_hso_toml(tmp_path, out, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hso.toml").write_text('[rounding]\ncosts = "Personal"\n', encoding="utf-8")
    build(SAMPLE, out)
    listed = resent(out)
    assert sorted(listed) == sorted([*DRAFTS, *APPENDIX])
    assert set(listed.values()) == {"inställningarna i hso.toml har ändrats: rounding_costs"}
    assert "| Kostnad: Personal 2028 | 6 583 121 | 6 583 120 |" in changes(out)
    # every command prints the same figure under this hso.toml
    explained = CliRunner().invoke(main, ["explain", "budget.kostnader.Personal.ar.2028", str(SAMPLE)]).output
    assert "budget.kostnader.Personal.ar.2028 = 6 583 120" in explained


# -- the output folder ---------------------------------------------------------------------------

@pytest.mark.slow
def test_a_document_the_user_deleted_is_written_again_and_named(out):
    (out / DRAFTS[5]).unlink()
    console = build(SAMPLE, out, lang="en")
    assert (out / DRAFTS[5]).exists()
    assert (f"{DRAFTS[5]} was no longer in the output folder and was written again; it reads as in the previous "
            "build, so it is not to send again.") in console
    assert f"- {DRAFTS[5]} fanns inte längre i utdatamappen och skrevs igen" in changes(out)
    assert resent(out) == {}


@pytest.mark.slow
def test_an_output_folder_of_another_workbook_names_both(tmp_path, out):
    other = variant(tmp_path / "v", cells(Finansiering_D9=500_000), name="Annan_arbetsbok.xlsx")
    console = build(other, out)
    assert "Ändringar från HSO_finansiering_2027-2029.xlsx till Annan_arbetsbok.xlsx:" in console
    assert "Arbetsbok: HSO_finansiering_2027-2029.xlsx → Annan_arbetsbok.xlsx" in changes(out)


# -- the document date ---------------------------------------------------------------------------

class _Day(dt.date):
    value = dt.date(2026, 11, 20)

    @classmethod
    def today(cls):
        return cls.value


def _printed_dates(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as z:
        text = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/") and n.endswith(".xml"))
    return set(re.findall(r"20\d\d-\d\d-\d\d", text)) & {"2026-11-20", "2026-12-01"}  # the two build days


@pytest.mark.slow
def test_another_day_without_dokumentdatum_redates_only_changed_documents(tmp_path, monkeypatch):
    import hso_xl.build_render as build_module

    monkeypatch.setattr(build_module, "dt", SimpleNamespace(date=_Day, datetime=dt.datetime))
    out = tmp_path / "output"
    plain = variant(tmp_path / "a", cells(Projekt_B18=None))
    build(plain, out)
    assert _printed_dates(out / DRAFTS[5]) == {"2026-11-20"}
    _Day.value = dt.date(2026, 12, 1)
    try:
        console = build(plain, out)  # a later day, nothing changed: nothing redated, nothing to send
        assert "Inga ändringar sedan förra bygget." in console
        assert _printed_dates(out / DRAFTS[5]) == {"2026-11-20"}
        build(variant(tmp_path / "b", cells(Projekt_B18=None, Kommuner_E6="Dnr KS 2026/99")), out)
        listed = resent(out)
        assert sorted(listed) == ["finansiarer/Ånge kommun – Medfinansieringsintyg.docx", DRAFTS[5]]
        assert listed[DRAFTS[5]].endswith("dokumentdatumet har ändrats från 2026-11-20 till 2026-12-01")
        assert _printed_dates(out / DRAFTS[5]) == {"2026-12-01"}
        assert _printed_dates(out / DRAFTS[4]) == {"2026-11-20"}  # Timrå's draft did not change: its date stays
    finally:
        _Day.value = dt.date(2026, 11, 20)


@pytest.mark.slow
def test_another_day_with_dokumentdatum_changes_nothing(tmp_path, monkeypatch, out):
    import hso_xl.build_render as build_module

    monkeypatch.setattr(build_module, "dt", SimpleNamespace(date=_Day, datetime=dt.datetime))
    console = build(SAMPLE, out)
    assert "Inga ändringar sedan förra bygget." in console
    assert _printed_dates(out / DRAFTS[5]) == set()  # dated Dokumentdatum, 2026-01-30, not the build day


# -- PDFs --------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.libreoffice
def test_pdfs_after_a_build_without_and_back(out):
    console = build(SAMPLE, out, "--only", "Ånge kommun – Beslutsunderlag", "--pdf", lang="en")
    assert "this one wrote 1 (--pdf): the documents read the same" in console
    console = build(SAMPLE, out, "--only", "Ånge kommun – Beslutsunderlag", lang="en")
    assert "The previous build wrote 1 PDF; this one wrote none (built without --pdf)" in console


# -- explain -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, said", [
    (["kommuner.Ånge.totlt"], "Did you mean kommuner.Ånge.totalt?"),
    (["eu.andl"], "Did you mean eu.andel?"),
    (["kommun.totalt", "--kommun", "Ånga"], "('Ånga' is not found under kommuner). Did you mean Ånge?"),
])
def test_explain_a_misspelled_figure_or_municipality_says_what_was_meant(args, said):
    result = CliRunner().invoke(main, ["explain", *args, str(SAMPLE)])
    assert result.exit_code == 2
    assert said in result.output
    assert "celler_per_falt" not in result.output and "template context" not in result.output


# -- what a reader sees ------------------------------------------------------------------------------

def _docx(body: str, header: str = "") -> bytes:
    """A minimal Word document with `body` inside <w:body>."""
    from io import BytesIO

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", f'<w:document {ns}><w:body>{body}</w:body></w:document>')
        if header:
            z.writestr("word/header1.xml", f"<w:hdr {ns}>{header}</w:hdr>")
    return buffer.getvalue()


def test_the_reading_fingerprint_keeps_what_a_reader_sees_and_nothing_else():
    from hso_xl.output.reading import reading_hash

    one_run = _docx("<w:p><w:r><w:t>Kommunstyrelsen beslutar</w:t></w:r></w:p>")
    two_runs = _docx('<w:p><w:r w:rsidR="00AB"><w:t xml:space="preserve">Kommun</w:t></w:r>'
                     "<w:r><w:t>styrelsen beslutar</w:t></w:r></w:p>")
    bold = _docx("<w:p><w:r><w:t>Kommun</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>styrelsen beslutar</w:t></w:r></w:p>")
    other = _docx("<w:p><w:r><w:t>Kommunstyrelsen beslutade</w:t></w:r></w:p>")
    assert reading_hash(one_run) == reading_hash(two_runs)
    assert reading_hash(one_run) != reading_hash(bold) and reading_hash(one_run) != reading_hash(other)
    page = ('<w:p><w:r><w:t xml:space="preserve">Sida </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r><w:t>{n}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    # a page number field's last computed result is not what the reader sees: the field is
    assert reading_hash(_docx("", page.format(n=1))) == reading_hash(_docx("", page.format(n=5)))
    assert reading_hash(_docx("", page.format(n=1))) != reading_hash(_docx("", page.replace("PAGE", "NUMPAGES")
                                                                            .format(n=1)))


@pytest.mark.slow
def test_a_folder_without_a_comparable_manifest_says_why_nothing_is_compared(out):
    manifest = out / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["snapshot"]["version"] = 1  # as an older hso-xl wrote it
    manifest.write_text(json.dumps(data), encoding="utf-8")
    console = CliRunner().invoke(main, ["build", str(SAMPLE), "-o", str(out), "--templates",
                                        str(ROOT / "templates")]).output
    assert "manifest.json was written by an older hso-xl (or is damaged), so there is nothing to compare with" in console
    manifest.unlink()
    # Without its manifest the folder is no longer provably hso-xl's own (issue 24): refused, and nothing in it touched.
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, ["--lang", "sv", "build", str(SAMPLE), "--out", str(out),
                                       "--templates", str(ROOT / "templates")])
    assert result.exit_code == 2, result.output
    assert "ingen manifest.json från ett tidigare bygge, så den används inte som utdatamapp" in result.output
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.slow
def test_a_style_sheet_edit_a_reader_sees_lists_the_documents(tmp_path, out):
    from docx import Document
    from docx.shared import Pt

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    draft = templates / "kommun" / "Beslutsunderlag.docx"
    doc = Document(str(draft))
    doc.styles["Heading 1"].font.size = Pt(18)  # every heading of every draft grows
    doc.save(str(draft))
    build(SAMPLE, out, templates=templates)
    assert resent(out) == {path: "mallen har ändrats" for path in DRAFTS}


@pytest.mark.slow
def test_the_report_data_saved_under_next_years_name_is_the_same_rows(tmp_path, out):
    """Rapportdata_2025.xlsx saved as Rapportdata_2026.xlsx: rows are known by their role, not the file name."""
    folder = tmp_path / "v"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    wb = openpyxl.load_workbook(REPORT_DATA)
    ws = wb["Företagsstöd"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "Ånge kommun")
    ws.cell(row, 3).value = 2_222_222  # one of Ånge's business-support cases
    wb.save(folder / "Rapportdata_2026.xlsx")
    build(folder / SAMPLE.name, out)
    listed = resent(out)
    assert list(listed) == ["rapporter/Region Västernorrlands arbete i Ånge kommun.docx"], listed
    assert "[Rapportdata_2026.xlsx]Företagsstöd!C" in listed["rapporter/Region Västernorrlands arbete i Ånge kommun.docx"]
    assert "2 222 222" in changes(out)
    assert "borttagna rader" not in changes(out) and "nya rader" not in changes(out)
