"""Rows read by the regular expression (workbook/sheet_rows.py) give exactly the sheet the XML tree gives.

Random sheets mix the cells writers write (numbers, shared strings, formulas, shared and array formulas, dates,
inline strings, entities) with forms only the tree reads (rich text, single quotes, comments, carriage returns):
either the fast reader reads the sheet, and then it must equal the tree's, or it declines before anything is used.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from hso_xl.workbook.book import Sheet
from hso_xl.workbook.damage import DamagedValue
from hso_xl.workbook.load import load_workbook
from hso_xl.workbook.sheet_rows import read_plain_rows
from hso_xl.workbook.sheet_xml import SheetReader, Styles

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STYLES = etree.fromstring(
    f'<styleSheet xmlns="{MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="#,##0&quot; tkr&quot;"/></numFmts><cellXfs count="5">'
    '<xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="46"/><xf numFmtId="3"/></cellXfs>'
    "</styleSheet>".encode())
STRINGS = ["Kostnad", "Härnösand", "_x000D_x"]

PLAIN = [  # (cell XML with {r}, {n}) as Excel, LibreOffice, openpyxl and xlsxwriter write cells
    '<c r="{r}"><v>{n}</v></c>', '<c r="{r}" s="4"><v>{n}.5</v></c>', '<c r="{r}" s="1"><v>4{n}</v></c>',
    '<c r="{r}" s="3"><v>0.{n}</v></c>', '<c r="{r}" t="s"><v>{s}</v></c>', '<c r="{r}" s="2" t="s"><v>1</v></c>',
    '<c r="{r}"><f>A1+{n}</f><v>{n}</v></c>', '<c r="{r}" s="2"><f>SUM(A1:A3)&amp;"&lt;"</f><v>1E-3</v></c>',
    '<c r="{r}" t="str"><f>"a&gt;b"</f><v>a&gt;b _x0041_</v></c>', '<c r="{r}" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    '<c r="{r}" t="b"><f>TRUE()</f><v>1</v></c>', '<c r="{r}" t="b"><v>0</v></c>', '<c r="{r}"><f>A1</f></c>',
    '<c r="{r}"><f t="shared" ref="{r}:{r2}" si="{si}">B{n}*2</f><v>4</v></c>',
    '<c r="{r}"><f t="shared" si="{si}"/><v>6</v></c>', '<c r="{r}"><f t="array" ref="{r}:{r2}">A1:A2*2</f><v>2</v></c>',
    '<c r="{r}" t="inlineStr"><is><t>Sollefteå {n}</t></is></c>', '<c r="{r}" t="inlineStr"><is><t/></is></c>',
    '<c r="{r}" t="inlineStr"><is><t xml:space="preserve"> x </t></is></c>', '<c r="{r}" s="1"/>', '<c r="{r}"/>',
    '<c r="{r}" t="d"><v>2027-01-30T00:00:00</v></c>', '<c r="{r}"><v>&#49;2</v></c>', '<c r="{r}" t="e"><v>#N/A</v></c>',
    '<c r="{r}"><f>IF(A1&gt;0,"&#x4E2D;",1)</f><v>1</v></c>', '<c r="{r}" cm="1"><f>A1:A2</f><v>1</v></c>',
    '<c r="{r}"><v></v></c>', '<c r="{r}" t="n" s="0"><v> 7 </v></c>', '<c r="{r}"><v>-{n}</v></c>',
    '<c r="{r}"><v>-.5</v></c>', '<c r="{r}"><v>5.</v></c>', '<c r="{r}"><f>-A1</f><v>-0</v></c>', '<c r="{r}"><v>+3.25</v></c>',
    '<c r="{r}"><v>1e5</v></c>', '<c r="{r}"><v>00012</v></c>', '<c r="{r}" t="s"><v> 1 </v></c>',
    '<c r="{r}" t="s"><v>0{s}</v></c>', '<c r="{r}" t="s" s="1"><v>{s}</v></c>', '<c r="{r}" t="s"><v></v></c>',
    '<c r="{r}" t="s"><v>&#50;</v></c>', '<c r="{r}" t="s"/>', '<c r="{r}" t="s"><f>A1</f><v>1</v></c>',
    '<c r="{r}" s="0" t="n"><f aca="false">A1*2</f><v>2</v></c>', '<c r="{r}"><f ca="1"/><v>1</v></c>',
    '<c r="{r}" s="1" t="n"><f aca="false">A1&amp;"x"</f><v>1</v></c>', '<c r="{r}"><f t="normal">A1</f><v>1</v></c>',
    '<c r="{r}" t="str"><f aca="false">"a"</f><v>a</v></c>',
]
ODD = [  # forms the tree reads and the fast reader leaves to it
    '<c r="{r}" t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r></is></c>', "<c r='{r}'><v>1</v></c>",
    '<c r="{r}"><!-- note --><v>1</v></c>', '<c r="{r}"><v>1\r\n</v></c>', '<c s="1"><v>3</v></c>',
    '<c r="{r}">\n  <v>2</v>\n</c>', '<c r="{r}"><v><![CDATA[5]]></v></c>', '<c r="{r}" s="1" s="2"><v>1</v></c>',
]
DAMAGED = ['<c r="{r}" t="s"><v>99</v></c>', '<c r="{r}"><v>1.2.3</v></c>', '<c r="{r}" t="b"><v>2</v></c>',
           '<c r="{r}"><v>-</v></c>', '<c r="{r}"><v>.</v></c>', '<c r="{r}"><v>1_0</v></c>', '<c r="{r}"><v>nan</v></c>',
           '<c r="{r}"><v>--5</v></c>', '<c r="{r}"><v>-1.</v></c>', '<c r="{r}" t="s"><v>3</v></c>',
           '<c r="{r}" t="s"><v>-1</v></c>', '<c r="{r}" t="s"><v>1' + "0" * 400 + '</v></c>', '<c r="{r}" t="s"><v>x</v></c>']


def sheet_xml(rows, head="", tail="") -> bytes:
    body = []
    for number, (attributes, cells) in enumerate(rows, 1):
        row_tag = f'<row{attributes}' if "NO_R" in attributes else f'<row r="{number}"{attributes}'
        row_tag = row_tag.replace("NO_R", "")
        if not cells:
            body.append(row_tag + "/>")
            continue
        body.append(row_tag + ">")
        for column, form in enumerate(cells):
            r = f"{'ABCDEFGHIJ'[column]}{number}"
            body.append(form.format(r=r, r2=f"{'ABCDEFGHIJ'[column]}{number + 1}", n=number * 7 + column,
                                    s=(number + column) % 3, si=column % 2))
        body.append("</row>")
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f'<worksheet xmlns="{MAIN}" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
            f'{head}<sheetData>{"".join(body)}</sheetData>{tail}</worksheet>').encode()


def read(xml: bytes, fast: bool):
    """(whether the fast reader read it, the sheet's contents) or the error the read raised."""
    sheet = Sheet(name="Budget", index=0)
    reader = SheetReader(sheet, STRINGS, Styles(STYLES, False))
    try:
        if fast:
            took = read_plain_rows(reader, lambda: io.BytesIO(xml))
            if not took:
                return False, None
        else:
            reader.read(io.BytesIO(xml))
    except Exception as exc:  # the same refusal either way (load.py words it)
        return fast, (type(exc).__name__, getattr(exc, "cell", None))
    cells = {key: (repr(cell), type(cell.value), type(cell.cached)) for key, cell in sheet.cells.items()}  # 1 is not 1.0
    return fast, (list(cells.items()), sheet.merged, sheet.data_tables, sheet.array_members, sheet.hidden_rows,
                  sheet.hidden_cols, reader.iso_dates, reader.without_positions)


rows_of = st.lists(st.tuples(st.sampled_from(["", ' hidden="1"', ' spans="1:3" x14ac:dyDescent="0.25"', ' ht="20"',
                                              'NO_R hidden="true"', "NO_R", 'NO_R spans="2:2" r="99" hidden="1"',
                                              ' customFormat="false" ht="12.8" hidden="false" customHeight="false"',
                                              ' customFormat="false" ht="12.8" hidden="true" customHeight="false"']),
                             st.lists(st.sampled_from(PLAIN), max_size=6)), min_size=1, max_size=8)
HEAD = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><cols><col min="2" max="3" hidden="1" width="9"/></cols>'
TAIL = '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells><headerFooter><oddFooter>&amp;P</oddFooter></headerFooter>'


@settings(max_examples=100, deadline=None)
@given(rows_of, st.booleans())
def test_plain_rows_give_the_trees_sheet(rows, with_parts):
    xml = sheet_xml(rows, HEAD if with_parts else "", TAIL if with_parts else "")
    took, fast = read(xml, True)
    assert took, "a sheet as writers write it is read by the regular expression"
    assert fast == read(xml, False)[1]


@settings(max_examples=100, deadline=None)
@given(rows_of, st.sampled_from(ODD + DAMAGED), st.integers(0, 7))
def test_odd_or_damaged_rows_are_left_to_the_tree_or_fail_alike(rows, odd, where):
    rows = list(rows)
    attributes, cells = rows[where % len(rows)]
    rows[where % len(rows)] = (attributes, [*cells, odd])
    xml = sheet_xml(rows, HEAD, TAIL)
    took, fast = read(xml, True)
    tree = read(xml, False)[1]
    if took:  # read as the tree reads it, or refused as the tree refuses it
        refused = len(fast) == 2
        assert refused == (len(tree) == 2)
        if not refused or fast[0] == tree[0] == "DamagedValue":
            assert fast == tree  # the same cells, or the same damaged cell named
        # (a file damaged twice over may be refused for the other damage first: both say it is damaged)
    else:
        assert odd in ODD or isinstance(tree, tuple) and tree[0] in ("DamagedValue", "ParseError")


@pytest.mark.parametrize("f", ["", ' aca="false"', ' ca="1"'])
def test_shared_and_array_formulas_are_read_as_the_tree_reads_them(f):
    master = f'<c r="{{r}}"><f t="shared" ref="A1:A3" si="0"{f}>B1*2</f><v>4</v></c>'
    array = f'<c r="{{r}}"><f t="array" ref="{{r}}:{{r2}}"{f}>A1:A2*2</f><v>2</v></c>'
    follower = f'<c r="{{r}}"><f t="shared" si="0"{f}/><v>6</v></c>'
    xml = sheet_xml([("", [master, array]), ("", [follower]), ("", [follower, '<c r="{r}"><v>1</v></c>'])])
    took, fast = read(xml, True)
    assert took and fast == read(xml, False)[1]
    cells = dict(fast[0])
    assert "formula='=B3*2'" in cells[(3, 1)][0] and "formula='=A1:A2*2'" in cells[(2, 2)][0]  # (B2: the array's)


@pytest.mark.parametrize("cell", DAMAGED)
def test_a_damaged_cell_alone_is_refused_as_the_tree_refuses_it(cell):
    """(Alone, no other damage can be found first: the same refusal, of the same cell, or the same reading.)"""
    xml = sheet_xml([("", [PLAIN[0], cell])])
    assert read(xml, True) == (True, read(xml, False)[1])


@pytest.mark.parametrize("damage", ["<mergeCells><mergeCell ref='A1:B1'></mergeCells>", "<extLst>", "&unknown;"])
def test_damage_outside_the_rows_is_found_by_the_tree(damage):
    xml = sheet_xml([("", [PLAIN[0]])], tail=damage)
    took, _fast = read(xml, True)
    assert not took and read(xml, False)[1] == ("ParseError", None)  # left to the tree, which refuses it


def test_the_bench_and_sample_workbooks_are_read_fast(monkeypatch):
    """The shipped sample is read by the regular expression (not silently by the tree everywhere)."""
    from hso_xl.workbook import load

    results = []

    def spy(reader, open_part):
        results.append(read_plain_rows(reader, open_part))
        return results[-1]

    monkeypatch.setattr(load, "read_plain_rows", spy)
    load_workbook(Path(__file__).resolve().parent.parent / "input" / "HSO_finansiering_2027-2029.xlsx")
    assert results and all(results)


# What the reader looked for before reading a chunk of rows, before it left "<!" and "<?" to its expression and
# looked for the rarer texts only where a byte of theirs is found: it must decline whatever that declined.
CAREFUL_NOT_PLAIN = (b"\r", b"<!", b"<?", b"]]>", b"\xef\xbf\xbe", b"\xef\xbf\xbf") + tuple(
    bytes([b]) for b in [*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20)])
