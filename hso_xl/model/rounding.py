"""Round the budget for print so that every printed table adds up, down and across.

The rule (docs/workbook.md, "Printed rounding"):
1. Each year's total is rounded to whole kronor (halves away from zero, as Excel's ROUND).
2. Each row's amount for the year is rounded the same way. If the rounded rows do not add up to the
   rounded total, one row absorbs the difference: the row named in Parametrar ("Avrundning kostnader",
   "Avrundning finansiering"), or else the row with the largest amount that year.
3. A row's printed total is the sum of its printed years, and the grand total the sum of the printed
   year totals, so the printed table adds up across as well.
4. A row whose total the workbook states as decided (model/decided.py: its Totalt typed in, or a
   round amount its years split by formula) prints that total; its years absorb the rounding (the
   year rounded furthest, the first on a tie), and the year totals are met by another row (2.).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..i18n import Message, _
from ..swedish import whole_kronor
from .budget import Budget, Line
from .decided import Decided
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
class Kept:
    """A decided total printed as it is, and the years changed so that they add up to it."""

    label: str
    decided: Decided
    printed: int
    years: tuple[Adjustment, ...]


@dataclass(frozen=True)
class PrintedTable:
    name: str
    rows: tuple[PrintedRow, ...]
    totals: tuple[int, ...]
    adjustments: tuple[Adjustment, ...]
    kept: tuple[Kept, ...] = ()

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
    decided: dict[str, Decided] | None = None,
) -> PrintedTable:
    """Return the printed table of `lines` whose printed rows add up to the rounded `anchors`.

    `decided` maps a row's label cell to the total it must print (model/decided.py).
    """
    signs = signs or [1] * len(lines)
    printed = [[whole_kronor(a) for a in line.amounts] for line in lines]
    kept = []
    for k, line in enumerate(lines):
        stated = (decided or {}).get(line.label_cell)
        if stated is not None:
            kept.append(_keep(name, years, line, printed[k], stated))
    fixed = {k for k, line in enumerate(lines) if line.label_cell in (decided or {})}
    totals = []
    adjustments = []
    for i, year in enumerate(years):
        target = whole_kronor(anchors[i])
        diff = target - sum(s * p[i] for s, p in zip(signs, printed))
        if diff and lines:
            k = _absorbing_row(lines, i, absorber, fixed)
            printed[k][i] += signs[k] * diff
            line = lines[k]
            adjustments.append(Adjustment(year, line.label, line.cells[i], line.amounts[i], printed[k][i], name))
        totals.append(target)
    rows = tuple(PrintedRow(line, tuple(p), s) for line, p, s in zip(lines, printed, signs))
    return PrintedTable(name, rows, tuple(totals), tuple(adjustments), tuple(kept))


def _keep(name: str, years, line: Line, printed: list[int], stated: Decided) -> Kept:
    """Change `printed` (the row's years) so that they add up to the decided total; return what changed."""
    target = whole_kronor(stated.total)
    diff = target - sum(printed)
    step = 1 if diff > 0 else -1
    # The year rounded furthest the other way first (333 333,33 ×3 summing to 1 000 000: the first year).
    order = sorted(range(len(years)), key=lambda i: (-step * (line.amounts[i] - printed[i]), i))
    changed = set()
    for n in range(abs(diff)):
        i = order[n % len(order)]
        printed[i] += step
        changed.add(i)
    return Kept(line.label, stated, target, tuple(Adjustment(years[i], line.label, line.cells[i], line.amounts[i],
                                                             printed[i], name) for i in sorted(changed)))


def _absorbing_row(lines: list[Line], i: int, absorber: str | None, fixed: set[int] = frozenset()) -> int:
    """The row that absorbs year i's rounding: the one named, else the largest, never one printing a decided total."""
    free = [k for k in range(len(lines)) if k not in fixed] or list(range(len(lines)))
    if absorber:
        key = norm(absorber)
        for k in free:
            if norm(lines[k].label) == key:
                return k
    return max(free, key=lambda k: abs(lines[k].amounts[i]))


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


def printed_budget(budget: Budget, cost_absorber: str | None, financing_absorber: str | None,
                   decided: dict[str, Decided] | None = None) -> PrintedBudget:
    """Return the budget's four printed tables; financing is anchored to cost where they balance.

    `decided`: the totals the workbook states (model/decided.py), printed as they are.
    """
    n = range(len(budget.years))
    booked = [budget.booked_cost(i) for i in n]
    direct = [budget.direct_cost(i) for i in n]
    cash = [_anchor(budget.cash_financing(i), booked[i]) for i in n]
    in_kind = [_anchor(budget.in_kind_financing(i), direct[i]) for i in n]
    return PrintedBudget(
        costs=round_table("costs", budget.years, budget.costs, booked, cost_absorber,
                          [-1 if c.deducted else 1 for c in budget.costs], decided),
        direct_costs=round_table("direct costs", budget.years, budget.direct_costs, direct, None, None, decided),
        cash=round_table("cash financing", budget.years, budget.cash_lines, cash, financing_absorber, None, decided),
        in_kind=round_table("in-kind financing", budget.years, budget.in_kind_lines, in_kind, None, None, decided),
    )


def _anchor(own: Decimal, cost: Decimal) -> Decimal:
    """Print financing against the cost it covers when the two agree to the öre."""
    return cost if abs(own - cost) < HALF_ORE else own
