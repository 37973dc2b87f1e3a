"""Check that the budget holds together: balance, EU cap, signs, municipalities, the workbook's totals."""

from __future__ import annotations

from decimal import Decimal

from ..findings import Finding, Severity
from ..swedish import group, percent, whole_kronor
from .budget import Budget
from .dates import looks_like_date
from .contract import (BOOKED_TOTAL, COST_ROUNDING, DIRECT_TOTAL, FINANCING_ROUNDING, FINANCING_TOTAL, PROJECT_TOTAL)
from .rounding import HALF_ORE, PrintedBudget
from .sheets import norm


def check_budget(budget: Budget, printed: PrintedBudget) -> list[Finding]:
    """Return every finding about `budget`; errors mean no document may be produced from it."""
    return [
        *_negative_amounts(budget),
        *_empty_amounts(budget),
        *_workbook_totals(budget),
        *_balance(budget),
        *_eu_cap(budget),
        *_municipalities(budget),
        *_rounding(budget, printed),
        *_dates_typed_as_text(budget),
    ]


def _kr(value: Decimal) -> str:
    return f"{group(value, 2)} kr"


def _negative_amounts(budget: Budget):
    for line in [*budget.costs, *budget.direct_costs, *budget.financing]:
        for year, value, cell in zip(budget.years, line.amounts, line.cells):
            if value < 0:
                yield Finding(Severity.ERROR, "amount.negative",
                              f"'{line.label}' {year} is negative ({_kr(value)}); amounts must be 0 or more", cell)


def _dates_typed_as_text(budget: Budget):
    for fact in budget.project.values():
        if fact.typed is not None:
            yield Finding(Severity.WARNING, "date.text",
                          f"'{fact.label}' is a date typed as text ('{fact.typed.strip()}'); it is read as "
                          f"{fact.value:%Y-%m-%d}. Format the cell as a date so that Excel sees it as one", fact.cell)
        elif isinstance(fact.value, str) and looks_like_date(fact.value):
            yield Finding(Severity.ERROR, "date.ambiguous",
                          f"'{fact.label}' holds '{fact.value.strip()}', text that looks like a date but cannot be "
                          "read as one day for certain (31/12 or 12/31? a day that does not exist?); type it as a "
                          "date in Excel, or as text in the form 2029-12-31",
                          fact.cell)


def _empty_amounts(budget: Budget):
    for line in [*budget.costs, *budget.direct_costs, *budget.financing]:
        for cell in line.empty_cells:
            yield Finding(Severity.WARNING, "amount.empty",
                          f"'{line.label}' has an empty amount, counted as 0; type 0 if that is meant", cell)


def _workbook_totals(budget: Budget):
    """Compare the workbook's own total rows and Totalt column with what their rows add up to."""
    n = range(len(budget.years))
    expected = {
        norm(BOOKED_TOTAL): [budget.booked_cost(i) for i in n],
        norm(DIRECT_TOTAL): [budget.direct_cost(i) for i in n],
        norm(PROJECT_TOTAL): [budget.project_cost(i) for i in n],
        norm(FINANCING_TOTAL): [budget.total_financing(i) for i in n],
    }
    for key, line in budget.workbook_totals.items():
        for year, shown, ours, cell in zip(budget.years, line.amounts, expected[key], line.cells):
            if abs(shown - ours) >= HALF_ORE:
                yield Finding(
                    Severity.ERROR, "workbook.total",
                    f"'{line.label}' {year} is {_kr(shown)} in the workbook, but its rows add up to {_kr(ours)}: "
                    "is a row outside the SUM range?",
                    cell,
                )


