"""Say what a check or a recalculation found: a short text summary, or the same as one JSON object.

The text is in the reader's language (the table's row labels are the documents' own Swedish terms
in both); the JSON is the same in every language.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import EXIT_FINDINGS, EXIT_OK
from .findings import Finding, Severity
from .i18n import Message, _, n_
from .model.budget import Place
from .model.layouts import shown_title
from .model.layouts import title as layout_title
# the recalc report's lines, which the check's report shares (and its functions, where callers look for them)
from .recalc_report import (MAX_LISTED, more_line, recalc_json, recalc_summary, recalc_text,  # noqa: F401
                            recomputed_line)
from .swedish import group, percent, sort_key
from .workbook.verify import Verification

if TYPE_CHECKING:  # only a type here: `hso-xl recalc` prints its report without the checks' modules
    from .model.checked import Checked


# The tables the layouts find (Place.what, which --json gives as it is), as the text names them
TABLE_NAMES = {"costs": _("costs"), "financing": _("financing"), "project facts": _("project facts"),
               "parameters": _("parameters"), "municipality facts": _("municipality facts")}


def exit_code(findings: list[Finding]) -> int:
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


def _counts(findings: list[Finding]) -> dict[str, int]:
    return {s.value: sum(1 for f in findings if f.severity is s) for s in Severity}


def _dec(value: Decimal) -> str:
    """Exact amounts travel in JSON as strings, so no digit is lost to floating point."""
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


# -- check -------------------------------------------------------------------------------------

def _figures(checked: Checked) -> list[tuple[str, str, list[Decimal], list[int]]]:
    """Return (key, label, exact per year, printed per year) for the key figures of the budget."""
    b, p = checked.budget, checked.printed
    n = range(len(b.years))
    return [
        ("booked_cost", "Summa bokförd kostnad", [b.booked_cost(i) for i in n], list(p.booked_totals)),
        ("direct_cost", "Direktfinansiering", [b.direct_cost(i) for i in n], list(p.direct_costs.totals)),
        ("project_cost", "Summa projektkostnad", [b.project_cost(i) for i in n], list(p.project_totals)),
        ("cash_financing", "Kontant finansiering", [b.cash_financing(i) for i in n], list(p.cash.totals)),
        ("financing", "Summa finansiering", [b.total_financing(i) for i in n], list(p.financing_totals)),
    ]


def municipalities(checked: Checked) -> list[dict]:
    """Return each municipality's co-financing, printed and exact, in Swedish alphabetical order."""
    rows = []
    printed = {id(r.line): r for r in checked.printed.cash.rows}
    for m in sorted(checked.budget.municipalities, key=lambda m: sort_key(m.official_name)):
        line = checked.budget.municipality_line(m)
        if line is None:
            continue
        row = printed[id(line)]
        rows.append({
            "name": m.official_name,
            "per_year": dict(zip(map(str, checked.budget.years), row.printed)),
            "total": row.total,
            "exact_per_year": dict(zip(map(str, checked.budget.years), map(_dec, line.amounts))),
            "cells": list(line.cells),
        })
    return rows


def check_json(checked: Checked, chosen_from: Path | None) -> dict:
    b = checked.budget
    findings = checked.findings
    return {
        "tool": {"name": "hso-xl", "version": __version__},
        "workbook": str(checked.workbook.path),
        "chosen_from_input_folder": str(chosen_from) if chosen_from else None,
        "engine": {"name": checked.engine.engine, "version": checked.engine.version},
        "formulas": {
            "recomputed": checked.verification.formula_count,
            "without_cached_value": checked.verification.without_cached_value,
            "differing_from_cached": len(checked.verification.differences),
            "not_computed": len(checked.verification.problems),
        },
        "years": list(b.years),
        "totals": {
            key: {
                "label": label,
                "exact": dict(zip(map(str, b.years), map(_dec, exact))) | {"total": _dec(sum(exact, Decimal(0)))},
                "printed": dict(zip(map(str, b.years), printed)) | {"total": sum(printed)},
            }
            for key, label, exact, printed in _figures(checked)
        },
        "eu_support": {
            "financiers": [line.label for line in b.eu_lines],
            "amount": _dec(b.eu_total),
            "rate": _dec(b.eu_rate.quantize(Decimal("0.000001"))),
            "cap": _dec(b.eu_cap) if b.eu_cap is not None else None,
        },
        "layout": {"name": b.layout, "title": layout_title(b.layout),
                   "tables": [{"what": p.what, "workbook": p.workbook, "sheet": p.sheet, "range": p.range}
                              for p in b.places]},
        "facts_workbook": str(checked.facts_workbook.path) if checked.facts_workbook is not None else None,
        "document_date": _document_date_json(checked),
        "municipalities": municipalities(checked),
        "findings": [f.to_json() for f in findings],
        "counts": _counts(findings),
        "exit_code": exit_code(findings),
    }


