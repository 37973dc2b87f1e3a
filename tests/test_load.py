"""The streaming workbook reader gives exactly what openpyxl gives, and what each cell holds.

tests/helpers/openpyxl_loader.py is the reader hso_xl used before (openpyxl, loaded twice); it is
kept as the reference. Excel-saved files are compared in tests/oracle/test_load_equivalence.py.
"""

from __future__ import annotations

import re

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from hso_xl.errors import WorkbookUnusable
from hso_xl.workbook.book import ExcelError
from hso_xl.workbook.load import load_workbook

from .conftest import SAMPLE
from .helpers.openpyxl_loader import load_workbook as openpyxl_load

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<workbookPr{date1904}/>
<sheets>
<sheet name="Budget" sheetId="1" r:id="rId1"/>
<sheet name="Dold flik" sheetId="2" state="hidden" r:id="rId2"/>
</sheets>
<definedNames>
<definedName name="Sats">Budget!$B$1</definedName>
<definedName name="Lokal" localSheetId="1">'Dold flik'!$A$1</definedName>
<definedName name="_xlnm.Print_Area" localSheetId="0">Budget!$A$1:$D$9</definedName>
</definedNames>
</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>
<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="3" applyNumberFormat="1"/></cellXfs>
</styleSheet>"""
SHARED_STRINGS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">
<si><t>Ånge kommun</t></si>
<si><r><t>Personal</t></r><r><rPr><b/></rPr><t xml:space="preserve">kostnader</t></r></si>
<si><t>Härnösand</t><rPh sb="0" eb="1"><t>HÄ</t></rPh></si>
<si><t>Rad_x000A_två och _x005F_x000D_</t></si>
</sst>"""
SHEET1 = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="2"><v>454407</v></c><c r="C1"><v>0.25</v></c></row>
<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>100</v></c><c r="C2"><f t="shared" ref="C2:C4" si="0">B2*$C$1</f><v>25</v></c></row>
<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3"><v>200</v></c><c r="C3"><f t="shared" si="0"/><v>50</v></c></row>
<row r="4"><c r="A4" t="s"><v>3</v></c><c r="B4"><v>300</v></c><c r="C4"><f t="shared" si="0"/><v>75</v></c></row>
<row r="5"><c r="A5" t="inlineStr"><is><t>Inline</t></is></c><c r="B5" s="1"><v>46388</v></c><c r="C5" t="e"><v>#DIV/0!</v></c></row>
<row r="6"><c r="A6" t="b"><v>1</v></c><c r="B6" t="str"><f>A1&amp;"!"</f><v>Ånge kommun!</v></c><c r="C6" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>
<row r="7"><c r="A7" s="1"><f>B5+1</f><v>46389</v></c><c r="B7" t="d"><v>2027-01-31T00:00:00</v></c><c r="C7" s="2"/></row>
<row><c><v>1</v></c><c><v>2E3</v></c><c t="str"><f>"=SUM(A1)"</f><v>=SUM(A1)</v></c></row>
<row r="10"><c r="A10"><f t="array" ref="A10">SUM(B2:B4*2)</f><v>1200</v></c></row>
</sheetData>
<mergeCells count="1"><mergeCell ref="A12:B12"/></mergeCells>
</worksheet>"""
SHEET2 = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1"><f>Sats*2</f><v>908814</v></c></row></sheetData>
</worksheet>"""


def write_package(path: Path, date1904: bool = False, **replace: str) -> Path:
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK.format(date1904=' date1904="1"' if date1904 else ""),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/styles.xml": STYLES,
        "xl/sharedStrings.xml": SHARED_STRINGS,
        "xl/worksheets/sheet1.xml": SHEET1,
        "xl/worksheets/sheet2.xml": SHEET2,
    }
    parts.update(replace)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode("utf-8"))
    return path


def as_tuples(workbook) -> dict:
    """Everything the reader gives, in a form == can compare (types included)."""
    out = {"names": workbook.defined_names}
    for sheet in workbook.sheets:
        out[sheet.name] = (sheet.index, sheet.state, sorted(sheet.merged), {
            key: (type(c.value), c.value, c.formula, type(c.cached), c.cached, c.is_date)
            for key, c in sorted(sheet.cells.items())
        })
    return out


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return write_package(tmp_path / "handcrafted.xlsx")


