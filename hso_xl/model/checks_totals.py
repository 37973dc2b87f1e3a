"""The checks of the workbook's own totals and of the balance between financing and cost.

One cause gives one finding: a row left out of a SUM is reported once, with the row and the formula
to widen, and the differences it causes further down (a financing plan short by the same amount) are
told in that finding, not repeated as errors of their own. The small helpers that say amounts and
cells are here too; checks_eu.py and checks.py use them.
"""

from __future__ import annotations

from decimal import Decimal

from ..findings import Finding, Severity, joined
from ..i18n import Message, _, n_
from ..swedish import group
from ..workbook.book import Workbook
from ..workbook.refs import CellRef, references
from .budget import BOOKED, CASH, DIRECT, FINANCING, IN_KIND, PRIVATE_CASH, PROJECT, PUBLIC_CASH, Budget, Line
from .decided import typed_total
from .rounding import HALF_ORE
from .sheets import to_decimal

ROUNDING_PER_ROW = Decimal("0.5")  # a row typed in whole kronor from an exact figure is off by at most this


def kr(value: Decimal) -> str:
    return f"{group(value, 2)} kr"


def kr0(value: Decimal) -> str:
    return f"{group(value)} kr"


def cell_ref(text: str) -> CellRef:
    from ..workbook.cellnames import coordinate_to_tuple

    sheet, coordinate = text.rpartition("!")[::2]
    row, col = coordinate_to_tuple(coordinate)
    return CellRef(sheet.strip("'").replace("''", "'"), row, col)


def formula_of(workbook: Workbook, ref: str) -> str | None:
    """The cell's formula, or None when the amount is typed in."""
    target = cell_ref(ref)
    cell = workbook.sheet(target.sheet).get(target.row, target.col)
    return cell.formula if cell is not None and cell.formula else None


def shown_formula(workbook: Workbook, ref: str) -> Message | str:
    return formula_of(workbook, ref) or _("(typed in)")


def span(line: Line, years: list[int]) -> str:
    first, last = line.cells[years[0]], line.cells[years[-1]]
    return first if first == last else f"{first}:{last.rpartition('!')[2]}"


def _expected(budget: Budget) -> dict[str, tuple[list[Decimal], list[Line]]]:
    """Each total role -> (what its rows add up to per year, the rows it should cover)."""
    n = range(len(budget.years))
    public = [f for f in budget.cash_lines if f.sector == "offentlig"]
    private = [f for f in budget.cash_lines if f.sector == "privat"]
    return {
        BOOKED: ([budget.booked_cost(i) for i in n], list(budget.costs)),
        DIRECT: ([budget.direct_cost(i) for i in n], list(budget.direct_costs)),
        PROJECT: ([budget.project_cost(i) for i in n], [*budget.costs, *budget.direct_costs]),
        CASH: ([budget.cash_financing(i) for i in n], budget.cash_lines),
        PUBLIC_CASH: ([sum((f.amounts[i] for f in public), Decimal(0)) for i in n], public),
        PRIVATE_CASH: ([sum((f.amounts[i] for f in private), Decimal(0)) for i in n], private),
        IN_KIND: ([budget.in_kind_financing(i) for i in n], budget.in_kind_lines),
        FINANCING: ([budget.total_financing(i) for i in n], budget.financing),
    }


