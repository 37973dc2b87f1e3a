"""Tillväxtverket's budget form: a table `KOSTNAD | År 1 | År 2 | År 3 | TOTAL` and a table `FINANSIERING`.

This is S0's table as project offices keep it (docs/workbook.md, "Tillväxtverket's form"). The
kind of each financing row comes from the section heading it stands under (`Offentlig
finansiering- kontanta medel`, `Privat finansiering - kontanta medel`, `Offentlig och privat
direktfinansiering`); `SUMMA …` and `TOTAL …` rows are the workbook's own totals and are checked;
rows with a blank label and zero amounts (the form's empty lines) are allowed; `Söks från X` names
financier X. `År 1 … År N` are calendar years from the project's start. Every label of this layout
is a constant here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import ContractError
from ...findings import Finding, Severity
from ...settings import Settings
from ...workbook.book import Sheet, Workbook
from ..budget import (ANNAT_AN_PENGAR, BOOKED, CASH, DIRECT, FINANCING, IN_KIND, KONTANT, OFFENTLIG, PRIVAT,
                      PRIVATE_CASH, PROJECT, PUBLIC_CASH, Budget, CostLine, FinancingLine, Line, Place)
from ..factsheets import FactSources
from ..sheets import Header, header_at, norm
from .common import Financier, all_zero, assemble, has_amounts, is_deducted, row_line, start_year

NAME = "tillvaxtverket"
TITLE = "Tillväxtverket's budget form (KOSTNAD and FINANSIERING tables)"

COST_HEADER, FINANCING_HEADER = "Kostnad", "Finansiering"
COST_TOTALS = {
    "summa bokförd kostnad": BOOKED,
    "summa kostnad från andra offentliga aktörer": DIRECT,
    "summa kostnad från andra aktörer": DIRECT,
    "summa direktfinansiering": DIRECT,
    "summa projektkostnad": PROJECT,
}
FINANCING_TOTALS = {
    "summa bokförd offentlig finansiering": PUBLIC_CASH,
    "summa offentlig finansiering": PUBLIC_CASH,
    "summa offentlig kontant finansiering": PUBLIC_CASH,
    "summa privat finansiering": PRIVATE_CASH,
    "summa privat kontant finansiering": PRIVATE_CASH,
    "total kontant finansiering": CASH,
    "summa kontant finansiering": CASH,
    "summa direktfinansiering": IN_KIND,
    "summa projektfinansiering": FINANCING,
}
TOTAL_PREFIXES = ("summa", "total")


@dataclass
class _Table:
    header: Header
    last_row: int


def _header_cells(workbook: Workbook, label: str, pinned: str | None) -> list[tuple[Sheet, int, int]]:
    key = norm(label)
    found = []
    for sheet in workbook.sheets:
        if pinned and norm(sheet.name) != norm(pinned):
            continue
        found += [(sheet, r, c) for (r, c), cell in sorted(sheet.cells.items())
                  if isinstance(cell.value, str) and norm(cell.value) == key]
    return found


def _cost_candidates(workbook: Workbook, pinned: str | None) -> list[tuple[Sheet, int, int]]:
    """Cost headers with a SUMMA BOKFÖRD KOSTNAD row below them, in the same column."""
    out = []
    for sheet, row, col in _header_cells(workbook, COST_HEADER, pinned):
        below = [r for (r, c), cell in sheet.cells.items() if c == col and r > row and isinstance(cell.value, str)
                 and COST_TOTALS.get(norm(cell.value)) == BOOKED]
        if below:
            out.append((sheet, row, col))
    return out


def recognise(workbook: Workbook, pinned: str | None = None) -> list[str]:
    """Return where this layout's cost tables are (empty when there is none)."""
    return [sheet.ref(row, col) for sheet, row, col in _cost_candidates(workbook, pinned)]


