"""hso-xl's own layout: a sheet `Budget` (header `Kostnadsslag`) and a sheet `Finansiering` (header `Finansiär`).

Every label of this layout is a constant here and nowhere else (docs/workbook.md, "hso layout").
Sheets, headers and rows are found by their labels, so rows and financiers can be inserted, years
added and sheets reordered without a code change.
"""

from __future__ import annotations

from ...errors import ContractError
from dataclasses import replace

from ...findings import Finding, Severity, both, either
from ...i18n import Message, _
from ...swedish import group
from ...settings import Settings
from ...workbook.book import Sheet, Workbook
from ..budget import (ANNAT_AN_PENGAR, BOOKED, CASH, DIRECT, FINANCING, IN_KIND, KONTANT, OFFENTLIG, PRIVAT, PROJECT, Budget,
                      CostLine, FinancingLine, Line, Place)
from ..factsheets import FactSources
from ..sheets import Header, find_header, find_sheet, header_at, header_word, is_blank, norm
from .common import Financier, assemble, is_deducted, row_line, start_year

NAME = "hso"
BUDGET_SHEET, BUDGET_HEADER = "Budget", "Kostnadsslag"
FINANCING_SHEET, FINANCING_HEADER = "Finansiering", "Finansiär"
TITLE = _("hso-xl's layout (sheets {budget} and {financing})", budget=BUDGET_SHEET, financing=FINANCING_SHEET)
SECTOR_HEADER, KIND_HEADER = "Offentlig/privat", "Kontant/annat än pengar"
TOTALS = {"summa bokförd kostnad": BOOKED, "summa direktfinansiering": DIRECT, "summa projektkostnad": PROJECT}
FINANCING_TOTAL = "Summa projektfinansiering"
BOOKED_TOTAL, PROJECT_TOTAL = "Summa bokförd kostnad", "Summa projektkostnad"
FINANCING_SUBTOTALS = {"summa kontant finansiering": CASH, "summa direktfinansiering": IN_KIND}
SECTORS = {"offentlig": OFFENTLIG, "privat": PRIVAT}
KINDS = {"kontant": KONTANT, "kontanta medel": KONTANT, "annat än pengar": ANNAT_AN_PENGAR,
         "i annat än pengar": ANNAT_AN_PENGAR, "direktfinansiering": ANNAT_AN_PENGAR}
# Other words the same headers are written with (a unit in kronor after them is allowed).
BUDGET_HEADERS = (BUDGET_HEADER, "Kostnader", "Kostnad")
FINANCING_HEADERS = (FINANCING_HEADER, "Finansiärer")
HEADERS = (*BUDGET_HEADERS, *FINANCING_HEADERS)


def recognise(workbook: Workbook) -> list[str]:
    """Return where this layout's cost table is (else empty): see `_cost_tables`.

    The financing table is not needed to recognise the layout, so that a workbook without it is
    told exactly what is missing.
    """
    return [sheet.ref(row, col) for sheet, row, col in _cost_tables(workbook)]


def complete(workbook: Workbook) -> bool:
    """True when both tables are there: the costs and the financiers."""
    return bool(recognise(workbook)) and bool(_financing_tables(workbook))


def _header_cells(sheet: Sheet, labels: tuple[str, ...]) -> list[tuple[int, int]]:
    keys = {header_word(label) for label in labels}
    return [(r, c) for (r, c), cell in sorted(sheet.cells.items())
            if isinstance(cell.value, str) and header_word(cell.value) in keys]


def _below(sheet: Sheet, row: int, col: int, label: str) -> bool:
    """True when a row labelled `label` stands below (row, col) in the same column."""
    return any(c == col and r > row and norm(cell.value) == norm(label) for (r, c), cell in sheet.cells.items()
               if isinstance(cell.value, str))


