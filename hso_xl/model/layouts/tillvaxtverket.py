"""Tillväxtverket's budget form: a table `KOSTNAD | År 1 | År 2 | År 3 | TOTAL` and a table `FINANSIERING`.

This is S0's table as project offices keep it (docs/workbook.md, "Tillväxtverket's form"). The
kind of each financing row comes from the section heading it stands under (`Offentlig
finansiering- kontanta medel`, `Privat finansiering - kontanta medel`, `Offentlig och privat
direktfinansiering`); `SUMMA …` and `TOTAL …` rows are the workbook's own totals and are checked;
rows with a blank label and zero amounts (the form's empty lines) are allowed; `Söks från X` names
financier X. `År 1 … År N` are calendar years from the project's start. Every label of this layout
is a constant in tillvaxtverket_form.py (with where the tables are) and nowhere else.
"""

from __future__ import annotations

from ...errors import ContractError
from ...findings import Finding, Severity, both
from ...i18n import _
from ...swedish import group
from ...settings import Settings
from ...workbook.book import Workbook
from ...workbook.refs import references
from ..budget import BOOKED, FINANCING, OFFENTLIG, PROJECT, Budget, CostLine, FinancingLine, Line, Place
from ..factsheets import FactSources
from ..sheets import Header, header_at, header_word, norm
from .common import Financier, all_zero, assemble, has_amounts, is_deducted, row_line, start_year
# the form's labels and where its tables are; recognise, complete and FORM_TABLE are this layout's too
from .tillvaxtverket_form import (BOOKED_TOTAL, COST_TOTALS, EU_FINANCIER, FINANCING_TOTAL,  # noqa: F401
                                  FINANCING_TOTALS, FIRST_SECTION, FORM_TABLE, HEADERS, PROJECT_TOTAL,
                                  TOTAL_PREFIXES, Table, complete, cost_candidates, cost_tables, financing_tables,
                                  is_heading_word, recognise, section_of)

NAME = "tillvaxtverket"
TITLE = _("Tillväxtverket's budget form ({costs} and {financing} tables)", costs="KOSTNAD", financing="FINANSIERING")

def read(workbook: Workbook, facts: FactSources, settings: Settings) -> Budget:
    """Return the Budget of a workbook in Tillväxtverket's form, or raise ContractError saying what is wrong."""
    findings: list[Finding] = []
    first_year, year_source = start_year(facts, settings)
    candidates = cost_candidates(workbook, settings.budget_sheet)
    sheet, row, col = _one(workbook, candidates, "costs")
    costs_header = header_at(workbook, sheet, row, col, with_years=True, start_year=first_year)
    if costs_header.relative and first_year is None:
        findings.append(Finding(
            Severity.WARNING, "years.relative",
            _("the year columns are {first} … {last} and the workbook does not say which calendar year År 1 is, so "
              "documents print 'År 1' …; add '{start}' (a date) to a Projekt sheet, '{start_year}' to Parametrar, or "
              "parameters.first_year to hso.toml", first=costs_header.years[0], last=costs_header.years[-1],
              start="Projektstart", start_year="Startår"),
            sheet.ref(costs_header.row, costs_header.year_cols[0])))
    elif costs_header.relative:
        findings.append(Finding(Severity.INFO, "years.from_start",
                                _("År 1 is {year} (from {source})", year=first_year, source=year_source),
                                sheet.ref(costs_header.row, costs_header.year_cols[0])))
    costs, direct, totals, cost_table = _read_costs(workbook, costs_header, findings)
    financing_header = _financing_header(workbook, settings, costs_header, cost_table, first_year)
    financing, fin_totals, fin_table = _read_financing(workbook, financing_header, findings)
    totals.update(fin_totals)
    places = [_place(cost_table, "costs"), _place(fin_table, "financing")]
    return assemble(workbook, facts, settings, layout=NAME, years=costs_header.years, costs=costs, direct=direct,
                    financing=financing, totals=totals, places=places, findings=findings,
                    eu_hint=_("Tillväxtverket's form names the EU financier '{name}'", name=EU_FINANCIER))


