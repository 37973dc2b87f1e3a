"""Excel templates (hso_xl/render/xlsx.py): row and column loops, formulas moved with them, typed
values, cached values, errors; and the shipped Budgetbilaga rendered from sample workbooks, with
LibreOffice as an independent calculator of its formulas."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break

from hso_xl.render.context import document_date
from hso_xl.cli import main
from hso_xl.errors import TemplateProblem
from hso_xl.model.checked import check_workbook
from hso_xl.render.context import build_context
from hso_xl.render.xlsx import render_xlsx
from hso_xl.render.xlsx_layout import Axis, Here, Layout, Loop, rewrite_formula
from hso_xl.render.xlsx_variables import template_source
from hso_xl.sample import Financier, SampleSpec, build_sample, s0_cash_financiers

from .conftest import ROOT, SAMPLE

TEMPLATE = ROOT / "templates" / "projekt" / "Budgetbilaga Tillväxtverket.xlsx"
SHEET = "Budgetbilaga"
WHEN = dt.datetime(2026, 1, 30, 8, 0, 0)
HYPERLINK = '=HYPERLINK("http://x")'
INJECTED = [HYPERLINK, "+1", "@SUM(A1)", "-2+3"]


# ----------------------------------------------------------------------------------------------
# Moving references: the rules, one by one
# ----------------------------------------------------------------------------------------------

def loop(n: int) -> Loop:
    return Loop("v", "x", "Data!A1", list(range(n)))


# Sheet Data: row 6 repeated 4 times, column B repeated 3 times.
LAYOUTS = {"data": Layout(rows=Axis({6: loop(4)}), cols=Axis({2: loop(3)}))}
OUTSIDE = Here("Data", (10, 1), (5, 0))  # a formula in template cell E10: in no loop


@pytest.mark.parametrize("formula, here, moved", [
    ("=SUM(A6:A6)", OUTSIDE, "=SUM(A6:A9)"),            # a range over the repeated row covers every copy
    ("=SUM(A6)", OUTSIDE, "=SUM(A6:A9)"),               # ... also as Excel shortens it to one cell
    ("=SUM(A1:A6)", OUTSIDE, "=SUM(A1:A9)"),            # a range ending on it is extended
    ("=SUM(A6:A12)", OUTSIDE, "=SUM(A6:A15)"),          # a range starting on it ends further down
    ("=A5+A7+$A$10", OUTSIDE, "=A5+A10+$A$13"),         # below the loop: moved, $ kept
    ("=SUM(B2:B2)", OUTSIDE, "=SUM(B2:D2)"),            # columns alike
    ("=C1+$E$1", OUTSIDE, "=E1+$G$1"),
    ("=A6*2", Here("Data", (6, 2), (1, 0)), "=A8*2"),   # in the repeated row: follows the copy
    ("=SUM(B6)", Here("Data", (6, 1), (5, 0)), "=SUM(B7:D7)"),  # own row's copy, every year column
    ("=SUM(B3:B6)", Here("Data", (12, 0), (2, 2)), "=SUM(D3:D9)"),  # own column's copy, all rows
    ("=$B$6", Here("Data", (6, 3), (2, 1)), "=$C$9"),   # absolute references move as Excel moves them
    ("=SUM(A:A)+SUM(B:B)+SUM(C:C)", OUTSIDE, "=SUM(A:A)+SUM(B:D)+SUM(E:E)"),
    ("=SUM(6:6)+SUM(7:8)", OUTSIDE, "=SUM(6:9)+SUM(10:11)"),
    ("=Data!A10+'Data'!A10", Here("Other", (1, 0), (1, 0)), "=Data!A13+'Data'!A13"),
    ("=Data!A6", Here("Other", (6, 1), (1, 0)), "=Data!A6:A9"),  # another sheet's row 6 is not "its own"
    ("=Other!A10+[1]Data!A10+Blad1:Blad3!A10", OUTSIDE, "=Other!A10+[1]Data!A10+Blad1:Blad3!A10"),
    ('=EU_tak*A10&"A10"', OUTSIDE, '=EU_tak*A13&"A10"'),  # names and text stay
    ("=sum(a10)", OUTSIDE, "=sum(A13)"),
])
def test_references_move_with_the_loops(formula, here, moved):
    assert rewrite_formula(formula, "Data", LAYOUTS, here) == moved


def test_defined_name_without_sheet_context_is_extended():
    assert rewrite_formula("=Data!$A$6", None, LAYOUTS) == "=Data!$A$6:$A$9"
    assert rewrite_formula("=A10", None, LAYOUTS) == "=A10"  # no sheet: nothing to move by


def test_axis_with_no_items_keeps_the_row_once():
    axis = Axis({3: loop(0), 5: loop(2)})
    assert list(axis.outputs(3)) == [3] and list(axis.outputs(5)) == [5, 6] and axis.start(8) == 9
    assert axis.spans(5, 5) == [(5, 5), (6, 6)] and axis.spans(4, 5) == [(4, 6)]


# ----------------------------------------------------------------------------------------------
# Small templates made here
# ----------------------------------------------------------------------------------------------

def save(wb, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def feature_template(path: Path) -> Path:
    """Every feature on one sheet: loops, formulas, merges, widths, heights, names, print settings."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"] = "Rubrik {{ titel }}"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:D1")
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = "Namn", "{%col for y in ar %}{{ y }}", "Totalt", "Dubbelt"
    ws["B2"].number_format = "0"
    ws["A3"] = "{%row for r in rader %}{{ r.namn }}"
    ws["B3"], ws["C3"], ws["D3"] = "{{ r.v[y] }}", "=SUM(B3)", "=C3*2"
    ws["B3"].number_format = "#,##0"
    ws["A4"], ws["B4"], ws["C4"], ws["D4"] = "Summa", "=SUM(B3:B3)", "=SUM(C3)", "=SUM(D2:D3)"
    ws["A4"].font = Font(bold=True)
    ws["A6"], ws["C6"] = "Under", "=C4+Data!C4"
    ws.row_dimensions[3].height = 25
    ws.row_dimensions[6].height = 30
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 20
    ws.column_dimensions["C"].width = 15
    ws.freeze_panes = "B3"
    ws.print_area = "A1:D6"
    ws.print_title_rows = "2:3"
    ws.row_breaks.append(Break(id=4))
    ws.conditional_formatting.add("B3:C3", CellIsRule(operator="lessThan", formula=["0"], font=Font(color="FF0000")))
    dv = DataValidation(type="whole")
    dv.add("A3")
    ws.add_data_validation(dv)
    wb.defined_names["Summa"] = openpyxl.workbook.defined_name.DefinedName("Summa", attr_text="Data!$C$4")
    other = wb.create_sheet("Annat")
    other["A1"], other["A2"], other["A3"] = "=SUM(Data!C3)", "=Data!C6", "=Summa"
    return save(wb, path)