def _document_date_json(checked: Checked) -> dict:
    from .render.context import fixed_document_date

    fixed, cell = fixed_document_date(checked)
    return {"date": fixed.isoformat() if fixed else None, "cell": cell,
            "rule": "dokumentdatum" if fixed else "day the document last changed"}


def check_text(checked: Checked, chosen_from: Path | None) -> str:
    b = checked.budget
    v = checked.verification
    lines = []
    if chosen_from:
        lines.append(_("Workbook: {path} (the newest workbook in {folder}/)", path=checked.workbook.path,
                       folder=chosen_from))
    else:
        lines.append(_("Workbook: {path}", path=checked.workbook.path))
    if checked.facts_workbook is not None:
        lines.append(_("Facts workbook: {path}", path=checked.facts_workbook.path))
    lines.append(_("Layout: {layout}", layout=shown_title(b.layout)))
    lines.append(_("Read: {tables}", tables="; ".join(place_text(place) for place in b.places)))
    lines.append(_("Document date: {date}", date=document_date_text(checked)))
    lines.append(recomputed_line(v, checked.engine, _difference_summary(v)))
    lines.append("")
    figures = _figures(checked)
    width = max(len(label) for _key, label, _exact, _printed in figures) + 2
    head = "".join(f"{y:>14}" for y in b.years) + f"{'Totalt':>15}"
    lines.append(f"{'(kr)':<{width}}{head}")
    for _key, label, _exact, printed in figures:
        lines.append(f"{label:<{width}}" + "".join(f"{group(x):>14}" for x in printed) + f"{group(sum(printed)):>15}")
    lines.append("")
    names = ", ".join(line.label for line in b.eu_lines)
    eu_ids = {id(line) for line in b.eu_lines}
    eu_printed = sum(r.total for r in checked.printed.cash.rows if id(r.line) in eu_ids)
    cap = _("cap {cap}", cap=percent(b.eu_cap)) if b.eu_cap is not None else _("no cap given")
    lines.append(_("EU support ({names}): {amount} kr = {rate} of the total project cost ({cap})", names=names,
                   amount=group(eu_printed), rate=percent(b.eu_rate, 2), cap=cap))
    lines.append("")
    lines.append(_("Co-financing per municipality (kr):"))
    for m in municipalities(checked):
        per_year = " / ".join(group(x) for x in m["per_year"].values())
        lines.append("  " + _("{name} {per_year}  total {total}", name=f"{m['name']:<24}", per_year=per_year,
                              total=group(m["total"])))
    lines.append("")
    lines.extend(_findings_text(checked.findings))
    return "\n".join(str(line) for line in lines)


def place_text(place: Place) -> str:
    """Where a table was found, its name in the reader's language ('costs: Budget!A3:E19')."""
    where = f"[{place.workbook}]" if place.workbook else ""
    return f"{TABLE_NAMES.get(place.what, place.what)}: {where}{place.sheet}!{place.range}"


def document_date_text(checked: Checked) -> Message | str:
    """Where the documents' date comes from, in one line."""
    import datetime as dt

    from .render.context import fixed_document_date

    fixed, cell = fixed_document_date(checked)
    if fixed is not None:
        return f"{fixed.isoformat()} (Dokumentdatum, {cell})"
    return _("no Dokumentdatum in Projekt, so new and changed documents get the build date ({today}) and unchanged "
             "ones keep theirs", today=dt.date.today().isoformat())


def map_text(checked: Checked) -> str:
    """Every figure and fact the documents use, beside the cell it came from, to confirm the reading at a glance."""
    return "\n".join(text for text, _refs in map_lines(checked))


