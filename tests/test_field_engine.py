"""Field test of the formula engine: the sample with a notes sheet full of the odd formulas real
administrators keep (issue 13, hardened).

Each workbook is the shipped sample edited with openpyxl, or with sheet XML written by hand where
openpyxl cannot express the construct (a data table, an external link part, iterative calculation).
Asserted: `check` stops only when a figure rests on the odd cell, naming the chain (also through
INDIRECT/OFFSET text and 3D references); otherwise it warns, once per kind of cause, and says
"may depend" where INDIRECT/OFFSET hide the target; `recalc` writes the copy and exits 1; the
input is never modified.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from hso_xl.cli import main
from hso_xl.package import write_package

from .conftest import sha256
from .test_recalc import sheet_member

PIVOTBY = "=_xlfn.PIVOTBY(A2:A4,B2:B4,C2:C4,_xleta.SUM)"
ODD_SHEET = "Övrigt – Åsa's anteckn"


def notes(path: Path, cells: dict[str, str], feed: str | None = None, sheet: str = "Anteckningar") -> Path:
    """Add a notes sheet holding `cells`; with `feed`, Ånge's 2027 amount (Finansiering!D9) becomes it."""
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet(sheet)
    for row in (["Månad", "Typ", "Belopp"], [1, "Resor", 120], [2, "Resor", 140], [3, "Lokaler", 160]):
        ws.append(row)
    for ref, formula in cells.items():
        ws[ref] = formula
    if feed:
        wb["Finansiering"]["D9"] = feed
    wb.save(path)
    return path


def check(path: Path, *args: str):
    return CliRunner().invoke(main, ["--lang", "en", "check", str(path), *args])


def recalc(path: Path, out: Path, *args: str):
    return CliRunner().invoke(main, ["--lang", "en", "recalc", str(path), "-o", str(out), *args])


def no_traceback(result) -> None:
    text = result.output + (result.stderr if result.stderr_bytes else "")
    assert result.exception is None or isinstance(result.exception, SystemExit), text
    assert "Traceback" not in text and "Exception" not in text and "Error:" not in text.replace("Error: ", "", 1)


# -- INDIRECT and OFFSET: targets followed, or "may depend" --------------------------------------

@pytest.mark.parametrize("feed", [
    '=454407+0*INDIRECT("Anteckningar!B6")',
    '=454407+0*INDIRECT(Anteckningar!E1)',
    '=454407+0*INDIRECT("Anteckningar!B"&(5+1))',
    '=454407+IFERROR(0*INDIRECT("Anteckningar!B6"),0)',
    "=454407+0*OFFSET(Anteckningar!A1,5,1)",
    "=454407+IFERROR(0*OFFSET(Anteckningar!A1,Anteckningar!E2,1),0)",
], ids=["literal", "cell-text", "concatenated", "iferror", "offset", "offset-by-cell"])
def test_a_cause_read_through_indirect_or_offset_stops_naming_the_chain(sample, feed):
    notes(sample, {"B6": PIVOTBY, "E1": "Anteckningar!B6", "E2": 5}, feed=feed)
    before = sha256(sample)
    result = check(sample)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {sample}: Finansiering!D9 [Ånge kommun · 2027] ← Anteckningar!B6")
    assert "PIVOTBY is not supported by the engine (IronCalc 0.9.1)" in result.stderr
    assert "#NAME?" not in result.stderr  # not blamed on Ånge's amount
    assert sha256(sample) == before


def test_an_indirect_target_that_cannot_be_known_says_the_figure_may_depend(sample, tmp_path):
    feed = '=454407+IFERROR(0*INDIRECT("Anteckningar!B"&ROUND(RAND()+5.5,0)),0)'
    notes(sample, {"B6": PIVOTBY}, feed=feed)
    result = check(sample, "--json")
    assert result.exit_code == 0, result.output
    warning = next(f for f in json.loads(result.output)["findings"] if f["location"] == "Anteckningar!B6")
    assert "no figure the documents use depends" not in warning["message"]
    assert "the figure Finansiering!D9 [Ånge kommun · 2027] may depend on it: it rests on Finansiering!D9 (" \
           + feed + "), whose INDIRECT or OFFSET target cannot be known" in warning["message"]


def test_an_error_through_an_unknown_indirect_target_names_the_candidates(sample):
    notes(sample, {"B6": PIVOTBY}, feed='=454407+0*INDIRECT("Anteckningar!B"&ROUND(RAND()+5.5,0))')
    result = check(sample)
    assert result.exit_code == 2
    assert "may read a cell that could not be computed (Anteckningar!B6)" in result.stderr


