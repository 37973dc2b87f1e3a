"""Compare what the engine recomputed with what the file cached, and list formulas that cannot be trusted."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from openpyxl.utils.datetime import to_excel

from ..errors import FormulaProblem
from ..findings import Finding, Severity
from .book import ExcelError, Value, Workbook
from .engine import EngineReport
from .refs import without_strings
from .values import json_value

# Excel keeps 15 significant digits; anything closer than this is the same number.
REL_TOL = 1e-9
ABS_TOL = 1e-9
CIRCULAR = "#CIRC!"
# Results IronCalc gives where Excel has no error value: the engine could not compute the formula.
ENGINE_FAILED = {"#ERROR!", "#N/IMPL!"}
_EXTERNAL_REF = re.compile(r"\[[^\]]+\][^!]*!")


@dataclass(frozen=True)
class Difference:
    ref: str
    cached: Value
    recomputed: Value
    formula: str

    def to_json(self) -> dict:
        return {"cell": self.ref, "cached": json_value(self.cached), "recomputed": json_value(self.recomputed), "formula": self.formula}


@dataclass
class Verification:
    """What recomputing found, cell by cell."""

    formula_count: int = 0
    without_cached_value: int = 0
    differences: list[Difference] = field(default_factory=list)
    error_values: list[Difference] = field(default_factory=list)  # cached field unused: recomputed is the error
    unsupported: dict[str, list[str]] = field(default_factory=dict)
    circular: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    not_computed: list[str] = field(default_factory=list)  # the engine could not parse or compute

    @property
    def computable(self) -> bool:
        """True when every formula got a value Excel could also give (errors such as #DIV/0! included)."""
        return not (self.circular or self.unsupported or self.external or self.not_computed)

    def findings(self) -> list[Finding]:
        out: list[Finding] = []
        for ref in self.circular:
            out.append(Finding(Severity.ERROR, "formula.circular", "circular reference: the formula depends on itself", ref))
        for ref, names in self.unsupported.items():
            out.append(
                Finding(Severity.ERROR, "formula.unsupported", f"function not supported by the engine: {', '.join(names)}", ref)
            )
        for ref in self.external:
            out.append(Finding(Severity.ERROR, "formula.external", "formula refers to another workbook", ref))
        for ref in self.not_computed:
            out.append(Finding(Severity.ERROR, "formula.not_computed", "the engine could not compute this formula", ref))
        known = set(self.circular) | set(self.unsupported) | set(self.external) | set(self.not_computed)
        for d in self.error_values:
            if d.ref not in known:
                out.append(
                    Finding(Severity.ERROR, "formula.error", f"formula gives {d.recomputed} ({d.formula})", d.ref)
                )
        for d in self.differences:
            out.append(
                Finding(
                    Severity.WARNING,
                    "recalc.differs",
                    f"cached value {_show(d.cached)} differs from recomputed {_show(d.recomputed)} ({d.formula})",
                    d.ref,
                    {"cached": json_value(d.cached), "recomputed": json_value(d.recomputed), "formula": d.formula},
                )
            )
        return out

    def raise_if_unusable(self, workbook: Workbook) -> None:
        """Raise FormulaProblem if any formula could not be computed to a proper value."""
        problems = [f for f in self.findings() if f.severity is Severity.ERROR]
        if not problems:
            return
        first = problems[0]
        more = f" ({len(problems) - 1} more such cells: {', '.join(p.location for p in problems[1:6])}" + (
            ", ..." if len(problems) > 6 else ""
        ) + ")" if len(problems) > 1 else ""
        raise FormulaProblem(
            first.message + more,
            file=workbook.path,
            location=first.location,
            hint=_HINTS[first.code],
        )


_HINTS = {
    "formula.circular": "Break the cycle in Excel (Formulas > Error Checking > Circular References) and save the workbook again",
    "formula.unsupported": "Replace the function with a supported one (see docs/workbook.md) and save the workbook again",
    "formula.external": "Copy the value into this workbook instead of linking to another file (Data > Edit Links > Break Link)",
    "formula.not_computed": "Check the formula's syntax; a defined name must start with a letter A-Z or _ "
    "(IronCalc 0.9 cannot read names starting with Å, Ä or Ö), so rename such a name in Formulas > Name Manager",
    "formula.error": "Correct the formula in Excel (a deleted row or sheet gives #REF!) and save the workbook again",
}


def verify(workbook: Workbook, engine: EngineReport) -> Verification:
    """Return the verification of a recomputed workbook against its cached values."""
    result = Verification(unsupported=dict(engine.unsupported))
    for sheet, cell in workbook.formula_cells():
        result.formula_count += 1
        where = sheet.ref(cell.row, cell.col)
        if _EXTERNAL_REF.search(without_strings(cell.formula)):
            result.external.append(where)
            continue
        if isinstance(cell.value, ExcelError):
            if cell.value == CIRCULAR:
                result.circular.append(where)
            elif cell.value in ENGINE_FAILED and where not in result.unsupported:
                result.not_computed.append(where)
            elif where not in result.unsupported:
                result.error_values.append(Difference(where, cell.cached, cell.value, cell.formula))
        if cell.cached is None:
            result.without_cached_value += 1
        elif not same_value(cell.cached, cell.value):
            result.differences.append(Difference(where, cell.cached, cell.value, cell.formula))
    return result


def same_value(cached: Value, recomputed: Value) -> bool:
    """Return True when Excel would show the cached and the recomputed value as the same."""
    if isinstance(cached, (dt.datetime, dt.date)):
        cached = to_excel(cached)
    if isinstance(cached, ExcelError) or isinstance(recomputed, ExcelError):
        return str(cached) == str(recomputed) and isinstance(cached, ExcelError) == isinstance(recomputed, ExcelError)
    if isinstance(cached, bool) or isinstance(recomputed, bool):
        return cached is recomputed or (isinstance(cached, bool) and isinstance(recomputed, bool) and cached == recomputed)
    if isinstance(cached, (int, float)) and isinstance(recomputed, (int, float)):
        return math.isclose(cached, recomputed, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if recomputed is None:
        return cached == "" or (cached == 0 and not isinstance(cached, bool))
    return cached == recomputed


def _show(value: Value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) and not isinstance(value, ExcelError) else str(value)