CONTEXT = {
    "titel": "X & Y",
    "ar": [2027, 2028, 2029],
    "rader": [
        {"namn": "Personal", "v": {2027: 100, 2028: 200, 2029: 300}},
        {"namn": "=1+1", "v": {2027: 10, 2028: 20, 2029: 30}},
        {"namn": "#REF!", "v": {2027: 1, 2028: 2, 2029: 3}},
    ],
}


def load(data: bytes, values: bool = False):
    return openpyxl.load_workbook(io.BytesIO(data), data_only=values)


def formulas_of(ws) -> dict[str, str]:
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.data_type == "f"}


@pytest.fixture
def feature(tmp_path) -> tuple[bytes, object, object]:
    data = render_xlsx(feature_template(tmp_path / "Mall.xlsx"), CONTEXT, WHEN)
    return data, load(data), load(data, values=True)


def test_loops_expand_and_formulas_follow(feature):
    _, wb, _ = feature
    ws = wb["Data"]
    assert [c.value for c in ws[2]] == ["Namn", 2027, 2028, 2029, "Totalt", "Dubbelt"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_row=5, max_col=4)] == [
        ["Personal", 100, 200, 300], ["=1+1", 10, 20, 30], ["#REF!", 1, 2, 3]]
    assert formulas_of(ws) == {
        "E3": "=SUM(B3:D3)", "F3": "=E3*2", "E4": "=SUM(B4:D4)", "F4": "=E4*2", "E5": "=SUM(B5:D5)", "F5": "=E5*2",
        "B6": "=SUM(B3:B5)", "C6": "=SUM(C3:C5)", "D6": "=SUM(D3:D5)", "E6": "=SUM(E3:E5)", "F6": "=SUM(F2:F5)",
        "E8": "=E6+Data!E6",
    }
    assert formulas_of(wb["Annat"]) == {"A1": "=SUM(Data!E3:E5)", "A2": "=Data!E8", "A3": "=Summa"}
    assert wb.defined_names["Summa"].attr_text == "Data!$E$6"