def _one(workbook: Workbook, candidates: list, table: str):
    """The one cost table (`table` "costs") or financing table ("financing") among `candidates`."""
    costs = table == "costs"
    label = "KOSTNAD" if costs else "FINANSIERING"
    if not candidates:
        raise ContractError(_("no cost table ('{label}') was found", label=label) if costs else
                            _("no financing table ('{label}') was found", label=label), file=workbook.path,
                            hint=_("Tillväxtverket's form has a header '{header}' with År 1, År 2 … columns and a row "
                                   "'{total}' (docs/workbook.md)", header="KOSTNAD", total=BOOKED_TOTAL))
    if len(candidates) > 1:
        places = both(sheet.ref(r, c) for sheet, r, c in candidates)
        raise ContractError(_("two tables could be the cost table ('{label}'): {places}", label=label, places=places)
                            if costs else
                            _("two tables could be the financing table ('{label}'): {places}", label=label,
                              places=places), file=workbook.path,
                            location=candidates[0][0].ref(candidates[0][1], candidates[0][2]),
                            hint=_("Remove or rename the other one, or name the budget's sheet in hso.toml "
                                   "(budget_sheet = \"…\")"))
    return candidates[0]


def _place(table: Table, what: str) -> Place:
    header = table.header
    sheet = header.sheet
    last_col = max([*header.year_cols, header.total_col or 0, header.label_col])
    first = sheet.ref(header.top or header.row, header.label_col).split("!")[-1]
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
    line = row_line(Line, workbook, header, row, _("(row without a label)"))
    if not all_zero(line):
        raise ContractError(_("this row has amounts but no label"), file=workbook.path,
                            location=header.sheet.ref(row, header.label_col),
                            hint=_("Write what the amounts are in the label column, or delete them"))


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
    for role, label in ((BOOKED, BOOKED_TOTAL), (PROJECT, PROJECT_TOTAL)):
        if role not in totals:
            raise ContractError(_("no row '{label}' was found in the cost table", label=label), file=workbook.path,
                                location=header.sheet.ref(header.row, header.label_col),
                                hint=_("Tillväxtverket's form ends the costs with '{booked}', then the direct "
                                       "financing and '{project}'", booked=BOOKED_TOTAL, project=PROJECT_TOTAL))
    if not costs:
        raise ContractError(_("the cost table has no cost rows"), file=workbook.path,
                            location=header.sheet.ref(header.row, header.label_col),
                            hint=_("List the cost categories between '{header}' and '{booked}'", header="KOSTNAD",
                                   booked=BOOKED_TOTAL))
    return costs, direct, totals, Table(header, last)


