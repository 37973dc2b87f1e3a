"""Totals a workbook states as decided: a row's total typed in, or a round amount its years split by formula.

A municipality decides 1 000 000 kr and the workbook splits it `=$G8/3` per year: the exact years
are 333 333,33 each, and rounding each year on its own would print 999 999 kr as the total, a sum
nobody decided. The decided amount is found here; model/rounding.py prints it as the total and lets
the years absorb the rounding (docs/workbook.md, "Printed rounding").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..workbook.book import Cell, Workbook, ref
from ..workbook.cellnames import coordinate_to_tuple
from ..workbook.refs import references
from .budget import Budget, Line
from .sheets import to_decimal

HALF_ORE = Decimal("0.005")
ROUNDING_PER_YEAR = Decimal("0.5")  # a year typed in whole kronor from an exact figure is off by at most this


@dataclass(frozen=True)
class Decided:
    total: Decimal  # in kronor
    cell: str  # where the amount is typed
    split: bool  # True: the years are formulas dividing it; False: it is the row's Totalt, typed in


def decided_totals(workbook: Workbook, budget: Budget) -> dict[str, Decided]:
    """Return {a row's label cell: its decided total} for every row of the budget that states one."""
    out: dict[str, Decided] = {}
    for line in [*budget.costs, *budget.direct_costs, *budget.financing]:
        decided = _split_total(workbook, line) or typed_total(workbook, line)
        if decided is not None:
            out[line.label_cell] = decided
    return out


def typed_total(workbook: Workbook, line: Line) -> Decided | None:
    """The row's Totalt when it is a number typed in (no formula) that its years add up to, exactly or but for the
    rounding of years with öre, else None."""
    cell = _cell(workbook, line.total_cell) if line.total_cell else None
    if cell is None or cell.formula is not None or not _number(cell.value):
        return None
    total = to_decimal(cell.value) * line.unit
    if abs(total - line.total) < HALF_ORE:
        return Decided(total, line.total_cell, split=False)
    if all(a == a.to_integral_value() for a in line.amounts) or \
            abs(total - line.total) > ROUNDING_PER_YEAR * len(line.amounts):
        return None  # whole-krona years that do not add up to it: no rounding to absorb (checks_totals.py says so)
    return Decided(total, line.total_cell, split=False)


def _split_total(workbook: Workbook, line: Line) -> Decided | None:
    """The typed-in amount every year's formula reads and the exact years add up to (`=$G8/3`), else None."""
    cells = [_cell(workbook, c) for c in line.cells]
    if not cells or any(c is None or c.formula is None for c in cells):
        return None
    common: set | None = None
    for reference, cell in zip(line.cells, cells):
        sheet = reference.rpartition("!")[0].strip("'").replace("''", "'")
        read = set(references(cell.formula, sheet, workbook))
        common = read if common is None else common & read
    found = []
    for target in sorted(common or ()):
        source = workbook.sheet(target.sheet).get(target.row, target.col)
        if source is None or source.formula is not None or not _number(source.value) or source.value == 0:
            continue
        total = to_decimal(source.value) * line.unit
        if abs(total - line.total) < HALF_ORE:
            found.append(Decided(total, ref(target.sheet, target.row, target.col), split=True))
    return found[0] if len(found) == 1 else None


def _cell(workbook: Workbook, reference: str) -> Cell | None:
    sheet, _bang, coordinate = reference.rpartition("!")
    return workbook.sheet(sheet.strip("'").replace("''", "'")).get(*coordinate_to_tuple(coordinate))


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
