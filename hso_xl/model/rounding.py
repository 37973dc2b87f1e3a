"""Round the budget for print so that every printed table adds up, down and across.

The rule (docs/workbook.md, "Printed rounding"):
1. Each year's total is rounded to whole kronor (halves away from zero, as Excel's ROUND).
2. Each row's amount for the year is rounded the same way. If the rounded rows do not add up to the
   rounded total, one row absorbs the difference: the row named in Parametrar ("Avrundning kostnader",
   "Avrundning finansiering"), or else the row with the largest amount that year.
3. A row's printed total is the sum of its printed years, and the grand total the sum of the printed
   year totals, so the printed table adds up across as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..i18n import Message, _
from ..swedish import whole_kronor
from .budget import Budget, Line
from .sheets import norm

HALF_ORE = Decimal("0.005")
# The printed tables by name, as messages say them (the name itself is a key: "costs", ...).
TABLE_TITLES = {"costs": _("costs"), "direct costs": _("direct costs"), "cash financing": _("cash financing"),
                "in-kind financing": _("in-kind financing")}


@dataclass(frozen=True)
class PrintedRow:
    line: Line
    printed: tuple[int, ...]
    sign: int = 1  # -1 for a deducted row (Projektintäkter)

    @property
    def total(self) -> int:
        return sum(self.printed)


@dataclass(frozen=True)
class Adjustment:
    year: int
    label: str
    cell: str
    exact: Decimal
    printed: int
    table: str


@dataclass(frozen=True)
class PrintedTable:
    name: str
    rows: tuple[PrintedRow, ...]
    totals: tuple[int, ...]
    adjustments: tuple[Adjustment, ...]

    @property
    def grand_total(self) -> int:
        return sum(self.totals)

    @property
    def title(self) -> Message | str:
        """The table's name in the reader's language ('kontant finansiering')."""
        return TABLE_TITLES.get(self.name, self.name)

    def row(self, label: str) -> PrintedRow:
        key = norm(label)
        return next(r for r in self.rows if norm(r.line.label) == key)


def round_table(
    name: str,
    years: tuple[int, ...],
    lines: list[Line],
    anchors: list[Decimal],
    absorber: str | None,
    signs: list[int] | None = None,
) -> PrintedTable:
    """Return the printed table of `lines` whose printed rows add up to the rounded `anchors`."""
    signs = signs or [1] * len(lines)
    printed = [[whole_kronor(a) for a in line.amounts] for line in lines]
    totals = []
    adjustments = []
    for i, year in enumerate(years):
        target = whole_kronor(anchors[i])
        diff = target - sum(s * p[i] for s, p in zip(signs, printed))
        if diff and lines:
            k = _absorbing_row(lines, i, absorber)
            printed[k][i] += signs[k] * diff
            line = lines[k]
            adjustments.append(Adjustment(year, line.label, line.cells[i], line.amounts[i], printed[k][i], name))
        totals.append(target)
    rows = tuple(PrintedRow(line, tuple(p), s) for line, p, s in zip(lines, printed, signs))
    return PrintedTable(name, rows, tuple(totals), tuple(adjustments))


def _absorbing_row(lines: list[Line], i: int, absorber: str | None) -> int:
    if absorber:
        key = norm(absorber)
        for k, line in enumerate(lines):
            if norm(line.label) == key:
                return k
    return max(range(len(lines)), key=lambda k: abs(lines[k].amounts[i]))


@dataclass(frozen=True)
class PrintedBudget:
    costs: PrintedTable
    direct_costs: PrintedTable
    cash: PrintedTable
    in_kind: PrintedTable

    @property
    def booked_totals(self) -> tuple[int, ...]:
        return self.costs.totals

    @property
    def project_totals(self) -> tuple[int, ...]:
        return tuple(a + b for a, b in zip(self.costs.totals, self.direct_costs.totals))

    @property
    def financing_totals(self) -> tuple[int, ...]:
        return tuple(a + b for a, b in zip(self.cash.totals, self.in_kind.totals))

    @property
    def tables(self) -> tuple[PrintedTable, ...]:
        return (self.costs, self.direct_costs, self.cash, self.in_kind)


def printed_budget(budget: Budget, cost_absorber: str | None, financing_absorber: str | None) -> PrintedBudget:
    """Return the budget's four printed tables; financing is anchored to cost where they balance."""
    n = range(len(budget.years))
    booked = [budget.booked_cost(i) for i in n]
    direct = [budget.direct_cost(i) for i in n]
    cash = [_anchor(budget.cash_financing(i), booked[i]) for i in n]
    in_kind = [_anchor(budget.in_kind_financing(i), direct[i]) for i in n]
    return PrintedBudget(
        costs=round_table("costs", budget.years, budget.costs, booked, cost_absorber,
                          [-1 if c.deducted else 1 for c in budget.costs]),
        direct_costs=round_table("direct costs", budget.years, budget.direct_costs, direct, None),
        cash=round_table("cash financing", budget.years, budget.cash_lines, cash, financing_absorber),
        in_kind=round_table("in-kind financing", budget.years, budget.in_kind_lines, in_kind, None),
    )


def _anchor(own: Decimal, cost: Decimal) -> Decimal:
    """Print financing against the cost it covers when the two agree to the öre."""
    return cost if abs(own - cost) < HALF_ORE else own
