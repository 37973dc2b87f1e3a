"""Build the sample master workbook (S0's budget and financing, with real formulas).

`scripts/make_sample_workbook.py` writes the shipped `input/HSO_finansiering_2027-2029.xlsx` with the
defaults; tests build variants (an inserted cost row, a fourth year, reordered sheets, relabelled
headers) from the same code, so every variant is laid out the way an economist would keep it.
Cached values are filled by hso_xl's own recompute, as Excel fills them when it saves. What the
workbook holds (S0's rows, SampleSpec) is in sample_spec.py.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell as cell_ref

# what the sample holds, which tests and scripts take from here
from .sample_spec import (S0_COSTS, S0_DIRECT, S0_MUNICIPALITIES, CostRow, Financier, Municipality,  # noqa: F401
                          SampleSpec, extend_amounts, s0_cash_financiers)

FIXED_TIME = dt.datetime(2026, 1, 30, 8, 0, 0)


def build_sample(path: Path, spec: SampleSpec = SampleSpec()) -> Path:
    """Write the sample workbook to `path` with formulas and recomputed cached values."""
    from .workbook.recalc import recompute_and_cache

    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.xlsx"
        _write_formulas(raw, spec)
        path.write_bytes(recompute_and_cache(raw.read_bytes()))
    return path


class _Styles:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": "Calibri", "font_size": 11}
        self.title = wb.add_format({**base, "bold": True, "font_size": 14})
        self.header = wb.add_format({**base, "bold": True, "bottom": 1, "bg_color": "#DDEBF7"})
        self.header_year = wb.add_format({**base, "bold": True, "bottom": 1, "bg_color": "#DDEBF7", "num_format": "0"})
        self.text = wb.add_format(base)
        self.section = wb.add_format({**base, "italic": True, "bold": True})
        self.amount = wb.add_format({**base, "num_format": "#,##0"})
        self.input = wb.add_format({**base, "num_format": "#,##0", "bg_color": "#FFF2CC"})
        self.total = wb.add_format({**base, "bold": True, "num_format": "#,##0", "top": 1})
        self.total_label = wb.add_format({**base, "bold": True, "top": 1})
        self.percent = wb.add_format({**base, "num_format": "0.0%", "bg_color": "#FFF2CC"})
        self.percent_out = wb.add_format({**base, "num_format": "0.00%"})
        self.date = wb.add_format({**base, "num_format": "yyyy-mm-dd", "align": "left"})
        self.year_input = wb.add_format({**base, "num_format": "0", "bg_color": "#FFF2CC", "align": "left"})
        self.note = wb.add_format({**base, "italic": True, "font_color": "#595959"})


def _write_formulas(path: Path, spec: SampleSpec) -> None:
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties(
        {"title": "HSO – finansiering", "author": "Projektkontoret HSO", "company": "Härnösands kommun", "created": FIXED_TIME}
    )
    wb.set_calc_mode("auto")
    st = _Styles(wb)
    sheets = {name: wb.add_worksheet(name) for name in spec.sheet_order}
    _write_parameters(wb, sheets["Parametrar"], spec, st)
    budget = _write_budget(wb, sheets["Budget"], spec, st)
    _write_financing(wb, sheets["Finansiering"], spec, st, budget)
    _write_project(sheets["Projekt"], spec, st)
    _write_municipalities(sheets["Kommuner"], spec, st)
    sheets["Budget"].activate()
    wb.close()


def _write_parameters(wb, ws, spec: SampleSpec, st: _Styles) -> None:
    L = spec.label
    ws.set_column(0, 0, 52)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 70)
    ws.write(0, 0, "Parametrar för budgeten", st.title)
    ws.write_row(2, 0, [L("Parameter"), L("Värde"), L("Kommentar")], st.header)
    rows = [
        ("Startår", spec.first_year, st.year_input, "Startar", "Projektets första år"),
        ("Uppräkning per år", spec.uprating, st.percent, "Uppräkning", "Tillväxtverkets årliga uppräkning av lönekostnader"),
        ("OH-sats", spec.overhead_rate, st.percent, "OH_sats", "Schablon för indirekta kostnader, andel av personal och lönebikostnad"),
        ("EU-stöd högst", spec.eu_cap, st.percent, "EU_tak", "Största andel EU-stöd av total projektkostnad (Mellersta Norrland)"),
        ("EU-finansiär", spec.eu_financier, st.text, "EU_finansiar", "Finansiären vars belopp är EU-stöd"),
        ("Avrundning kostnader", spec.cost_rounding_row, st.text, None, "Raden som tar öresavrundningen i kostnadstabellen"),
        ("Avrundning finansiering", spec.financing_rounding_row, st.text, None, "Raden som tar öresavrundningen i finansieringsplanen"),
    ]
    for i, (label, value, fmt, name, note) in enumerate(rows, start=3):
        ws.write(i, 0, L(label), st.text)
        ws.write(i, 1, value, fmt)
        ws.write(i, 2, note, st.note)
        if name:
            wb.define_name(name, f"=Parametrar!$B${i + 1}")


def _write_budget(wb, ws, spec: SampleSpec, st: _Styles) -> dict:
    L = spec.label
    n = spec.years
    first, last = 1, n  # year columns B.. ; total column after
    total_col = n + 1
    ws.set_column(0, 0, 46)
    ws.set_column(1, total_col, 14)
    ws.write(0, 0, "Budget – kostnader per år (kr)", st.title)
    header = 2
    ws.write(header, 0, L("Kostnadsslag"), st.header)
    ws.write_formula(header, 1, "=Startar", st.header_year)
    for c in range(2, n + 1):
        ws.write_formula(header, c, f"={cell_ref(header, c - 1)}+1", st.header_year)
    ws.write(header, total_col, L("Totalt"), st.header)

    row = header + 1
    rows: dict[str, int] = {}
    overhead_rows: list[int] = []
    for cost in spec.costs:
        ws.write(row, 0, L(cost.label), st.text)
        rows[cost.label] = row
        amounts = extend_amounts(cost.amounts, n)
        for c in range(first, last + 1):
            if cost.kind == "uprated":
                if c == first:
                    ws.write_number(row, c, amounts[0], st.input)
                else:
                    ws.write_formula(row, c, f"={cell_ref(row, c - 1)}*(1+Uppräkning)", st.amount)
            elif cost.kind == "overhead":
                overhead_rows.append(row)
            else:
                ws.write_number(row, c, amounts[c - first], st.input)
        row += 1
    salary_rows = [rows[c.label] for c in spec.costs if c.kind == "uprated"]
    for orow in overhead_rows:
        for c in range(first, last + 1):
            parts = "+".join(cell_ref(r, c) for r in salary_rows)
            ws.write_formula(orow, c, f"=OH_sats*({parts})", st.amount)
    cost_first, cost_last = header + 1, row - 1
    booked = row
    ws.write(booked, 0, L("Summa bokförd kostnad"), st.total_label)
    deducted = [rows[c.label] for c in spec.costs if c.kind == "deducted"]
    plain_last = min(deducted) - 1 if deducted else cost_last
    for c in range(first, last + 1):
        formula = f"=SUM({cell_ref(cost_first, c)}:{cell_ref(plain_last, c)})"
        for d in deducted:
            formula += f"-{cell_ref(d, c)}"
        ws.write_formula(booked, c, formula, st.total)

    row = booked + 2
    ws.write(row, 0, L("Direktfinansiering (offentlig och privat)"), st.section)
    row += 1
    direct_first = row
    direct_rows = {}
    for fin in spec.direct:
        ws.write(row, 0, fin.name, st.text)
        amounts = extend_amounts(fin.amounts, n)
        for c in range(first, last + 1):
            ws.write_number(row, c, amounts[c - first], st.input)
        direct_rows[fin.name] = row
        row += 1
    direct_sum = row
    ws.write(direct_sum, 0, L("Summa direktfinansiering"), st.total_label)
    for c in range(first, last + 1):
        ws.write_formula(direct_sum, c, _sum_or_zero(direct_first, direct_sum - 1, c), st.total)
    project = direct_sum + 1
    ws.write(project, 0, L("Summa projektkostnad"), st.total_label)
    for c in range(first, last + 1):
        ws.write_formula(project, c, f"={cell_ref(booked, c)}+{cell_ref(direct_sum, c)}", st.total)

    for r in list(range(cost_first, cost_last + 1)) + [booked] + list(range(direct_first, project + 1)):
        fmt = st.total if r in (booked, direct_sum, project) else st.amount
        ws.write_formula(r, total_col, f"=SUM({cell_ref(r, first)}:{cell_ref(r, last)})", fmt)
    wb.define_name("Summa_bokford_kostnad", f"=Budget!${_col(first)}${booked + 1}:${_col(last)}${booked + 1}")
    wb.define_name("Summa_projektkostnad", f"=Budget!${_col(first)}${project + 1}:${_col(last)}${project + 1}")
    wb.define_name("Total_projektkostnad", f"=Budget!${_col(total_col)}${project + 1}")
    ws.freeze_panes(header + 1, 1)
    return {"header": header, "booked": booked, "direct": direct_rows, "project": project, "total_col": total_col}


def _write_financing(wb, ws, spec: SampleSpec, st: _Styles, budget: dict) -> None:
    L = spec.label
    n = spec.years
    first = 3
    last = first + n - 1
    total_col = last + 1
    ws.set_column(0, 0, 34)
    ws.set_column(1, 2, 22)
    ws.set_column(first, total_col, 14)
    ws.write(0, 0, "Finansieringsplan (kr)", st.title)
    header = 2
    ws.write_row(header, 0, [L("Finansiär"), L("Offentlig/privat"), L("Kontant/annat än pengar")], st.header)
    for i in range(n):
        ws.write_formula(header, first + i, f"=Budget!{cell_ref(budget['header'], 1 + i)}", st.header_year)
    ws.write(header, total_col, L("Totalt"), st.header)

    row = header + 1
    ws.write(row, 0, L("Kontant finansiering"), st.section)
    row += 1
    cash_first = row
    balancing_row = None
    typed_rows = []
    for fin in spec.cash:
        ws.write(row, 0, fin.name, st.text)
        ws.write(row, 1, fin.sector, st.text)
        ws.write(row, 2, "kontant", st.text)
        if fin.balancing:
            balancing_row = row
        else:
            typed_rows.append(row)
            _write_amounts(ws, row, first, n, fin.amounts, st)
        row += 1
    cash_last = row - 1
    if balancing_row is not None:
        for i in range(n):
            c = first + i
            others = [_range(a, b, c) for a, b in ((cash_first, balancing_row - 1), (balancing_row + 1, cash_last)) if a <= b]
            ws.write_formula(
                balancing_row, c, f"=Budget!{cell_ref(budget['booked'], 1 + i)}-SUM({','.join(others)})", st.amount
            )
    cash_sum = row
    ws.write(cash_sum, 0, L("Summa kontant finansiering"), st.total_label)
    for c in range(first, last + 1):
        ws.write_formula(cash_sum, c, f"=SUM({cell_ref(cash_first, c)}:{cell_ref(cash_last, c)})", st.total)

    row = cash_sum + 2
    ws.write(row, 0, L("Direktfinansiering"), st.section)
    row += 1
    direct_first = row
    for fin in spec.direct:
        ws.write(row, 0, fin.name, st.text)
        ws.write(row, 1, fin.sector, st.text)
        ws.write(row, 2, "annat än pengar", st.text)
        brow = budget["direct"][fin.name]
        for i in range(n):
            ws.write_formula(row, first + i, f"=Budget!{cell_ref(brow, 1 + i)}", st.amount)
        row += 1
    direct_sum = row
    ws.write(direct_sum, 0, L("Summa direktfinansiering"), st.total_label)
    for c in range(first, last + 1):
        ws.write_formula(direct_sum, c, _sum_or_zero(direct_first, direct_sum - 1, c), st.total)
    total = direct_sum + 1
    ws.write(total, 0, L("Summa projektfinansiering"), st.total_label)
    for c in range(first, last + 1):
        ws.write_formula(total, c, f"={cell_ref(cash_sum, c)}+{cell_ref(direct_sum, c)}", st.total)
    for r in list(range(cash_first, cash_sum + 1)) + list(range(direct_first, total + 1)):
        fmt = st.total if r in (cash_sum, direct_sum, total) else st.amount
        ws.write_formula(r, total_col, f"=SUM({cell_ref(r, first)}:{cell_ref(r, last)})", fmt)
    if balancing_row is not None:
        share = total + 2
        ws.write(share, 0, "EU-stödets andel av total projektkostnad", st.note)
        ws.write_formula(
            share, total_col, f"=IF(Total_projektkostnad=0,0,{cell_ref(balancing_row, total_col)}/Total_projektkostnad)",
            st.percent_out
        )
    ws.freeze_panes(header + 1, 1)


def _write_amounts(ws, row: int, first: int, n: int, amounts: tuple[float, ...], st: _Styles) -> None:
    """Type the given amounts; a single amount is typed once and repeated by formula."""
    if len(amounts) == 1:
        ws.write_number(row, first, amounts[0], st.input)
        for c in range(first + 1, first + n):
            ws.write_formula(row, c, f"={cell_ref(row, c - 1)}", st.amount)
        return
    for i, amount in enumerate(extend_amounts(amounts, n)):
        ws.write_number(row, first + i, amount, st.input)


def _write_project(ws, spec: SampleSpec, st: _Styles) -> None:
    L = spec.label
    ws.set_column(0, 0, 44)
    ws.set_column(1, 1, 52)
    ws.write(0, 0, "Projektuppgifter", st.title)
    ws.write_row(2, 0, [L("Uppgift"), L("Värde")], st.header)
    last_year = spec.first_year + spec.years - 1
    facts = [
        ("Projektnamn", "HSO – Hållbar samhällsomställning"),
        ("Kortnamn", "HSO"),
        ("Projektägare", "Härnösands kommun"),
        ("Program", "Mellersta Norrland 2021–2027 (Europeiska regionala utvecklingsfonden)"),
        ("Ansöks hos", "Tillväxtverket och Region Västernorrland"),
        ("Projektstart", dt.datetime(spec.first_year, 1, 1)),
        ("Projektslut", dt.datetime(last_year, 12, 31)),
        ("Utkast klart", dt.datetime(2026, 1, 30)),
        ("Handslag", dt.datetime(2026, 2, 6)),
        ("Ansökan senast", dt.datetime(2026, 2, 17)),
        ("Beslut i kommunstyrelserna senast", dt.datetime(2026, 4, 30)),
        ("Beslut Tillväxtverket och Region Västernorrland", dt.datetime(2026, 5, 31)),
        ("Halvtidsutvärdering (SWECO)", dt.datetime(2026, 1, 22)),
        ("Medfinansiering hittills 2024–2025", 685_371),
        ("Dokumentdatum", dt.datetime(2026, 1, 30)),
    ]
    for i, (label, value) in enumerate(facts, start=3):
        ws.write(i, 0, L(label), st.text)
        if isinstance(value, dt.datetime):
            ws.write_datetime(i, 1, value, st.date)
        elif isinstance(value, (int, float)):
            ws.write_number(i, 1, value, st.amount)
        else:
            ws.write(i, 1, value, st.text)


def _write_municipalities(ws, spec: SampleSpec, st: _Styles) -> None:
    L = spec.label
    headers = ["Kommun", "Officiellt namn", "Kommunkod", "Organisationsnummer", "Diarienummer KS",
               "Kontakt", "Beslut senast", "Invånare 2023-12-31", "Förvaltning"]
    widths = [16, 24, 12, 20, 18, 30, 14, 18, 30]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.write(0, 0, "Kommunerna", st.title)
    ws.write_row(2, 0, [L(h) for h in headers], st.header)
    for i, m in enumerate(spec.municipalities, start=3):
        ws.write_string(i, 0, m.short, st.text)
        ws.write_string(i, 1, m.official, st.text)
        ws.write_string(i, 2, m.code, st.text)
        if m.org_nr:
            ws.write_string(i, 3, m.org_nr, st.text)
        ws.write_string(i, 4, m.dnr, st.text)
        ws.write_string(i, 5, m.contact, st.text)
        ws.write_datetime(i, 6, dt.datetime(2026, 4, 30), st.date)
        ws.write_number(i, 7, m.population, st.amount)
        if m.office:
            ws.write_string(i, 8, m.office, st.text)


def _sum_or_zero(first_row: int, last_row: int, col: int) -> str:
    """=SUM over the rows, or =0 for a section without rows (an empty range would point at itself)."""
    return f"=SUM({_range(first_row, last_row, col)})" if first_row <= last_row else "=0"


def _range(first_row: int, last_row: int, col: int) -> str:
    if first_row == last_row:
        return cell_ref(first_row, col)
    return f"{cell_ref(first_row, col)}:{cell_ref(last_row, col)}"


def _col(c: int) -> str:
    return cell_ref(0, c).rstrip("1")
