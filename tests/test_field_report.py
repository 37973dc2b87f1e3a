"""Field test of the regional reports: data workbooks an office would really hand over.

Each data workbook here is the sample's records edited with openpyxl as an administrator edits
them in Excel (not written by hso_xl/report_sample.py): columns in another order, headers with
their unit, short or upper-case municipality names, an empty amount, a date or TRUE where a number
belongs, a huge number, a negative amount, decimals, a key figure typed twice. The report is read
back with python-docx and compared with the records as openpyxl reads them; a refused workbook
gives one paragraph naming file, sheet and cell, exit code 2, and nothing written.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from hso_xl.cli import main
from hso_xl.render.charts import Chart, _limits, amount

from .conftest import ROOT, SAMPLE

NBSP = "\u00a0"
DATA = ROOT / "input" / "Rapportdata_2025.xlsx"
ANGE = "Region Västernorrlands arbete i Ånge kommun.docx"

pytestmark = pytest.mark.slow  # every test builds the sample's 24 documents


def data_copy(folder: Path, edit) -> Path:
    """The master workbook and an edited copy of the data workbook in `folder`; returns the master's path."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(SAMPLE, folder / SAMPLE.name)
    wb = openpyxl.load_workbook(DATA)
    edit(wb)
    wb.save(folder / DATA.name)
    return folder / SAMPLE.name


def build(workbook: Path, out: Path):
    return CliRunner().invoke(main, ["build", str(workbook), "--templates", str(ROOT / "templates"), "--out", str(out)])


def row_of(ws, first: str, column: str, value) -> int:
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == first and row[header.index(column)].value == value:
            return row[0].row
    raise AssertionError((first, column, value))


def col_of(ws, title: str) -> int:
    return [c.value for c in ws[1]].index(title) + 1


def set_cell(wb, sheet: str, kommun: str, key_column: str, key, column: str, value) -> str:
    ws = wb[sheet]
    cell = ws.cell(row_of(ws, kommun, key_column, key), col_of(ws, column))
    cell.value = value
    return cell.coordinate


def chart_table(doc) -> list[tuple[str, str]]:
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Företag")
    return [(r.cells[0].text, r.cells[1].text) for r in table.rows[1:]]


def chart_alt_text(doc) -> str:
    docpr = doc.element.body.xpath(".//wp:docPr")
    assert len(docpr) == 1
    return docpr[0].get("descr")