def test_cached_values_are_the_computed_ones(feature):
    _, _, values = feature
    ws = values["Data"]
    assert [ws[f"{c}6"].value for c in "BCDEF"] == [111, 222, 333, 666, 1332]
    assert [ws[f"E{r}"].value for r in (3, 4, 5)] == [600, 60, 6]
    assert ws["E8"].value == 1332
    assert [values["Annat"][f"A{r}"].value for r in (1, 2, 3)] == [666, 1332, 666]


def test_text_is_text_and_values_are_typed(feature):
    _, wb, _ = feature
    ws = wb["Data"]
    assert ws["A1"].value == "Rubrik X & Y" and ws["A1"].data_type == "s"
    assert ws["A4"].value == "=1+1" and ws["A4"].data_type == "s"  # never a formula
    assert ws["A5"].value == "#REF!" and ws["A5"].data_type == "s"  # never an error value
    assert ws["B3"].data_type == "n" and ws["B3"].number_format == "#,##0"
    assert ws["B2"].number_format == ws["D2"].number_format == "0"


def test_layout_survives_and_moves(feature):
    _, wb, _ = feature
    ws = wb["Data"]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:F1"}
    assert ws["A1"].font.bold and ws["A6"].font.bold and not ws["A3"].font.bold
    widths = {k: (d.min, d.max, d.width) for k, d in ws.column_dimensions.items() if d.width}
    assert widths == {"A": (1, 1, 30), "B": (2, 4, 20), "E": (5, 5, 15)}
    assert [ws.row_dimensions[r].height for r in (3, 4, 5, 6, 8)] == [25, 25, 25, None, 30]
    assert ws.freeze_panes == "B3"
    assert ws.print_area == "'Data'!$A$1:$F$8"
    assert ws.print_title_rows == "$2:$5"
    assert [b.id for b in ws.row_breaks.brk] == [6]
    assert [str(cf.sqref) for cf in ws.conditional_formatting] == ["B3:E5"]
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation] == ["A3:A5"]


def test_loop_without_items_leaves_an_empty_row(tmp_path):
    data = render_xlsx(feature_template(tmp_path / "Mall.xlsx"), {**CONTEXT, "rader": []}, WHEN)
    ws, values = load(data)["Data"], load(data, values=True)["Data"]
    assert [c.value for c in ws[3]] == [None] * 6
    assert ws["B4"].value == "=SUM(B3:B3)" and values["E4"].value == 0 and ws["A4"].value == "Summa"