def _cost_tables(workbook: Workbook) -> list[tuple[Sheet, int, int]]:
    """The cost table: on the sheet named Budget when it has the header, else found by what it holds.

    Found by content, it is a header Kostnadsslag (Kostnader, Kostnad) with 'Summa bokförd kostnad'
    below it in its column, on any sheet ('Budget 2027–2029', or beside the financing).
    """
    named = find_sheet(workbook, BUDGET_SHEET, required=False)
    if named is not None and _header_cells(named, BUDGET_HEADERS):
        return [(named, *_header_cells(named, BUDGET_HEADERS)[0])]
    return [(sheet, r, c) for sheet in workbook.sheets for r, c in _header_cells(sheet, BUDGET_HEADERS)
            if _below(sheet, r, c, BOOKED_TOTAL)]


def _financing_tables(workbook: Workbook) -> list[tuple[Sheet, int, int]]:
    """The financing table: on the sheet named Finansiering when it has the header, else found by what it holds.

    Found by content, it is a header Finansiär (Finansiärer) whose row has this layout's own columns
    'Offentlig/privat' and 'Kontant/annat än pengar', on any sheet (below or beside the costs too).
    """
    named = find_sheet(workbook, FINANCING_SHEET, required=False)
    if named is not None and _header_cells(named, FINANCING_HEADERS):
        return [(named, *_header_cells(named, FINANCING_HEADERS)[0])]
    found = []
    for sheet in workbook.sheets:
        for r, c in _header_cells(sheet, FINANCING_HEADERS):
            header = header_at(workbook, sheet, r, c, with_years=False)
            if header.col("offentlig") is not None and header.col("kontant") is not None:
                found.append((sheet, r, c))
    return found


def _one(workbook: Workbook, tables: list[tuple[Sheet, int, int]], what: Message) -> tuple[Sheet, int, int]:
    if len(tables) == 1:
        return tables[0]
    if not tables:
        raise ContractError(
            _("no {table} was found in the workbook (it has the sheets {sheets})", table=what,
              sheets=", ".join(f"'{s.name}'" for s in workbook.sheets)),
            file=workbook.path,
            hint=_("hso-xl's layout has a cost table headed '{costs}' ending in '{booked}', and a financing table "
                   "headed '{financiers}' with the columns '{sector}' and '{kind}' and the years, ending in '{total}', "
                   "on any sheet (docs/workbook.md)", costs=BUDGET_HEADER, booked=BOOKED_TOTAL,
                   financiers=FINANCING_HEADER, sector=SECTOR_HEADER, kind=KIND_HEADER, total=FINANCING_TOTAL))
    raise ContractError(
        _("two tables could be the {table}: {places}", table=what, places=both(s.ref(r, c) for s, r, c in tables)),
        file=workbook.path, location=tables[0][0].ref(tables[0][1], tables[0][2]),
        hint=_("Remove or rename the other one, or name its sheet '{sheet}'",
               sheet=BUDGET_SHEET if what is COST_TABLE else FINANCING_SHEET))


COST_TABLE, FINANCING_TABLE = _("cost table"), _("financing table")


def read(workbook: Workbook, facts: FactSources, settings: Settings) -> Budget:
    """Return the Budget of a workbook in this layout, or raise ContractError saying what is missing."""
    first_year = start_year(facts, settings)[0]
    findings: list[Finding] = []
    header, costs, direct, totals, cost_place = _read_costs(workbook, first_year)
    financing, fin_totals, fin_place = _read_financing(workbook, header, findings)
    totals.update(fin_totals)
    return assemble(workbook, facts, settings, layout=NAME, years=header.years, costs=costs, direct=direct,
                    financing=financing, totals=totals, places=[cost_place, fin_place], findings=findings,
                    eu_hint=_("Write the name exactly as in column {column}", column=f"{FINANCING_SHEET}!A"))


def _labelled_rows(header: Header):
    """Yield (row, label) below the header for rows with a text label."""
    sheet = header.sheet
    for row in sheet.rows():
        if row <= header.row:
            continue
        label = sheet.value(row, header.label_col)
        if isinstance(label, str) and label.strip():
            yield row, label.strip()


def _is_heading(header: Header, row: int, extra_cols: tuple[int | None, ...] = ()) -> bool:
    cols = [*header.year_cols, *(c for c in extra_cols if c)]
    return all(is_blank(header.sheet.value(row, col)) for col in cols)