def test_each_kind_of_cell_reads_as_excel_means_it(package):
    budget = load_workbook(package).sheet("Budget")

    assert budget.value(1, 1) == "Ånge kommun"
    assert budget.value(1, 2) == 454407 and type(budget.value(1, 2)) is int
    assert budget.value(1, 3) == 0.25
    assert budget.value(2, 1) == "Personalkostnader"  # rich text runs joined
    assert budget.value(3, 1) == "Härnösand"  # the phonetic guide is not part of the text
    assert budget.value(4, 1) == "Rad\ntvå och _x000D_"  # _xHHHH_ escapes undone, _x005F_ keeps a literal
    assert [budget.get(r, 3).formula for r in (2, 3, 4)] == ["=B2*$C$1", "=B3*$C$1", "=B4*$C$1"]
    assert [budget.get(r, 3).cached for r in (2, 3, 4)] == [25, 50, 75]
    assert budget.value(5, 1) == "Inline"
    assert budget.value(5, 2) == dt.datetime(2027, 1, 1) and budget.get(5, 2).is_date
    assert budget.value(5, 3) == ExcelError("#DIV/0!") and isinstance(budget.value(5, 3), ExcelError)
    assert budget.value(6, 1) is True
    assert budget.get(6, 2).cached == "Ånge kommun!"
    assert isinstance(budget.get(6, 3).cached, ExcelError)
    assert budget.get(7, 1).cached == dt.datetime(2027, 1, 2) and not budget.get(7, 1).is_date
    assert budget.value(7, 2) == dt.datetime(2027, 1, 31)
    assert budget.get(7, 3) is None  # a styled cell without a value is no cell
    assert budget.value(8, 1) == 1 and budget.value(8, 2) == 2000.0  # cells without r count on
    assert budget.get(8, 3).formula == '="=SUM(A1)"' and budget.get(8, 3).cached == "=SUM(A1)"
    assert budget.get(10, 1).formula == "=SUM(B2:B4*2)"
    assert budget.merged == ["A12:B12"]


def test_sheets_and_names(package):
    workbook = load_workbook(package)
    assert [(s.name, s.index, s.state) for s in workbook.sheets] == [("Budget", 0, "visible"),
                                                                      ("Dold flik", 1, "hidden")]
    assert workbook.defined_names == {"Sats": "Budget!$B$1", "Dold flik!Lokal": "'Dold flik'!$A$1"}


@pytest.mark.parametrize("date1904", [False, True])
def test_same_as_openpyxl_on_the_handcrafted_package(tmp_path, date1904):
    path = write_package(tmp_path / "p.xlsx", date1904=date1904)
    ours, reference = as_tuples(load_workbook(path)), as_tuples(openpyxl_load(path))
    reference["Budget"][3][(4, 1)] = ours["Budget"][3][(4, 1)]  # openpyxl leaves _x000A_ escapes as they are
    assert ours == reference


def test_the_1904_calendar_moves_dates(tmp_path):
    path = write_package(tmp_path / "mac.xlsx", date1904=True)
    assert load_workbook(path).sheet("Budget").value(5, 2) == dt.datetime(2031, 1, 2)


def test_same_as_openpyxl_on_the_sample():
    assert as_tuples(load_workbook(SAMPLE)) == as_tuples(openpyxl_load(SAMPLE))


def test_same_as_openpyxl_on_sample_variants(make_workbook):
    for changes in ({"years": 6}, {"years": 1}, {"first_year": 2031}):
        path = make_workbook(**changes)
        assert as_tuples(load_workbook(path)) == as_tuples(openpyxl_load(path)), changes


def test_damaged_sheet_xml_is_a_clear_error(tmp_path):
    path = write_package(tmp_path / "broken.xlsx",
                         **{"xl/worksheets/sheet1.xml": SHEET1.replace("</sheetData>", "")})
    before = path.read_bytes()
    with pytest.raises(WorkbookUnusable) as err:
        load_workbook(path)
    assert err.value.paragraph().startswith(f"{path}: the sheet 'Budget' (xl/worksheets/sheet1.xml) is damaged. ")
    assert "save it again" in err.value.paragraph() and "restore a copy" in err.value.paragraph()
    assert "line" not in err.value.paragraph() and "column" not in err.value.paragraph()  # not the parser's words
    assert path.read_bytes() == before


def test_a_missing_sheet_part_is_a_clear_error(tmp_path):
    path = write_package(tmp_path / "missing.xlsx",
                         **{"xl/_rels/workbook.xml.rels": WORKBOOK_RELS.replace("sheet2.xml", "sheet9.xml")})
    with pytest.raises(WorkbookUnusable) as err:
        load_workbook(path)
    assert err.value.message == "the part xl/worksheets/sheet9.xml is missing from the file (one of the sheets)"
    assert "KeyError" not in err.value.paragraph()


def test_a_cell_pointing_past_the_shared_strings_is_a_clear_error(tmp_path):
    """A string cell whose index is beyond xl/sharedStrings.xml (openpyxl: IndexError) is named in words."""
    path = write_package(tmp_path / "short.xlsx")
    import zipfile as _zip

    with _zip.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    sheet = next(n for n in members if n.startswith("xl/worksheets/sheet") and b't="s"' in members[n])
    members[sheet] = re.sub(rb'(t="s"[^>]*>\s*<v>)\d+', rb"\g<1>999", members[sheet], count=1)
    with _zip.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(WorkbookUnusable) as err:
        load_workbook(path)
    assert "refers to text number 999, which the file's list of texts (xl/sharedStrings.xml) does not hold" in \
        err.value.message
    assert err.value.location and "!" in err.value.location  # the cell, as Sheet!A1
    assert "IndexError" not in err.value.paragraph()
