"""Check that the budget holds together: balance, EU cap, signs, municipalities, the workbook's own totals.

Each finding says what is wrong, where, and what to do, and one cause gives one finding: a row left
out of a SUM is reported once, with the row and the formula to widen, and the differences it
causes further down (a financing plan short by the same amount) are told in that finding, not
repeated as errors of their own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..findings import Finding, Severity, either, joined
from ..i18n import Message, _, n_
from ..swedish import group, percent, whole_kronor
from ..workbook.book import Workbook, cell_order
from ..workbook.refs import CellRef, references
from .budget import BOOKED, CASH, DIRECT, FINANCING, IN_KIND, PRIVATE_CASH, PROJECT, PUBLIC_CASH, Budget, Line
from .characters import unprintable_findings
from .dates import looks_like_date
from .decided import typed_total
from .rounding import HALF_ORE, PrintedBudget
from .sheets import is_blank, norm, to_decimal

ROUNDING_PER_ROW = Decimal("0.5")  # a row typed in whole kronor from an exact figure is off by at most this


def check_budget(budget: Budget, printed: PrintedBudget, workbook: Workbook | None = None) -> list[Finding]:
    """Return every finding about `budget`; errors mean no document may be produced from it."""
    totals, explained = _workbook_totals(budget, workbook)
    return [
        *budget.findings,
        *_negative_amounts(budget),
        *_empty_amounts(budget),
        *totals,
        *_row_totals(budget, workbook),
        *_balance(budget, explained),
        *_eu_cap(budget, workbook),
        *_municipalities(budget),
        *_rounding(budget, printed),
        *_dates_typed_as_text(budget),
        *_document_date(budget),
        *unprintable_findings(budget),
    ]


def _kr(value: Decimal) -> str:
    return f"{group(value, 2)} kr"


def _kr0(value: Decimal) -> str:
    return f"{group(value)} kr"


def _negative_amounts(budget: Budget):
    for line in [*budget.costs, *budget.direct_costs, *budget.financing]:
        for year, value, cell in zip(budget.years, line.amounts, line.cells):
            if value < 0:
                yield Finding(Severity.ERROR, "amount.negative",
                              _("'{label}' {year} is negative ({amount}); amounts must be 0 or more", label=line.label,
                                year=year, amount=_kr(value)), cell)


def _dates_typed_as_text(budget: Budget):
    facts = [*budget.project.values(), *(f for m in budget.municipalities for f in m.facts.values())]
    for fact in facts:
        if fact.typed is not None and not isinstance(fact.typed, str):
            yield Finding(Severity.WARNING, "date.number",
                          _("'{label}' holds the number {typed}, read as the date {date} (Excel's day number); format "
                            "the cell as a date so that Excel shows it as one", label=fact.label, typed=fact.typed,
                            date=f"{fact.value:%Y-%m-%d}"), fact.cell)
        elif fact.typed is not None:
            yield Finding(Severity.WARNING, "date.text",
                          _("'{label}' is a date typed as text ('{typed}'); it is read as {date}. Format the cell as a "
                            "date so that Excel sees it as one", label=fact.label, typed=fact.typed.strip(),
                            date=f"{fact.value:%Y-%m-%d}"), fact.cell)
        elif isinstance(fact.value, str) and looks_like_date(fact.value):
            yield Finding(Severity.ERROR, "date.ambiguous",
                          _("'{label}' holds '{value}', text that looks like a date but cannot be read as one day for "
                            "certain (31/12 or 12/31? a day that does not exist?); type it as a date in Excel, or as "
                            "text in the form 2029-12-31", label=fact.label, value=fact.value.strip()),
                          fact.cell)
    document_date = budget.project.get("dokumentdatum")
    if document_date is not None and not isinstance(document_date.value, (dt.date, dt.datetime)) \
            and not (isinstance(document_date.value, str) and looks_like_date(document_date.value)) \
            and not is_blank(document_date.value):
        yield Finding(Severity.WARNING, "date.unreadable",
                      _("'{label}' holds {value}, which cannot be read as a date, so the documents get the build date "
                        "instead; type it as a date (2026-01-30 or 30 januari 2026), or clear the cell",
                        label=document_date.label, value=repr(document_date.value)), document_date.cell)


def _document_date(budget: Budget):
    """A Dokumentdatum after today is printed on every document: say so, it is rarely meant."""
    fact = budget.project.get("dokumentdatum")
    value = fact.value if fact is not None else None
    day = value.date() if isinstance(value, dt.datetime) else value if isinstance(value, dt.date) else None
    if day is not None and day > dt.date.today():
        yield Finding(Severity.WARNING, "date.future",
                      _("'{label}' is {day}, later than today ({today}); every document is dated so. Correct it, or "
                        "clear it to date each document the day it changes", label=fact.label, day=day.isoformat(),
                        today=dt.date.today().isoformat()),
                      fact.cell)


def _empty_amounts(budget: Budget):
    for line in [*budget.costs, *budget.direct_costs, *budget.financing]:
        for cell in line.empty_cells:
            yield Finding(Severity.WARNING, "amount.empty",
                          _("'{label}' has an empty amount, counted as 0; type 0 if that is meant", label=line.label),
                          cell)


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


def _workbook_totals(budget: Budget, workbook: Workbook | None):
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
            years = joined(_("{year} {shown} (its rows {rows})", year=budget.years[i], shown=_kr(line.amounts[i]),
                             rows=_kr(ours[i])) for i in wrong)
            findings.append(Finding(
                Severity.WARNING, "workbook.total_rounding",
                _("'{label}' differs from its rows by what rounding of the typed-in amounts explains: {years}; the "
                  "documents print the sum of the rows", label=line.label, years=years), line.cells[wrong[0]]))
            continue
        if role == PROJECT and all(abs((line.amounts[i] - ours[i]) - explained[i]) < HALF_ORE for i in wrong):
            continue  # the project total follows from a booked total already reported
        left_out = _rows_left_out(workbook, line, rows, wrong) if workbook is not None else []
        years = joined(_("{year} {shown} where its rows add up to {rows}", year=budget.years[i],
                         shown=_kr(line.amounts[i]), rows=_kr(ours[i])) for i in wrong)
        if left_out:
            names = "; ".join(f"'{r.label}' ({' / '.join(_kr0(a) for a in r.amounts)})" for r in left_out)
            what = n_("'{label}' leaves out {names}: {years}. Widen the formula {formula} in {cells} to include it",
                      "'{label}' leaves out {names}: {years}. Widen the formula {formula} in {cells} to include them",
                      len(left_out), label=line.label, names=names, years=years,
                      formula=_shown_formula(workbook, line.cells[wrong[0]]), cells=_span(line, wrong))
        else:
            what = _("'{label}' is {years}: is a row outside the SUM range, or the total typed in? Make {cells} add up "
                     "all rows of its table", label=line.label, years=years, cells=_span(line, wrong))
        if role == BOOKED:
            for i in wrong:
                explained[i] = line.amounts[i] - ours[i]
            what = _("{what}; as long as it is wrong, the financing plan, which balances against it, is off by the "
                     "same amount", what=what)
        findings.append(Finding(Severity.ERROR, "workbook.total", what, line.cells[wrong[0]],
                                {"rows_left_out": [r.label for r in left_out], "cells": [line.cells[i] for i in wrong]}))
    return findings, explained


def _row_totals(budget: Budget, workbook: Workbook | None):
    """A row's own total (its Totalt cell) that differs from its years: the documents print the sum of the years."""
    if workbook is None:
        return
    for line in [*budget.costs, *budget.direct_costs, *budget.financing]:
        if not line.total_cell:
            continue
        target = _ref(line.total_cell)
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
                            shown=_kr(shown), years=_kr(line.total)), line.total_cell)
            continue
        if abs(diff) <= ROUNDING_PER_ROW * len(budget.years):
            message = _("'{label}' has {shown} as its total, but its years add up to {years}; rounding of the "
                        "typed-in years explains it. The documents print the sum of the years", label=line.label,
                        shown=_kr(shown), years=_kr(line.total))
        else:
            message = _("'{label}' has {shown} as its total, but its years add up to {years}; correct the total or "
                        "the years. The documents print the sum of the years", label=line.label, shown=_kr(shown),
                        years=_kr(line.total))
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
    return [row for row in rows if row.amounts[i] != 0 and _ref(row.cells[i]) not in read]