def _place(header: Header, last_row: int, what: str) -> Place:
    sheet = header.sheet
    last_col = max([*header.year_cols, header.total_col or 0, *header.columns.values()])
    first = sheet.ref(header.top or header.row, header.label_col).split("!")[-1]
    return Place(what, sheet.name, f"{first}:{sheet.ref(last_row, last_col).split('!')[-1]}")


def _read_costs(workbook: Workbook, first_year: int | None):
    sheet, row, col = _one(workbook, _cost_tables(workbook), COST_TABLE)
    header = _header(workbook, sheet, row, col, BUDGET_HEADERS, first_year)
    costs: list[CostLine] = []
    direct: list[Line] = []
    totals: dict[str, Line] = {}
    section = "costs"
    last = header.row
    for row, label in _labelled_rows(header):
        key = norm(label)
        if key in TOTALS:
            totals[TOTALS[key]] = row_line(Line, workbook, header, row, label)
            last = row
            section = "direct" if TOTALS[key] == BOOKED else "done"
            if TOTALS[key] == PROJECT:
                break
            continue
        if key.startswith("summa") or section == "done" or _is_heading(header, row):
            continue
        last = row
        if section == "costs":
            costs.append(row_line(CostLine, workbook, header, row, label, deducted=is_deducted(label)))
        else:
            direct.append(row_line(Line, workbook, header, row, label))
    for required in (BOOKED_TOTAL, PROJECT_TOTAL):
        if TOTALS[norm(required)] not in totals:
            raise ContractError(
                _("no row labelled '{label}' was found below the header", label=required),
                file=workbook.path,
                location=sheet.ref(header.row, header.label_col),
                hint=_("The cost table ends with a row '{booked}'; direct financing follows, then '{project}'",
                       booked=BOOKED_TOTAL, project=PROJECT_TOTAL),
            )
    if not costs:
        raise ContractError(_("the cost table has no cost rows"), file=workbook.path, location=sheet.name,
                            hint=_("List the cost categories between the header and '{booked}'", booked=BOOKED_TOTAL))
    return header, costs, direct, totals, _place(header, last, "costs")


def _header(workbook: Workbook, sheet: Sheet, row: int, col: int, labels: tuple[str, ...], first_year: int | None):
    """The header at (row, col) when it has year columns; else the sheet's next header with them (a title above)."""
    try:
        return header_at(workbook, sheet, row, col, with_years=True, start_year=first_year)
    except ContractError:
        return find_header(workbook, sheet, labels[0], also=labels, with_years=True, start_year=first_year)


def _read_financing(workbook: Workbook, costs: Header, findings: list[Finding]):
    tables = _financing_tables(workbook)
    named = find_sheet(workbook, FINANCING_SHEET, required=False)
    if not tables and named is not None:  # the sheet is there, its header is not: say so on that sheet
        find_header(workbook, named, FINANCING_HEADER, also=FINANCING_HEADERS, with_years=True)
    sheet, row, col = _one(workbook, tables, FINANCING_TABLE)
    first_year = costs.years[0] if costs.years and isinstance(costs.years[0], int) else None
    header = _header(workbook, sheet, row, col, FINANCING_HEADERS, first_year)
    if header.years != costs.years:
        raise ContractError(
            _("the years of the financing plan ({plan}) differ from the budget's ({budget})", plan=_span(header.years),
              budget=_span(costs.years)),
            file=workbook.path,
            location=sheet.ref(header.row, header.year_cols[0]),
            hint=_("Give both tables the same year columns"),
        )
    sector_col = header.col("offentlig")
    kind_col = header.col("kontant")
    for col, title in ((sector_col, SECTOR_HEADER), (kind_col, KIND_HEADER)):
        if col is None:
            raise ContractError(
                _("the financing table has no column '{title}'", title=title),
                file=workbook.path,
                location=sheet.ref(header.row, header.label_col),
                hint=_("Add a column headed '{title}' to the header row", title=title),
            )
    financiers: list[Financier] = []
    totals: dict[str, Line] = {}
    last = header.row
    for row, label in _labelled_rows(header):
        key = norm(label)
        if key == norm(FINANCING_TOTAL):
            totals[FINANCING] = row_line(Line, workbook, header, row, label)
            last = row
            break
        if key in FINANCING_SUBTOTALS:
            totals[FINANCING_SUBTOTALS[key]] = row_line(Line, workbook, header, row, label)
            continue
        if key.startswith("summa") or _is_heading(header, row, (sector_col, kind_col)):
            continue
        last = row
        sector = _choice(workbook, sheet, row, sector_col, SECTORS, SECTOR_HEADER)
        kind = _choice(workbook, sheet, row, kind_col, KINDS, KIND_HEADER)
        financiers.append(Financier(row_line(FinancingLine, workbook, header, row, label, sector=sector, kind=kind)))
    if FINANCING not in totals:
        raise ContractError(
            _("no row labelled '{label}' was found below the header", label=FINANCING_TOTAL),
            file=workbook.path,
            location=sheet.ref(header.row, header.label_col),
            hint=_("End the financing plan with a row '{label}'", label=FINANCING_TOTAL),
        )
    below, last = _below_total(workbook, header, last, (sector_col, kind_col), findings)
    return financiers + below, totals, _place(header, last, "financing")


