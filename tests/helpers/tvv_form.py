"""Workbooks in Tillväxtverket's budget-form layout, typed in by hand as S0 prints its table (openpyxl).

Nothing here uses hso_xl: the layout is S0's (../shared/seeds/000_…txt) row by row, amounts
typed in as S0 prints them, the SUMMA rows as SUM formulas an economist would write. Options
give the variants an office really has: facts on a sheet or in a separate file, S0's typo
"Sundsvall kommun", a fourth year, the financing sections in another order.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

S0_COSTS = [
    ("Personal", [6_428_829, 6_583_121, 6_741_116]),
    ("OH", [1_394_630, 1_428_101, 1_462_376]),
    ("Lönebikostnad", [2_868_707, 2_937_556, 3_008_057]),
    ("Externa tjänster", [1_960_000, 930_000, 680_000]),
    ("Investeringar, materiel och externa lokaler", [0, 0, 0]),
    ("Resor och logi", [627_702, 223_331, 223_331]),
    ("Intäkter", [0, 0, 0]),
]
S0_DIRECT = [("Rvn", [695_300] * 3), ("Länsstyrelsen", [204_500] * 3), ("Miun", [0] * 3), ("Bizmaker", [0] * 3)]
S0_PUBLIC_CASH = [
    ("Söks från REGION VÄSTERNORRLAND", [3_970_576, 3_640_535, 3_644_110]),
    ("Tillväxtverket", [5_921_581, 5_073_864, 5_083_058]),
    ("Härnösands kommun", [454_407] * 3),
    ("Kramfors kommun", [454_407] * 3),
    ("Ånge kommun", [454_407] * 3),
    ("Sollefteå kommun", [454_407] * 3),
    ("Sundsvall kommun", [661_270] * 3),  # S0's typo: Sundsvalls kommun
    ("Timrå kommun", [454_407] * 3),
    ("Örnsköldsviks kommun", [454_407] * 3),
]
MUNICIPALITIES = [
    ("Härnösand", "Härnösands kommun", "KS 2026/000045"),
    ("Kramfors", "Kramfors kommun", "KS 2026/112"),
    ("Ånge", "Ånge kommun", "Dnr KS 2026/37"),
    ("Sollefteå", "Sollefteå kommun", "KS 26/58"),
    ("Sundsvall", "Sundsvalls kommun", "KS-2026-00150"),
    ("Timrå", "Timrå kommun", "2026/KS 0042"),
    ("Örnsköldsvik", "Örnsköldsviks kommun", "KS 2026/0211"),
]
PROJECT_FACTS = [
    ("Projektnamn", "HSO – Hållbar samhällsomställning"),
    ("Projektägare", "Härnösands kommun"),
    ("Projektstart", dt.datetime(2027, 1, 1)),
    ("Projektslut", dt.datetime(2029, 12, 31)),
]


def _sum(col: int, first: int, last: int) -> str:
    letter = get_column_letter(col)
    return f"=SUM({letter}{first}:{letter}{last})"


def write_form(path: Path, *, years: int = 3, facts: str = "sheet", typo: bool = True,
               private_first: bool = False, start: int | None = None, eu_cap: float | None = 0.40) -> Path:
    """Write S0's table as one sheet 'Budget'; facts on sheets ('sheet'), in a Fakta.xlsx ('file') or none.

    `start` writes the calendar year of År 1 as 'Startår' in Parametrar (with facts); without it the
    project start date (2027-01-01) is the only clue to the years.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Budget"
    n = years
    year_cols = list(range(2, 2 + n))
    total_col = 2 + n

    def amounts(values):
        return [values[i] if i < len(values) else values[-1] for i in range(n)]

    def put(row: int, label, values=None, formula=None):
        ws.cell(row, 1, label)
        for i, col in enumerate(year_cols):
            if formula is not None:
                ws.cell(row, col, formula(col))
            elif values is not None:
                ws.cell(row, col, amounts(values)[i])
        if values is not None or formula is not None:
            ws.cell(row, total_col, f"=SUM({get_column_letter(year_cols[0])}{row}:{get_column_letter(year_cols[-1])}{row})")

    r = 1
    ws.cell(r, 1, "KOSTNAD")
    for i, col in enumerate(year_cols):
        ws.cell(r, col, f"År {i + 1}")
    ws.cell(r, total_col, "TOTAL")
    first = r + 1
    for label, values in S0_COSTS:
        r += 1
        put(r, label, values)
    last = r
    r += 1
    booked = r
    put(r, "SUMMA BOKFÖRD KOSTNAD", formula=lambda c: f"{_sum(c, first, last - 1)}-{get_column_letter(c)}{last}")
    r += 1
    ws.cell(r, 1, "Offentlig och privat direktfinansiering")
    r += 1
    put(r, None, [0] * n)  # the form's empty line: no label, zeros
    d_first = r
    for label, values in S0_DIRECT:
        r += 1
        put(r, label, values)
    d_last = r
    r += 1
    direct_total = r
    put(r, "SUMMA KOSTNAD FRÅN ANDRA OFFENTLIGA AKTÖRER", formula=lambda c: _sum(c, d_first, d_last))
    r += 1
    put(r, "SUMMA PROJEKTKOSTNAD",
        formula=lambda c: f"={get_column_letter(c)}{booked}+{get_column_letter(c)}{direct_total}")

    r += 2
    ws.cell(r, 1, "FINANSIERING")
    for col in year_cols:
        ws.cell(r, col, 0)  # S0's financing header shows 0 0 0 where the years would be
    ws.cell(r, total_col, "TOTAL")

    def public_block(r):
        r += 1
        ws.cell(r, 1, "Offentlig finansiering- kontanta medel")
        p_first = r + 1
        for label, values in S0_PUBLIC_CASH:
            r += 1
            name = "Sundsvalls kommun" if (label == "Sundsvall kommun" and not typo) else label
            put(r, name, values)
        r += 1
        put(r, "SUMMA BOKFÖRD OFFENTLIG FINANSIERING", formula=lambda c: _sum(c, p_first, r - 1))
        return r, r

    def private_block(r):
        r += 1
        ws.cell(r, 1, "Privat finansiering - kontanta medel")
        r += 1
        put(r, None, [0] * n)
        r += 1
        put(r, "SUMMA PRIVAT FINANSIERING", formula=lambda c: _sum(c, r - 1, r - 1))
        return r, r

    blocks = [private_block, public_block] if private_first else [public_block, private_block]
    subtotals = []
    for block in blocks:
        r, total = block(r)
        subtotals.append(total)
    r += 1
    cash_total = r
    put(r, "TOTAL KONTANT FINANSIERING",
        formula=lambda c: "=" + "+".join(f"{get_column_letter(c)}{t}" for t in subtotals))
    r += 1
    ws.cell(r, 1, "Offentlig och privat direktfinansiering")
    r += 1
    put(r, None, [0] * n)
    i_first = r
    for label, values in S0_DIRECT:
        r += 1
        put(r, label, values)
    r += 1
    in_kind_total = r
    put(r, "SUMMA DIREKTFINANSIERING", formula=lambda c: _sum(c, i_first, r - 1))
    r += 1
    put(r, "SUMMA PROJEKTFINANSIERING",
        formula=lambda c: f"={get_column_letter(c)}{cash_total}+{get_column_letter(c)}{in_kind_total}")

    if facts == "sheet":
        _facts(wb, start, eu_cap)
    wb.save(path)
    if facts == "file":
        facts_book = openpyxl.Workbook()
        facts_book.remove(facts_book.active)
        _facts(facts_book, start, eu_cap)
        facts_book.save(path.with_name("Fakta.xlsx"))
    return path


def _facts(wb, start: int | None, eu_cap: float | None) -> None:
    ws = wb.create_sheet("Projekt")
    ws.append(["Uppgift", "Värde"])
    for label, value in PROJECT_FACTS:
        ws.append([label, value])
    ws = wb.create_sheet("Kommuner")
    ws.append(["Kommun", "Officiellt namn", "Diarienummer KS", "Beslut senast"])
    for short, official, dnr in MUNICIPALITIES:
        ws.append([short, official, dnr, dt.datetime(2026, 4, 30)])
    if start is not None or eu_cap is not None:
        ws = wb.create_sheet("Parametrar")
        ws.append(["Parameter", "Värde"])
        if start is not None:
            ws.append(["Startår", start])
        if eu_cap is not None:
            ws.append(["EU-stöd högst", eu_cap])
