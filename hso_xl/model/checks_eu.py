"""The check of EU support: cash only, and within its cap of the total project cost, with advice in the
administrator's terms (which financiers must cover what, or which typed-in rows the EU formula reads)."""

from __future__ import annotations

from decimal import Decimal

from ..findings import Finding, Severity, either
from ..i18n import Message, _
from ..swedish import percent, whole_kronor
from ..workbook.book import Workbook, cell_order
from ..workbook.refs import CellRef, references
from .budget import Budget
from .checks_totals import cell_ref, formula_of, kr, kr0, span


def eu_cap(budget: Budget, workbook: Workbook | None):
    if not budget.eu_lines:
        return
    for line in budget.eu_lines:
        if line.kind != "kontant":
            yield Finding(Severity.ERROR, "eu.kind", _("EU support '{label}' must be cash (kontant)", label=line.label),
                          line.label_cell)
    if budget.eu_cap is None:
        return
    cap_amount = budget.eu_cap * budget.total_project_cost
    eu = budget.eu_total
    names = ", ".join(line.label for line in budget.eu_lines)
    cell = budget.eu_lines[0].total_cell or budget.eu_lines[0].label_cell
    excess = eu - cap_amount
    if excess <= 0:
        return
    if whole_kronor(eu) <= whole_kronor(cap_amount):
        yield Finding(Severity.INFO, "eu.cap_rounding",
                      _("EU support ({names}) {eu} is {excess} above the exact {cap} of the total project cost "
                        "({allowed}), which is within whole-krona rounding", names=names, eu=kr(eu),
                        excess=kr(excess), cap=percent(budget.eu_cap), allowed=kr(cap_amount)), cell)
        return
    over = Decimal(whole_kronor(excess + Decimal("0.4999")))
    advice = _eu_advice(budget, workbook, over)
    yield Finding(
        Severity.ERROR, "eu.cap",
        _("EU support ({names}) is {eu}, {rate} of the total project cost {cost}; the cap {cap} allows {allowed}, so "
          "it is {over} too much over the period. {advice}", names=names, eu=kr0(eu),
          rate=percent(budget.eu_rate, 2), cost=kr0(budget.total_project_cost), cap=percent(budget.eu_cap),
          allowed=kr0(cap_amount), over=kr0(over), advice=advice),
        cell, {"over": str(over), "cap_amount": str(cap_amount)},
    )


def _eu_advice(budget: Budget, workbook: Workbook | None, over: Decimal) -> Message:
    """What would bring EU support under the cap, in the administrator's terms."""
    eu_cells = [c for line in budget.eu_lines for c in line.cells]
    formulas = workbook is not None and all(formula_of(workbook, c) is not None for c in eu_cells)
    others = [f for f in budget.cash_lines if not f.is_eu]
    named = [f.label for f in others if f.municipality is None][:2]
    who = either([*named, _("the municipalities together")] if any(f.municipality for f in others) else named)
    who = who or _("the other financiers")
    label = budget.eu_lines[0].label
    if formulas:
        drivers = _typed_inputs(workbook, eu_cells, budget)
        if drivers:
            return _("{label}'s amount is the balancing formula (it is computed from {drivers}), so do not type over "
                     "it: {who} must cover {over} more over the period, or the costs must fall by {fall}",
                     label=label, drivers=drivers, who=who, over=kr0(over), fall=kr0(over / budget.eu_cap))
        return _("{label}'s amount is the balancing formula, so do not type over it: {who} must cover {over} more "
                 "over the period, or the costs must fall by {fall}", label=label, who=who, over=kr0(over),
                 fall=kr0(over / budget.eu_cap))
    return _("Lower {label}'s amount ({cells}) by {over} over the period and let {who} cover it", label=label,
             cells=span(budget.eu_lines[0], list(range(len(budget.years)))), over=kr0(over), who=who)


def _typed_inputs(workbook: Workbook, cells: list[str], budget: Budget) -> str:
    """Name the rows of typed-in cells the EU amount is computed from ('Budget: Personal, …; Finansiering: …')."""
    from .labels import label

    seen: set[CellRef] = set()
    inputs: list[CellRef] = []

    def walk(ref: CellRef, depth: int) -> None:
        if ref in seen or depth > 30:
            return
        seen.add(ref)
        cell = workbook.sheet(ref.sheet).get(ref.row, ref.col)
        if cell is None:
            return
        if cell.formula is None:
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                inputs.append(ref)
            return
        for child in references(cell.formula, ref.sheet, workbook):
            walk(child, depth + 1)

    for cell in cells:
        walk(cell_ref(cell), 0)
    by_sheet: dict[str, list[str]] = {}
    for ref in sorted(inputs, key=lambda r: cell_order(f"{r.sheet}!A{r.row}")):
        row_label = label(workbook, ref).split(" · ")[0]
        names = by_sheet.setdefault(ref.sheet, [])
        if row_label and row_label not in names:
            names.append(row_label)
    parts = [f"{sheet}: {', '.join(names[:6])}{' …' if len(names) > 6 else ''}" for sheet, names in by_sheet.items()]
    return "; ".join(parts)