def test_values_keep_their_type(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    cells = {"A1": "{{ heltal }}", "A2": "{{ andel }}", "A3": "{{ datum }}", "A4": "{{ text }}", "A5": "{{ heltal|kr }}",
             "A6": "{% if flagga %}{% endif %}", "A7": "{{ flagga }}", "A8": "Ingen {tagg} här", "A9": "{{ tom }}",
             "A10": " {{ heltal }} "}
    for ref, text in cells.items():
        ws[ref] = text
    ws["A2"].number_format = "0%"
    data = render_xlsx(save(wb, tmp_path / "t.xlsx"), {"heltal": 1363221, "andel": Decimal("0.4"),
                                                       "datum": dt.date(2026, 4, 30), "text": "=2+2", "flagga": True,
                                                       "tom": None}, WHEN)
    ws = load(data).active
    assert ws["A1"].value == 1363221 and ws["A1"].data_type == "n"
    assert ws["A2"].value == 0.4 and ws["A2"].number_format == "0%"
    assert ws["A3"].is_date and ws["A3"].value == dt.datetime(2026, 4, 30) and ws["A3"].number_format == "yyyy-mm-dd"
    assert ws["A4"].value == "=2+2" and ws["A4"].data_type == "s"
    assert ws["A5"].value == "1\u00a0363\u00a0221\u00a0kr"
    assert ws["A6"].value is None and ws["A9"].value is None
    assert ws["A7"].value is True
    assert ws["A8"].value == "Ingen {tagg} här"
    assert ws["A10"].value == 1363221


def test_hyperlinks_and_comments_are_copied_with_their_row(tmp_path):
    from openpyxl.comments import Comment

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "{%row for r in rader %}{{ r.namn }}"
    ws["A1"].hyperlink = "https://example.org/"
    ws["B1"] = "Not"
    ws["B1"].comment = Comment("Kontrollera beloppet", "Projektkontoret")
    ws["A2"], ws["B2"] = "Slut", "=1+1"
    data = render_xlsx(save(wb, tmp_path / "t.xlsx"), CONTEXT, WHEN)
    ws = load(data).active
    assert [ws.cell(r, 1).hyperlink.target for r in (1, 2, 3)] == ["https://example.org/"] * 3
    assert [ws.cell(r, 2).comment.text for r in (1, 2, 3)] == ["Kontrollera beloppet"] * 3
    assert ws["A4"].value == "Slut" and load(data, values=True).active["B4"].value == 2


def test_template_with_a_chart_is_refused(tmp_path):
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"] = 1, 2
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=2))
    ws.add_chart(chart, "C1")
    with pytest.raises(TemplateProblem, match="images, charts or shapes"):
        render_xlsx(save(wb, tmp_path / "Diagram.xlsx"), CONTEXT, WHEN)


def test_render_is_deterministic_with_fixed_properties(tmp_path):
    template = feature_template(tmp_path / "Mall.xlsx")
    first, second = render_xlsx(template, CONTEXT, WHEN), render_xlsx(template, CONTEXT, WHEN)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        core = zf.read("docProps/core.xml").decode()
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert core.count("2026-01-30T08:00:00Z") == 2  # created and modified


def bad(tmp_path: Path, cells: dict[str, str], context: dict | None = None) -> TemplateProblem:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Blad 1"
    for ref, text in cells.items():
        ws[ref] = text
    with pytest.raises(TemplateProblem) as info:
        render_xlsx(save(wb, tmp_path / "Trasig.xlsx"), context if context is not None else CONTEXT, WHEN)
    return info.value


def test_unknown_variable_names_template_cell_and_text(tmp_path):
    problem = bad(tmp_path, {"A1": "Rubrik", "A3": "{%row for r in rader %}{{ r.namn }}", "C3": "Belopp {{ r.belopp }}"})
    assert problem.file.name == "Trasig.xlsx"
    assert problem.location == "'Blad 1'!C3"
    assert "unknown variable 'belopp'" in problem.message and '"Belopp {{ r.belopp }}"' in problem.message
    assert "Trasig.xlsx: 'Blad 1'!C3: unknown variable 'belopp'" in str(problem)


