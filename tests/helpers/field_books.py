"""Budget workbooks as real offices type them, written with plain openpyxl or xlsxwriter (never hso_xl).

`office_form(path, **options)` lays out S0's table (../shared/seeds/000_…txt) the way a project
office might have retyped it: a title and a "Belopp i kronor" line above the header, other header
words, years as numbers, as text or as "År 1", no TOTAL column or TOTAL first, a notes column,
blank spacer columns and rows, merged title cells, hidden rows, section headings with other
dashes and case, "Summa:" rows, the financing on a second sheet, five years, amounts typed as
text, municipality names as people write them. The cells are laid out once as a grid (label,
amounts, formulas with real A1 references) and then written by the chosen library, so both
writers produce the same workbook.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter as col_letter

from .tvv_form import S0_COSTS, S0_DIRECT, S0_PUBLIC_CASH

# S0's table (tests/helpers/tvv_form.py keeps it once)
COSTS, DIRECT, PUBLIC_CASH = S0_COSTS, S0_DIRECT, S0_PUBLIC_CASH
# What S0 prints: the figures a check of any of these workbooks must give.
S0_BOOKED = [13_279_868, 12_102_109, 12_114_880]
S0_PROJECT = [14_179_668, 13_001_909, 13_014_680]
S0_MUNICIPALITIES = {"Härnösands kommun": 454_407, "Kramfors kommun": 454_407, "Ånge kommun": 454_407,
                     "Sollefteå kommun": 454_407, "Sundsvalls kommun": 661_270, "Timrå kommun": 454_407,
                     "Örnsköldsviks kommun": 454_407}


@dataclass
class Grid:
    """The cells of one sheet: (row, col) -> value or '=formula', plus merges, hidden rows and widths."""

    name: str
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    table: dict | None = None  # an Excel table: name, ref, columns, totals row

    def put(self, row: int, col: int, value) -> None:
        if value is not None:
            self.cells[(row, col)] = value


@dataclass
class Form:
    """Where things went, for tests that change a cell afterwards."""

    path: Path
    rows: dict[str, int] = field(default_factory=dict)  # label as written -> row
    sheets: dict[str, str] = field(default_factory=dict)  # "costs"/"financing" -> sheet name
    year_cols: list[int] = field(default_factory=list)
    label_col: int = 1


def office_form(path: Path, *, writer: str = "openpyxl", years: int = 3, year_style: str = "relative",
                first_year: int = 2027, cost_header: str = "KOSTNAD", financing_header: str = "FINANSIERING",
                total: str | None = "last", total_header: str = "TOTAL", title: bool = False,
                notes: bool = False, spacer_col: bool = False, spacer_rows: bool = False,
                hidden_row: bool = False, two_sheets: bool = False, cash_heading: str =
                "Offentlig finansiering- kontanta medel", private_heading: str = "Privat finansiering - kontanta medel",
                direct_heading: str = "Offentlig och privat direktfinansiering", summa_style: str = "form",
                names: dict[str, str] | None = None, text_amounts: dict[str, str] | None = None,
                zero_financier: str | None = None, facts: str = "sheet", fact_labels: dict[str, str] | None = None,
                financing_years: bool = False, two_row_header: bool = False) -> Form:
    """Write S0's table in one office's way; return where the rows went.

    year_style: "relative" (År 1), "number" (2027), "text" ("2027"). total: "last", "first" or None.
    summa_style: "form" (SUMMA BOKFÖRD KOSTNAD), "lower" (Summa bokförd kostnad:).
    two_row_header: "Belopp i kronor" merged over the years in the header row, the years on the row below.
    names: label -> how this office writes it. text_amounts: label -> text typed into its first year.
    facts: "sheet", "file" (Fakta.xlsx beside it, labels reworded by `fact_labels`), or "none".
    """
    names = names or {}
    text_amounts = text_amounts or {}
    costs_grid = Grid("Budget")
    fin_grid = Grid("Finansiering") if two_sheets else costs_grid
    form = Form(path, sheets={"costs": costs_grid.name, "financing": fin_grid.name})
    label_col = 1
    first_data_col = 3 if spacer_col else 2
    total_col = None
    if total == "first":
        total_col = first_data_col
        first_data_col += 1
    year_cols = list(range(first_data_col, first_data_col + years))
    if total == "last":
        total_col = year_cols[-1] + 1
    notes_col = (max(year_cols + [total_col or 0]) + 1) if notes else None
    form.year_cols = year_cols

    def year_header(i: int):
        if year_style == "relative":
            return f"År {i + 1}"
        if year_style == "text":
            return f"{first_year + i}"
        return first_year + i

    def s(label: str) -> str:
        if summa_style == "lower":
            return label[0] + label[1:].lower() + ":"
        return label

    def header(grid: Grid, row: int, text: str, with_years: bool = True) -> int:
        """Write the header at `row`; return its last row (two with `two_row_header`)."""
        grid.put(row, label_col, text)
        years_row = row
        if two_row_header:  # 'Belopp i kronor' merged over the years, the years on the row below
            grid.put(row, year_cols[0], "Belopp i kronor")
            grid.merged.append((row, year_cols[0], row, year_cols[-1]))
            years_row = row + 1
        for i, col in enumerate(year_cols):
            grid.put(years_row, col, year_header(i) if with_years else 0)
        if total_col:
            grid.put(row, total_col, total_header)
        if notes_col:
            grid.put(row, notes_col, "Kommentar")
        return years_row

    def line(grid: Grid, row: int, label, values=None, formula=None, note=None) -> None:
        written = names.get(label, label) if label else label
        grid.put(row, label_col, written)
        if label:
            form.rows[written] = row
        n_values = [values[i] if i < len(values) else values[-1] for i in range(years)] if values else None
        for i, col in enumerate(year_cols):
            if formula is not None:
                grid.put(row, col, formula(col))
            elif n_values is not None:
                value = n_values[i]
                if i == 0 and label in text_amounts:
                    value = text_amounts[label]
                grid.put(row, col, value)
        if total_col and (values is not None or formula is not None):
            grid.put(row, total_col, f"=SUM({col_letter(year_cols[0])}{row}:{col_letter(year_cols[-1])}{row})")
        if notes_col and note:
            grid.put(row, notes_col, note)

    def sum_of(first: int, last: int):
        return lambda c: f"=SUM({col_letter(c)}{first}:{col_letter(c)}{last})"

    r = 1
    if title:
        last_col = max(year_cols + [total_col or 0, notes_col or 0])
        costs_grid.put(1, 1, "HSO – Hållbar samhällsomställning, budget 2027–2029")
        costs_grid.merged.append((1, 1, 1, last_col))
        costs_grid.put(2, 1, "Belopp i kronor")
        r = 4
    r = header(costs_grid, r, cost_header)
    first = r + 1
    for label, values in COSTS:
        r += 1
        if spacer_rows and label == "Externa tjänster":
            r += 1  # a blank line between groups of rows
        note = "2,4 % uppräkning per år" if label == "Personal" else None
        line(costs_grid, r, label, values, note=note)
        if hidden_row and label == "Investeringar, materiel och externa lokaler":
            costs_grid.hidden_rows.add(r)
    last = r
    r += 1
    booked = r
    line(costs_grid, r, s("SUMMA BOKFÖRD KOSTNAD"),
         formula=lambda c: f"=SUM({col_letter(c)}{first}:{col_letter(c)}{last - 1})-{col_letter(c)}{last}")
    r += 1
    costs_grid.put(r, label_col, direct_heading)
    d_first = r + 1
    for label, values in DIRECT:
        r += 1
        line(costs_grid, r, label, values)
    r += 1
    direct_total = r
    line(costs_grid, r, s("SUMMA KOSTNAD FRÅN ANDRA OFFENTLIGA AKTÖRER"), formula=sum_of(d_first, r - 1))
    r += 1
    line(costs_grid, r, s("SUMMA PROJEKTKOSTNAD"),
         formula=lambda c: f"={col_letter(c)}{booked}+{col_letter(c)}{direct_total}")

    if two_sheets:
        r = 1
        if title:
            fin_grid.put(1, 1, "Finansieringsplan")
            fin_grid.put(2, 1, "Belopp i kronor")
            r = 4
    else:
        r += 3 if spacer_rows else 2
    r = header(fin_grid, r, financing_header, with_years=financing_years or two_sheets)
    r += 1
    fin_grid.put(r, label_col, cash_heading)
    p_first = r + 1
    for label, values in PUBLIC_CASH:
        r += 1
        line(fin_grid, r, label, values)
    if zero_financier:
        r += 1
        line(fin_grid, r, zero_financier, [0] * years)
    r += 1
    public_total = r
    line(fin_grid, r, s("SUMMA BOKFÖRD OFFENTLIG FINANSIERING"), formula=sum_of(p_first, r - 1))
    r += 1
    fin_grid.put(r, label_col, private_heading)
    r += 1
    line(fin_grid, r, None, [0] * years)
    r += 1
    private_total = r
    line(fin_grid, r, s("SUMMA PRIVAT FINANSIERING"), formula=sum_of(r - 1, r - 1))
    r += 1
    cash_total = r
    line(fin_grid, r, s("TOTAL KONTANT FINANSIERING"),
         formula=lambda c: f"={col_letter(c)}{public_total}+{col_letter(c)}{private_total}")
    r += 1
    fin_grid.put(r, label_col, direct_heading)
    i_first = r + 1
    for label, values in DIRECT:
        r += 1
        line(fin_grid, r, label, values)
    r += 1
    in_kind = r
    line(fin_grid, r, s("SUMMA DIREKTFINANSIERING"), formula=sum_of(i_first, r - 1))
    r += 1
    line(fin_grid, r, s("SUMMA PROJEKTFINANSIERING"),
         formula=lambda c: f"={col_letter(c)}{cash_total}+{col_letter(c)}{in_kind}")

    grids = [costs_grid] + ([fin_grid] if two_sheets else [])
    if facts == "sheet":
        grids += fact_grids(fact_labels)
    write(path, grids, writer)
    if facts == "file":
        write(path.with_name("Fakta.xlsx"), fact_grids(fact_labels), writer)
    return form


PROJECT_FACTS = [
    ("Projektnamn", "HSO – Hållbar samhällsomställning"),
    ("Projektägare", "Härnösands kommun"),
    ("Projektstart", dt.datetime(2027, 1, 1)),
    ("Projektslut", dt.datetime(2029, 12, 31)),
    ("Beslut i kommunstyrelserna senast", dt.datetime(2026, 4, 30)),
    ("Halvtidsutvärdering (SWECO)", dt.datetime(2026, 1, 22)),
    ("Medfinansiering hittills 2024–2025", 685_371),
]
MUNICIPALITIES = [
    ("Härnösand", "Härnösands kommun", "KS 2026/000045", "Anna Berg"),
    ("Kramfors", "Kramfors kommun", "KS 2026/112", "Per Lund"),
    ("Ånge", "Ånge kommun", "Dnr KS 2026/37", "Eva Holm"),
    ("Sollefteå", "Sollefteå kommun", "KS 26/58", "Olof Ek"),
    ("Sundsvall", "Sundsvalls kommun", "KS-2026-00150", "Lena Sjö"),
    ("Timrå", "Timrå kommun", "2026/KS 0042", "Karl Ås"),
    ("Örnsköldsvik", "Örnsköldsviks kommun", "KS 2026/0211", "Maja Öst"),
]


def fact_grids(labels: dict[str, str] | None = None) -> list[Grid]:
    """The Projekt, Kommuner and Parametrar sheets; `labels` rewords a label ('Projektnamn' -> 'Projektets namn')."""
    labels = labels or {}
    word = lambda text: labels.get(text, text)  # noqa: E731
    project = Grid("Projekt")
    project.put(1, 1, word("Uppgift"))
    project.put(1, 2, "Värde")
    for i, (label, value) in enumerate(PROJECT_FACTS, start=2):
        project.put(i, 1, word(label))
        project.put(i, 2, value)
    municipalities = Grid("Kommuner")
    for col, title in enumerate(["Kommun", "Officiellt namn", "Diarienummer KS", "Kontakt", "Beslut senast"], 1):
        municipalities.put(1, col, word(title))
    for i, (short, official, dnr, contact) in enumerate(MUNICIPALITIES, start=2):
        for col, value in enumerate([short, official, dnr, contact, dt.datetime(2026, 4, 30)], 1):
            municipalities.put(i, col, value)
    parameters = Grid("Parametrar")
    parameters.put(1, 1, "Parameter")
    parameters.put(1, 2, "Värde")
    parameters.put(2, 1, word("EU-stöd högst"))
    parameters.put(2, 2, 0.4)
    return [project, municipalities, parameters]


def write(path: Path, grids: list[Grid], writer: str, names: dict[str, str] | None = None) -> Path:
    """Write the grids as one workbook with `writer` ("openpyxl" or "xlsxwriter"), with the defined `names`."""
    if writer == "xlsxwriter":
        return _xlsxwriter(path, grids, names or {})
    return _openpyxl(path, grids, names or {})


def _openpyxl(path: Path, grids: list[Grid], names: dict[str, str] | None = None) -> Path:
    import openpyxl
    from openpyxl.worksheet.table import Table, TableColumn

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for grid in grids:
        ws = wb.create_sheet(grid.name)
        for (row, col), value in sorted(grid.cells.items()):
            cell = ws.cell(row, col, value)
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
        for r1, c1, r2, c2 in grid.merged:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        for row in grid.hidden_rows:
            ws.row_dimensions[row].hidden = True
        if grid.table:
            t = grid.table
            table = Table(displayName=t["name"], ref=t["ref"], totalsRowCount=1 if t.get("totals") else None)
            table.tableColumns = [TableColumn(id=i + 1, name=name, **t.get("totals", {}).get(name, {}))
                                  for i, name in enumerate(t["columns"])]
            ws.add_table(table)
    from openpyxl.workbook.defined_name import DefinedName

    for name, target in (names or {}).items():
        wb.defined_names[name] = DefinedName(name, attr_text=target)
    wb.save(path)
    return path


def _xlsxwriter(path: Path, grids: list[Grid], names: dict[str, str] | None = None) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    for name, target in (names or {}).items():
        wb.define_name(name, f"={target}")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for grid in grids:
        ws = wb.add_worksheet(grid.name)
        for (row, col), value in sorted(grid.cells.items()):
            if (row, col) in {(r1, c1) for r1, c1, _r2, _c2 in grid.merged}:
                continue
            if isinstance(value, dt.datetime):
                ws.write_datetime(row - 1, col - 1, value, date)
            elif isinstance(value, str) and value.startswith("="):
                ws.write_formula(row - 1, col - 1, value)
            elif isinstance(value, str):
                ws.write_string(row - 1, col - 1, value)
            else:
                ws.write_number(row - 1, col - 1, value)
        for r1, c1, r2, c2 in grid.merged:
            ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, grid.cells.get((r1, c1), ""))
        for row in grid.hidden_rows:
            ws.set_row(row - 1, None, None, {"hidden": True})
    wb.close()
    return path


def nfd(text: str) -> str:
    """The text with Å, Ä, Ö as two code points each, as a Mac keyboard or a PDF copy may give them."""
    return unicodedata.normalize("NFD", text)


def table_workbook(path: Path, *, row_total: str = "=SUM(Kostnader[@[2027]:[2029]])") -> Path:
    """hso-xl's layout kept as two Excel tables (Insert > Table), as openpyxl writes a real table part.

    Budget: table `Kostnader` (text headers "2027" … as Excel keeps them, a totals row 'Summa' with
    SUBTOTAL(109,…)), each row's total `row_total`, and 'Summa bokförd kostnad' reading
    `Kostnader[[#Totals],[2027]]`. Finansiering: table `Finansiering_tabell` with its totals row as
    'Summa kontant finansiering', row totals `SUM(Finansiering_tabell[[#This Row],[2027]:[2029]])`.
    Tillväxtverket balances the booked cost, as in S0.
    """
    import openpyxl
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    years = ["2027", "2028", "2029"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Budget"
    ws["A1"] = "Budget (kr)"
    for i, h in enumerate(["Kostnadsslag", *years, "Totalt"], 1):
        ws.cell(3, i, h)
    r = 3
    for label, values in [c for c in COSTS if c[0] not in ("Intäkter", "Investeringar, materiel och externa lokaler")]:
        r += 1
        ws.cell(r, 1, label)
        for j, v in enumerate(values):
            ws.cell(r, 2 + j, v)
        ws.cell(r, 5, row_total)
    r += 1
    ws.cell(r, 1, "Summa")
    for j, y in enumerate([*years, "Totalt"]):
        ws.cell(r, 2 + j, f"=SUBTOTAL(109,Kostnader[{y}])")
    table = Table(displayName="Kostnader", ref=f"A3:E{r}", totalsRowCount=1)
    table.tableColumns = [TableColumn(id=1, name="Kostnadsslag", totalsRowLabel="Summa")] + [
        TableColumn(id=i + 2, name=n, totalsRowFunction="sum") for i, n in enumerate([*years, "Totalt"])]
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    r += 1
    booked = r
    ws.cell(r, 1, "Summa bokförd kostnad")
    for j, y in enumerate([*years, "Totalt"]):
        ws.cell(r, 2 + j, f"=Kostnader[[#Totals],[{y}]]")
    r += 1
    ws.cell(r, 1, "Direktfinansiering (offentlig och privat)")
    for name, value in (("Region Västernorrland", 695_300), ("Länsstyrelsen Västernorrland", 204_500)):
        r += 1
        ws.cell(r, 1, name)
        for j in range(3):
            ws.cell(r, 2 + j, value)
        ws.cell(r, 5, f"=SUM(B{r}:D{r})")
    r += 1
    direct = r
    ws.cell(r, 1, "Summa direktfinansiering")
    for j, c in enumerate("BCDE"):
        ws.cell(r, 2 + j, f"=SUM({c}{r - 2}:{c}{r - 1})")
    r += 1
    ws.cell(r, 1, "Summa projektkostnad")
    for j, c in enumerate("BCDE"):
        ws.cell(r, 2 + j, f"={c}{booked}+{c}{direct}")

    fs = wb.create_sheet("Finansiering")
    for i, h in enumerate(["Finansiär", "Offentlig/privat", "Kontant/annat än pengar", *years, "Totalt"], 1):
        fs.cell(1, i, h)
    cash = [("Region Västernorrland", [3_970_576, 3_640_535, 3_644_110]), ("Tillväxtverket", None)] + [
        (name, [amount] * 3) for name, amount in S0_MUNICIPALITIES.items()]
    r = 1
    for label, values in cash:
        r += 1
        fs.cell(r, 1, label)
        fs.cell(r, 2, "offentlig")
        fs.cell(r, 3, "kontant")
        for j in range(3):
            c = "DEF"[j]
            fs.cell(r, 4 + j, values[j] if values else f"=Budget!{'BCD'[j]}{booked}-{c}2-SUM({c}4:{c}10)")
        fs.cell(r, 7, "=SUM(Finansiering_tabell[[#This Row],[2027]:[2029]])")
    r += 1
    cash_total = r
    fs.cell(r, 1, "Summa kontant finansiering")
    for j, y in enumerate([*years, "Totalt"]):
        fs.cell(r, 4 + j, f"=SUBTOTAL(109,Finansiering_tabell[{y}])")
    table = Table(displayName="Finansiering_tabell", ref=f"A1:G{r}", totalsRowCount=1)
    table.tableColumns = [TableColumn(id=1, name="Finansiär", totalsRowLabel="Summa kontant finansiering"),
                          TableColumn(id=2, name="Offentlig/privat"), TableColumn(id=3, name="Kontant/annat än pengar")] + [
        TableColumn(id=4 + i, name=n, totalsRowFunction="sum") for i, n in enumerate([*years, "Totalt"])]
    fs.add_table(table)
    r += 1
    fs.cell(r, 1, "Direktfinansiering")
    for name, value in (("Region Västernorrland", 695_300), ("Länsstyrelsen Västernorrland", 204_500)):
        r += 1
        fs.cell(r, 1, name)
        fs.cell(r, 2, "offentlig")
        fs.cell(r, 3, "annat än pengar")
        for j in range(3):
            fs.cell(r, 4 + j, value)
        fs.cell(r, 7, f"=SUM(D{r}:F{r})")
    r += 1
    in_kind = r
    fs.cell(r, 1, "Summa direktfinansiering")
    for j, c in enumerate("DEFG"):
        fs.cell(r, 4 + j, f"=SUM({c}{r - 2}:{c}{r - 1})")
    r += 1
    fs.cell(r, 1, "Summa projektfinansiering")
    for j, c in enumerate("DEFG"):
        fs.cell(r, 4 + j, f"={c}{cash_total}+{c}{in_kind}")
    for grid in fact_grids():
        sheet = wb.create_sheet(grid.name)
        for (row, col), value in grid.cells.items():
            sheet.cell(row, col, value)
    wb.save(path)
    return path