def map_lines(checked: Checked) -> list[tuple[str, list[str]]]:
    """map_text's lines, each with the cells (Sheet!A1) its figures come from, which `explain` takes."""
    from .model.facts import SCOPES
    from .model.sheets import is_blank
    from .workbook.values import template_value

    b, p = checked.budget, checked.printed
    lines = ["", _("What the documents use, and where it comes from (printed kronor, cell in brackets):")]
    refs: dict[int, list[str]] = {}  # line index -> its cells

    def coordinate(ref: str) -> str:
        return ref.rpartition("!")[2]

    def show(value) -> str:
        value = template_value(value)
        return value.isoformat() if hasattr(value, "isoformat") else repr(value)

    def table(title: Message, rows, totals=None, total_label: str = "") -> None:
        sheet = rows[0].line.cells[0].rpartition("!")[0] if rows else ""
        lines.append(_("{table} (sheet {sheet}; {years}):", table=title, sheet=sheet,
                       years=", ".join(str(y) for y in b.years)))
        for row in rows:
            line = row.line
            tags = ""
            if hasattr(line, "kind"):  # a financing row: its sector and kind are the workbook's own words
                marks = [line.sector, line.kind, *(["EU"] if line.is_eu else []),
                         *([str(_("municipality"))] if line.municipality else [])]
                tags = f" [{', '.join(marks)}]"
            written = " " + _("(written '{label}')", label=line.written) if line.written else ""
            figures = "  ".join(f"{group(v)} ({coordinate(c)})" for v, c in zip(row.printed, line.cells))
            why = f"  — {financier_reading(line)}" if hasattr(line, "kind") else ""
            refs[len(lines)] = list(line.cells)
            lines.append(f"  {line.label}{tags}{written}: {figures}  [{coordinate(line.label_cell)}]{why}")
        if totals is not None:
            lines.append(f"  = {total_label}: " + "  ".join(group(t) for t in totals))

    table(_("Costs"), p.costs.rows, p.costs.totals, "Summa bokförd kostnad")
    if p.direct_costs.rows:
        table(_("Direct financing (cost)"), p.direct_costs.rows, p.direct_costs.totals, "Summa direktfinansiering")
    table(_("Cash financing"), p.cash.rows, p.cash.totals, "Summa kontant finansiering")
    if p.in_kind.rows:
        table(_("In-kind financing"), p.in_kind.rows, p.in_kind.totals, "Summa direktfinansiering")

    def facts(title: Message, scope: str, found: dict) -> None:
        lines.append(f"{title}:")
        for spec in SCOPES[scope]:
            fact = found.get(spec.key)
            if fact is None or is_blank(fact.value):
                lines.append("  " + _("{variable}: missing ('{title}')", variable=f"{scope}.{spec.key}",
                                      title=spec.title))
            else:
                refs[len(lines)] = [fact.cell]
                lines.append(f"  {scope}.{spec.key} = {show(fact.value)}  ({fact.cell}, '{fact.label}')")
        for key, fact in found.items():
            if key not in {s.key for s in SCOPES[scope]}:
                lines.append("  " + _("{variable} = {value}  ({cell}, not a known fact)", variable=f"{scope}.{key}",
                                      value=show(fact.value), cell=fact.cell))

    facts(_("Project facts"), "projekt", b.project)
    facts(_("Parameters"), "parametrar", b.parameters)
    for m in sorted(b.municipalities, key=lambda m: sort_key(m.official_name)):
        line = b.municipality_line(m)
        lines.append(_("{name} (financing row {row}, facts row {facts}):", name=m.official_name,
                       row=line.label_cell if line else _("missing"), facts=m.row_cell))
        for spec in SCOPES["kommun"]:
            fact = m.facts.get(spec.key)
            if spec.key == "namn":
                continue
            if fact is None or is_blank(fact.value):
                lines.append("  " + _("{variable}: missing", variable=f"kommun.{spec.key}"))
            else:
                refs[len(lines)] = [fact.cell]
                lines.append(f"  kommun.{spec.key} = {show(fact.value)}  ({fact.cell})")
    return [(str(line), refs.get(i, [])) for i, line in enumerate(lines)]


def financier_reading(line) -> Message:
    """Say what a financing row was read as (a municipality, a known or another financier) and by which rule."""
    if line.reading == "resembles":
        return _("not read: the name resembles {official} (see the error)", official=line.reading_from)
    rules = {"exact": _("its name"), "genitive": _("its name but for a genitive s"),
             "abbreviation": _("its name with 'kommun' abbreviated"), "short": _("its short name"),
             "alias": _("an alias from {source}", source=line.reading_from)}
    if line.municipality is not None:
        rule = rules.get(line.reading, _("a name ending in 'kommun'"))
        return _("municipality: {rule}", rule=rule)
    if line.reading in rules:
        return _("known financier: {rule}", rule=rules[line.reading])
    return _("other financier: not a known organisation, and not like a municipality's name")


def _difference_summary(v: Verification) -> str:
    parts = []
    if v.differences:
        parts.append(n_("{n} differs from the values cached in the file",
                        "{n} differ from the values cached in the file", len(v.differences)))
    else:
        parts.append(_("all agree with the values cached in the file") if not v.without_cached_value
                     else _("no cached value differs"))
    if v.without_cached_value:
        parts.append(_("{n} had no cached value", n=v.without_cached_value))
    if v.problems:
        parts.append(_("{n} could not be computed (see the warnings)", n=len(v.problems)))
    return "; ".join(str(part) for part in parts) + "."


def findings_count_text(findings: list[Finding]) -> str:
    """'Findings: 0 errors, 1 warning, 4 notes', in the reader's language."""
    counts = _counts(findings)
    return str(_("Findings: {errors}, {warnings}, {notes}", errors=n_("{n} error", "{n} errors", counts["error"]),
                 warnings=n_("{n} warning", "{n} warnings", counts["warning"]),
                 notes=n_("{n} note", "{n} notes", counts["info"])))


def _findings_text(findings: list[Finding]) -> list[str]:
    counts = _counts(findings)
    out = [findings_count_text(findings)]
    ordered = sorted(findings, key=lambda f: list(Severity).index(f.severity))
    for f in ordered[:MAX_LISTED]:
        out.append("  " + f.line())
    if len(ordered) > MAX_LISTED:
        out.append("  " + more_line(len(ordered) - MAX_LISTED))
    if counts["error"]:
        out.append(str(_("Result: errors found: fix the workbook before producing documents")))
    else:
        out.append(str(_("Result: OK")))
    return out