@pytest.mark.parametrize("cells, location, words", [
    ({"B2": "Rubrik {{ titel"}, "'Blad 1'!B2", "Jinja syntax error"),
    ({"B2": "{{ ''.__class__.__mro__ }}"}, "'Blad 1'!B2", "not allowed"),
    ({"A2": "{%row for r in radder %}{{ r.namn }}"}, "'Blad 1'!A2", "unknown variable 'radder'"),
    ({"A2": "{%row for r in titel %}x"}, "'Blad 1'!A2", "is not a list"),
    ({"A2": "Namn", "B2": "{%row for r in rader %}{{ r.namn }}"}, "'Blad 1'!B2", "first filled cell"),
    ({"B1": "{%col for y in ar %}{{ y }}", "B2": "{%col for x in ar %}{{ x }}"}, "'Blad 1'!B2", "two different"),
    ({"A1": "{{ siffror }}"}, "'Blad 1'!A1", "unknown variable 'siffror'"),
])
def test_template_errors_name_the_cell(tmp_path, cells, location, words):
    problem = bad(tmp_path, cells)
    assert problem.location == location and words in problem.message and problem.file.name == "Trasig.xlsx"
    text = cells[location.rpartition("!")[2]]
    assert f'"{text}"' in problem.message or "two different" in words  # the cell's own text


def test_formula_error_after_filling_in_names_the_template(tmp_path):
    problem = bad(tmp_path, {"A1": "=1/0"})
    assert problem.file.name == "Trasig.xlsx" and "#DIV/0!" in problem.message and "A1" in problem.location


def test_template_source_lists_variables_not_loop_names():
    from hso_xl.render.inspect import used_variables

    names = used_variables(template_source(TEMPLATE))
    assert {"budget.kostnader", "finansiering.kontant", "ar", "eu.belopp", "projekt.namn"} <= set(names)
    assert not any(n.split(".")[0] in ("rad", "y") for n in names)


