"""What a recomputation found: the cells that differ from what the file cached, those not computed and why,
and how they are said (findings, messages, hints). verify.py makes it; values are compared as Excel shows them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ..errors import FormulaProblem
from ..i18n import SOURCE, Message, _, n_
from .book import ExcelError, Value, Workbook
from .serials import to_excel

if TYPE_CHECKING:  # (findings.py and values.py are imported where findings and JSON are made: recalc needs neither)
    from ..findings import Finding

# Excel keeps 15 significant digits; anything closer than this is the same number.
REL_TOL = 1e-9
ABS_TOL = 1e-9

# Codes of the reasons a cell was not computed. DEPENDS: the cell reads (directly or through other
# cells) one that was not computed; the others are causes.
UNSUPPORTED, NOT_COMPUTED, CIRCULAR_CODE, EXTERNAL, DEPENDS = (
    "formula.unsupported", "formula.not_computed", "formula.circular", "formula.external", "formula.depends")


class Difference(NamedTuple):  # (a tuple: made for every formula whose cached value differs, often all of them)
    ref: str
    cached: Value
    recomputed: Value
    formula: str

    def to_json(self) -> dict:
        from .values import json_value

        return {"cell": self.ref, "cached": json_value(self.cached), "recomputed": json_value(self.recomputed), "formula": self.formula}


@dataclass(frozen=True)
class NotComputed:
    """A formula cell whose value the engine could not compute, and why."""

    ref: str
    code: str
    why: Message  # "PIVOTBY is not supported by the engine (IronCalc 0.9.1)", "depends on Anteckningar!D1 (…)"
    formula: str
    cached: Value
    cause: str  # the cell that could not be computed: this one, or the one it rests on
    hint: Message | None = None  # what to do, when it is not the code's usual hint
    short: Message | None = None  # `why` without its details, as a cell that depends on this one quotes it
    functions: tuple[str, ...] = ()  # the functions the engine lacks (formula.unsupported)

    @property
    def advice(self) -> Message:
        return self.hint if self.hint is not None else HINTS[self.code]

    @property
    def brief(self) -> Message:
        return self.short if self.short is not None else self.why

    def to_json(self) -> dict:
        from .values import json_value

        return {"cell": self.ref, "why": self.why.render(SOURCE), "code": self.code, "cause": self.cause,
                "formula": self.formula, "cached": json_value(self.cached)}


ZEROS_GROUPED = 5  # this many formulas cached as 0 but computing to something else are told as one


@dataclass
class Verification:
    """What recomputing found, cell by cell: every formula cell agrees with its cached value, differs
    from it, has none, or could not be computed (`not_computed`, with the reason)."""

    formula_count: int = 0
    without_cached_value: int = 0  # of the cells that were computed
    agreeing: int = 0
    differences: list[Difference] = field(default_factory=list)  # of the cells that were computed
    error_values: list[Difference] = field(default_factory=list)  # computed to an error value (#DIV/0!, #REF! ...)
    problems: dict[str, NotComputed] = field(default_factory=dict)  # cell -> why it was not computed
    engine: str = "IronCalc"
    divergence_candidates: set[str] = field(default_factory=set)  # see engine.EngineReport

    @property
    def causes(self) -> list[NotComputed]:
        """The cells that could not be computed themselves (not merely because of what they read)."""
        return [p for p in self.problems.values() if p.code != DEPENDS]

    @property
    def unsupported(self) -> dict[str, list[str]]:
        return {p.ref: list(p.functions) for p in self.causes if p.code == UNSUPPORTED}

    @property
    def circular(self) -> list[str]:
        return [p.ref for p in self.causes if p.code == CIRCULAR_CODE]

    @property
    def external(self) -> list[str]:
        return [p.ref for p in self.causes if p.code == EXTERNAL]

    @property
    def not_computed(self) -> list[str]:
        return [p.ref for p in self.causes if p.code == NOT_COMPUTED]

    @property
    def computable(self) -> bool:
        """True when every formula got a value Excel could also give (errors such as #DIV/0! included)."""
        return not self.problems

    def dependents_of(self, cause: str) -> list[str]:
        return [p.ref for p in self.problems.values() if p.code == DEPENDS and p.cause == cause]

    def difference_findings(self) -> list[Finding]:
        """A warning for each computed cell whose cached value differs from the recomputed one.

        Many formulas cached as 0 are one warning: a file written by a program that stores no results
        (a script with xlsxwriter, an export), whose every formula "differs", would bury what matters.
        """
        from ..findings import Finding, Severity
        from .values import json_value

        zeros = [d for d in self.differences if d.cached == 0 and not isinstance(d.cached, bool)]
        grouped = len(zeros) >= ZEROS_GROUPED
        told = {id(d) for d in zeros} if grouped else set()
        out = []
        if grouped:
            cells = [d.ref for d in zeros]
            out.append(Finding(
                Severity.WARNING, "recalc.cached_zeros",
                _("{n} formulas have 0 as their saved value but compute to something else ({cells}): the file was "
                  "most likely written by a program that saves no results (a script, an export), not by Excel. "
                  "hso-xl uses the computed values; to store them in the file, open and save it in Excel or "
                  "LibreOffice (or run hso-xl recalc)", n=len(zeros),
                  cells=", ".join(cells[:3]) + (f" …(+{len(cells) - 3})" if len(cells) > 3 else "")),
                cells[0], {"cells": cells}))
        out += [
            Finding(
                Severity.WARNING,
                "recalc.differs",
                _("cached value {cached} differs from recomputed {recomputed} ({formula})", cached=shown(d.cached),
                  recomputed=shown(d.recomputed), formula=d.formula),
                d.ref,
                {"cached": json_value(d.cached), "recomputed": json_value(d.recomputed), "formula": d.formula},
            )
            for d in self.differences if id(d) not in told
        ]
        return out

    def findings(self) -> list[Finding]:
        """Every cause of a cell not computed and every error value as an error, then the differences.

        This is `recalc`'s view, where every formula counts; `check` decides with the dependency
        graph which of them matter to the documents (workbook/figures.py).
        """
        from ..findings import Finding, Severity

        out = [Finding(Severity.ERROR, p.code, _with_dependents(p.why, self.dependents_of(p.ref)), p.ref,
                       {"hint": p.advice}) for p in self.causes]
        out += [Finding(Severity.ERROR, "formula.error",
                        _("formula gives {value} ({formula})", value=str(d.recomputed), formula=d.formula), d.ref)
                for d in self.error_values]
        return out + self.difference_findings()

    def raise_if_unusable(self, workbook: Workbook) -> None:
        """Raise FormulaProblem if any formula could not be computed to a proper value."""
        from ..findings import Severity

        problems = [f for f in self.findings() if f.severity is Severity.ERROR]
        if not problems:
            return
        first = problems[0]
        raise FormulaProblem(
            with_more(first.message, [p.location for p in problems[1:]]),
            file=workbook.path,
            location=first.location,
            hint=first.details.get("hint") or HINTS[first.code],
        )


def listed(refs: list[str], limit: int = 5) -> str:
    """Return the first `limit` cells, with ', ...' when there are more."""
    return ", ".join(refs[:limit]) + (", ..." if len(refs) > limit else "")


def _with_dependents(why: Message, dependents: list[str]) -> Message:
    if not dependents:
        return why
    return n_("{why}; {n} cell reads it ({cells})", "{why}; {n} cells read it ({cells})", len(dependents), why=why,
              cells=listed(dependents))


def with_more(message: Message, refs: list[str]) -> Message:
    """Return `message` followed by the other cells of the same kind, when there are any."""
    if not refs:
        return message
    return n_("{message} ({n} more such cell: {cells})", "{message} ({n} more such cells: {cells})", len(refs),
              message=message, cells=listed(refs))


_REPLACE_FUNCTION = _("Replace the function with a supported one (see docs/workbook.md) and save the workbook again")
HINTS = {
    "formula.circular": _("Break the cycle in Excel (Formulas > Error Checking > Circular References) and save the "
                          "workbook again"),
    "formula.unsupported": _REPLACE_FUNCTION,
    "formula.external": _("Copy the value into this workbook instead of linking to another file (Data > Edit Links > "
                          "Break Link)"),
    "formula.not_computed": _("Check the formula's syntax; a defined name must start with a letter A-Z or _ "
                              "(IronCalc 0.9 cannot read names starting with Å, Ä or Ö), so rename such a name in "
                              "Formulas > Name Manager"),
    "formula.error": _("Correct the formula in Excel (a deleted row or sheet gives #REF!) and save the workbook again"),
    "formula.depends": _REPLACE_FUNCTION,
}


def _serial(value):
    """Dates, times of day and durations (read so because of a cell's format) as the number Excel stores."""
    if isinstance(value, (dt.datetime, dt.date)):
        return to_excel(value)
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return value


NUMBER_TYPES = (int, float)


def same_value(cached: Value, recomputed: Value) -> bool:
    """Return True when Excel would show the cached and the recomputed value as the same."""
    if type(cached) in NUMBER_TYPES and type(recomputed) in NUMBER_TYPES:  # the common case, first (not bool)
        return math.isclose(cached, recomputed, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    cached, recomputed = _serial(cached), _serial(recomputed)
    if isinstance(cached, ExcelError) or isinstance(recomputed, ExcelError):
        return str(cached) == str(recomputed) and isinstance(cached, ExcelError) == isinstance(recomputed, ExcelError)
    if isinstance(cached, bool) or isinstance(recomputed, bool):
        return cached is recomputed or (isinstance(cached, bool) and isinstance(recomputed, bool) and cached == recomputed)
    if isinstance(cached, (int, float)) and isinstance(recomputed, (int, float)):
        return math.isclose(cached, recomputed, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if recomputed is None:
        return cached == "" or (cached == 0 and not isinstance(cached, bool))
    return cached == recomputed


def shown(value: Value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) and not isinstance(value, ExcelError) else str(value)