def workbook_totals(budget: Budget, workbook: Workbook | None):
    """Compare the workbook's own total rows with what their rows add up to; one finding per total row.

    Returns the findings and, per year, the difference they explain (so the balance check does not
    report the same cause again).
    """
    findings: list[Finding] = []
    explained = [Decimal(0)] * len(budget.years)
    expected = _expected(budget)
    for role, line in budget.workbook_totals.items():
        ours, rows = expected[role]
        wrong = [i for i, (shown, exact) in enumerate(zip(line.amounts, ours)) if abs(shown - exact) >= HALF_ORE]
        if not wrong:
            continue
        if all(abs(line.amounts[i] - ours[i]) <= _tolerance(budget, i, rows) for i in wrong):
            years = joined(_("{year} {shown} (its rows {rows})", year=budget.years[i], shown=kr(line.amounts[i]),
                             rows=kr(ours[i])) for i in wrong)
            findings.append(Finding(
                Severity.WARNING, "workbook.total_rounding",
                _("'{label}' differs from its rows by what rounding of the typed-in amounts explains: {years}; the "
                  "documents print the sum of the rows", label=line.label, years=years), line.cells[wrong[0]]))
            continue
        if role == PROJECT and all(abs((line.amounts[i] - ours[i]) - explained[i]) < HALF_ORE for i in wrong):
            continue  # the project total follows from a booked total already reported
        left_out = _rows_left_out(workbook, line, rows, wrong) if workbook is not None else []
        years = joined(_("{year} {shown} where its rows add up to {rows}", year=budget.years[i],
                         shown=kr(line.amounts[i]), rows=kr(ours[i])) for i in wrong)
        if left_out:
            names = "; ".join(f"'{r.label}' ({' / '.join(kr0(a) for a in r.amounts)})" for r in left_out)
            what = n_("'{label}' leaves out {names}: {years}. Widen the formula {formula} in {cells} to include it",
                      "'{label}' leaves out {names}: {years}. Widen the formula {formula} in {cells} to include them",
                      len(left_out), label=line.label, names=names, years=years,
                      formula=shown_formula(workbook, line.cells[wrong[0]]), cells=span(line, wrong))
        else:
            what = _("'{label}' is {years}: is a row outside the SUM range, or the total typed in? Make {cells} add up "
                     "all rows of its table", label=line.label, years=years, cells=span(line, wrong))
        if role == BOOKED:
            for i in wrong:
                explained[i] = line.amounts[i] - ours[i]
            what = _("{what}; as long as it is wrong, the financing plan, which balances against it, is off by the "
                     "same amount", what=what)
        details = {"rows_left_out": [r.label for r in left_out], "cells": [line.cells[i] for i in wrong]}
        findings.append(Finding(Severity.ERROR, "workbook.total", what, line.cells[wrong[0]], details))
    return findings, explained


def row_totals(budget: Budget, workbook: Workbook | None):
    """A row's own total (its Totalt cell) that differs from its years: the documents print the sum of the years."""
    if workbook is None:
        return
    for line in [*budget.costs, *budget.direct_costs, *budget.financing]:
        if not line.total_cell:
            continue
        target = cell_ref(line.total_cell)
        cell = workbook.sheet(target.sheet).get(target.row, target.col)
        value = cell.value if cell is not None else None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        shown = to_decimal(value) * line.unit
        diff = shown - line.total
        if abs(diff) < HALF_ORE:
            continue
        if cell.formula is None and typed_total(workbook, line) is not None:
            continue  # a decided total: the documents print it (rounding.py), and a note says which year absorbs
        beyond = abs(diff) > ROUNDING_PER_ROW * len(budget.years)
        if cell.formula is None and (beyond or getattr(line, "municipality", None) is not None):
            # a typed total the years do not add up to: a document cannot print both, least of all a decision
            yield Finding(Severity.ERROR, "workbook.typed_total",
                          _("'{label}' has {shown} typed in as its total, but its years add up to {years}; a "
                            "document cannot print both. Correct the total or the years", label=line.label,
                            shown=kr(shown), years=kr(line.total)), line.total_cell)
            continue
        if abs(diff) <= ROUNDING_PER_ROW * len(budget.years):
            message = _("'{label}' has {shown} as its total, but its years add up to {years}; rounding of the "
                        "typed-in years explains it. The documents print the sum of the years", label=line.label,
                        shown=kr(shown), years=kr(line.total))
        else:
            message = _("'{label}' has {shown} as its total, but its years add up to {years}; correct the total or "
                        "the years. The documents print the sum of the years", label=line.label, shown=kr(shown),
                        years=kr(line.total))
        yield Finding(Severity.WARNING, "workbook.row_total", message, line.total_cell)


