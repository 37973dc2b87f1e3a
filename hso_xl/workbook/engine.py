"""Recompute every formula of a workbook. IronCalc is the engine; nothing else imports it.

The interface is one function, `recompute`, which fills `Cell.value` of every formula cell and
returns what the engine itself could not do: functions it does not know or has not implemented,
and the cells where it gave up (#N/IMPL!, #ERROR!). Which of those cells are the cause and which
only read a cell that failed is decided with the dependency graph (verify.py).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field

from .. import scratch
from ..errors import WorkbookUnusable
from ..i18n import _
from ..text import LazyPattern
from .book import ExcelError, Workbook, quote_sheet
from .refs import without_strings

ENGINE_NAME = "IronCalc"
# IronCalc keeps a function name it does not know in lower case in the formula it reports.
_FUNCTION = re.compile(r"(?<![\w.\"])([^\W\d][\w.]*)\(")
NOT_IMPLEMENTED = "#N/IMPL!"
# Results IronCalc gives where Excel has no error value: the engine could not compute the formula.
ENGINE_FAILED = frozenset({"#ERROR!", NOT_IMPLEMENTED})
# Functions IronCalc 0.9.1 parses but never computes (always #N/IMPL!); each is tested in
# tests/test_divergences.py, so a release that implements one fails that test.
UNIMPLEMENTED_FUNCTIONS = frozenset({"FORECAST.ETS", "FORECAST.ETS.CONFINT", "FORECAST.ETS.SEASONALITY",
                                     "FORECAST.ETS.STAT"})
DATA_TABLE = "TABLE"  # a data table's formula, {=TABLE(,B1)}: IronCalc refuses a whole file holding one
_DATA_TABLE_F = LazyPattern(rb'<(?:\w+:)?f\b[^>]*\bt="dataTable"[^>]*?(?:/>|>.*?</(?:\w+:)?f>)', re.S)
_DIGITS_AS_0 = str.maketrans("123456789", "000000000")
_KNOWN: dict[str, bool] = {}  # function name -> does IronCalc know it (probed once per process)


@dataclass
class EngineReport:
    engine: str
    version: str
    unsupported: dict[str, list[str]] = field(default_factory=dict)  # cell ref -> functions IronCalc lacks
    failed: set[str] = field(default_factory=set)  # cells whose result is #N/IMPL! or #ERROR!
    # cells whose formula calls a function of a known divergence, or uses & or a space (divergences.py)
    divergence_candidates: set[str] = field(default_factory=set)


def engine_version() -> str:
    import ironcalc

    return getattr(ironcalc, "__version__", "?")


def recompute(workbook: Workbook) -> EngineReport:
    """Recompute all formulas of `workbook` (read from its file) into each formula cell's `value`."""
    import ironcalc

    tables = {sheet.ref(r, c) for sheet in workbook.sheets for r, c in sheet.data_tables}
    output = _EngineOutput()
    computed = False
    try:
        with output, _without_data_tables(workbook) as package:
            model = ironcalc.load_from_xlsx(str(package), "en", "UTC")
            model.evaluate()
            computed = True
            return _results(workbook, model, tables)
    except BaseException as exc:  # pyo3 panics derive from BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)) or (computed and not _panicked(exc, output.text)):
            raise  # hso-xl's own mistake reading the results: a bug, reported as one
        raise _refusal(workbook, exc, output.text) from None


def _panicked(exc: BaseException, printed: str) -> bool:
    return type(exc).__name__ == "PanicException" or "panicked at" in printed