FRAGMENTS = ["<!-- n -->", "<?pi x?>", "]]>", "]]", "]", "\x01", "\x1f", "\r", "\ufffe", "\uffff", "\ufffd", "\uf8ff",
             "<![CDATA[1]]>", "<", "!", "?", "&", "&amp;", '"', " ", "\n", "</row>", "<row>", "<c r=\"A1\"/>", "x"]


@pytest.mark.parametrize("fragment", ["\r", "]]>", "\x01", "\x0b", "\x1f", "\ufffe", "\uffff", "<!-- n -->", "<?pi x?>",
                                      "<![CDATA[1]]>"])
@pytest.mark.parametrize("cell", ['<c r="A1"><v>1{}</v></c>', '<c r="A1"><f>B1{}</f><v>1</v></c>',
                                  '<c r="A1" t="inlineStr"><is><t>x{}</t></is></c>', '<c r="A1"/>{}'])
def test_what_a_parser_reads_otherwise_is_declined_in_any_text(fragment, cell):
    xml = sheet_xml([("", [cell.format(fragment)])])
    assert read(xml, True) == (False, None)


@pytest.mark.parametrize("row, cell", [
    (' x14ac:dyDescent="0.25"', ""), (' x15:dyDescent="0.25"', ""), ("", ' x15:cm="1"'), (' r="2"', ""),
    (' xmlns:x15="urn:x" x15:a="1"', ""), ("", ' xmlns="urn:x"'), ("", ' xmlns:a="urn:x"'), (' x14ac:a="1" x14ac:a="2"', ""),
    (' x14ac:a="1" y:a="2"', ""), (' x14ac:a:b="1"', ""), (' x14ac:1="1"', ""), (' xml:lang="sv"', ' xml:space="preserve"')])