def _financing_header(workbook: Workbook, settings: Settings, costs: Header, cost_table: Table,
                      first_year: int | None) -> Header:
    """The FINANCING header: below the costs on the same sheet, or on another sheet."""
    cost_sheets = {s.name for s, _r, _c in cost_tables(workbook, None)} - {costs.sheet.name}
    candidates = financing_tables(workbook, (costs.sheet, costs.row, costs.label_col), cost_sheets,
                                   below_row=cost_table.last_row)
    sheet, row, col = _one(workbook, candidates, "financing")
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
            _("the years of the financing table ({financing}) differ from the cost table's ({costs})",
              financing=f"{header.years[0]}–{header.years[-1]}", costs=f"{costs.years[0]}–{costs.years[-1]}"),
            file=workbook.path, location=sheet.ref(row, header.year_cols[0]),
            hint=_("Give both tables the same year columns"))
    return header


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
                raise ContractError(_("the section heading '{label}' has amounts", label=label), file=workbook.path,
                                    location=line.cells[0], hint=_("Put the amounts on a row of their own below it"))
            continue
        if key.startswith(TOTAL_PREFIXES):
            continue
        if not has_amounts(header, row):
            if is_heading_word(key):  # a heading hso-xl cannot place: never file the rows below it by guess
                raise ContractError(
                    _("'{label}' looks like a section heading but does not say whether the rows below it are cash or "
                      "in kind, public or private", label=label), file=workbook.path,
                    location=header.sheet.ref(row, header.label_col),
                    hint=_("Write the heading as the form does: '{public}', '{private}' or '{direct}'",
                           public=FIRST_SECTION, private="Privat finansiering - kontanta medel",
                           direct="Offentlig och privat direktfinansiering"))
            continue
        if section is None:
            raise ContractError(
                _("'{label}' stands above every section heading, so its kind (public or private, cash or in kind) "
                  "is not known", label=label), file=workbook.path, location=header.sheet.ref(row, header.label_col),
                hint=_("Put it under a heading such as '{heading}'", heading=FIRST_SECTION))
        sector, kind = section
        line = row_line(FinancingLine, workbook, header, row, label, sector=sector or OFFENTLIG, kind=kind)
        financiers.append(Financier(line, sector_given=sector is not None))
    if FINANCING not in totals:
        raise ContractError(_("no row '{label}' was found in the financing table", label=FINANCING_TOTAL),
                            file=workbook.path, location=header.sheet.ref(header.row, header.label_col),
                            hint=_("Tillväxtverket's form ends the financing with '{label}'", label=FINANCING_TOTAL))
    _below_total(workbook, header, last, totals, findings)
    return financiers, totals, Table(header, last)


def _below_total(workbook: Workbook, header: Header, total_row: int, totals: dict[str, Line],
                 findings: list[Finding]) -> None:
    """A row with amounts below 'SUMMA PROJEKTFINANSIERING' stands outside every section of the form.

    When a total of the table adds it (the office widened the sums), the reading stops naming the
    row and its amounts: whether it is public or private, cash or in kind is not known. Otherwise
    it is not read, with a warning naming it.
    """
    sheet = header.sheet
    read = {ref for line in totals.values() for cell in line.cells for ref in _formula_reads(workbook, cell)}
    stops = {header_word(h) for h in HEADERS}
    for row, label in _rows(header):
        if row <= total_row or label is None or not has_amounts(header, row):
            continue
        if header_word(label) in stops:
            return  # another table begins below this one
        line = row_line(Line, workbook, header, row, label)
        amounts = " / ".join(f"{group(a)} kr" for a in line.amounts)
        if any((sheet.name, row, col) in read for col in header.year_cols):
            raise ContractError(
                _("'{label}' ({amounts}) stands below '{total}', outside the form's sections, and the totals add it; "
                  "whether it is public or private, cash or in kind is not known", label=label, amounts=amounts,
                  total=FINANCING_TOTAL),
                file=workbook.path, location=line.label_cell,
                hint=_("Move the row into its section above the sums (for a private financier under '{private}') "
                       "and let the sums read it there", private="Privat finansiering - kontanta medel"))
        findings.append(Finding(Severity.WARNING, "financing.below_total_unread",
                                _("'{label}' ({amounts}) stands below '{total}', outside the form's sections, so it is "
                                  "not read as a financier; move it into its section, or delete it", label=label,
                                  amounts=amounts, total=FINANCING_TOTAL), line.label_cell))


def _formula_reads(workbook: Workbook, ref: str) -> set[tuple[str, int, int]]:
    """(sheet, row, col) of each cell the formula in `ref` reads (none for a typed-in value)."""
    from ...workbook.cellnames import coordinate_to_tuple

    sheet, coordinate = ref.rpartition("!")[::2]
    sheet = sheet.strip("'").replace("''", "'")
    cell = workbook.sheet(sheet).get(*coordinate_to_tuple(coordinate))
    if cell is None or not cell.formula:
        return set()
    return {(r.sheet, r.row, r.col) for r in references(cell.formula, sheet, workbook)}