def _refusal(workbook: Workbook, exc: BaseException, printed: str) -> WorkbookUnusable:
    """The engine's failure in the administrator's words; what it said or printed is for HSO_XL_DEBUG only."""
    if os.environ.get("HSO_XL_DEBUG"):
        sys.stderr.write(printed + f"\n{type(exc).__name__}: {exc}\n")
    odd = [sheet.name for sheet in workbook.sheets if "!" in sheet.name]
    if odd:  # IronCalc 0.9 cannot read a sheet name holding "!" (Excel allows it)
        return WorkbookUnusable(
            _("the calculation engine cannot read a workbook with a sheet named {sheet}: the engine does not "
              "allow \"!\" in a sheet name", sheet=quote_sheet(odd[0])),
            file=workbook.path, location=quote_sheet(odd[0]),
            hint=_("Rename the sheet without \"!\" (formulas referring to it follow) and save the workbook again"),
        )
    panicked = _panicked(exc, printed)
    return WorkbookUnusable(
        _("the calculation engine ({engine}) stopped on something in the workbook it cannot handle, so no formula "
          "was computed", engine=ENGINE_NAME) if panicked else
        _("the calculation engine ({engine}) cannot read the workbook, although hso-xl could read every part of it",
          engine=ENGINE_NAME),
        file=workbook.path,
        hint=_("Open the workbook in Excel, check that it opens without a repair prompt, and save it again; if this "
               "message remains, send the workbook to the people who maintain hso-xl"),
    )


def _results(workbook: Workbook, model, tables: set[str]) -> EngineReport:
    """Each formula cell's value as the engine computed it, and what the engine could not do."""
    import ironcalc

    from .divergences import FUNCTIONS as divergent

    engine_index = {props["name"]: i for i, props in enumerate(model.get_worksheets_properties())}
    report = EngineReport(engine=ENGINE_NAME, version=engine_version())
    error_type = ironcalc.CellType.ErrorValue
    suspect = _suspect_names(workbook, divergent)
    for sheet in workbook.sheets:
        idx = engine_index.get(sheet.name)
        for cell in sheet.cells.values():
            formula = cell.formula
            if formula is None:
                continue
            if idx is None:
                cell.value = ExcelError("#REF!")
                continue
            if tables and (where := sheet.ref(cell.row, cell.col)) in tables:
                cell.value = cell.cached  # given to the engine without its formula: it keeps the value cached
                report.unsupported[where] = [DATA_TABLE]
                continue
            value = model.get_cell_value(idx, cell.row, cell.col)
            # (an error comes back as its text: only a text can be one)
            if type(value) is str and model.get_cell_type(idx, cell.row, cell.col) == error_type:
                value = ExcelError(str(value))
                if value in ENGINE_FAILED:
                    report.failed.add(sheet.ref(cell.row, cell.col))
            cell.value = value
            names = ()
            if suspect and "(" in formula:
                upper = formula.upper()
                if any(name in upper for name in suspect):
                    names = function_names(formula)
            if names:  # also where the value is no error: IFERROR(PIVOTBY(...); 0) gives 0 where Excel pivots
                lacking = sorted({n for n in names if n in UNIMPLEMENTED_FUNCTIONS or not known_function(n)})
                if lacking:
                    report.unsupported[sheet.ref(cell.row, cell.col)] = lacking
            if "&" in formula or " " in formula or (names and not divergent.isdisjoint(names)):
                report.divergence_candidates.add(sheet.ref(cell.row, cell.col))
    return report


def _suspect_names(workbook: Workbook, divergent: frozenset[str]) -> set[str]:
    """The function names, of all the workbook's formulas at once, that the engine lacks or computes otherwise.

    One search over every formula instead of one per formula: a formula's own names (function_names) are among
    these, so a formula whose text holds none of them calls none of them."""
    every = "\n".join(without_strings(formula) if '"' in formula else formula  # (as function_names reads one)
                       for sheet in workbook.sheets for formula in (cell.formula for cell in sheet.cells.values())
                       if formula is not None and "(" in formula)
    # Formulas that differ only in their digits (=B2*2, =B3*2) call the same functions: searched once. A name
    # with a digit of its own (LOG10) shows as a 0 then, and the search is made over the formulas as written.
    once = "\n".join(set(every.translate(_DIGITS_AS_0).split("\n")))
    found = _FUNCTION.findall(once)
    if any("0" in name for name in found):
        found = _FUNCTION.findall(every)
    names = {n.upper().removeprefix("_XLFN.").removeprefix("_XLWS.") for n in found}
    return {n for n in names if n in UNIMPLEMENTED_FUNCTIONS or n in divergent or not known_function(n)}


