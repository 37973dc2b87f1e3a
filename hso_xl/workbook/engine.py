"""Recompute every formula of a workbook. IronCalc is the engine; nothing else imports it.

The interface is one function, `recompute`, which fills `Cell.value` of every formula cell and
returns what the engine itself could not do (functions it does not know).
"""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import WorkbookUnusable
from .book import ExcelError, Workbook
from .refs import without_strings

ENGINE_NAME = "IronCalc"
# IronCalc keeps a function name it does not know in lower case in the formula it reports.
_FUNCTION = re.compile(r"(?<![\w.\"])([^\W\d][\w.]*)\(")
NOT_IMPLEMENTED = "#N/IMPL!"


@dataclass
class EngineReport:
    engine: str
    version: str
    unsupported: dict[str, list[str]] = field(default_factory=dict)  # cell ref -> function names


def engine_version() -> str:
    import ironcalc

    return getattr(ironcalc, "__version__", "?")


def recompute(workbook: Workbook) -> EngineReport:
    """Recompute all formulas of `workbook` (read from its file) into each formula cell's `value`."""
    import ironcalc

    try:
        with _stdout_to_stderr():  # IronCalc prints parse warnings on stdout, which would break --json
            model = ironcalc.load_from_xlsx(str(workbook.package), "en", "UTC")
            model.evaluate()
    except BaseException as exc:  # pyo3 panics derive from BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise WorkbookUnusable(
            f"the calculation engine could not read the workbook ({exc})",
            file=workbook.path,
            hint="Open it in Excel, check that it opens without a repair prompt, and save it again",
        ) from None

    engine_index = {props["name"]: i for i, props in enumerate(model.get_worksheets_properties())}
    report = EngineReport(engine=ENGINE_NAME, version=engine_version())
    error_type = ironcalc.CellType.ErrorValue
    for sheet in workbook.sheets:
        idx = engine_index.get(sheet.name)
        for cell in sheet.cells.values():
            if cell.formula is None:
                continue
            if idx is None:
                cell.value = ExcelError("#REF!")
                continue
            value = model.get_cell_value(idx, cell.row, cell.col)
            if model.get_cell_type(idx, cell.row, cell.col) == error_type:
                value = ExcelError(str(value))
            cell.value = value
            if isinstance(value, ExcelError):
                content = model.get_cell_content(idx, cell.row, cell.col)
                unknown = _functions(content, unknown_only=value != NOT_IMPLEMENTED)
                if unknown:
                    report.unsupported[sheet.ref(cell.row, cell.col)] = unknown
    return report


@contextmanager
def _stdout_to_stderr():
    """Send what native code writes to file descriptor 1 to stderr instead, for the duration."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real stdout (embedded use): nothing to protect
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _functions(engine_formula: str, unknown_only: bool) -> list[str]:
    """Return the functions of a formula; with `unknown_only`, those IronCalc did not recognise."""
    names = _FUNCTION.findall(without_strings(engine_formula))
    if unknown_only:
        names = [n for n in names if n.islower()]
    return sorted({n.upper().removeprefix("_XLFN.") for n in names})