# -- 3D references, union, #REF! literals --------------------------------------------------------

def test_3d_reference_is_followed_and_named_as_not_computed(sample, tmp_path):
    notes(sample, {"B6": "=SUM(Projekt:Kommuner!A1)", "B7": "=SUM('Budget:Finansiering'!D9)"})
    result = check(sample)
    assert result.exit_code == 0, result.output
    assert "warning: Anteckningar!B6: a reference to the same cells on a range of sheets (Projekt:Kommuner!A1) is " \
           "not supported by the engine (IronCalc 0.9.1)" in result.output
    assert "formula gives #VALUE!" not in result.output  # IronCalc's value, not Excel's

    wb = openpyxl.load_workbook(sample)
    wb.create_sheet("Blad1")["B6"] = PIVOTBY
    wb["Finansiering"]["D9"] = "=454407+0*Anteckningar!B8"
    wb["Anteckningar"]["B8"] = "=SUM(Blad1:Anteckningar!B6)"
    wb.save(sample)
    result = check(sample)
    assert result.exit_code == 2
    assert "Finansiering!D9 [Ånge kommun · 2027] ← Anteckningar!B8" in result.stderr


def test_union_operator_and_ref_literal_are_named_for_what_they_are(sample):
    notes(sample, {"B6": "=SUM((C2,C3))", "B7": "=Finansiering!#REF!", "B8": "=B7+1"})
    result = check(sample)
    assert result.exit_code == 0, result.output
    assert "Anteckningar!B6: the union operator (references joined by a comma in parentheses: SUM((C2,C3))) is not " \
           "supported by the engine" in result.output
    assert "warning: Anteckningar!B7: formula gives #REF! (=Finansiering!#REF!)" in result.output
    assert "Anteckningar!B8" not in result.output  # it only passes the #REF! on, as Excel does
    assert "rename such a name" not in result.output  # not the syntax hint about names


# -- many odd cells: one finding per kind ---------------------------------------------------------

def test_three_hundred_cells_of_one_kind_are_one_warning(sample, tmp_path):
    cells = {f"B{r}": PIVOTBY for r in range(10, 310)} | {f"C{r}": f"=B{r}+1" for r in range(10, 310)}
    notes(sample, cells)
    result = check(sample, "--json")
    assert result.exit_code == 0
    found = [f for f in json.loads(result.output)["findings"] if f["code"] == "formula.unsupported"]
    assert len(found) == 1
    assert found[0]["message"].startswith("PIVOTBY is not supported by the engine (IronCalc 0.9.1), in 300 cells "
                                          "(Anteckningar!B10, Anteckningar!B11,")
    assert "300 cells read them" in found[0]["message"]
    assert len(found[0]["details"]["cells"]) == 300
    done = recalc(sample, tmp_path / "o.xlsx", "--json")
    assert done.exit_code == 1 and len(json.loads(done.output)["not_computed"]) == 600


def test_a_notes_sheet_full_of_odd_formulas_builds_the_check_and_recalc(sample, tmp_path):
    odd = {
        "H1": '=INDIRECT("A1")', "H2": "=OFFSET(A1,1,1)", "H3": "=_xlfn.LET(_xlpm.x,5,_xlpm.x*2)",
        "H4": "=_xlfn._xlws.FILTER(C2:C4,C2:C4>130)", "H5": "=SUM(_xlfn.ANCHORARRAY(E2))",
        "H6": '=TEXT(1234.5,"# ##0,00 kr")', "H7": "=NOW()", "H8": "=#N/A", "H9": "=SUM(Finansiering!D:D)",
        "H10": "=SUM(9:9)", "H11": '="Hej! ""Finansiering!D9"" är "&C2&"!"', "H12": '=HYPERLINK("#Finansiering!D9","Gå")',
        "H13": "=" + "+".join(f"C{2 + i % 3}" for i in range(2500)), "H14": "=IFERROR(1/0,0)",
        "H15": '=CHAR(1)&"x"', "H16": "=_xlfn.FORECAST.ETS(4,C2:C4,A2:A4)", "H17": "=SUM(Projekt:Kommuner!A1)",
    }
    notes(sample, odd, sheet=ODD_SHEET)
    before = sha256(sample)
    result = check(sample)
    assert result.exit_code == 0, result.output
    assert f"warning: '{ODD_SHEET.replace(chr(39), chr(39) * 2)}'!H16: FORECAST.ETS is not supported" in result.output
    out = tmp_path / "out.xlsx"
    done = recalc(sample, out)
    assert done.exit_code == 1, done.output
    no_traceback(done)
    values = openpyxl.load_workbook(out, data_only=True)[ODD_SHEET]
    assert values["H2"].value == "Resor" and values["H3"].value == 10 and values["H14"].value == 0
    assert values["H13"].value == sum((120, 140, 160)[i % 3] for i in range(2500))
    assert sha256(sample) == before


