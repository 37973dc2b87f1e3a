"""Say what a check or a recalculation found: a short text summary, or the same as one JSON object."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from . import __version__
from .errors import EXIT_FINDINGS, EXIT_OK
from .findings import Finding, Severity
from .model.checked import Checked
from .model.layouts import title as layout_title
from .swedish import group, percent, sort_key
from .workbook.verify import Verification

MAX_LISTED = 25


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
    took = f" (the newest workbook in {chosen_from}/)" if chosen_from else ""
    lines.append(f"Workbook: {checked.workbook.path}{took}")
    if checked.facts_workbook is not None:
        lines.append(f"Facts workbook: {checked.facts_workbook.path}")
    lines.append(f"Layout: {layout_title(b.layout)}")
    lines.append("Read: " + "; ".join(place.text() for place in b.places))
    lines.append(f"Document date: {document_date_text(checked)}")
    lines.append(
        f"Recomputed {v.formula_count} formulas with {checked.engine.engine} {checked.engine.version}: "
        + _difference_summary(v)
    )
    lines.append("")
    width = max(len(label) for _, label, _, _ in _figures(checked)) + 2
    head = "".join(f"{y:>14}" for y in b.years) + f"{'Totalt':>15}"
    lines.append(f"{'(kr)':<{width}}{head}")
    for _, label, _, printed in _figures(checked):
        lines.append(f"{label:<{width}}" + "".join(f"{group(x):>14}" for x in printed) + f"{group(sum(printed)):>15}")
    lines.append("")
    names = ", ".join(line.label for line in b.eu_lines)
    eu_ids = {id(line) for line in b.eu_lines}
    eu_printed = sum(r.total for r in checked.printed.cash.rows if id(r.line) in eu_ids)
    cap = f"cap {percent(b.eu_cap)}" if b.eu_cap is not None else "no cap given"
    lines.append(
        f"EU support ({names}): {group(eu_printed)} kr = {percent(b.eu_rate, 2)} of the total project cost ({cap})"
    )
    lines.append("")
    lines.append("Co-financing per municipality (kr):")
    for m in municipalities(checked):
        per_year = " / ".join(group(x) for x in m["per_year"].values())
        lines.append(f"  {m['name']:<24} {per_year}  total {group(m['total'])}")
    lines.append("")
    lines.extend(_findings_text(checked.findings))
    return "\n".join(lines)


def document_date_text(checked: Checked) -> str:
    """Where the documents' date comes from, in one line."""
    import datetime as dt

    from .render.context import fixed_document_date

    fixed, cell = fixed_document_date(checked)
    if fixed is not None:
        return f"{fixed.isoformat()} (Dokumentdatum, {cell})"
    return (f"no Dokumentdatum in Projekt, so new and changed documents get the build date "
            f"({dt.date.today().isoformat()}) and unchanged ones keep theirs")


def map_text(checked: Checked) -> str:
    """Every figure and fact the documents use, beside the cell it came from, to confirm the reading at a glance."""
    from .model.facts import SCOPES
    from .model.sheets import is_blank
    from .workbook.values import template_value

    b, p = checked.budget, checked.printed
    lines = ["", "What the documents use, and where it comes from (printed kronor, cell in brackets):"]

    def coordinate(ref: str) -> str:
        return ref.rpartition("!")[2]

    def show(value) -> str:
        value = template_value(value)
        return value.isoformat() if hasattr(value, "isoformat") else repr(value)

    def table(title: str, rows, totals=None, total_label: str = "") -> None:
        sheet = rows[0].line.cells[0].rpartition("!")[0] if rows else ""
        lines.append(f"{title} (sheet {sheet}; {', '.join(str(y) for y in b.years)}):")
        for row in rows:
            line = row.line
            tags = ""
            if hasattr(line, "kind"):
                tags = f" [{line.sector}, {line.kind}{', EU' if line.is_eu else ''}" \
                       f"{', municipality' if line.municipality else ''}]"
            written = f" (written '{line.written}')" if line.written else ""
            figures = "  ".join(f"{group(v)} ({coordinate(c)})" for v, c in zip(row.printed, line.cells))
            lines.append(f"  {line.label}{tags}{written}: {figures}  [{coordinate(line.label_cell)}]")
        if totals is not None:
            lines.append(f"  = {total_label}: " + "  ".join(group(t) for t in totals))

    table("Costs", p.costs.rows, p.costs.totals, "Summa bokförd kostnad")
    if p.direct_costs.rows:
        table("Direct financing (cost)", p.direct_costs.rows, p.direct_costs.totals, "Summa direktfinansiering")
    table("Cash financing", p.cash.rows, p.cash.totals, "Summa kontant finansiering")
    if p.in_kind.rows:
        table("In-kind financing", p.in_kind.rows, p.in_kind.totals, "Summa direktfinansiering")

    def facts(title: str, scope: str, found: dict) -> None:
        lines.append(f"{title}:")
        for spec in SCOPES[scope]:
            fact = found.get(spec.key)
            if fact is None or is_blank(fact.value):
                lines.append(f"  {scope}.{spec.key}: missing ('{spec.title}')")
            else:
                lines.append(f"  {scope}.{spec.key} = {show(fact.value)}  ({fact.cell}, '{fact.label}')")
        for key, fact in found.items():
            if key not in {s.key for s in SCOPES[scope]}:
                lines.append(f"  {scope}.{key} = {show(fact.value)}  ({fact.cell}, not a known fact)")

    facts("Project facts", "projekt", b.project)
    facts("Parameters", "parametrar", b.parameters)
    for m in sorted(b.municipalities, key=lambda m: sort_key(m.official_name)):
        line = b.municipality_line(m)
        lines.append(f"{m.official_name} (financing row {line.label_cell if line else 'missing'}, "
                     f"facts row {m.row_cell}):")
        for spec in SCOPES["kommun"]:
            fact = m.facts.get(spec.key)
            if spec.key == "namn":
                continue
            shown = "missing" if fact is None or is_blank(fact.value) else f"{show(fact.value)}  ({fact.cell})"
            lines.append(f"  kommun.{spec.key} = {shown}" if shown != "missing" else f"  kommun.{spec.key}: missing")
    return "\n".join(lines)


