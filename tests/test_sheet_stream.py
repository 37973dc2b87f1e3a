"""The recomputed copy's sheets are patched as a stream: the same cells as the XML tree gave, whatever the chunks."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from hso_xl.package import write_package, write_package_to
from hso_xl.workbook.book import ExcelError
from hso_xl.workbook.sheet_stream import _number_tails, format_number, patch_stream, streamable
from hso_xl.workbook.write import _patch_sheet

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    f'<worksheet xmlns="{MAIN}"><cols><col min="1" max="2" width="9"/></cols><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><f>1+1</f><v>0</v></c>'
    "<c r='C1' t='str' s='2'><f>\"a\"</f><v>old</v></c><c r=\"D1\"><f>D0</f></c></row>"
    '<row r="2"><c r="A2"><f t="array" ref="A2:A3">X</f><v>1</v></c><c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    '<c r="C2"><f>C9</f><v>7</v></c><c r="D2" t="b"><f>TRUE</f><v>1</v></c><c r="E2"><f>E9</f><v/></c></row>'
    '<row r="3"><c r="A3" t="inlineStr"><is><t>stale</t></is></c><c r="B3"/></row>'
    '</sheetData><conditionalFormatting sqref="A1"><cfRule type="expression" priority="1"><formula>A1&gt;1</formula>'
    "</cfRule></conditionalFormatting></worksheet>"
).encode()
VALUES = {"B1": 2.0, "C1": 'a<b & "c"\r', "D1": ExcelError("#REF!"), "A2": 5, "A3": 6.25, "B2": True,
          "C2": None, "D2": "_x0041_\x01", "E2": 1e-7, "B3": 3}
STREAM_VALUES = {r.encode(): value for r, value in VALUES.items()}  # patch_stream names cells by their r's bytes


def cells(xml: bytes) -> list:
    root = etree.fromstring(xml)
    return [(c.get("r"), c.get("t"), [(child.tag, child.text, dict(child.attrib)) for child in c])
            for c in root.iter(f"{{{MAIN}}}c")]


def test_streamed_sheet_has_the_cells_the_tree_gave_for_every_chunk_size():
    expected = cells(_patch_sheet(SHEET, VALUES, {"A3", "B3"}))
    assert ("C2", None, [(f"{{{MAIN}}}f", "C9", {})]) in expected  # the test's cases do change cells
    for size in (1, 2, 3, 7, 50, len(SHEET)):
        chunks = [SHEET[i:i + size] for i in range(0, len(SHEET), size)]
        streamed = b"".join(patch_stream(chunks, STREAM_VALUES))
        assert cells(streamed) == expected, size
        assert streamed.count(b"<cols><col min=") == 1 and b"A1&gt;1" in streamed  # the rest kept byte for byte


def test_prefixed_sheet_is_patched_under_its_prefix():
    xml = SHEET.replace(b'<worksheet xmlns="', b'<x:worksheet xmlns:x="').replace(b"</worksheet>", b"</x:worksheet>")
    for tag in (b"sheetData", b"row", b"c", b"f", b"v", b"is", b"t", b"cols", b"col", b"conditionalFormatting",
                b"cfRule", b"formula"):
        xml = xml.replace(b"<" + tag + b" ", b"<x:" + tag + b" ").replace(b"<" + tag + b">", b"<x:" + tag + b">")
        xml = xml.replace(b"<" + tag + b"/>", b"<x:" + tag + b"/>").replace(b"</" + tag + b">", b"</x:" + tag + b">")
    streamed = b"".join(patch_stream([xml[i:i + 5] for i in range(0, len(xml), 5)], STREAM_VALUES))
    assert cells(streamed) == cells(_patch_sheet(xml, VALUES, {"A3", "B3"}))


@pytest.mark.parametrize("value", [0.0, -0.0, 2.0, -3.0, 0.1 + 0.2, 1e15, -1e15, 1e15 - 1, 999999999999999.9, 1e16,
                                   1e-7, 5e-324, 1.7976931348623157e308, float("inf"), float("-inf"), float("nan")])
def test_a_number_is_written_as_format_number_writes_it(value):
    assert _number_tails({b"A1": value, b"B1": True, b"C1": 3, b"D1": "x"}) == {
        b"A1": b"<v>" + format_number(value).encode() + b"</v></c>"}  # the rest: as cells that are not floats


def test_utf16_sheet_is_not_streamed():
    assert streamable(SHEET) and not streamable(SHEET.decode().replace("UTF-8", "UTF-16").encode("utf-16"))
    assert not streamable(b"<?xml version='1.0' encoding='ISO-8859-1'?><worksheet/>")


def test_streamed_zip_is_the_same_bytes_as_the_one_zip_writer():
    members = [("[Content_Types].xml", b"<Types/>"), ("xl/worksheets/sheet1.xml", SHEET * 3000), ("å.xml", b"")]
    out = io.BytesIO()
    write_package_to(out, ((name, [data[i:i + 4096] for i in range(0, len(data), 4096)]) for name, data in members))
    assert out.getvalue() == write_package(members)
    assert zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml") == SHEET * 3000


# Cells in the forms writers use, and in forms only the careful path knows (quotes, prefixes, spaces, inline text)
_FORMULA_FORMS = [
    '<c r="{r}"><f>{r}+1</f><v>0</v></c>', '<c r="{r}" s="3"><f>SUM(A1:A2)</f><v>12.5</v></c>',
    '<c r="{r}" s="1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>', '<c r="{r}" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    '<c r="{r}"><f t="shared" ref="{r}:{r}" si="0">A1*2</f><v>4</v></c>', '<c r="{r}"><f t="shared" si="0"/><v>4</v></c>',
    '<c r="{r}"><f>A1</f></c>', '<c r="{r}" t="b"><f>TRUE</f><v>1</v></c>', '<c r="{r}" cm="1"><f>A1</f><v></v></c>',
    "<c r='{r}'><f>A1</f><v>1</v></c>", '<c r="{r}" ><f>A1</f><v>1</v></c>', '<c s="2" r="{r}"><f>A1</f><v>1</v></c>',
    '<c r="{r}"><f>A1</f><v xml:space="preserve">1</v></c>', '<c r="{r}"><f>A1</f>\n<v>1</v></c>',
    '<c r="{r}" s="1" t="n"><f aca="false">A1*2</f><v>4</v></c>',  # LibreOffice types its numbers
]
_OTHER_FORMS = ['<c r="{r}"><v>7</v></c>', '<c r="{r}" t="s"><v>0</v></c>', '<c r="{r}"/>',
                '<c r="{r}" t="inlineStr"><is><r><rPr><family val="2"/></rPr><t>x</t></r></is></c>']


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.tuples(st.booleans(), st.integers(0, len(_FORMULA_FORMS) - 1), st.integers(0, 3)),
                         min_size=0, max_size=6), min_size=1, max_size=8),
       st.lists(st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**6, 10**6),
                          st.booleans(), st.text(max_size=4), st.just(ExcelError("#N/A"))), min_size=1, max_size=9),
       st.integers(1, 400), st.booleans(), st.booleans())
def test_rows_patched_at_once_give_the_bytes_of_the_careful_path(rows, pool, chunk, keep_some, twice):
    """Random sheets of formula cells in every form: _patch_rows gives byte for byte what _patch_complete gives.

    `twice`: the first row comes again at the end (a damaged file naming cells twice): both are set."""
    body, values, n = [], {}, 0
    for number, cells_of_row in enumerate(rows + rows[:1] if twice else rows, 1):
        number = 1 if twice and number == len(rows) + 1 else number
        body.append(f'<row r="{number}">')
        for column, (is_formula, form, pick) in enumerate(cells_of_row, 1):
            r = f"{'ABCDEFG'[column - 1]}{number}"
            if is_formula:
                body.append(_FORMULA_FORMS[form].format(r=r))
                n += 1
                if not (keep_some and n % 3 == 0):  # a cell to keep (a formula not computed) is not in values
                    values[r.encode()] = pool[(n + pick) % len(pool)]
            else:
                body.append(_OTHER_FORMS[pick].format(r=r))
        body.append("</row>")
    xml = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
           f'<worksheet xmlns="{MAIN}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><sheetData>' + "".join(body)
           + '</sheetData><headerFooter><firstFooter>&amp;P</firstFooter></headerFooter></worksheet>').encode()
    pieces = [xml[i:i + chunk] for i in range(0, len(xml), chunk)]
    careful = b"".join(patch_stream(pieces, values))
    assert b"".join(patch_stream(pieces, values, formulas_only=True)) == careful
    etree.fromstring(careful)  # still XML