def test_attribute_names_the_tree_refuses_or_reads_otherwise_are_left_to_it(row, cell):
    """Only the prefixes the root declares (here x14ac, and y for the same namespace), each attribute once."""
    xml = sheet_xml([(f' spans="1:2"{row}', [f'<c r="{{r}}"{cell}><v>1</v></c>']), ("", [PLAIN[0]])])
    xml = xml.replace(b"<worksheet ", b'<worksheet xmlns:y="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" ')
    took, fast = read(xml, True)
    tree = read(xml, False)[1]
    if row in (' x14ac:dyDescent="0.25"', ' xml:lang="sv"'):
        assert took and fast == tree
    else:
        assert not took


@settings(max_examples=300, deadline=None)
@given(rows_of, st.lists(st.tuples(st.sampled_from(FRAGMENTS), st.integers(0, 10 ** 6), st.booleans()), min_size=1,
                         max_size=2))
def test_any_text_anywhere_in_the_rows_is_declined_as_before_or_read_as_the_tree(rows, insertions):
    xml = sheet_xml(rows, HEAD, TAIL)
    start = xml.index(b"<sheetData>") + len(b"<sheetData>")
    for fragment, where, in_text in insertions:
        end = xml.index(b"</sheetData>")
        if in_text:  # in a value's, formula's or label's text
            texts = [m.end() for m in re.finditer(rb"<[vft](?: xml:space=\"preserve\")?>|(?=</[vft]>)", xml[start:end])]
            at = start + texts[where % len(texts)] if texts else end
        else:
            at = start + where % (end - start + 1)
        xml = xml[:at] + fragment.encode() + xml[at:]
    took, fast = read(xml, True)
    if any(odd in xml[start:xml.index(b"</sheetData>")] for odd in CAREFUL_NOT_PLAIN):
        assert not took
    elif took:
        tree = read(xml, False)[1]
        refused = len(fast) == 2
        assert refused == (len(tree) == 2)
        if not refused or fast[0] == tree[0] == "DamagedValue":
            assert fast == tree