def _reads(workbook: Workbook, formula: str, sheet: str, depth: int) -> set[CellRef]:
    """Every cell a formula reads, through other formulas' cells too (a total of subtotals)."""
    out: set[CellRef] = set()
    for ref in references(formula, sheet, workbook):
        out.add(ref)
        source = workbook.sheet(ref.sheet).get(ref.row, ref.col)
        if source is not None and source.formula and depth < 3:
            out |= _reads(workbook, source.formula, ref.sheet, depth + 1)
    return out


def _ref(text: str) -> CellRef:
    from openpyxl.utils.cell import coordinate_to_tuple

    sheet, coordinate = text.rpartition("!")[::2]
    row, col = coordinate_to_tuple(coordinate)
    return CellRef(sheet.strip("'").replace("''", "'"), row, col)


def _same_sheet(name: str, quoted: str) -> bool:
    return name == quoted.strip("'").replace("''", "'")


def _formula(workbook: Workbook, ref: str) -> str | None:
    """The cell's formula, or None when the amount is typed in."""
    target = _ref(ref)
    cell = workbook.sheet(target.sheet).get(target.row, target.col)
    return cell.formula if cell is not None and cell.formula else None


def _shown_formula(workbook: Workbook, ref: str) -> Message | str:
    return _formula(workbook, ref) or _("(typed in)")