def function_names(formula: str) -> list[str]:
    """Return the functions a formula calls, upper case, without Excel's _xlfn. prefix, in order."""
    names = _FUNCTION.findall(without_strings(formula) if '"' in formula else formula)
    return list(dict.fromkeys(n.upper().removeprefix("_XLFN.").removeprefix("_XLWS.") for n in names))


def known_function(name: str) -> bool:
    """Return whether IronCalc parses `name` as one of its functions (it keeps unknown ones in lower case)."""
    known = _KNOWN.get(name)
    if known is None:
        if name.startswith("_XLPM.") or not name.replace(".", "").replace("_", "").isalnum():
            known = True  # a LAMBDA parameter, not a function
        else:
            known = _probe(name)
        _KNOWN[name] = known
    return known


_PROBE = []


def _probe(name: str) -> bool:
    import ironcalc

    if not _PROBE:
        _PROBE.append(ironcalc.create("probe", "en", "UTC", "en"))
    model = _PROBE[0]
    try:
        model.set_user_input(0, 1, 1, f"={name}(1)")
        content = model.get_cell_content(0, 1, 1)
    except BaseException as exc:  # pyo3 panics derive from BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return True  # not something to name as unsupported: the cell's own value says what went wrong
    head = content[1:].split("(", 1)[0]
    return not head.islower()


@contextmanager
def _without_data_tables(workbook: Workbook):
    """Yield the package to give the engine: the workbook's own, or, when it holds data tables (which
    IronCalc 0.9 refuses to load at all), a temporary copy whose data tables keep only their cached values."""
    package = workbook.engine_package or workbook.package  # with Excel tables: the copy of workbook/tables.py
    if not any(sheet.data_tables for sheet in workbook.sheets):
        yield package
        return
    import tempfile
    import zipfile

    from ..package import write_package

    with zipfile.ZipFile(package) as zin:
        members = [(info.filename, zin.read(info)) for info in zin.infolist()]
    stripped = [(name, _DATA_TABLE_F.sub(b"", data) if name.startswith("xl/worksheets/") and b"dataTable" in data
                 else data) for name, data in members]
    with tempfile.TemporaryDirectory(prefix=scratch.prefix("engine")) as folder:
        copy = os.path.join(folder, "workbook.xlsx")
        with open(copy, "wb") as fh:
            fh.write(write_package(stripped))
        yield copy


class _EngineOutput:
    """Send what native code writes to file descriptors 1 and 2 to a temporary file for the duration.

    IronCalc prints parse warnings on stdout and, when it panics, Rust's panic message on stderr
    before raising: neither is for the administrator, whose one paragraph says what happened.
    What was printed is kept in `text` (shown with HSO_XL_DEBUG=1).
    """

    def __init__(self) -> None:
        self.text = ""
        self.saved: tuple[int, int] | None = None
        self.sink = None

    def __enter__(self) -> "_EngineOutput":
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            saved = os.dup(1), os.dup(2)
        except OSError:  # no real stdout or stderr (embedded use): nothing to protect
            return self
        self.saved = saved
        self.sink = tempfile.TemporaryFile()
        os.dup2(self.sink.fileno(), 1)
        os.dup2(self.sink.fileno(), 2)
        return self

    def __exit__(self, *exc) -> None:
        if self.saved is None:
            return
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, saved in zip((1, 2), self.saved):
            os.dup2(saved, fd)
            os.close(saved)
        self.sink.seek(0)
        self.text = self.sink.read(1 << 16).decode("utf-8", "replace")
        self.sink.close()
