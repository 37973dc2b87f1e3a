"""Check that the budget holds together: balance, EU cap, signs, municipalities, the workbook's own totals.

Each finding says what is wrong, where, and what to do. The workbook's totals and the balance are
checked in checks_totals.py, EU support in checks_eu.py; the rest (signs, empty amounts, dates,
municipalities, rounding notes) here.
"""

from __future__ import annotations

import datetime as dt

from ..findings import Finding, Severity, joined
from ..i18n import _
from ..swedish import group, whole_kronor
from ..workbook.book import Workbook
from .budget import KONTANT, Budget
from .characters import unprintable_findings
from .checks_eu import eu_cap
from .checks_totals import balance, kr, row_totals, span, workbook_totals
from .dates import looks_like_date
from .rounding import PrintedBudget
from .sheets import is_blank, norm


def check_budget(budget: Budget, printed: PrintedBudget, workbook: Workbook | None = None) -> list[Finding]:
    """Return every finding about `budget`; errors mean no document may be produced from it."""
    totals, explained = workbook_totals(budget, workbook)
    return [
        *budget.findings,
        *_negative_amounts(budget),
        *_empty_amounts(budget),
        *totals,
        *row_totals(budget, workbook),
        *balance(budget, explained),
        *eu_cap(budget, workbook),
        *_municipalities(budget),
        *_rounding(budget, printed),
        *_dates_typed_as_text(budget),
        *_document_date(budget),
        *unprintable_findings(budget),
    ]


def _negative_amounts(budget: Budget):
    for line in [*budget.costs, *budget.direct_costs, *budget.financing]:
        for year, value, cell in zip(budget.years, line.amounts, line.cells):
            if value < 0:
                yield Finding(Severity.ERROR, "amount.negative", _negative(line, year, kr(value)), cell)


def _negative(line, year, amount: str):
    """What a negative amount is, and for a co-financier's cash row which of its documents it would be printed in."""
    if getattr(line, "municipality", None) is not None and line.kind == KONTANT:
        return _("'{label}' {year} is negative ({amount}); amounts must be 0 or more. It would be printed in "
                 "{label}'s decision draft and co-financing certificate, so neither is built until it is corrected",
                 label=line.label, year=year, amount=amount)
    return _("'{label}' {year} is negative ({amount}); amounts must be 0 or more", label=line.label, year=year,
             amount=amount)


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
                            "the {sheet} sheet if it does not take part", name=line.label, cells=span(
                              line, list(range(len(budget.years)))), sheet="Kommuner"),
                          line.label_cell, {"name": line.label, "documents": []})
        else:
            yield Finding(Severity.INFO, "financier.zero",
                          _("'{name}' finances 0 kr in every year ({cells}): no co-financing certificate is built "
                            "for it", name=line.label, cells=span(line, list(range(len(budget.years))))),
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