def test_template_source_names_the_cell_of_a_syntax_error(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["C4"] = "{% if titel %}saknar slut"
    with pytest.raises(TemplateProblem) as info:
        template_source(save(wb, tmp_path / "Fel.xlsx"))
    assert info.value.location == "Sheet!C4" and "Jinja syntax error" in info.value.message


# ----------------------------------------------------------------------------------------------
# The shipped Budgetbilaga, rendered from sample workbooks
# ----------------------------------------------------------------------------------------------

def injected_sample(path: Path) -> Path:
    """The sample with private financiers whose names look like formulas (one starting with '=')."""
    extra = (Financier("+1", "privat", (100_000,)), Financier("@SUM(A1)", "privat", (5_000,)),
             Financier("-2+3", "privat", (7_000,)), Financier("HSO-INJECTION", "privat", (20_000,)))
    built = build_sample(path.with_name("raw-" + path.name), SampleSpec().with_(cash=s0_cash_financiers() + extra))
    # xlsxwriter would write a text starting with '=' as a formula: put it into the shared strings instead.
    with zipfile.ZipFile(built) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(b"HSO-INJECTION", b'=HYPERLINK("http://x")')
            zout.writestr(info, data)
    return path


VARIANTS = {
    "sample": lambda path: SAMPLE,
    "four-years": lambda path: build_sample(path, SampleSpec().with_(years=4, eu_cap=0.5)),
    "one-year": lambda path: build_sample(path, SampleSpec().with_(years=1, eu_cap=0.5)),
    "injected": injected_sample,
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, tuple]:
    """variant -> (checked, context, path of the rendered .xlsx)."""
    folder = tmp_path_factory.mktemp("xlsx")
    out = {}
    for name, make in VARIANTS.items():
        checked = check_workbook(make(folder / f"{name}-input.xlsx"))
        context = build_context(checked, document_date(checked))
        path = folder / f"Budgetbilaga-{name}.xlsx"
        path.write_bytes(render_xlsx(TEMPLATE, context, WHEN))
        out[name] = (checked, context, path)
    return out


def sheet_rows(path: Path) -> list[dict]:
    """Every row of the rendered sheet: label, amounts (year columns + Totalt) as cached, formula flags."""
    formulas, values = openpyxl.load_workbook(path)[SHEET], openpyxl.load_workbook(path, data_only=True)[SHEET]
    header = next(r for r in formulas.iter_rows() if r[0].value == "Kostnadsslag (kr)")
    year_cols = [c.column for c in header if isinstance(c.value, int)]
    total_col = next(c.column for c in header if c.value == "Totalt")
    rows = []
    for row in formulas.iter_rows():
        cols = [*year_cols, total_col]
        cells = [row[c - 1] for c in cols]
        rows.append({
            "row": row[0].row,
            "label": row[0].value,
            "amounts": [values.cell(row[0].row, c).value for c in cols],
            "formula": [c.data_type == "f" for c in cells],
            "kinds": (row[1].value, row[2].value),
        })
    return rows


def table(rows: list[dict], header: str, last: str) -> list[dict]:
    start = next(i for i, r in enumerate(rows) if r["label"] == header)
    end = next(i for i, r in enumerate(rows) if i > start and r["label"] == last)
    return [r for r in rows[start + 1:end + 1] if any(a is not None for a in r["amounts"])]


def printed_rows(table_) -> list[tuple[str, list[int]]]:
    return [(r.line.label, [*r.printed, r.total]) for r in table_.rows]


def total(label: str, per_year) -> tuple[str, list[int]]:
    return label, [*per_year, sum(per_year)]


def expected_costs(checked):
    p = checked.printed
    return [*printed_rows(p.costs), total("Summa bokförd kostnad", p.booked_totals), *printed_rows(p.direct_costs),
            total("Summa direktfinansiering", p.direct_costs.totals), total("Summa projektkostnad", p.project_totals)]


def expected_financing(checked):
    p = checked.printed
    return [*printed_rows(p.cash), total("Summa kontant finansiering", p.cash.totals), *printed_rows(p.in_kind),
            total("Summa direktfinansiering", p.in_kind.totals), total("Summa projektfinansiering", p.financing_totals)]


def expected_summary(context):
    f = context["finansiering"]
    keys = [("Offentlig finansiering, kontanta medel", "offentlig_kontant"),
            ("Privat finansiering, kontanta medel", "privat_kontant"),
            ("Offentlig finansiering i annat än pengar", "offentlig_annat_an_pengar"),
            ("Privat finansiering i annat än pengar", "privat_annat_an_pengar"),
            ("Summa projektfinansiering", "summa")]
    return [(label, [*f[key]["per_ar"], f[key]["totalt"]]) for label, key in keys]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_amount_is_the_printed_figure(rendered, variant):
    checked, context, path = rendered[variant]
    rows = sheet_rows(path)
    costs = table(rows, "Kostnadsslag (kr)", "Summa projektkostnad")
    financing = table(rows, "Finansiär (kr)", "Summa projektfinansiering")
    summary = table(rows, "Slag av finansiering (kr)", "Summa projektfinansiering")
    assert [(r["label"], r["amounts"]) for r in costs] == expected_costs(checked)
    assert [(r["label"], r["amounts"]) for r in financing] == expected_financing(checked)
    assert [(r["label"], r["amounts"]) for r in summary] == expected_summary(context)
    assert len(costs[0]["amounts"]) == len(checked.budget.years) + 1
    for r in financing:
        if not r["label"].startswith("Summa"):
            line = next(x for x in context["finansiering"]["kontant"] + context["finansiering"]["annat_an_pengar"]
                        if x["namn"] == r["label"] and x["kontant_annat"].capitalize() == r["kinds"][1])
            assert r["kinds"] == (line["offentlig_privat"].capitalize(), line["kontant_annat"].capitalize())


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_totals_are_live_formulas_and_typed_figures_are_numbers(rendered, variant):
    _, _, path = rendered[variant]
    for r in [*table(rows := sheet_rows(path), "Kostnadsslag (kr)", "Summa projektkostnad"),
              *table(rows, "Finansiär (kr)", "Summa projektfinansiering"),
              *table(rows, "Slag av finansiering (kr)", "Summa projektfinansiering")]:
        assert r["formula"][-1], r  # the Totalt column
        if r["label"].startswith("Summa") or r["label"].endswith(("medel", "pengar")):
            assert all(r["formula"]), r  # sums and the summary by kind of financing, every year
        else:
            assert not any(r["formula"][:-1]), r  # the figures from the workbook are numbers


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_eu_block(rendered, variant):
    checked, context, path = rendered[variant]
    formulas, values = openpyxl.load_workbook(path)[SHEET], openpyxl.load_workbook(path, data_only=True)[SHEET]
    heading = next(r[0].row for r in formulas.iter_rows() if r[0].value == "4. EU-stöd och stödandel")
    block = {row[0].value: (row[1], values.cell(row[0].row, 2).value)
             for row in formulas.iter_rows(min_row=heading + 1) if row[1].value is not None}
    total_cost = sum(checked.printed.project_totals)
    eu = context["eu"]
    period = context["period"]
    assert block[f"Total projektkostnad {period}"][1] == total_cost
    assert block[f"Total projektkostnad {period}"][0].data_type == "f"
    assert block["Sökt EU-stöd (Tillväxtverket)"][1] == eu["belopp"]
    share_cell, share = block["Stödandel av total projektkostnad"]
    assert share_cell.data_type == "f" and share_cell.number_format == "0.00%"
    assert math.isclose(share, eu["belopp"] / total_cost, rel_tol=1e-12)
    assert block["Högsta tillåtna stödandel i programmet"][1] == float(eu["tak"])
    assert block["Högsta tillåtna stödandel i programmet"][0].number_format == "0%"
    assert block["Högsta möjliga EU-stöd vid denna projektkostnad"][1] == eu["tak_belopp"]
    assert block["Skillnad mellan finansiering och kostnad (ska vara 0)"][1] == 0


def test_shipped_layout_survives(rendered):
    _, _, path = rendered["four-years"]
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    # four year columns D:G, Totalt in H
    assert [ws.cell(13, c).value for c in range(4, 9)] == [2027, 2028, 2029, 2030, "Totalt"]
    dims = {k: (d.min, d.max, d.width) for k, d in ws.column_dimensions.items()}
    assert dims["D"] == (4, 7, 13) and dims["H"] == (8, 8, 14) and dims["A"][2] == 46
    assert ws.cell(14, 4).number_format == "#,##0" and ws.cell(14, 8).number_format == "#,##0"
    assert ws.freeze_panes == "B3"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert "A1:H1" in {str(r) for r in ws.merged_cells.ranges}
    last = max(r for (r, _c) in ws._cells)
    assert ws.print_area == f"'{SHEET}'!$A$1:$H${last}"
    project = next(r for r in ws.iter_rows() if r[0].value == "Summa projektkostnad")[0].row
    assert wb.defined_names["Summa_projektkostnad"].attr_text == f"{SHEET}!$H${project}"
    breaks = [b.id for b in ws.row_breaks.brk]  # set after filling in (render/xlsx_print.py)
    assert breaks[0] == project + 1  # the financing plan starts a page
    assert all(re.match(r"\d\. ", ws.cell(b + 1, 1).value or "") for b in breaks)  # each above a section


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_merged_ranges_are_clean(rendered, variant):
    """What Excel would repair: overlapping merged ranges, values hidden under a merge."""
    ws = openpyxl.load_workbook(rendered[variant][2])[SHEET]
    seen = set()
    for rng in ws.merged_cells.ranges:
        cells = set(rng.cells)
        assert not cells & seen, rng
        seen |= cells
        for r, c in cells - {(rng.min_row, rng.min_col)}:
            assert ws.cell(r, c).value is None, (rng, r, c)


def test_workbook_text_is_never_a_formula(rendered):
    checked, _, path = rendered["injected"]
    assert HYPERLINK in [r.line.label for r in checked.printed.cash.rows]
    ws = openpyxl.load_workbook(path)[SHEET]
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value in INJECTED}
    assert set(cells) == set(INJECTED)
    assert all(c.data_type == "s" for c in cells.values())
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>HYPERLINK" not in xml and '<t>=HYPERLINK("http://x")</t>' in xml