def _span(line: Line, years: list[int]) -> str:
    first, last = line.cells[years[0]], line.cells[years[-1]]
    return first if first == last else f"{first}:{last.rpartition('!')[2]}"


def _tolerance(budget: Budget, i: int, lines) -> Decimal:
    """What rounding of typed-in rows can explain: half a krona per row with an amount that year."""
    return ROUNDING_PER_ROW * sum(1 for line in lines if line.amounts[i] != 0)


def _balance(budget: Budget, explained: list[Decimal]):
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
            figures = {"year": year, "what": what, "have": _kr(have), "of": of, "need": _kr(need), "diff": _kr(diff)}
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
                            "(difference {diff})", span=span, financing=_kr(financing), cost=_kr(cost),
                            diff=_kr(diff)), _total_cell(budget, FINANCING, last))


def _total_cell(budget: Budget, role: str, i: int) -> str | None:
    line = budget.workbook_totals.get(role)
    return line.cells[i] if line else None


def _eu_cap(budget: Budget, workbook: Workbook | None):
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
                        "({allowed}), which is within whole-krona rounding", names=names, eu=_kr(eu),
                        excess=_kr(excess), cap=percent(budget.eu_cap), allowed=_kr(cap_amount)), cell)
        return
    over = Decimal(whole_kronor(excess + Decimal("0.4999")))
    advice = _eu_advice(budget, workbook, over)
    yield Finding(
        Severity.ERROR, "eu.cap",
        _("EU support ({names}) is {eu}, {rate} of the total project cost {cost}; the cap {cap} allows {allowed}, so "
          "it is {over} too much over the period. {advice}", names=names, eu=_kr0(eu),
          rate=percent(budget.eu_rate, 2), cost=_kr0(budget.total_project_cost), cap=percent(budget.eu_cap),
          allowed=_kr0(cap_amount), over=_kr0(over), advice=advice),
        cell, {"over": str(over), "cap_amount": str(cap_amount)},
    )


def _eu_advice(budget: Budget, workbook: Workbook | None, over: Decimal) -> Message:
    """What would bring EU support under the cap, in the administrator's terms."""
    eu_cells = [c for line in budget.eu_lines for c in line.cells]
    formulas = workbook is not None and all(_formula(workbook, c) is not None for c in eu_cells)
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
                     label=label, drivers=drivers, who=who, over=_kr0(over), fall=_kr0(over / budget.eu_cap))
        return _("{label}'s amount is the balancing formula, so do not type over it: {who} must cover {over} more "
                 "over the period, or the costs must fall by {fall}", label=label, who=who, over=_kr0(over),
                 fall=_kr0(over / budget.eu_cap))
    return _("Lower {label}'s amount ({cells}) by {over} over the period and let {who} cover it", label=label,
             cells=_span(budget.eu_lines[0], list(range(len(budget.years)))), over=_kr0(over), who=who)


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
        walk(_ref(cell), 0)
    by_sheet: dict[str, list[str]] = {}
    for ref in sorted(inputs, key=lambda r: cell_order(f"{r.sheet}!A{r.row}")):
        row_label = label(workbook, ref).split(" · ")[0]
        names = by_sheet.setdefault(ref.sheet, [])
        if row_label and row_label not in names:
            names.append(row_label)
    parts = [f"{sheet}: {', '.join(names[:6])}{' …' if len(names) > 6 else ''}" for sheet, names in by_sheet.items()]
    return "; ".join(parts)


