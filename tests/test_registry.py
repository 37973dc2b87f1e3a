"""PDFs fit for a municipal registry and archive, as `hso-xl build --pdf` makes them from the sample.

Each PDF declares PDF/A-2b and language sv-SE, is tagged, embeds every font, carries the document's
date and properties; the Writer PDFs claim PDF/UA with headings, tables and bookmarks, the Calc one
does not; the appendix prints Swedish amounts; two builds give the same bytes. The properties are
read with pikepdf and, where poppler can tell, again with poppler (tests/helpers/pdf_checks.py).
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.shared import Cm

from hso_xl.cli import main
from hso_xl.render.pdf import convert_to_pdf

from .conftest import ROOT, SAMPLE
from .helpers.pdf_checks import pdf_facts, poppler, text

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

APPENDIX_XLSX_PDF = "projekt/Budgetbilaga Tillväxtverket (xlsx).pdf"


def build_pdf(out: Path) -> Path:
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--templates", str(ROOT / "templates"), "--out", str(out),
                                       "--pdf"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def builds(tmp_path_factory, sample_pdf_build) -> tuple[Path, Path]:
    """The run's shared build of the sample, and one more made now: two builds must give the same bytes."""
    return sample_pdf_build, build_pdf(tmp_path_factory.mktemp("registry") / "second")


def pdfs(out: Path) -> list[Path]:
    found = sorted(out.rglob("*.pdf"))
    assert len(found) == len([p for p in out.rglob("*") if p.suffix in (".docx", ".xlsx")]) == 24
    return found


def test_every_pdf_is_pdfa_2b_tagged_swedish_with_its_fonts_embedded(builds):
    for pdf in pdfs(builds[0]):
        facts = pdf_facts(pdf)
        assert facts.pdfa == ("2", "B"), pdf.name
        assert facts.output_intent, pdf.name  # PDF/A needs an output intent (sRGB)
        assert facts.marked and facts.tags, pdf.name
        assert facts.lang == "sv-SE" and facts.xmp_language == ["sv-SE"], pdf.name
        assert facts.unembedded_fonts == [], pdf.name
        info, fonts = poppler(pdf)
        assert "Tagged:          yes" in info, pdf.name
        rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
        assert rows and all(row[-5] == "yes" for row in rows), (pdf.name, fonts)  # the 'emb' column


def test_writer_pdfs_claim_pdf_ua_with_headings_tables_and_bookmarks(builds):
    for pdf in pdfs(builds[0]):
        facts = pdf_facts(pdf)
        if pdf.name.endswith("(xlsx).pdf"):
            continue
        assert facts.pdfua == "1", pdf.name
        assert facts.headings and facts.headings[0] == 1, pdf.name
        assert all(b <= a + 1 for a, b in zip(facts.headings, facts.headings[1:])), (pdf.name, facts.headings)
        assert facts.tags["/Table"] >= 2 and facts.tags["/TH"] >= 2, (pdf.name, facts.tags)
        assert facts.bookmarks == len(facts.headings), pdf.name
        assert facts.figures_without_alt == 0


def test_the_certificate_goes_from_its_title_to_heading_1(builds):
    facts = pdf_facts(builds[0] / "finansiarer" / "Sundsvalls kommun – Medfinansieringsintyg.pdf")
    assert facts.headings == [1, 1, 1, 1, 1]  # Medfinansiär, Projekt, Medfinansiering per år, Villkor, Underskrift


def test_the_calc_pdf_does_not_claim_pdf_ua(builds):
    """LibreOffice's Calc export tags paragraphs only: no headings, no table structure."""
    facts = pdf_facts(builds[0] / APPENDIX_XLSX_PDF)
    assert facts.pdfua is None
    assert facts.pdfa == ("2", "B") and facts.marked


def test_the_excel_appendix_prints_swedish_amounts(builds):
    printed = text(builds[0] / APPENDIX_XLSX_PDF)
    assert "6 428 829" in printed and "40 196 257" in printed
    assert "40,00 %" in printed
    assert "6,428,829" not in printed and "40.00%" not in printed


def test_two_builds_give_byte_identical_pdfs(builds):
    first, second = builds
    for pdf in pdfs(first):
        assert pdf.read_bytes() == (second / pdf.relative_to(first)).read_bytes(), pdf.name
    hashes = [json.loads((out / "manifest.json").read_text(encoding="utf-8"))["pdfs"] for out in builds]
    assert hashes[0] == hashes[1] and len(hashes[0]) == 24


def test_pdf_dates_and_properties_are_the_documents(builds):
    for pdf in pdfs(builds[0]):
        facts = pdf_facts(pdf)
        # a regional report carries its own date (its Rapport record, as its header prints it)
        day = "2025-11-27" if pdf.parent.name == "rapporter" else "2026-01-30"
        assert facts.created == f"D:{day.replace('-', '')}080000Z", pdf.name
        assert facts.xmp_created == f"{day}T08:00:00Z", pdf.name
    draft = pdf_facts(builds[0] / "kommuner" / "Timrå kommun – Beslutsunderlag.pdf")
    assert draft.author == "Kommunledningsförvaltningen, Timrå kommun"
    keywords = Document(str(builds[0] / "kommuner" / "Timrå kommun – Beslutsunderlag.docx")).core_properties.keywords
    assert "Dnr 2026/KS 0042" in keywords
    assert draft.keywords == draft.xmp_keywords == keywords  # as written, not split at every space
    assert draft.title == "Timrå kommun: Medfinansiering av projektet HSO – Hållbar samhällsomställning 2027–2029"
    appendix = pdf_facts(builds[0] / APPENDIX_XLSX_PDF)
    assert appendix.author == "Härnösands kommun"


# -- figures -----------------------------------------------------------------------------------------

def png(width: int = 8, height: int = 8) -> bytes:
    """A small opaque blue PNG, written by hand."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x1f\x38\x64" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_figures_carry_their_alt_text_and_one_without_is_found(tmp_path):
    picture = tmp_path / "stapel.png"
    picture.write_bytes(png())
    doc = Document()
    doc.add_heading("Rapport", 1)
    described = doc.add_paragraph().add_run().add_picture(str(picture), width=Cm(3))
    described._inline.docPr.set("descr", "Stapeldiagram över stöd per år")
    doc.add_paragraph().add_run().add_picture(str(picture), width=Cm(3))  # no alt text
    path = tmp_path / "rapport.docx"
    doc.save(path)
    (pdf,) = convert_to_pdf([path], tmp_path)
    facts = pdf_facts(pdf)
    assert facts.tags["/Figure"] == 2
    assert facts.figures_without_alt == 1


def test_the_plain_export_for_the_bench_is_what_libreoffice_does_by_default(tmp_path, monkeypatch):
    doc = Document()
    doc.add_heading("Rubrik", 1)
    path = tmp_path / "enkel.docx"
    doc.save(path)
    monkeypatch.setenv("HSO_XL_PDF_EXPORT", "plain")
    (pdf,) = convert_to_pdf([path], tmp_path)
    facts = pdf_facts(pdf)
    assert facts.pdfa == (None, None) and not facts.marked