def test_same_input_same_bytes(rendered):
    checked, context, path = rendered["sample"]
    assert render_xlsx(TEMPLATE, context, WHEN) == path.read_bytes()


def test_unknown_variable_in_the_shipped_template_names_the_cell(tmp_path, rendered):
    _, context, _ = rendered["sample"]
    wb = openpyxl.load_workbook(TEMPLATE)
    wb[SHEET]["D14"] = "{{ rad.arr[y] }}"
    broken = save(wb, tmp_path / "projekt" / "Budgetbilaga.xlsx")
    with pytest.raises(TemplateProblem) as info:
        render_xlsx(broken, context, WHEN)
    assert info.value.location == f"{SHEET}!D14" and "'arr'" in info.value.message
    assert "{{ rad.arr[y] }}" in str(info.value) and "Budgetbilaga.xlsx" in str(info.value)


def test_build_writes_the_xlsx_appendix(tmp_path):
    out = tmp_path / "output"
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--templates", str(ROOT / "templates"), "--out", str(out),
                                       "--only", "Budgetbilaga"])
    assert result.exit_code == 0, result.output
    path = out / "projekt" / "Budgetbilaga Tillväxtverket.xlsx"
    assert path.is_file() and (out / "projekt" / "Budgetbilaga Tillväxtverket.docx").is_file()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    doc = next(d for d in manifest["documents"] if d["path"] == "projekt/Budgetbilaga Tillväxtverket.xlsx")
    assert {"Budget!B4", "Finansiering!D9"} <= set(doc["cells"])


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_cached_values(rendered, tmp_path):
    """LibreOffice, recalculating every formula on load, gets the values hso_xl cached, in every variant."""
    from tests.helpers.libreoffice import recalculated_values
    from tests.helpers.compare import agrees

    paths = {name: path for name, (_, _, path) in rendered.items()}
    oracle = recalculated_values(paths.values(), out_dir=tmp_path)
    for name, path in paths.items():
        formulas = openpyxl.load_workbook(path)[SHEET]
        cached = openpyxl.load_workbook(path, data_only=True)[SHEET]
        values = oracle[path.resolve()]
        checked = [c.coordinate for row in formulas.iter_rows() for c in row if c.data_type == "f"]
        assert len(checked) > 40, name
        wrong = [f"{ref}: {formulas[ref].value} cached {cached[ref].value!r}, LibreOffice {values.get((SHEET, ref))!r}"
                 for ref in checked if not agrees(values.get((SHEET, ref)), cached[ref].value)]
        assert not wrong, (name, wrong)
        # and the typed-in figures came through LibreOffice unchanged
        for row in cached.iter_rows():
            for c in row:
                if c.value is not None and formulas[c.coordinate].data_type != "f" and c.data_type == "n":
                    assert agrees(values.get((SHEET, c.coordinate)), c.value), (name, c.coordinate)


@pytest.mark.libreoffice
def test_template_saved_again_by_a_spreadsheet_program_renders_the_same(rendered, tmp_path):
    """The administrator edits the template in a spreadsheet program: LibreOffice re-saves it (shared
    strings, its own styles and formula spelling); the filled-in figures stay the same."""
    from tests.helpers.libreoffice import recalculate

    resaved = recalculate([TEMPLATE], tmp_path / "resaved")[TEMPLATE.resolve()]
    _, context, path = rendered["four-years"]
    again = render_xlsx(resaved, context, WHEN)
    ours = openpyxl.load_workbook(path, data_only=True)[SHEET]
    theirs = load(again, values=True)[SHEET]
    assert {c.coordinate: c.value for r in theirs.iter_rows() for c in r if c.value is not None} == \
        {c.coordinate: c.value for r in ours.iter_rows() for c in r if c.value is not None}
    assert load(again)[SHEET]["H14"].value == "=SUM(D14:G14)"