def cases(workbook: Path, kommun_names: tuple[str, ...]) -> list[tuple[str, float]]:
    """The business-support cases as openpyxl reads them, largest first (what the chart shows)."""
    ws = openpyxl.load_workbook(workbook, data_only=True)["Företagsstöd"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    k = next(i for i, t in enumerate(header) if str(t).startswith("Kommun"))
    f = next(i for i, t in enumerate(header) if str(t).startswith("Företag"))
    b = next(i for i, t in enumerate(header) if str(t).startswith("Belopp"))
    found = [(r[f], r[b]) for r in rows[1:] if r[k] in kommun_names]
    return sorted(found, key=lambda x: x[1], reverse=True)[:10]


def shown(value) -> str:
    return amount(value, "")


def test_columns_reordered_headers_with_units_and_short_names_give_the_same_report(tmp_path):
    def edit(wb):
        for ws in wb:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            ws.delete_rows(1, ws.max_row)
            for r in rows:
                ws.append(r[::-1])  # every column in the opposite order
            for c in ws[1]:
                c.value = {"Belopp": "Belopp (kr)", "Kommun": "Kommun (officiellt namn)", "Värde": "värde",
                           "Mått": "MÅTT"}.get(c.value, c.value)
            kommun = col_of(ws, "Kommun (officiellt namn)") if ws.title != "Om" and ws.title != "Regionen" else None
            for row in ws.iter_rows(min_row=2):
                if kommun and row[kommun - 1].value == "Ånge kommun":
                    row[kommun - 1].value = "ÅNGE"
    base, edited = tmp_path / "base", tmp_path / "edited"
    assert build(data_copy(base, lambda wb: None), base / "out").exit_code == 0
    result = build(data_copy(edited, edit), edited / "out")
    assert result.exit_code == 0, result.output
    want = Document(str(base / "out" / "rapporter" / ANGE))
    got = Document(str(edited / "out" / "rapporter" / ANGE))
    assert [p.text for p in got.paragraphs] == [p.text for p in want.paragraphs]
    assert [[c.text for c in r.cells] for t in got.tables for r in t.rows] == \
        [[c.text for c in r.cells] for t in want.tables for r in t.rows]
    expected = cases(edited / DATA.name, ("ÅNGE",))
    assert chart_table(got) == [(name, shown(v)) for name, v in expected]
    assert chart_table(got)[0] == ("Extreme Medic Fastigheter AB", f"2{NBSP}102{NBSP}500")


@pytest.mark.parametrize("sheet, key_column, key, column, value, words", [
    ("Nyckeltal", "Mått", "Kundmöten", "Värde", None, "'Värde' is empty in this record"),
    ("Företagsstöd", "Företag", "Nordbiten AB", "Belopp", None, "'Belopp' is empty in this record"),
    ("Kulturstöd", "Mottagare", "Konstnärligt residens", "År", None, "'År' is empty in this record"),
    ("Företagsstöd", "Företag", "ROCCO Oil Sweden AB", "Belopp", dt.date(2025, 1, 1), "the date 2025-01-01"),
    ("Företagsstöd", "Företag", "ROCCO Oil Sweden AB", "Belopp", True, "the truth value SANT"),
    ("Företagsstöd", "Företag", "ROCCO Oil Sweden AB", "Belopp", "saknas", 'the text "saknas"'),
    ("Nyckeltal", "Mått", "Bredbandsstöd", "Värde", "10,7", 'the text "10,7"'),
    ("Nyckeltal", "Mått", "Bredbandsstöd", "Värde", 1e300, "too large to be an exact figure"),
], ids=["empty-key-figure", "empty-amount", "empty-year", "date", "true", "text", "number-as-text", "huge"])
def test_a_value_a_report_cannot_print_is_refused_naming_its_cell(tmp_path, sheet, key_column, key, column, value,
                                                                   words):
    where = {}
    workbook = data_copy(tmp_path, lambda wb: where.update(
        cell=set_cell(wb, sheet, "Ånge kommun", key_column, key, column, value)))
    result = build(workbook, tmp_path / "out")
    assert result.exit_code == 2, result.output
    error = result.output.strip().splitlines()[-1]
    assert error.startswith(f"Error: {tmp_path / DATA.name}: {sheet}!{where['cell']}: "), error
    assert words in error
    assert "Traceback" not in result.output and "decimal." not in result.output and "not supported" not in result.output
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_a_negative_and_a_decimal_amount_are_printed_as_they_are_and_the_bar_is_drawn(tmp_path):
    def edit(wb):
        set_cell(wb, "Företagsstöd", "Ånge kommun", "Företag", "ROCCO Oil Sweden AB", "Belopp", -1_800_000)
        set_cell(wb, "Företagsstöd", "Ånge kommun", "Företag", "Bränna Natur AB", "Belopp", 873_000.75)
    workbook = data_copy(tmp_path, edit)
    result = build(workbook, tmp_path / "out")
    assert result.exit_code == 0, result.output
    doc = Document(str(tmp_path / "out" / "rapporter" / ANGE))
    table = dict(chart_table(doc))
    assert table["ROCCO Oil Sweden AB"] == f"−1{NBSP}800{NBSP}000"
    assert table["Bränna Natur AB"] == f"873{NBSP}000,75"
    assert f"Bränna Natur AB: 873{NBSP}000,75{NBSP}kr" in chart_alt_text(doc)
    values = [v for _n, v in cases(tmp_path / DATA.name, ("Ånge kommun",))]
    low, high = _limits([float(v) for v in values], max(abs(v) for v in values), 1.22)
    assert low < -1_800_000 and high > 2_102_500  # the negative bar is inside the axis, not cut off at 0


def test_a_chart_of_negative_values_only_still_shows_every_bar():
    low, high = _limits([-5.0, -2.0], 5.0, 1.15)
    assert low < -5 and high > 0
    assert amount(-5.25, "kr") == f"−5,25{NBSP}kr"
    assert Chart("stapel", "t", ("a",), (-5,)).height == 8.0


def test_a_key_figure_typed_twice_is_refused_naming_both_rows(tmp_path):
    def edit(wb):
        ws = wb["Nyckeltal"]
        row = [c.value for c in ws[row_of(ws, "Ånge kommun", "Mått", "Bredbandsstöd")]]
        row[col_of(ws, "Värde") - 1] = 999
        ws.append(row)
    workbook = data_copy(tmp_path, edit)
    last = openpyxl.load_workbook(tmp_path / DATA.name)["Nyckeltal"].max_row
    result = build(workbook, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "2 records match matt='Bredbandsstöd'" in result.output
    assert f"Nyckeltal!A{last}" in result.output and "Nyckeltal!A2" in result.output


def test_an_unknown_and_a_missing_municipality_are_said_and_the_others_are_written(tmp_path):
    def edit(wb):
        for ws in wb:
            if ws.title in ("Om", "Regionen"):
                continue
            for row in list(ws.iter_rows(min_row=2))[::-1]:
                if row[0].value == "Timrå kommun":
                    ws.delete_rows(row[0].row)
            for r in [list(r) for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "Ånge kommun"]:
                ws.append(["Bräcke kommun"] + r[1:])
    workbook = data_copy(tmp_path, edit)
    result = build(workbook, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "'Bräcke kommun' is not a municipality of the master workbook" in result.output
    assert "holds no records of Timrå kommun" in result.output
    written = sorted(p.name for p in (tmp_path / "out" / "rapporter").iterdir())
    assert len(written) == 6 and not any("Timrå" in n or "Bräcke" in n for n in written)


@pytest.mark.parametrize("edit, says", [
    (lambda wb: wb["Kulturstöd"].cell(1, 4, "Stöd"),
     "the sheet 'Kulturstöd' of Rapportdata_2025.xlsx has no column 'belopp' (its columns: Kommun (kommun), "
     "År (ar), Mottagare (mottagare), Stöd (stod), Källa (kalla))"),
    (lambda wb: wb["Företagsstöd"].cell(1, 2, "Företagsnamn"),
     "the sheet 'Företagsstöd' of Rapportdata_2025.xlsx has no column 'foretag'"),
    (lambda wb: setattr(wb["Företagsstöd"], "title", "Företagsstöd 2025"),
     "Rapportdata_2025.xlsx has no sheet 'foretagsstod' (its sheets: Om (om), Rapport (rapport), "),
], ids=["renamed-column", "renamed-label-column", "renamed-sheet"])
def test_a_renamed_column_or_sheet_is_named_in_the_data_workbook_not_blamed_on_the_template(tmp_path, edit, says):
    result = build(data_copy(tmp_path, edit), tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert "Give the sheet or column that name in the data workbook, or correct the tag" in result.output
    assert "unknown variable" not in result.output
    assert not (tmp_path / "out").exists()


def test_the_renamed_column_message_is_swedish_by_default(tmp_path):
    workbook = data_copy(tmp_path, lambda wb: wb["Kulturstöd"].cell(1, 4, "Stöd"))
    result = CliRunner().invoke(main, ["--lang", "sv", "build", str(workbook), "--templates", str(ROOT / "templates"),
                                       "--out", str(tmp_path / "out")])
    assert "bladet 'Kulturstöd' i Rapportdata_2025.xlsx har ingen kolumn 'belopp' (kolumnerna är: Kommun (kommun)" \
        in result.output
    assert "Ge bladet eller kolumnen det namnet i dataarbetsboken, eller rätta taggen." in result.output


def test_a_report_is_dated_and_described_by_its_own_data(tmp_path):
    """Its header prints the Rapport sheet's Datum: the properties carry that date, and say the data
    workbook it was made from (not the financing plan the decision drafts come from)."""
    workbook = data_copy(tmp_path, lambda wb: set_cell(wb, "Rapport", "Ånge kommun", "Kommun", "Ånge kommun", "Datum",
                                                       dt.datetime(2025, 12, 3)))
    result = build(workbook, tmp_path / "out")
    assert result.exit_code == 0, result.output
    doc = Document(str(tmp_path / "out" / "rapporter" / ANGE))
    props = doc.core_properties
    assert props.created.date() == props.modified.date() == dt.date(2025, 12, 3)
    assert props.comments == f"Framtagen med hso-xl ur {DATA.name}."
    assert props.subject.endswith(" – Ånge kommun") and ": Ånge kommun" not in props.subject
    header = " ".join(c.text for t in doc.sections[0].header.tables for r in t.rows for c in r.cells)
    assert "2025-12-03" in header
    timra = Document(str(tmp_path / "out" / "rapporter" / "Region Västernorrlands arbete i Timrå kommun.docx"))
    assert timra.core_properties.created.date() == dt.date(2025, 11, 27)  # each report its own record's date
    draft = Document(str(tmp_path / "out" / "kommuner" / "Ånge kommun – Beslutsunderlag.docx"))
    assert draft.core_properties.created.date() == dt.date(2026, 1, 30)  # the financing plan's Dokumentdatum


@pytest.mark.libreoffice
def test_the_pdf_of_a_field_edited_report_holds_the_chart_tagged_swedish_and_the_same_twice(tmp_path):
    from .helpers.pdf_checks import pdf_facts, poppler, text

    def edit(wb):
        set_cell(wb, "Företagsstöd", "Ånge kommun", "Företag", "ROCCO Oil Sweden AB", "Belopp", -1_800_000)
    workbook = data_copy(tmp_path, edit)
    pdfs = []
    for round_ in ("a", "b"):
        out = tmp_path / round_
        result = CliRunner().invoke(main, ["build", str(workbook), "--templates", str(ROOT / "templates"),
                                           "--out", str(out), "--pdf", "--only", "Ånge kommun"])
        assert result.exit_code == 0, result.output
        pdfs.append(out / "rapporter" / ANGE.replace(".docx", ".pdf"))
    assert pdfs[0].read_bytes() == pdfs[1].read_bytes()
    facts = pdf_facts(pdfs[0])
    assert facts.pdfa == ("2", "B") and facts.marked and facts.lang == "sv-SE"
    assert facts.unembedded_fonts == [] and facts.figures_without_alt == 0 and facts.tags["/Figure"] == 1
    assert facts.created.startswith("D:20251127")  # the report's own date, as in its header
    info, fonts = poppler(pdfs[0])
    assert "Tagged:          yes" in info
    assert " no " not in "".join(fonts.splitlines()[2:]).replace("  ", " ")  # every font embedded
    images = __import__("subprocess").run(["pdfimages", "-list", str(pdfs[0])], capture_output=True, text=True,
                                          check=True).stdout.splitlines()[2:]
    assert [line.split()[2] for line in images].count("image") == 1  # the chart
    printed = text(pdfs[0])
    assert "ROCCO Oil Sweden AB" in printed and "−1 800 000" in printed  # the data table under the chart


def test_a_key_figure_spelt_otherwise_is_warned_about_not_silently_left_out(tmp_path):
    def edit(wb):
        set_cell(wb, "Nyckeltal", "Ånge kommun", "Mått", "Bredbandsstöd", "Mått", "Bredband")
    result = build(data_copy(tmp_path, edit), tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert ("Rapportdata_2025.xlsx has no record matt='Bredbandsstöd' in the table 'nyckeltal' for Ånge kommun, so "
            "Region Västernorrlands arbete i {kommun}.docx leaves out (or cannot print) what needs it") in result.output
    doc = Document(str(tmp_path / "out" / "rapporter" / ANGE))
    assert "Bredbandsutbyggnad/företagsstöd" not in [p.text for p in doc.paragraphs]  # the passage the warning names
    timra = Document(str(tmp_path / "out" / "rapporter" / "Region Västernorrlands arbete i Timrå kommun.docx"))
    assert "Bredbandsutbyggnad/företagsstöd" in [p.text for p in timra.paragraphs]


def test_a_figure_the_text_prints_without_its_record_stops_naming_the_sheet_and_the_match(tmp_path):
    def edit(wb):
        wb["Regionen"]["A2"] = "Avsatta medel"
    result = build(data_copy(tmp_path, edit), tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "no record on the sheet 'Regionen' has matt='Avsatta medel för uppdraget'" in result.output
    assert "Add the record to the data workbook, or correct what the tag looks for" in result.output
    assert "unknown variable" not in result.output and not (tmp_path / "out").exists()


def _header_dnr(path: Path) -> str:
    header = Document(path).sections[0].header
    texts = [c.text for t in header.tables for r in t.rows for c in r.cells]
    return next(line for t in texts for line in t.splitlines() if line.startswith("Dnr"))


def test_an_empty_cell_printed_as_nothing_is_a_warning_naming_the_cells_and_documents(tmp_path):
    """The sample's Dnr is empty (S4 gives none): said, not printed silently as nothing."""
    def edit(wb):
        ws = wb["Rapport"]
        for row in range(2, ws.max_row + 1):
            ws.cell(row, col_of(ws, "Dnr")).value = "RS 2025/123" if ws.cell(row, 1).value == "Ånge kommun" else None

    out = tmp_path / "out"
    result = build(data_copy(tmp_path / "v", edit), out)
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.output.splitlines() if "prints nothing where 'Dnr' goes" in line)
    assert "because the cell is empty ([Rapportdata_2025.xlsx]Rapport!C3" in warning and "in 6 documents" in warning
    assert "[Rapportdata_2025.xlsx]Rapport!C2" not in warning  # Ånge's is filled in
    assert _header_dnr(out / "rapporter" / "Region Västernorrlands arbete i Ånge kommun.docx").endswith("RS 2025/123")
    assert "prints nothing where 'Dnr' goes" in (out / "rapport.txt").read_text(encoding="utf-8")

    # every Dnr filled in: no warning
    def filled(wb):
        ws = wb["Rapport"]
        for row in range(2, ws.max_row + 1):
            ws.cell(row, col_of(ws, "Dnr")).value = f"RS 2025/{row}"

    result = build(data_copy(tmp_path / "w", filled), tmp_path / "out2")
    assert result.exit_code == 0 and "prints nothing" not in result.output, result.output