def _difference_summary(v: Verification) -> str:
    parts = []
    if v.differences:
        parts.append(f"{len(v.differences)} differ from the values cached in the file")
    else:
        parts.append("all agree with the values cached in the file" if not v.without_cached_value
                     else "no cached value differs")
    if v.without_cached_value:
        parts.append(f"{v.without_cached_value} had no cached value")
    if v.problems:
        parts.append(f"{len(v.problems)} could not be computed (see the warnings)")
    return "; ".join(parts) + "."


def _findings_text(findings: list[Finding]) -> list[str]:
    counts = _counts(findings)
    out = [f"Findings: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes"]
    ordered = sorted(findings, key=lambda f: list(Severity).index(f.severity))
    for f in ordered[:MAX_LISTED]:
        out.append("  " + f.line())
    if len(ordered) > MAX_LISTED:
        out.append(f"  ... and {len(ordered) - MAX_LISTED} more (use --json for all)")
    verdict = "errors found: fix the workbook before producing documents" if counts["error"] else "OK"
    out.append(f"Result: {verdict}")
    return out


# -- recalc ------------------------------------------------------------------------------------

def recalc_json(source: Path, out: Path | None, engine, verification: Verification, code: int) -> dict:
    v = verification
    findings = v.findings()
    return {
        "tool": {"name": "hso-xl", "version": __version__},
        "workbook": str(source),
        "output": str(out) if out else None,
        "engine": {"name": engine.engine, "version": engine.version},
        "formulas": v.formula_count,
        "cells": {"agree": v.agreeing, "differ": len(v.differences), "not_computed": len(v.problems),
                  "without_cached_value": v.without_cached_value},
        "without_cached_value": v.without_cached_value,
        "differences": [d.to_json() for d in v.differences],
        "not_computed": [p.to_json() for p in v.problems.values()],
        "error_values": [{"cell": d.ref, "value": str(d.recomputed), "formula": d.formula} for d in v.error_values],
        "unsupported_functions": v.unsupported,
        "circular_references": v.circular,
        "external_references": v.external,
        "findings": [f.to_json() for f in findings],
        "exit_code": code,
    }


def recalc_summary(v: Verification) -> str:
    """One line accounting for every formula cell: agree, differ, not computed, no cached value."""
    parts = [f"{v.agreeing} agree with the values cached in the file"]
    parts.append(f"{len(v.differences)} differ")
    parts.append(f"{len(v.problems)} could not be computed")
    parts.append(f"{v.without_cached_value} had no cached value")
    return ", ".join(parts) + "."


def recalc_text(source: Path, out: Path | None, engine, verification: Verification) -> str:
    v = verification
    lines = [f"Workbook: {source}",
             f"Recomputed {v.formula_count} formulas with {engine.engine} {engine.version}: {recalc_summary(v)}"]
    if v.differences:
        lines.append("Cells whose cached value differs from the recomputed one:")
        for d in v.differences[:MAX_LISTED]:
            lines.append(f"  {d.ref}: cached {d.cached!r}, recomputed {d.recomputed!r}  {d.formula}")
        if len(v.differences) > MAX_LISTED:
            lines.append(f"  ... and {len(v.differences) - MAX_LISTED} more (use --json for all)")
    if v.problems:
        kept = "nothing was written" if out is None else "they keep the value the file cached"
        lines.append(f"Cells not computed ({kept}):")
        problems = list(v.problems.values())
        for p in problems[:MAX_LISTED]:
            lines.append(f"  {p.ref}: {p.why}  {p.formula}")
        if len(problems) > MAX_LISTED:
            lines.append(f"  ... and {len(problems) - MAX_LISTED} more (use --json for all)")
        for advice in dict.fromkeys(p.advice for p in v.causes):
            lines.append(f"  To fix: {advice}.")
    if v.error_values:
        lines.append("Formulas that give an error value:")
        lines.extend(f"  {d.ref}: {d.recomputed}  {d.formula}" for d in v.error_values[:MAX_LISTED])
        if len(v.error_values) > MAX_LISTED:
            lines.append(f"  ... and {len(v.error_values) - MAX_LISTED} more (use --json for all)")
    if out is None:
        lines.append("Nothing was written (--strict): the workbook has formulas the engine cannot compute.")
    elif v.problems:
        lines.append(f"Wrote {out} ({len(v.problems)} cells not computed keep the value the file cached).")
    else:
        lines.append(f"Wrote {out}")
    return "\n".join(lines)