# -- hand-written sheet XML: data table, external link, iterative circular references ----------------

EXT_LINK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships"><externalBook r:id="rId1"><sheetNames><sheetName val="Blad1"/></sheetNames>'
            '<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>77</v></cell></row></sheetData>'
            '</sheetDataSet></externalBook></externalLink>')
EXT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" Target="file:///C:/Budget/'
            'Andra.xlsx" TargetMode="External"/></Relationships>')
ROW2 = ('<c r="M2"><f t="dataTable" ref="M2:M4" dt2D="0" dtr="0" r1="B1"/><v>1</v></c>'
        '<c r="P2"><f>[1]Blad1!A1*2</f><v>154</v></c><c r="Q2"><f>R2+1</f><v>2</v></c><c r="R2"><f>Q2/2</f><v>1</v></c>'
        '<c r="S2" t="str"><f>"a"&amp;CHAR(1)&amp;"b"</f><v>a_x0001_b</v></c>')


def handwritten(path: Path, iterative: bool = False, feed: str | None = None) -> Path:
    notes(path, {}, feed=feed)
    member = sheet_member(path, "Anteckningar")
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    sheet = parts[member].decode()
    sheet = re.sub(r'(<row r="2"[^>]*>.*?)(</row>)', lambda m: m.group(1) + ROW2 + m.group(2), sheet, count=1, flags=re.S)
    parts[member] = sheet.encode()
    book = parts["xl/workbook.xml"].decode()
    book = book.replace("</sheets>", '</sheets><externalReferences><externalReference r:id="rIdExt1"/>'
                                     '</externalReferences>')
    head_end = book.index(">", book.index("<workbook"))
    if "xmlns:r=" not in book[:head_end]:
        book = book.replace("<workbook ", '<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                                          'relationships" ', 1)
    if iterative:
        book = book.replace("</workbook>", '<calcPr calcId="191029" iterate="1" iterateCount="100"/></workbook>') \
            if "<calcPr" not in book else book.replace("<calcPr", '<calcPr iterate="1"', 1)
    parts["xl/workbook.xml"] = book.encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdExt1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>')
    parts["xl/externalLinks/externalLink1.xml"] = EXT_LINK.encode()
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = EXT_RELS.encode()
    path.write_bytes(write_package(list(parts.items())))
    return path


def test_a_data_table_no_longer_refuses_the_whole_workbook(sample, tmp_path):
    handwritten(sample)
    before = sha256(sample)
    result = check(sample)
    assert result.exit_code == 0, result.output + result.stderr
    assert "warning: Anteckningar!M2: a data table ({=TABLE(,B1)}, Data > What-If Analysis > Data Table) is not " \
           "supported by the engine (IronCalc 0.9.1)" in result.output
    assert "warning: Anteckningar!P2: the formula refers to another workbook" in result.output
    out = tmp_path / "out.xlsx"
    done = recalc(sample, out, "--json")
    assert done.exit_code == 1
    report = json.loads(done.output)
    # M3 and M4, the data table's other cells, are its results too (the file leaves them out here)
    assert {p["cell"] for p in report["not_computed"]} == {"Anteckningar!M2", "Anteckningar!M3", "Anteckningar!M4",
                                                           "Anteckningar!P2", "Anteckningar!Q2", "Anteckningar!R2"}
    values = openpyxl.load_workbook(out, data_only=True)
    assert values["Anteckningar"]["M2"].value == 1 and values["Anteckningar"]["P2"].value == 154  # Excel's, kept
    assert values["Finansiering"]["G9"].value == 1_363_221
    with zipfile.ZipFile(out) as zf:
        assert b't="dataTable"' in zf.read(sheet_member(out, "Anteckningar"))  # the formula itself is kept
    assert sha256(sample) == before


def test_a_data_table_feeding_a_figure_stops(sample):
    handwritten(sample, feed="=454407+0*Anteckningar!M2")
    result = check(sample)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {sample}: Finansiering!D9 [Ånge kommun · 2027] ← Anteckningar!M2")
    assert "a data table" in result.stderr


@pytest.mark.parametrize("iterative", [False, True], ids=["plain", "iterative-calculation-on"])
def test_circular_reference_feeding_a_figure_stops_and_says_whether_excel_iterates(sample, iterative):
    handwritten(sample, iterative=iterative, feed="=454407+0*Anteckningar!Q2")
    result = check(sample)
    assert result.exit_code == 2
    assert "Finansiering!D9 [Ånge kommun · 2027] ← Anteckningar!Q2" in result.stderr
    assert ("the workbook lets Excel iterate it" in result.stderr) is iterative


def test_control_characters_round_trip(sample, tmp_path):
    notes(sample, {"B6": '=CHAR(1)&"x"', "B7": '=CHAR(7)&CHAR(27)&"_x0001_"&CHAR(31)'})
    out = tmp_path / "out.xlsx"
    assert recalc(sample, out).exit_code == 0
    again = recalc(out, tmp_path / "again.xlsx", "--json")
    assert again.exit_code == 0 and json.loads(again.output)["differences"] == []
    from hso_xl.workbook.load import load_workbook

    cached = {c.coordinate: c.cached for s, c in load_workbook(out).formula_cells() if s.name == "Anteckningar"}
    assert cached == {"B6": "\x01x", "B7": "\x07\x1b_x0001_\x1f"}


def test_divergence_through_a_defined_name_and_another_sheet_is_warned(sample):
    """Budget!B7 reads a defined name over a scratch cell whose approximate MATCH runs over unsorted keys."""
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.load_workbook(sample)
    scratch = wb.create_sheet("Beräkning")
    for i, (key, amount) in enumerate(((3, 930000), (1, 680000), (2, 1960000))):
        scratch[f"A{i + 1}"], scratch[f"B{i + 1}"] = key, amount
    scratch["D1"] = "=INDEX(B1:B3,MATCH(2,A1:A3))"
    wb.defined_names["Externt"] = DefinedName("Externt", attr_text="Beräkning!$D$1")
    wb["Budget"]["B7"] = "=Externt"
    wb.save(sample)
    result = check(sample, "--json")
    assert result.exit_code == 0, result.output
    risk = next(f for f in json.loads(result.output)["findings"] if f["code"] == "engine.divergence")
    # The name makes Beräkning!D1 a figure itself (templates are offered every name): the chain starts there.
    assert risk["location"] == "Beräkning!D1" and risk["details"]["chain"] == ["Beräkning!D1"]
    assert risk["details"]["divergence"] == "lookup.approximate"


# -- array formulas: the cells beside the first one are computed, not read as typed-in amounts ------------

def test_an_array_formula_over_angees_years_gives_its_computed_amounts(sample, tmp_path):
    """{=D8:F8} over Finansiering!D9:F9 (Ånge copies Kramfors): E9 and F9 hold no <f> of their own."""
    from openpyxl.worksheet.formula import ArrayFormula

    wb = openpyxl.load_workbook(sample)
    ws = wb["Finansiering"]
    ws["D9"] = ArrayFormula("D9:F9", "=D8:F8")
    ws["E9"] = ws["F9"] = None
    wb.save(sample)
    result = check(sample, "--json")
    assert result.exit_code == 0, result.output
    ange = next(m for m in json.loads(result.output)["municipalities"] if m["name"] == "Ånge kommun")
    assert list(ange["per_year"].values()) == [454_407, 454_407, 454_407] and ange["total"] == 1_363_221
    out = tmp_path / "out.xlsx"
    assert recalc(sample, out).exit_code == 0
    values = openpyxl.load_workbook(out, data_only=True)["Finansiering"]
    assert [values[c].value for c in ("D9", "E9", "F9", "G9")] == [454_407, 454_407, 454_407, 1_363_221]


def test_a_cell_of_an_array_formula_resting_on_a_cause_stops(sample):
    from openpyxl.worksheet.formula import ArrayFormula

    wb = openpyxl.load_workbook(sample)
    notes_sheet = wb.create_sheet("Anteckningar")
    notes_sheet["B6"] = PIVOTBY
    notes_sheet["J2"] = ArrayFormula("J2:J4", "=B6+{1;2;3}")
    wb["Finansiering"]["D9"] = "=454407+0*Anteckningar!J3"
    wb.save(sample)
    result = check(sample)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {sample}: Finansiering!D9 [Ånge kommun · 2027] ← Anteckningar!J3")
    assert "PIVOTBY is not supported" in result.stderr


def test_cells_of_a_notes_sheet_carry_no_label_read_from_nearby_text(sample):
    """A notes sheet with a 'Belopp' header is no table the budget reads: its cells are not labelled 'Resor'."""
    notes(sample, {"B6": PIVOTBY}, feed="=454407+0*Anteckningar!B6")
    result = check(sample)
    assert "← Anteckningar!B6: PIVOTBY" in result.stderr and "Anteckningar!B6 [" not in result.stderr


# -- TEXT with Swedish format codes ---------------------------------------------------------------------

def test_text_with_a_swedish_format_code_is_not_blamed_on_the_administrator(sample):
    """Swedish Excel gives "1 234,50 kr"; IronCalc's #VALUE! is the engine's, not an error to correct."""
    notes(sample, {"B6": '=TEXT(1234.5,"# ##0,00 kr")', "B7": '=TEXT(DATE(2027,1,5),"ÅÅÅÅ-MM-DD")',
                   "B8": '=TEXT(1234.5,"#,##0.00")'})
    result = check(sample)
    assert result.exit_code == 0, result.output
    assert 'warning: Anteckningar!B6: TEXT with a format code written in Swedish Excel ("# ##0,00 kr") is not ' \
           "supported by the engine" in result.output
    assert "Anteckningar!B7" in result.output and "Anteckningar!B8" not in result.output  # English codes compute
    assert "formula gives #VALUE!" not in result.output


def test_a_figure_resting_on_a_swedish_text_format_stops(sample):
    notes(sample, {"B6": '=TEXT(DATE(2027,1,5),"ÅÅÅÅ")'}, feed="=454407+0*LEN(Anteckningar!B6)")
    result = check(sample)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {sample}: Finansiering!D9 [Ånge kommun · 2027] ← Anteckningar!B6: TEXT "
                                    'with a format code written in Swedish Excel ("ÅÅÅÅ")')