def _balance(budget: Budget):
    last = len(budget.years) - 1
    for i, year in enumerate(budget.years):
        pairs = (
            ("cash financing", budget.cash_financing(i), "booked cost", budget.booked_cost(i)),
            ("in-kind financing", budget.in_kind_financing(i), "direct financing cost", budget.direct_cost(i)),
        )
        for what, have, of, need in pairs:
            if abs(have - need) >= HALF_ORE:
                yield Finding(
                    Severity.ERROR, "balance.year",
                    f"{year}: {what} {_kr(have)} does not equal {of} {_kr(need)} (difference {_kr(have - need)})",
                    _total_cell(budget, FINANCING_TOTAL, i),
                )
    financing = budget.over_period(budget.total_financing)
    cost = budget.total_project_cost
    if abs(financing - cost) >= HALF_ORE:
        span = f"{budget.years[0]}–{budget.years[last]}"
        yield Finding(Severity.ERROR, "balance.total",
                      f"{span}: total financing {_kr(financing)} does not equal total project cost {_kr(cost)}",
                      _total_cell(budget, FINANCING_TOTAL, last))


def _total_cell(budget: Budget, label: str, i: int) -> str | None:
    line = budget.workbook_totals.get(norm(label))
    return line.cells[i] if line else None


def _eu_cap(budget: Budget):
    cap_amount = budget.eu_cap * budget.total_project_cost
    eu = budget.eu_total
    names = ", ".join(line.label for line in budget.eu_lines)
    cell = budget.eu_lines[0].total_cell or budget.eu_lines[0].label_cell
    if eu > cap_amount:
        yield Finding(
            Severity.ERROR, "eu.cap",
            f"EU support ({names}) is {_kr(eu)}, {percent(budget.eu_rate, 2)} of the total project cost "
            f"{_kr(budget.total_project_cost)}; the cap is {percent(budget.eu_cap)} = {_kr(cap_amount)}",
            cell,
        )
    for line in budget.eu_lines:
        if line.kind != "kontant":
            yield Finding(Severity.ERROR, "eu.kind", f"EU support '{line.label}' must be cash (kontant)", line.label_cell)


def _municipalities(budget: Budget):
    for m in budget.municipalities:
        if budget.municipality_line(m) is None:
            yield Finding(Severity.ERROR, "municipality.no_financing",
                          f"the municipality '{m.official_name}' has no cash financing row in the financing plan "
                          "(names must match exactly, e.g. 'Sundsvalls kommun')", m.row_cell)
    for line in budget.cash_lines:
        if line.municipality is None and norm(line.label).endswith(" kommun"):
            yield Finding(Severity.ERROR, "municipality.no_facts",
                          f"the financier '{line.label}' looks like a municipality but has no row in the Kommuner sheet",
                          line.label_cell)


def _rounding(budget: Budget, printed: PrintedBudget):
    configured = {
        "costs": (COST_ROUNDING, budget.parameters.get(norm(COST_ROUNDING))),
        "cash financing": (FINANCING_ROUNDING, budget.parameters.get(norm(FINANCING_ROUNDING))),
    }
    for table in printed.tables:
        label, fact = configured.get(table.name, (None, None))
        if fact is not None and fact.value and not any(norm(r.line.label) == norm(fact.value) for r in table.rows):
            yield Finding(Severity.WARNING, "rounding.row_missing",
                          f"'{label}' names '{fact.value}', which is not a row of the {table.name} table; "
                          "the largest row absorbs rounding instead", fact.cell)
        for adj in table.adjustments:
            yield Finding(
                Severity.INFO, "rounding.adjusted",
                f"{adj.year}: '{adj.label}' is printed as {group(adj.printed)} (exact {group(adj.exact, 2)}) so that "
                f"the printed {table.name} add up to the printed total",
                adj.cell,
            )
        for row in table.rows:
            rounded_total = whole_kronor(row.line.total)
            if row.total != rounded_total:
                yield Finding(
                    Severity.INFO, "rounding.row_total",
                    f"'{row.line.label}' total is printed as {group(row.total)}, the sum of its printed years "
                    f"(the exact total {group(row.line.total, 2)} would round to {group(rounded_total)})",
                    row.line.total_cell or row.line.label_cell,
                )
