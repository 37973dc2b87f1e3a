"""Every shipped Word template keeps the structure a screen reader and an archive rely on.

Heading levels never skip, and every table is a data table with a repeating header row, a
label/value list or a layout table, marked as such (tests/helpers/structure.py, docs/templates.md).
The test reads the templates in templates/, so it keeps guarding when they are edited.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from .conftest import ROOT
from .helpers.structure import heading_levels, skipped_levels, tables

TEMPLATES = sorted((ROOT / "templates").rglob("*.docx"))


def test_there_are_templates_to_check():
    assert len(TEMPLATES) >= 3


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_heading_levels_never_skip(template):
    levels = heading_levels(template)
    assert levels, "a template without headings gives a PDF without bookmarks or structure"
    assert skipped_levels(levels) == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_every_table_is_a_data_table_a_label_value_list_or_layout(template):
    found = tables(template)
    assert found
    assert [t for t in found if t.kind is None] == []


def test_the_certificate_has_its_tables_for_what_they_are():
    found = tables(ROOT / "templates" / "finansiar" / "Medfinansieringsintyg.docx")
    kinds = [(t.part, t.kind) for t in found]
    assert kinds.count(("word/document.xml", "label/value")) == 2  # the financier, the project
    assert ("word/document.xml", "data") in kinds  # amounts per year, with a repeating header row
    assert ("word/document.xml", "layout") in kinds  # the signature lines
    assert ("word/header1.xml", "layout") in kinds


# -- the checks can fail -----------------------------------------------------------------------------

def _document(tmp_path: Path, build) -> Path:
    doc = Document()
    build(doc)
    path = tmp_path / "t.docx"
    doc.save(path)
    return path


def test_a_title_straight_to_heading_2_is_a_skip(tmp_path):
    path = _document(tmp_path, lambda d: (d.add_heading("Intyg", 0), d.add_heading("Medfinansiär", 2),
                                          d.add_heading("Villkor", 1), d.add_heading("Detaljer", 3)))
    assert [lvl for lvl, _ in heading_levels(path)] == [2, 1, 3]  # the Title is not a heading level
    assert skipped_levels(heading_levels(path)) == [
        "heading 2 after no heading: 'Medfinansiär'", "heading 3 after heading 1: 'Detaljer'"]


def test_an_unmarked_table_is_found_and_each_marker_counts(tmp_path):
    def build(doc):
        plain = doc.add_table(rows=2, cols=2)
        plain.cell(0, 0).text = "Namn"
        header = doc.add_table(rows=2, cols=2)
        header.rows[0]._tr.get_or_add_trPr().append(etree.SubElement(header.rows[0]._tr.get_or_add_trPr(),
                                                                      qn("w:tblHeader")))
        listing = doc.add_table(rows=2, cols=2)
        look = listing._tbl.tblPr.find(qn("w:tblLook"))
        if look is None:
            look = etree.SubElement(listing._tbl.tblPr, qn("w:tblLook"))
        look.set(qn("w:firstColumn"), "1")
        look.set(qn("w:firstRow"), "0")
        etree.SubElement(listing._tbl.tblPr, qn("w:tblCaption")).set(qn("w:val"), "Uppgifter")
        layout = doc.add_table(rows=1, cols=3)
        etree.SubElement(layout._tbl.tblPr, qn("w:tblCaption")).set(qn("w:val"), "Layouttabell: underskrift")

    kinds = [t.kind for t in tables(_document(tmp_path, build))]
    assert kinds == [None, "data", "label/value", "layout"]