# -- relative defined names; the notes workbook re-saved by LibreOffice ----------------------------------

def test_a_relative_defined_name_is_not_computed_where_it_would_shift(sample):
    """Rel = Anteckningar!C2 without $: Excel (and LibreOffice) read it relative to the using cell, IronCalc as C2."""
    from openpyxl.workbook.defined_name import DefinedName

    notes(sample, {"H5": "=Rel"})
    wb = openpyxl.load_workbook(sample)
    wb.defined_names["Rel"] = DefinedName("Rel", attr_text="Anteckningar!C2")
    wb["Finansiering"]["D9"] = "=454407+0*Anteckningar!H5"
    wb.save(sample)
    result = check(sample)
    assert result.exit_code == 2
    assert "Finansiering!D9 [Ånge kommun · 2027] ← Anteckningar!H5: the defined name Rel refers to Anteckningar!C2 " \
           "without $: Excel reads it relative to the cell that uses it" in result.stderr


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_reads_a_relative_name_relative_and_resaved_unknown_functions_stay_not_computed(sample, tmp_path):
    from openpyxl.workbook.defined_name import DefinedName

    from .helpers.libreoffice import recalculate

    notes(sample, {"H5": "=Rel", "B6": PIVOTBY}, feed="=454407+0*Anteckningar!B6")
    wb = openpyxl.load_workbook(sample)
    wb.defined_names["Rel"] = DefinedName("Rel", attr_text="Anteckningar!C2")
    wb.save(sample)
    saved = recalculate([sample], tmp_path / "lo")[sample]
    values = openpyxl.load_workbook(saved, data_only=True)["Anteckningar"]
    assert values["H5"].value == 0  # LibreOffice: C2 shifted from A1 to H5 is I6, empty (IronCalc would give 140)
    assert values["B6"].value == "#NAME?"  # LibreOffice lacks PIVOTBY and writes _xlfn.pivotby(...)
    result = check(saved)
    assert result.exit_code == 2
    assert "← Anteckningar!B6: PIVOTBY is not supported by the engine (IronCalc 0.9.1)" in result.stderr
    assert "Correct the formula" not in result.stderr  # a cached #NAME? does not confirm IronCalc's


