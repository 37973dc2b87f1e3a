"""render/pagination.py on documents written with python-docx: what keeps together, what may break."""

from __future__ import annotations

from docx import Document
from docx.oxml.ns import qn

from hso_xl.render.pagination import SHORT_TABLE_ROWS, paginate

from .conftest import ROOT


def table(doc, rows: int, header: bool = True):
    t = doc.add_table(rows=rows, cols=2)
    for i, row in enumerate(t.rows):
        row.cells[0].text, row.cells[1].text = f"Rad {i}", str(i * 1000)
    look = t._tbl.tblPr.find(qn("w:tblLook"))  # python-docx's default table has one, Header Row on
    look.set(qn("w:firstRow"), "1" if header else "0")  # Word's 'Header Row' check box
    look.set(qn("w:val"), "04A0" if header else "0480")
    return t


def keeps(row) -> list[bool]:
    return [p._p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in row.cells[0].paragraphs]


def test_headings_keep_with_the_next_paragraph_and_their_lines_together():
    doc = Document()
    heading = doc.add_heading("Ekonomiska konsekvenser", level=1)
    body = doc.add_paragraph("Text under rubriken.")
    paginate(doc)
    ppr = heading._p.pPr
    assert ppr.find(qn("w:keepNext")) is not None and ppr.find(qn("w:keepLines")) is not None
    assert [child.tag for child in ppr][:3] == [qn("w:pStyle"), qn("w:keepNext"), qn("w:keepLines")]  # schema order
    assert body._p.pPr is None or body._p.pPr.find(qn("w:keepNext")) is None


def test_a_short_table_stays_together_and_repeats_its_header():
    doc = Document()
    t = table(doc, 6)
    paginate(doc)
    rows = t.rows
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert [keeps(r)[0] for r in rows] == [True] * 5 + [False]  # every row keeps with the next but the last


def test_a_long_table_breaks_between_rows_but_not_after_its_header_or_before_its_last_row():
    doc = Document()
    t = table(doc, SHORT_TABLE_ROWS + 15)
    for row in t.rows:  # a template that kept every row with the next
        for p in row.cells[0].paragraphs:
            p.paragraph_format.keep_with_next = True
    paginate(doc)
    kept = [keeps(r)[0] for r in t.rows]
    assert kept[:2] == [True, True] and kept[-2] is True
    assert not any(kept[2:-2])
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in t.rows)


def test_a_table_without_a_header_row_gets_none():
    doc = Document()
    t = table(doc, 3, header=False)
    paginate(doc)
    assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in t.rows)


def test_every_shipped_template_has_widow_control_and_a_page_footer():
    for path in sorted((ROOT / "templates").glob("*/*.docx")):
        doc = Document(str(path))
        defaults = doc.styles.element.find(qn("w:docDefaults"))
        assert defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:widowControl')}") is not None, path.name
        footer = doc.sections[0].footer._element
        assert "NUMPAGES" in "".join(footer.xpath(".//w:instrText/text()")), path.name
