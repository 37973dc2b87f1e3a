"""What `hso-xl recalc` prints: every formula cell accounted for (agree, differ, not computed, no cached value).

Apart from report.py (the check's report) so that `hso-xl recalc` does not load the budget's layouts and checks.
"""

from __future__ import annotations

from pathlib import Path

from . import __version__
from .i18n import Message, _, n_
from .workbook.verify import Verification

MAX_LISTED = 25


def recomputed_line(v: Verification, engine, summary: str) -> Message:
    return n_("Recomputed {n} formula with {engine} {version}: {summary}",
              "Recomputed {n} formulas with {engine} {version}: {summary}", v.formula_count,
              engine=engine.engine, version=engine.version, summary=summary)


def more_line(n: int) -> Message:
    return _("... and {n} more (use --json for all)", n=n)


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
    parts = [n_("{n} agrees with the values cached in the file", "{n} agree with the values cached in the file",
                v.agreeing),
             n_("{n} differs", "{n} differ", len(v.differences)),
             _("{n} could not be computed", n=len(v.problems)),
             _("{n} had no cached value", n=v.without_cached_value)]
    return ", ".join(str(part) for part in parts) + "."


def recalc_text(source: Path, out: Path | None, engine, verification: Verification) -> str:
    v = verification
    lines = [_("Workbook: {path}", path=source), recomputed_line(v, engine, recalc_summary(v))]
    if v.differences:
        lines.append(_("Cells whose cached value differs from the recomputed one:"))
        for d in v.differences[:MAX_LISTED]:
            lines.append("  " + _("{cell}: cached {cached}, recomputed {recomputed}  {formula}", cell=d.ref,
                                  cached=repr(d.cached), recomputed=repr(d.recomputed), formula=d.formula))
        if len(v.differences) > MAX_LISTED:
            lines.append("  " + more_line(len(v.differences) - MAX_LISTED))
    if v.problems:
        kept = _("nothing was written") if out is None else _("they keep the value the file cached")
        lines.append(_("Cells not computed ({kept}):", kept=kept))
        problems = list(v.problems.values())
        for p in problems[:MAX_LISTED]:
            lines.append(f"  {p.ref}: {p.why}  {p.formula}")
        if len(problems) > MAX_LISTED:
            lines.append("  " + more_line(len(problems) - MAX_LISTED))
        for advice in dict.fromkeys(p.advice for p in v.causes):
            lines.append("  " + _("To fix: {advice}.", advice=advice))
    if v.error_values:
        lines.append(_("Formulas that give an error value:"))
        lines.extend(f"  {d.ref}: {d.recomputed}  {d.formula}" for d in v.error_values[:MAX_LISTED])
        if len(v.error_values) > MAX_LISTED:
            lines.append("  " + more_line(len(v.error_values) - MAX_LISTED))
    if out is None:
        lines.append(_("Nothing was written (--strict): the workbook has formulas the engine cannot compute."))
    elif v.problems:
        lines.append(n_("Wrote {out} ({n} cell not computed keeps the value the file cached).",
                        "Wrote {out} ({n} cells not computed keep the value the file cached).", len(v.problems),
                        out=out))
    else:
        lines.append(_("Wrote {out}", out=out))
    return "\n".join(str(line) for line in lines)
