"""Every generated .docx and .xlsx is valid Office Open XML (tests/helpers/schema.py: openxml-audit).

The documents of the sample and of a four-year variant are validated whole; the validator is shown
to catch what went wrong before (five <selection>s in one sheet view, openpyxl's element order in
<font>) and a broken Word body, so a clean result means something.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from hso_xl.cli import main
from hso_xl.package import rewrite_package

from .conftest import ROOT, SAMPLE
from .helpers.schema import KNOWN_FALSE_POSITIVES, validate

pytestmark = pytest.mark.slow


def build(workbook: Path, out: Path) -> list[Path]:
    result = CliRunner().invoke(main, ["build", str(workbook), "--templates", str(ROOT / "templates"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return sorted(p for p in out.rglob("*") if p.suffix in (".docx", ".xlsx"))


@pytest.fixture(scope="module")
def sample_documents(tmp_path_factory) -> list[Path]:
    return build(SAMPLE, tmp_path_factory.mktemp("schema") / "output")


def test_every_document_of_the_sample_is_schema_valid(sample_documents):
    assert len(sample_documents) == 24  # 7 drafts, 2 appendices, 8 certificates, 7 regional reports
    problems = {p.name: [str(f) for f in validate(p)] for p in sample_documents}
    assert {name: found for name, found in problems.items() if found} == {}


def test_documents_of_a_four_year_budget_are_schema_valid(make_workbook, tmp_path):
    documents = build(make_workbook(years=4, eu_cap=0.5), tmp_path / "output")
    kinds = {p.parent.name for p in documents}
    chosen = [next(p for p in documents if p.parent.name == kind) for kind in sorted(kinds)]
    chosen.append(next(p for p in documents if p.suffix == ".xlsx"))
    assert {p.name: [str(f) for f in validate(p)] for p in chosen if validate(p)} == {}


def test_the_sheet_view_has_one_selection_per_pane(sample_documents):
    xlsx = next(p for p in sample_documents if p.suffix == ".xlsx")
    with zipfile.ZipFile(xlsx) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<selection") == 3  # topRight, bottomLeft, bottomRight of the frozen pane


# -- the validator sees what is wrong ----------------------------------------------------------------

def test_five_selections_in_one_sheet_view_are_caught(sample_documents, tmp_path):
    """What render/xlsx.py wrote before: openpyxl adds two selections every time freeze_panes is set."""
    xlsx = next(p for p in sample_documents if p.suffix == ".xlsx")
    book = openpyxl.load_workbook(xlsx)
    book.active.freeze_panes = book.active.freeze_panes
    broken = tmp_path / "fem.xlsx"
    book.save(broken)
    found = validate(broken)
    assert any(f.id == "" and "selection" in f.description for f in found), found
    assert any("font" in f.path for f in found)  # openpyxl's own order inside <font>, fixed by render/xlsx.py


def test_a_paragraph_property_after_its_text_is_caught(sample_documents, tmp_path):
    docx = next(p for p in sample_documents if p.suffix == ".docx")

    def misplace(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        return data.replace(b"<w:body>", b'<w:body><w:p><w:r><w:t>x</w:t></w:r><w:pPr><w:jc w:val="left"/></w:pPr></w:p>', 1)

    broken = tmp_path / "trasig.docx"
    broken.write_bytes(rewrite_package(docx.read_bytes(), misplace))
    assert validate(docx) == []
    found = validate(broken)
    assert any(f.part == "/word/document.xml" and "pPr" in f.description for f in found), found


def test_known_false_positives_say_why():
    assert KNOWN_FALSE_POSITIVES and all(len(reason) > 80 for reason in KNOWN_FALSE_POSITIVES.values())


def test_a_frozen_pane_below_a_loop_moves_without_new_selections(tmp_path):
    import datetime as dt

    from hso_xl.render.xlsx import render_xlsx

    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "Rubrik"
    ws["A2"] = "{%row for r in rader %}{{ r }}"
    ws["A3"] = "Summa"
    ws["B3"] = "=SUM(A2:A2)"
    ws.freeze_panes = "B4"
    template = tmp_path / "Frusen.xlsx"
    book.save(template)
    path = tmp_path / "ut.xlsx"
    path.write_bytes(render_xlsx(template, {"rader": [1, 2, 3]}, dt.datetime(2026, 1, 30, 8)))
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<selection") == 3
    assert 'topLeftCell="B6"' in sheet and 'ySplit="5"' in sheet and 'xSplit="1"' in sheet
    assert openpyxl.load_workbook(path).active.freeze_panes == "B6"
    assert validate(path) == []