def test_three_hundred_error_values_are_one_warning(sample):
    notes(sample, {f"B{r}": f"=1/(C{r}-C{r})" for r in range(10, 310)} | {"D1": "=#N/A"})
    result = check(sample, "--json")
    assert result.exit_code == 0
    found = [f for f in json.loads(result.output)["findings"] if f["code"] == "formula.error"]
    assert sorted(f["location"] for f in found) == ["Anteckningar!B10", "Anteckningar!D1"]
    found = [f for f in found if f["location"] == "Anteckningar!B10"]
    assert found[0]["message"].startswith("formula gives #DIV/0! (=1/(C10-C10)), in 300 cells (Anteckningar!B10,")
    assert len(found[0]["details"]["cells"]) == 300


def test_explain_follows_an_indirect_target(sample):
    notes(sample, {"B6": "=C2*2"}, feed='=454407+0*INDIRECT("Anteckningar!B6")')
    result = CliRunner().invoke(main, ["--lang", "en", "explain", "Finansiering!D9", str(sample)])
    assert result.exit_code == 0, result.output
    assert "└── Anteckningar!B6 = 240" in result.output and "Anteckningar!C2 = 120" in result.output


def test_a_sheet_name_with_double_quotes_is_followed(sample):
    notes(sample, {"B6": PIVOTBY}, sheet='Noter "gamla"')
    wb = openpyxl.load_workbook(sample)
    wb["Finansiering"]["D9"] = "=454407+0*'Noter \"gamla\"'!B6"
    wb.save(sample)
    result = check(sample)
    assert result.exit_code == 2
    assert "Finansiering!D9 [Ånge kommun · 2027] ← 'Noter \"gamla\"'!B6: PIVOTBY is not supported" in result.stderr