def _below_total(workbook: Workbook, header: Header, total_row: int, kind_cols: tuple[int, int],
                 findings: list[Finding]) -> tuple[list[Financier], int]:
    """Financiers added on rows below 'Summa projektfinansiering', read by their own columns and said so.

    A row there with amounts and its 'Offentlig/privat' and 'Kontant/annat än pengar' filled in is a
    financier of the table (the totals are checked against it as against any other row); one with
    amounts but without them is not read, with a warning naming it and its amounts.
    """
    sheet = header.sheet
    out: list[Financier] = []
    last = total_row
    stops = {header_word(h) for h in HEADERS}
    for row, label in _labelled_rows(header):
        if row <= total_row or _is_heading(header, row):
            continue
        if header_word(label) in stops:
            break  # another table begins below this one
        line = row_line(FinancingLine, workbook, header, row, label)
        amounts = " / ".join(f"{group(a)} kr" for a in line.amounts)
        if any(is_blank(sheet.value(row, col)) for col in kind_cols):
            findings.append(Finding(Severity.WARNING, "financing.below_total_unread",
                                    _("'{label}' ({amounts}) stands below '{total}' without '{sector}' and '{kind}', "
                                      "so it is not read as a financier; move it above '{total}' and fill them in, or "
                                      "delete it", label=label, amounts=amounts, total=FINANCING_TOTAL,
                                      sector=SECTOR_HEADER, kind=KIND_HEADER), line.label_cell))
            continue
        sector = _choice(workbook, sheet, row, kind_cols[0], SECTORS, SECTOR_HEADER)
        kind = _choice(workbook, sheet, row, kind_cols[1], KINDS, KIND_HEADER)
        out.append(Financier(replace(line, sector=sector, kind=kind)))
        last = row
        findings.append(Finding(Severity.INFO, "financing.below_total",
                                _("'{label}' ({amounts}) stands below '{total}'; it is read as a financier of the "
                                  "table ({sector}, {kind}), and every total is checked to include it",
                                  label=label, amounts=amounts, total=FINANCING_TOTAL, sector=sector, kind=kind),
                                line.label_cell))
    return out, last


def _choice(workbook: Workbook, sheet: Sheet, row: int, col: int, allowed: dict[str, str], title: str) -> str:
    value = sheet.value(row, col)
    chosen = allowed.get(norm(value)) if isinstance(value, str) else None
    if chosen is None:
        options = either(sorted({f"'{v}'" for v in allowed.values()}))
        raise ContractError(
            _("'{title}' must be {options}, but the cell holds {value}", title=title, options=options,
              value=repr(value)),
            file=workbook.path,
            location=sheet.ref(row, col),
            hint=_("Type {options} in the '{title}' column", options=options, title=title),
        )
    return chosen


def _span(years) -> Message | str:
    return f"{years[0]}–{years[-1]}" if years else _("none")
