"""The shipped templates rendered from the sample: every figure equals the recomputed workbook,
every printed table adds up, and every document opens in LibreOffice."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from hso_xl.cli import main
from hso_xl.model.checked import check_workbook

from .conftest import ROOT, SAMPLE

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def checked():
    return check_workbook(SAMPLE)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("build") / "output"
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--templates", str(ROOT / "templates"),
                                       "--out", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def kr(n: int) -> str:
    return f"{n:,}".replace(",", NBSP)


def body_text(path: Path) -> str:
    doc = Document(str(path))
    return "\n".join(p.text for p in doc.paragraphs)


def numeric_rows(table) -> list[tuple[str, list[int]]]:
    """Return (label, amounts) of every table row below the header that holds amounts."""
    rows = []
    for row in table.rows[1:]:
        cells = [c.text.strip() for c in row.cells]
        amounts = [int(c.replace(NBSP, "").replace(" ", "")) for c in cells[1:]
                   if c.replace(NBSP, "").replace(" ", "").lstrip("−-").isdigit()]
        if amounts:
            rows.append((cells[0], amounts))
    return rows


def _rows(table) -> list[tuple[str, list[int]]]:
    return [(r.line.label, [*r.printed, r.total]) for r in table.rows]


def _total(label: str, per_year) -> tuple[str, list[int]]:
    return (label, [*per_year, sum(per_year)])


def expected_cost_rows(checked) -> list[tuple[str, list[int]]]:
    p = checked.printed
    return [*_rows(p.costs), _total("Summa bokförd kostnad", p.booked_totals), *_rows(p.direct_costs),
            _total("Summa direktfinansiering", p.direct_costs.totals), _total("Summa projektkostnad", p.project_totals)]


def expected_financing_rows(checked) -> list[tuple[str, list[int]]]:
    p = checked.printed
    return [*_rows(p.cash), _total("Summa kontant finansiering", p.cash.totals), *_rows(p.in_kind),
            _total("Summa direktfinansiering", p.in_kind.totals),
            _total("Summa projektfinansiering", p.financing_totals)]


DRAFTS = ["Härnösands kommun", "Kramfors kommun", "Sollefteå kommun", "Sundsvalls kommun", "Timrå kommun",
          "Ånge kommun", "Örnsköldsviks kommun"]


def draft(out: Path, name: str) -> Path:
    return out / "kommuner" / f"{name} – Beslutsunderlag.docx"


def test_seven_decision_drafts(out):
    assert sorted(p.name for p in (out / "kommuner").iterdir()) == sorted(f"{n} – Beslutsunderlag.docx" for n in DRAFTS)


@pytest.mark.parametrize("name", DRAFTS)
def test_decision_draft_clause_has_the_municipality_amounts(out, checked, name):
    row = checked.printed.cash.row(name)
    text = body_text(draft(out, name))
    clause = (f"att\tmedfinansiera projektet HSO – Hållbar samhällsomställning med {kr(row.printed[0])}{NBSP}kronor "
              f"per år 2027–2029, totalt {kr(row.total)}{NBSP}kronor")
    assert clause in text


def test_ange_and_sundsvall_figures(out):
    assert f"med 454{NBSP}407{NBSP}kronor per år 2027–2029, totalt 1{NBSP}363{NBSP}221{NBSP}kronor" in body_text(
        draft(out, "Ånge kommun"))
    assert f"med 661{NBSP}270{NBSP}kronor per år 2027–2029, totalt 1{NBSP}983{NBSP}810{NBSP}kronor" in body_text(
        draft(out, "Sundsvalls kommun"))
    assert f"40{NBSP}196{NBSP}257{NBSP}kronor" in body_text(draft(out, "Ånge kommun"))


@pytest.mark.parametrize("name", DRAFTS)
def test_decision_draft_tables_equal_the_workbook(out, checked, name):
    doc = Document(str(draft(out, name)))
    budget, financing = doc.tables[0], doc.tables[1]
    assert numeric_rows(budget) == expected_cost_rows(checked)
    assert numeric_rows(financing) == expected_financing_rows(checked)


@pytest.mark.parametrize("name", ["Ånge kommun", "Sundsvalls kommun"])
def test_own_row_is_highlighted(out, name):
    financing = Document(str(draft(out, name))).tables[1]
    shaded = set()
    for row in financing.rows:
        fills = [tc.xpath("./w:tcPr/w:shd/@w:fill") for tc in row._tr.tc_lst]
        if any(f and f[0].upper() == "FFF2CC" for f in fills):
            shaded.add(row.cells[0].text)
    assert shaded == {name}


def test_header_has_dnr_date_and_live_page_fields(out):
    doc = Document(str(draft(out, "Ånge kommun")))
    header = doc.sections[0].header
    xml = header._element.xml
    assert "KS 2026/37" in xml and "2026-01-30" in xml
    instr = " ".join(header._element.xpath(".//w:fldSimple/@w:instr") + header._element.xpath(".//w:instrText/text()"))
    assert "PAGE" in instr and "NUMPAGES" in instr


def test_appendix_tables_equal_the_workbook_and_add_up(out, checked):
    doc = Document(str(out / "projekt" / "Budgetbilaga Tillväxtverket.docx"))
    assert numeric_rows(doc.tables[1]) == expected_cost_rows(checked)
    assert [(label, amounts) for label, amounts in numeric_rows(doc.tables[2])] == expected_financing_rows(checked)
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert f"16{NBSP}078{NBSP}500{NBSP}kr" in text  # EU support, as printed in the financing plan
    assert f"40,00{NBSP}%" in text
    for table in doc.tables:
        for label, amounts in numeric_rows(table):
            if len(amounts) == len(checked.budget.years) + 1:
                assert sum(amounts[:-1]) == amounts[-1], label  # every printed row adds up across


def test_certificate_for_ange(out):
    doc = Document(str(out / "finansiarer" / "Ånge kommun – Medfinansieringsintyg.docx"))
    cells = {r.cells[0].text: r.cells[-1].text for t in doc.tables for r in t.rows}
    assert cells["Organisationsnummer"] == "212000-2387"
    assert cells["2027"] == f"454{NBSP}407" and cells["Totalt 2027–2029"] == f"1{NBSP}363{NBSP}221"


def test_manifest_names_source_cells(out):
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    doc = next(d for d in manifest["documents"] if d["path"] == "kommuner/Ånge kommun – Beslutsunderlag.docx")
    assert {"Finansiering!D9", "Finansiering!E9", "Finansiering!F9", "Budget!B4"} <= set(doc["cells"])


@pytest.mark.libreoffice
@pytest.mark.slow
def test_every_document_opens_in_libreoffice(sample_pdf_build):
    """Build with --pdf: LibreOffice converts every document; the PDFs show the figures and page numbers."""
    from tests.helpers.libreoffice import soffice_path  # fails loudly, never skips, when LibreOffice is missing

    soffice_path()
    folder = sample_pdf_build
    docs = sorted(folder.rglob("*.docx"))
    pdfs = sorted(folder.rglob("*.pdf"))
    assert len(docs) == 23 and sorted(p.with_suffix(".docx") for p in pdfs if "(xlsx)" not in p.name) == docs
    assert (folder / "projekt" / "Budgetbilaga Tillväxtverket (xlsx).pdf").exists()
    xlsx_text = subprocess.run(["pdftotext", "-layout", str(folder / "projekt" / "Budgetbilaga Tillväxtverket (xlsx).pdf"),
                                "-"], capture_output=True, text=True, check=True).stdout
    assert "40196257" in xlsx_text.replace(",", "").replace(" ", "").replace("\u00a0", "")
    text = subprocess.run(["pdftotext", "-layout", str(folder / "kommuner" / "Ånge kommun – Beslutsunderlag.pdf"),
                           "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "454 407 kronor per år" in flat and "1 363 221 kronor" in flat
    assert "Sida 1(" in flat and "40 196 257" in flat
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["pdfs"]) == 24 == len({p["path"] for p in manifest["pdfs"]})


def test_every_document_has_a_footer_with_page_x_of_y(out):
    for path in sorted(out.glob("*/*.docx")):
        footer = Document(str(path)).sections[0].footer._element
        assert "Sida" in "".join(footer.xpath(".//w:t/text()")), path.name
        instr = " ".join(footer.xpath(".//w:instrText/text()"))
        assert "PAGE" in instr.split() and "NUMPAGES" in instr.split(), path.name


def test_the_owners_draft_reads_as_its_own(out, checked):
    owner = checked.budget.project["agare"].value
    assert owner == "Härnösands kommun"
    own = body_text(draft(out, owner))
    assert f"{owner}, projektägare" not in own  # the decision is not sent to the municipality itself
    assert "med kommunen som projektägare" in own and f"med {owner} som projektägare" not in own
    other = body_text(draft(out, "Ånge kommun"))
    assert f"{owner}, projektägare" in other and f"med {owner} som projektägare" in other


def test_every_table_row_keeps_together_and_data_tables_repeat_their_header(out):
    for path in sorted(out.glob("*/*.docx")):
        body = Document(str(path)).element.body
        for table in body.iterchildren("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tbl"):
            rows = table.xpath("./w:tr")
            assert all(row.xpath("./w:trPr/w:cantSplit") for row in rows), path.name
            if table.xpath("./w:tblPr/w:tblLook[@w:firstRow='1']"):
                assert rows[0].xpath("./w:trPr/w:tblHeader"), path.name