def read(workbook: Workbook, facts: FactSources, settings: Settings) -> Budget:
    """Return the Budget of a workbook in Tillväxtverket's form, or raise ContractError saying what is wrong."""
    findings: list[Finding] = []
    first_year, year_source = start_year(facts, settings)
    candidates = _cost_candidates(workbook, settings.budget_sheet)
    sheet, row, col = _one(workbook, candidates, "cost table ('KOSTNAD')")
    costs_header = header_at(workbook, sheet, row, col, with_years=True, start_year=first_year)
    if costs_header.relative and first_year is None:
        findings.append(Finding(
            Severity.WARNING, "years.relative",
            f"the year columns are {costs_header.years[0]} … {costs_header.years[-1]} and the workbook does not say "
            "which calendar year År 1 is, so documents print 'År 1' …; add 'Projektstart' (a date) to a Projekt "
            "sheet, 'Startår' to Parametrar, or parameters.first_year to hso.toml",
            sheet.ref(row, costs_header.year_cols[0])))
    elif costs_header.relative:
        findings.append(Finding(Severity.INFO, "years.from_start",
                                f"År 1 is {first_year} (from {year_source})", sheet.ref(row, costs_header.year_cols[0])))
    costs, direct, totals, cost_table = _read_costs(workbook, costs_header, findings)
    financing_header = _financing_header(workbook, settings, costs_header, cost_table, first_year)
    financing, fin_totals, fin_table = _read_financing(workbook, financing_header, findings)
    totals.update(fin_totals)
    places = [_place(cost_table, "costs"), _place(fin_table, "financing")]
    return assemble(workbook, facts, settings, layout=NAME, years=costs_header.years, costs=costs, direct=direct,
                    financing=financing, totals=totals, places=places, findings=findings,
                    eu_hint="Tillväxtverket's form names the EU financier 'Tillväxtverket'")


def _one(workbook: Workbook, candidates: list, what: str):
    if not candidates:
        raise ContractError(f"no {what} was found", file=workbook.path,
                            hint="Tillväxtverket's form has a header 'KOSTNAD' with År 1, År 2 … columns and a row "
                                 "'SUMMA BOKFÖRD KOSTNAD' (docs/workbook.md)")
    if len(candidates) > 1:
        places = " and ".join(sheet.ref(r, c) for sheet, r, c in candidates)
        raise ContractError(f"two tables could be the {what}: {places}", file=workbook.path,
                            location=candidates[0][0].ref(candidates[0][1], candidates[0][2]),
                            hint="Remove or rename the other one, or name the budget's sheet in hso.toml "
                                 "(budget_sheet = \"…\")")
    return candidates[0]


def _place(table: _Table, what: str) -> Place:
    header = table.header
    sheet = header.sheet
    last_col = max([*header.year_cols, header.total_col or 0, header.label_col])
    first = sheet.ref(header.row, header.label_col).split("!")[-1]
    return Place(what, sheet.name, f"{first}:{sheet.ref(table.last_row, last_col).split('!')[-1]}")


def _rows(header: Header, stop_after=None):
    """Yield (row, label or None) below the header, until the row `stop_after` accepts."""
    sheet = header.sheet
    for row in sheet.rows():
        if row <= header.row:
            continue
        label = sheet.value(row, header.label_col)
        label = label.strip() if isinstance(label, str) and label.strip() else None
        if label is None and not has_amounts(header, row):
            continue
        yield row, label
        if stop_after and label and stop_after(norm(label)):
            return


def _unlabelled(workbook: Workbook, header: Header, row: int) -> None:
    """A row with a blank label is one of the form's empty lines: fine when its amounts are 0."""
    line = row_line(Line, workbook, header, row, "(row without a label)")
    if not all_zero(line):
        raise ContractError("this row has amounts but no label", file=workbook.path,
                            location=header.sheet.ref(row, header.label_col),
                            hint="Write what the amounts are in the label column, or delete them")


def _read_costs(workbook: Workbook, header: Header, findings: list[Finding]):
    costs: list[CostLine] = []
    direct: list[Line] = []
    totals: dict[str, Line] = {}
    section = "costs"
    last = header.row
    for row, label in _rows(header, stop_after=lambda key: COST_TOTALS.get(key) == PROJECT):
        last = row
        if label is None:
            _unlabelled(workbook, header, row)
            continue
        key = norm(label)
        role = COST_TOTALS.get(key)
        if role is not None:
            totals[role] = row_line(Line, workbook, header, row, label)
            if role == BOOKED:
                section = "direct"
            continue
        if key.startswith(TOTAL_PREFIXES) or not has_amounts(header, row):
            continue  # a subtotal of the form's own, or a section heading
        if section == "costs":
            costs.append(row_line(CostLine, workbook, header, row, label, deducted=is_deducted(label)))
        else:
            direct.append(row_line(Line, workbook, header, row, label))
    for role, label in ((BOOKED, "SUMMA BOKFÖRD KOSTNAD"), (PROJECT, "SUMMA PROJEKTKOSTNAD")):
        if role not in totals:
            raise ContractError(f"no row '{label}' was found in the cost table", file=workbook.path,
                                location=header.sheet.ref(header.row, header.label_col),
                                hint="Tillväxtverket's form ends the costs with 'SUMMA BOKFÖRD KOSTNAD', then the "
                                     "direct financing and 'SUMMA PROJEKTKOSTNAD'")
    if not costs:
        raise ContractError("the cost table has no cost rows", file=workbook.path,
                            location=header.sheet.ref(header.row, header.label_col),
                            hint="List the cost categories between 'KOSTNAD' and 'SUMMA BOKFÖRD KOSTNAD'")
    return costs, direct, totals, _Table(header, last)