def _rows_left_out(workbook: Workbook, total: Line, rows: list[Line], years: list[int]) -> list[Line]:
    """Return the non-zero rows whose cell the total's formula does not read (in the first wrong year)."""
    i = years[0]
    sheet, coordinate = total.cells[i].rpartition("!")[::2]
    target = next((s for s in workbook.sheets if _same_sheet(s.name, sheet)), None)
    if target is None:
        return []
    cell = next((c for c in target.cells.values() if c.coordinate == coordinate), None)
    if cell is None or cell.formula is None:
        return []
    read = _reads(workbook, cell.formula, target.name, depth=0)
    return [row for row in rows if row.amounts[i] != 0 and cell_ref(row.cells[i]) not in read]


def _reads(workbook: Workbook, formula: str, sheet: str, depth: int) -> set[CellRef]:
    """Every cell a formula reads, through other formulas' cells too (a total of subtotals)."""
    out: set[CellRef] = set()
    for ref in references(formula, sheet, workbook):
        out.add(ref)
        source = workbook.sheet(ref.sheet).get(ref.row, ref.col)
        if source is not None and source.formula and depth < 3:
            out |= _reads(workbook, source.formula, ref.sheet, depth + 1)
    return out


def _same_sheet(name: str, quoted: str) -> bool:
    return name == quoted.strip("'").replace("''", "'")


def _tolerance(budget: Budget, i: int, lines) -> Decimal:
    """What rounding of typed-in rows can explain: half a krona per row with an amount that year."""
    return ROUNDING_PER_ROW * sum(1 for line in lines if line.amounts[i] != 0)


def balance(budget: Budget, explained: list[Decimal]):
    last = len(budget.years) - 1
    for i, year in enumerate(budget.years):
        pairs = (
            (True, _("cash financing"), budget.cash_financing(i), _("booked cost"), budget.booked_cost(i),
             [*budget.cash_lines, *budget.costs]),
            (False, _("in-kind financing"), budget.in_kind_financing(i), _("direct financing cost"),
             budget.direct_cost(i), [*budget.in_kind_lines, *budget.direct_costs]),
        )
        for cash, what, have, of, need, lines in pairs:
            diff = have - need
            if abs(diff) < HALF_ORE or (cash and abs(diff - explained[i]) < HALF_ORE and explained[i] != 0):
                continue
            figures = {"year": year, "what": what, "have": kr(have), "of": of, "need": kr(need), "diff": kr(diff)}
            if abs(diff) <= _tolerance(budget, i, lines):
                yield Finding(Severity.WARNING, "balance.rounding",
                              _("{year}: {what} {have} differs from {of} {need} by {diff}, which rounding of the "
                                "typed-in amounts explains; the documents print both as the workbook gives them. Let "
                                "one row absorb it (a formula such as the EU row's = cost − the others)", **figures),
                              _total_cell(budget, FINANCING, i))
                continue
            suspects = [line.label for line in lines if abs(line.amounts[i] - abs(diff)) < HALF_ORE]
            if suspects:
                message = _("{year}: {what} {have} does not equal {of} {need} (difference {diff}); a row of exactly "
                            "that amount: {rows} (counted twice, or missing on one side?)", rows=", ".join(suspects),
                            **figures)
            else:
                message = _("{year}: {what} {have} does not equal {of} {need} (difference {diff}); check the rows "
                            "typed in last on both sides", **figures)
            yield Finding(
                Severity.ERROR, "balance.year", message,
                _total_cell(budget, FINANCING, i),
                {"difference": str(diff), "suspects": suspects},
            )
    financing = budget.over_period(budget.total_financing)
    cost = budget.total_project_cost
    diff = financing - cost
    if abs(diff) >= HALF_ORE and abs(diff - sum(explained, Decimal(0))) >= HALF_ORE:
        lines = [*budget.financing, *budget.costs, *budget.direct_costs]
        tolerance = sum((_tolerance(budget, i, lines) for i in range(len(budget.years))), Decimal(0))
        if abs(diff) > tolerance:
            span = f"{budget.years[0]}–{budget.years[last]}"
            yield Finding(Severity.ERROR, "balance.total",
                          _("{span}: total financing {financing} does not equal total project cost {cost} "
                            "(difference {diff})", span=span, financing=kr(financing), cost=kr(cost),
                            diff=kr(diff)), _total_cell(budget, FINANCING, last))


def _total_cell(budget: Budget, role: str, i: int) -> str | None:
    line = budget.workbook_totals.get(role)
    return line.cells[i] if line else None