def _municipalities(budget: Budget):
    # A row that resembles a municipality is already an error naming both (name.resembles): said once.
    resembled = {line.reading_from for line in budget.financing if line.reading == "resembles"}
    for m in budget.municipalities:
        if budget.municipality_line(m) is None and m.official_name not in resembled:
            yield Finding(Severity.ERROR, "municipality.no_financing",
                          _("the municipality '{name}' has no cash financing row in the financing plan (names must "
                            "match up to case, spacing and a genitive s, e.g. '{example}')", name=m.official_name,
                            example="Sundsvalls kommun"),
                          m.row_cell)
    for line in budget.cash_lines:
        if line.is_eu or any(a != 0 for a in line.amounts):
            continue
        if line.municipality is not None:
            yield Finding(Severity.WARNING, "municipality.zero",
                          _("'{name}' co-finances 0 kr in every year ({cells}): no decision draft or co-financing "
                            "certificate is built for it. Type its amounts, or take it out of the financing plan and "
                            "the {sheet} sheet if it does not take part", name=line.label, cells=_span(
                              line, list(range(len(budget.years)))), sheet="Kommuner"),
                          line.label_cell, {"name": line.label, "documents": []})
        else:
            yield Finding(Severity.INFO, "financier.zero",
                          _("'{name}' finances 0 kr in every year ({cells}): no co-financing certificate is built "
                            "for it", name=line.label, cells=_span(line, list(range(len(budget.years))))),
                          line.label_cell, {"name": line.label, "documents": []})
    linked = {id(budget.municipality_line(m)) for m in budget.municipalities}
    for line in budget.cash_lines:
        if id(line) not in linked and norm(line.label).endswith(" kommun") and line.reading != "resembles":
            yield Finding(Severity.ERROR, "municipality.no_facts",
                          _("the financier '{label}' looks like a municipality but has no row in the {sheet} sheet",
                            label=line.label, sheet="Kommuner"),
                          line.label_cell)


def _rounding(budget: Budget, printed: PrintedBudget):
    configured = {
        "costs": ("Avrundning kostnader", budget.parameters.get("avrundning_kostnader")),
        "cash financing": ("Avrundning finansiering", budget.parameters.get("avrundning_finansiering")),
    }
    for table in printed.tables:
        label, fact = configured.get(table.name, (None, None))
        if fact is not None and fact.value and not any(norm(r.line.label) == norm(fact.value) for r in table.rows):
            yield Finding(Severity.WARNING, "rounding.row_missing",
                          _("'{label}' names '{row}', which is not a row of the {table} table; the largest row "
                            "absorbs rounding instead", label=label, row=fact.value, table=table.title), fact.cell)
        for adj in table.adjustments:
            yield Finding(
                Severity.INFO, "rounding.adjusted",
                _("{year}: '{label}' is printed as {printed} (exact {exact}) so that the printed {table} add up to "
                  "the printed total", year=adj.year, label=adj.label, printed=group(adj.printed),
                  exact=group(adj.exact, 2), table=table.title),
                adj.cell,
            )
        for kept in table.kept:
            if kept.years:
                yield _kept_note(kept)
        kept_rows = {kept.label for kept in table.kept}
        for row in table.rows:
            rounded_total = whole_kronor(row.line.total)
            if row.total != rounded_total and row.line.label not in kept_rows:
                yield Finding(
                    Severity.INFO, "rounding.row_total",
                    _("'{label}' total is printed as {printed}, the sum of its printed years (the exact total "
                      "{exact} would round to {rounded})", label=row.line.label, printed=group(row.total),
                      exact=group(row.line.total, 2), rounded=group(rounded_total)),
                    row.line.total_cell or row.line.label_cell,
                )


def _kept_note(kept) -> Finding:
    """Say that a decided total is printed as it is and which years absorb the rounding."""
    years = joined(_("{year} is printed as {printed} (exact {exact})", year=adj.year, printed=group(adj.printed),
                     exact=group(adj.exact, 2)) for adj in kept.years)
    how = _("split over the years by formula") if kept.decided.split else _("typed in as the row's total")
    return Finding(Severity.INFO, "rounding.decided",
                   _("'{label}': the total {total} in {cell} ({how}) is printed as it is, and the years absorb the "
                     "rounding: {years}", label=kept.label, total=group(kept.printed), cell=kept.decided.cell,
                     how=how, years=years),
                   kept.years[0].cell, {"total_cell": kept.decided.cell, "years": [a.year for a in kept.years]})