def _financing_header(workbook: Workbook, settings: Settings, costs: Header, cost_table: _Table,
                      first_year: int | None) -> Header:
    """The FINANCING header: below the costs on the same sheet, or on another sheet."""
    cells = _header_cells(workbook, FINANCING_HEADER, None)
    same_sheet = [(s, r, c) for s, r, c in cells if s is costs.sheet and r > cost_table.last_row]
    candidates = same_sheet or [(s, r, c) for s, r, c in cells if s is not costs.sheet]
    sheet, row, col = _one(workbook, candidates, "financing table ('FINANSIERING')")
    try:
        header = header_at(workbook, sheet, row, col, with_years=True, start_year=first_year)
    except ContractError:
        if sheet is not costs.sheet:
            raise
        header = None
    if header is None or not header.year_cols:
        # The form's financing header often has no years of its own (S0 shows 0 0 0): the cost
        # table's year columns on the same sheet are meant.
        header = Header(sheet, row, col, {}, costs.years, costs.year_cols, costs.total_col, costs.relative)
    if header.years != costs.years:
        raise ContractError(
            f"the years of the financing table ({header.years[0]}–{header.years[-1]}) differ from the cost table's "
            f"({costs.years[0]}–{costs.years[-1]})", file=workbook.path, location=sheet.ref(row, header.year_cols[0]),
            hint="Give both tables the same year columns")
    return header


def section_of(key: str) -> tuple[str | None, str] | None:
    """Return (sector or None, kind) for a section heading such as 'offentlig finansiering- kontanta medel'."""
    if key.startswith(TOTAL_PREFIXES):
        return None
    in_kind = "direktfinansiering" in key or "annat än pengar" in key
    cash = "kontant" in key
    if not (in_kind or cash):
        return None
    public, private = "offentlig" in key, "privat" in key
    sector = OFFENTLIG if public and not private else PRIVAT if private and not public else None
    return sector, ANNAT_AN_PENGAR if in_kind else KONTANT


def _read_financing(workbook: Workbook, header: Header, findings: list[Finding]):
    financiers: list[Financier] = []
    totals: dict[str, Line] = {}
    section: tuple[str | None, str] | None = None
    last = header.row
    for row, label in _rows(header, stop_after=lambda key: FINANCING_TOTALS.get(key) == FINANCING):
        last = row
        if label is None:
            _unlabelled(workbook, header, row)
            continue
        key = norm(label)
        role = FINANCING_TOTALS.get(key)
        if role is not None:
            totals[role] = row_line(Line, workbook, header, row, label)
            continue
        heading = section_of(key)
        if heading is not None:
            section = heading
            line = row_line(Line, workbook, header, row, label)
            if not all_zero(line):
                raise ContractError(f"the section heading '{label}' has amounts", file=workbook.path,
                                    location=line.cells[0], hint="Put the amounts on a row of their own below it")
            continue
        if key.startswith(TOTAL_PREFIXES) or not has_amounts(header, row):
            continue
        if section is None:
            raise ContractError(
                f"'{label}' stands above every section heading, so its kind (public or private, cash or in kind) "
                "is not known", file=workbook.path, location=header.sheet.ref(row, header.label_col),
                hint="Put it under a heading such as 'Offentlig finansiering- kontanta medel'")
        sector, kind = section
        line = row_line(FinancingLine, workbook, header, row, label, sector=sector or OFFENTLIG, kind=kind)
        financiers.append(Financier(line, sector_given=sector is not None))
    if FINANCING not in totals:
        raise ContractError("no row 'SUMMA PROJEKTFINANSIERING' was found in the financing table", file=workbook.path,
                            location=header.sheet.ref(header.row, header.label_col),
                            hint="Tillväxtverket's form ends the financing with 'SUMMA PROJEKTFINANSIERING'")
    return financiers, totals, _Table(header, last)