def test_a_sheet_name_with_an_exclamation_mark_is_named_not_called_damage(sample):
    notes(sample, {"B6": "=C2+1"}, sheet="Noter!x", feed="=454407+0*'Noter!x'!B6")
    result = check(sample)
    assert result.exit_code == 2
    assert "a sheet named 'Noter!x': the engine does not allow \"!\" in a sheet name" in result.stderr
    assert "Rename the sheet" in result.stderr and "repair prompt" not in result.stderr


@pytest.mark.slow
def test_build_with_a_data_table_and_odd_notes_builds_and_with_a_chain_writes_nothing(sample, tmp_path):
    from .conftest import ROOT

    handwritten(sample)
    out = tmp_path / "output"
    result = CliRunner().invoke(main, ["--lang", "en", "build", str(sample), "--templates", str(ROOT / "templates"),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "kommuner" / "Ånge kommun – Beslutsunderlag.docx").is_file()
    assert "Anteckningar!M2: a data table" in (out / "rapport.txt").read_text(encoding="utf-8")

    notes(sample, {}, sheet="Beräkning",
          feed='=454407+0*INDIRECT("Anteckningar!"&"M3")')
    stopped = tmp_path / "stopped"
    result = CliRunner().invoke(main, ["--lang", "en", "build", str(sample), "--templates", str(ROOT / "templates"),
                                       "--out", str(stopped)])
    assert result.exit_code == 2
    assert "Finansiering!D9 [Ånge kommun · 2027] ← Anteckningar!M3: a data table" in result.output
    assert not stopped.exists()


def test_a_file_whose_formulas_are_all_cached_as_0_is_one_warning_not_one_per_formula(tmp_path):
    """xlsxwriter (and other programs that compute nothing) save 0 for every formula."""
    from hso_xl.model.checked import check_workbook
    from hso_xl.settings import Settings
    from tests.helpers.field_books import office_form

    path = tmp_path / "skript.xlsx"
    office_form(path, writer="xlsxwriter")
    checked = check_workbook(path, Settings())
    zeros = [f for f in checked.findings if f.code == "recalc.cached_zeros"]
    assert [f.code for f in checked.findings if f.code == "recalc.differs"] == []
    assert len(zeros) == 1 and len(zeros[0].details["cells"]) == len(checked.verification.differences) == 46
    assert str(zeros[0].message).startswith("46 formulas have 0 as their saved value but compute to something else")
    # and a file with a few real differences still names each of them
    from hso_xl.workbook.verify import Difference, Verification

    few = Verification(differences=[Difference("Budget!B2", 0, 5, "=A1")] * 2)
    assert [f.code for f in few.difference_findings()] == ["recalc.differs", "recalc.differs"]
