"""The properties of every generated document are its own: who issues it, what it is, project and Dnr.

A registrar (diariet) and an archive read them; LibreOffice copies them into the PDFs. Nothing of
the template's (its notes, Word's page and word counts, its thumbnail) may remain.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from hso_xl.cli import main
from hso_xl.render.xlsx import render_xlsx
from hso_xl.sample import S0_MUNICIPALITIES

from .conftest import ROOT, SAMPLE

pytestmark = pytest.mark.slow  # each build of the sample takes a few seconds (the reports draw charts)

TEMPLATE_NOTES = ("mall", "docxtpl", "make_templates", "make_xlsx_templates", "Taggar")
DOCUMENT_DATE = dt.datetime(2026, 1, 30, 8, 0, tzinfo=dt.timezone.utc)


def build(workbook: Path, out: Path) -> Path:
    result = CliRunner().invoke(main, ["build", str(workbook), "--templates", str(ROOT / "templates"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return build(SAMPLE, tmp_path_factory.mktemp("props") / "output")


def core(path: Path):
    if path.suffix == ".docx":
        return Document(str(path)).core_properties
    return openpyxl.load_workbook(path).properties


def test_a_draft_is_by_the_municipalitys_forvaltning(out):
    props = core(out / "kommuner" / "Timrå kommun – Beslutsunderlag.docx")
    assert props.author == "Kommunledningsförvaltningen, Timrå kommun"
    assert props.title == "Timrå kommun: Medfinansiering av projektet HSO – Hållbar samhällsomställning 2027–2029"
    assert props.subject == "Beslutsunderlag till kommunstyrelsen: HSO – Hållbar samhällsomställning 2027–2029"
    assert "Dnr 2026/KS 0042" in props.keywords.split("; ") and "HSO" in props.keywords.split("; ")
    other = core(out / "kommuner" / "Ånge kommun – Beslutsunderlag.docx")
    assert other.author == "Kommunstyrelsens förvaltning, Ånge kommun"
    assert "Dnr KS 2026/37" in other.keywords.split("; ")  # typed 'Dnr KS 2026/37': not 'Dnr Dnr'
    assert other.title != props.title


def test_a_regional_report_is_by_its_publisher_about_the_municipality(out):
    props = core(out / "rapporter" / "Region Västernorrlands arbete i Ånge kommun.docx")
    assert props.author == "Regional utveckling, Region Västernorrland"  # the template's author: the data names none
    assert props.title == "Region Västernorrlands arbete i Ånge kommun"
    assert "Ånge kommun" in props.keywords.split("; ") and "2027–2029" not in props.keywords


def test_a_certificate_is_by_the_financier_and_the_appendix_by_the_project_owner(out):
    certificate = core(out / "finansiarer" / "Region Västernorrland – Medfinansieringsintyg.docx")
    assert certificate.author == "Region Västernorrland"
    assert certificate.title == "Region Västernorrland: Medfinansieringsintyg"
    sundsvall = core(out / "finansiarer" / "Sundsvalls kommun – Medfinansieringsintyg.docx")
    assert sundsvall.author == "Sundsvalls kommun" and "Dnr KS-2026-00150" in sundsvall.keywords
    for name in ("Budgetbilaga Tillväxtverket.docx", "Budgetbilaga Tillväxtverket.xlsx"):
        props = core(out / "projekt" / name)
        assert (props.author if name.endswith("docx") else props.creator) == "Härnösands kommun"
        assert props.title == "HSO – Hållbar samhällsomställning: Budget och finansieringsplan 2027–2029"
        assert props.subject.startswith("Bilaga till ansökan hos Tillväxtverket: HSO")


def documents(out: Path) -> list[Path]:
    found = sorted(p for p in out.rglob("*") if p.suffix in (".docx", ".xlsx"))
    assert len(found) == 24  # 7 drafts, 2 appendices, 8 certificates, 7 regional reports
    return found


def test_no_template_notes_and_no_false_claims(out):
    for path in documents(out):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            core_xml = zf.read("docProps/core.xml").decode()
            app = zf.read("docProps/app.xml").decode()
        assert not any(note in core_xml for note in TEMPLATE_NOTES), path.name
        assert "Microsoft" not in app and "Openpyxl" not in app, path.name
        assert not re.search(r"<(Pages|Words|Lines|Paragraphs|Characters|TotalTime|Template)>", app), path.name
        assert "<Application>hso-xl</Application>" in app
        assert not [n for n in names if "thumbnail" in n or "stylesWithEffects" in n], path.name
        assert "lastPrinted" not in core_xml
        assert "<dc:language>sv-SE</dc:language>" in core_xml.replace(' xmlns:dc="http://purl.org/dc/elements/1.1/"', "")


def test_core_dates_are_the_document_date(out):
    """The document date is the Projekt sheet's or the workbook's own, never the time of the build; a
    regional report's is the date its data gives it (Rapport sheet), the one its header prints."""
    report_date = dt.datetime(2025, 11, 27, 8, 0, tzinfo=dt.timezone.utc)
    for path in documents(out):
        props = core(path)
        want = report_date if path.parent.name == "rapporter" else DOCUMENT_DATE
        created = props.created.replace(tzinfo=dt.timezone.utc) if props.created.tzinfo is None else props.created
        assert created == want, path.name
        assert props.modified.replace(tzinfo=dt.timezone.utc) == want


def test_without_a_forvaltning_the_draft_is_by_the_municipality(make_workbook, tmp_path):
    """The Förvaltning column is optional: the author is then the municipality itself, nothing made up."""
    workbook = make_workbook(municipalities=tuple(replace(m, office="") for m in S0_MUNICIPALITIES))
    built = build(workbook, tmp_path / "output")
    assert core(built / "kommuner" / "Timrå kommun – Beslutsunderlag.docx").author == "Timrå kommun"


def test_properties_of_a_hand_made_excel_template(tmp_path, sample):
    """A template written by openpyxl (not by hso-xl's scripts) gets the same treatment."""
    from hso_xl.model.checked import check_workbook
    from hso_xl.render.context import build_context, document_date

    book = openpyxl.Workbook()
    book.active["A1"] = "Sammanställning {{ period }}"
    book.active["A2"] = "{{ kommun.totalt }}"
    book.properties.creator = "Mallskaparen"
    book.properties.keywords = "mall"
    template = tmp_path / "Sammanställning.xlsx"
    book.save(template)
    checked = check_workbook(sample)
    context = build_context(checked, document_date(checked))
    kommun = next(k for k in context["kommuner"] if k["namn"] == "Ånge kommun")
    data = render_xlsx(template, {**context, "kommun": kommun}, DOCUMENT_DATE.replace(tzinfo=None))
    path = tmp_path / "out.xlsx"
    path.write_bytes(data)
    props = core(path)
    assert props.creator == "Kommunstyrelsens förvaltning, Ånge kommun"
    assert props.title == "Ånge kommun: Sammanställning 2027–2029"
    assert "mall" not in props.keywords.split("; ")
    assert openpyxl.load_workbook(path).active["A2"].value == 1_363_221
