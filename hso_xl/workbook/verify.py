"""Compare what the engine recomputed with what the file cached, and list formulas that cannot be trusted."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from openpyxl.utils.datetime import to_excel

from ..errors import FormulaProblem
from ..findings import Finding, Severity
from ..i18n import SOURCE, Message, _, n_
from .book import ExcelError, Value, Workbook, cell_order, ref
from .divergences import swedish_text_format
from .engine import DATA_TABLE, NOT_IMPLEMENTED, EngineReport, function_names
from .graph import Dependencies
from .refs import THREE_D, without_strings
from .values import json_value

# Excel keeps 15 significant digits; anything closer than this is the same number.
REL_TOL = 1e-9
ABS_TOL = 1e-9
CIRCULAR = "#CIRC!"
NAME_ERROR = "#NAME?"
_EXTERNAL_REF = re.compile(r"\[[^\]]+\][^!]*!")
_REF_ERROR_LITERAL = re.compile(r"(?<![\w.])(?:(?:'(?:[^']|'')+'|[^\W\d][\w.]*)!)?#REF!")
_NON_ASCII_NAME = re.compile(r"(?<![\w.])([^\W\dA-Za-z_][\w.]*)(?![\w.(!])")

# Codes of the reasons a cell was not computed. DEPENDS: the cell reads (directly or through other
# cells) one that was not computed; the others are causes.
UNSUPPORTED, NOT_COMPUTED, CIRCULAR_CODE, EXTERNAL, DEPENDS = (
    "formula.unsupported", "formula.not_computed", "formula.circular", "formula.external", "formula.depends")


@dataclass(frozen=True)
class Difference:
    ref: str
    cached: Value
    recomputed: Value
    formula: str

    def to_json(self) -> dict:
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
    divergence_candidates: set[str] = field(default_factory=set)  # see EngineReport

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
        out = [Finding(Severity.ERROR, p.code, _with_dependents(p.why, self.dependents_of(p.ref)), p.ref,
                       {"hint": p.advice}) for p in self.causes]
        out += [Finding(Severity.ERROR, "formula.error",
                        _("formula gives {value} ({formula})", value=str(d.recomputed), formula=d.formula), d.ref)
                for d in self.error_values]
        return out + self.difference_findings()

    def raise_if_unusable(self, workbook: Workbook) -> None:
        """Raise FormulaProblem if any formula could not be computed to a proper value."""
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


def verify(workbook: Workbook, engine: EngineReport, graph: Dependencies | None = None) -> Verification:
    """Return the verification of a recomputed workbook against its cached values."""
    graph = graph or Dependencies(workbook)
    result = Verification(engine=f"{engine.engine} {engine.version}",
                          divergence_candidates=set(engine.divergence_candidates))
    cells: dict[str, tuple] = {}
    causes: dict[str, NotComputed] = {}
    suspects, circular = [], []
    ref_errors: set = set()
    relative = _relative_names(workbook)
    # A cached #NAME? confirms an unsupported function only when Excel saved it (Excel lacks it too); from
    # another program it means that program lacks it (LibreOffice re-saving PIVOTBY as _xlfn.pivotby).
    name_confirms = workbook.saved_by_excel
    for sheet, cell in workbook.formula_cells():
        result.formula_count += 1
        where = sheet.ref(cell.row, cell.col)
        cells[where] = (sheet, cell)
        if where in engine.unsupported and (engine.unsupported[where] == [DATA_TABLE] or not (
                cell.cached is not None and (name_confirms or cell.cached != NAME_ERROR)
                and same_value(cell.cached, cell.value))):
            # (A value Excel cached that equals ours confirms it: IFERROR(SUMM(1);0) is 0 in Excel too.)
            causes[where] = _unsupported(where, cell, engine, workbook)
        elif (span := THREE_D.search(masked) if ":" in (masked := _masked(cell.formula)) else None) is not None:
            causes[where] = NotComputed(
                where, NOT_COMPUTED, _("a reference to the same cells on a range of sheets ({reference}) is not "
                                       "supported by the engine ({engine})", reference=span.group(0).strip(),
                                       engine=f"{engine.engine} {engine.version}"),
                cell.formula, cell.cached, where,
                hint=_("Add the sheets' cells one by one (=Blad1!A1+Blad2!A1+Blad3!A1) and save the workbook again"),
                short=_("a reference to a range of sheets is not supported by the engine"))
        elif relative and (cell.row, cell.col) != (1, 1) and (used := relative.search(masked)):
            key = used.group(1).casefold()
            text = next(t for k, t in workbook.defined_names.items() if k.split("!")[-1].casefold() == key)
            causes[where] = NotComputed(
                where, NOT_COMPUTED, _("the defined name {name} refers to {target} without $: Excel reads it relative to "
                                       "the cell that uses it, the engine ({engine}) as that fixed cell",
                                       name=used.group(1), target=text, engine=f"{engine.engine} {engine.version}"),
                cell.formula, cell.cached, where,
                hint=_("Make the name's reference absolute ($B$2) in Formulas > Name Manager, or write the cell "
                       "reference in the formula, and save the workbook again"),
                short=_("the defined name {name} is relative", name=used.group(1)))
        elif "[" in masked and _EXTERNAL_REF.search(masked):
            causes[where] = NotComputed(where, EXTERNAL, _("the formula refers to another workbook"), cell.formula,
                                        cell.cached, where)
        elif isinstance(cell.value, ExcelError) and cell.value == "#VALUE!" and \
                (code := swedish_text_format(cell.formula)) is not None:
            causes[where] = NotComputed(
                where, NOT_COMPUTED, _("TEXT with a format code written in Swedish Excel ({format}) is not supported by "
                                       "the engine ({engine} reads format codes as English Excel does and gives "
                                       "#VALUE!)", format=code, engine=f"{engine.engine} {engine.version}"),
                cell.formula, cell.cached, where,
                hint=_('Build the text without a format code that depends on the language (=YEAR(A1)&"-"&'
                       'TEXT(MONTH(A1),"00")&"-"&TEXT(DAY(A1),"00")), or type the text in, and save the workbook again'),
                short=_("TEXT with a Swedish format code is not supported by the engine"))
        elif isinstance(cell.value, ExcelError) and cell.value == CIRCULAR:
            circular.append((sheet, cell, where))
        elif where in engine.failed and _REF_ERROR_LITERAL.search(masked):
            cell.value = ExcelError("#REF!")  # =Blad1!#REF! (a deleted sheet or row): Excel gives #REF!, IronCalc #ERROR!
            ref_errors.add((sheet.name, cell.row, cell.col))
        elif where in engine.failed:
            suspects.append((sheet, cell, where))
    # A cell that gave up only because it reads a #REF! literal passes Excel's #REF! on, as Excel does.
    changed = bool(ref_errors)
    while changed:
        changed = False
        for item in list(suspects):
            sheet, cell, where = item
            node = (sheet.name, cell.row, cell.col)
            if any(p in ref_errors for p in graph.precedents(node)):
                cell.value = ExcelError("#REF!")
                ref_errors.add(node)
                suspects.remove(item)
                changed = True
    # IronCalc gives #CIRC! to a cycle and to every cell reading it: only the cycle is the cause.
    in_cycle = _cycles(graph, {(s.name, c.row, c.col) for s, c, _where in circular})
    for sheet, cell, where in circular:
        if (sheet.name, cell.row, cell.col) in in_cycle:
            if workbook.iterative:
                causes[where] = NotComputed(
                    where, CIRCULAR_CODE, _("circular reference: the formula depends on itself; the workbook lets "
                                            "Excel iterate it (iterative calculation is on), the engine does not"),
                    cell.formula, cell.cached, where, short=_("circular reference"),
                    hint=_("Replace the cycle with a formula that gives the value directly (or type in the value "
                           "Excel's iteration arrives at) and save the workbook again"))
            else:
                causes[where] = NotComputed(where, CIRCULAR_CODE, _("circular reference: the formula depends on itself"),
                                            cell.formula, cell.cached, where)
        else:
            suspects.append((sheet, cell, where))
    # A cell that gave up (#N/IMPL!, #ERROR!) is a cause only when nothing it reads gave up too.
    failed = set(causes) | {w for _sheet, _cell, w in suspects}
    for sheet, cell, where in suspects:
        reads = [graph_name(n) for n in graph.precedents((sheet.name, cell.row, cell.col))]
        if not any(r in failed for r in reads):
            why, short, hint = engine_failure(cell.formula, cell.value, engine, workbook)
            causes[where] = NotComputed(where, NOT_COMPUTED, why, cell.formula, cell.cached, where, hint, short)
    problems = dict(sorted(causes.items(), key=lambda item: cell_order(item[0])))
    if causes:
        roots = [(cells[w][0].name, cells[w][1].row, cells[w][1].col) for w in causes]
        for node, root in sorted(graph.dependents(roots).items(), key=lambda item: cell_order(graph_name(item[0]))):
            where = graph_name(node)
            sheet, cell = cells[where]
            cause = graph_name(root)
            problems[where] = NotComputed(where, DEPENDS, _("depends on {cell} ({why})", cell=cause,
                                                            why=causes[cause].brief),
                                          cell.formula, cell.cached, cause, causes[cause].hint)
    for sheet, cell, where in suspects:
        if where not in problems:  # reads a cell that gave up, which rests on no cause: a cycle of failures
            why, short, hint = engine_failure(cell.formula, cell.value, engine, workbook)
            problems[where] = NotComputed(where, NOT_COMPUTED, why, cell.formula, cell.cached, where, hint, short)
    result.problems = problems
    for where, (sheet, cell) in cells.items():
        if where in problems:
            continue
        if isinstance(cell.value, ExcelError):
            result.error_values.append(Difference(where, cell.cached, cell.value, cell.formula))
        if cell.cached is None:
            result.without_cached_value += 1
        elif not same_value(cell.cached, cell.value):
            result.differences.append(Difference(where, cell.cached, cell.value, cell.formula))
        else:
            result.agreeing += 1
    return result


def _masked(formula: str) -> str:
    return without_strings(formula) if '"' in formula else formula


def _relative_names(workbook: Workbook) -> re.Pattern | None:
    """A pattern finding the defined names whose reference is relative (a cell, column or row without $),
    which IronCalc reads as fixed cells and Excel relative to the cell using the name; None when there are none."""
    names = []
    for key, text in workbook.defined_names.items():
        masked = without_strings(text)
        if "[" in masked or "(" in masked:
            continue  # another workbook's, or a formula (a LAMBDA, a constant): not a plain reference
        for found in _PLAIN_REFERENCE.findall(masked):
            if any(part and not part.startswith("$") for part in found):
                names.append(re.escape(key.split("!")[-1]))
                break
    if not names:
        return None
    return re.compile(r"(?<![\w.!])(" + "|".join(sorted(set(names), key=len, reverse=True)) + r")(?![\w.(!\[])",
                      re.IGNORECASE)


_PLAIN_REFERENCE = re.compile(r"!(\$?[A-Za-z]{1,3})(\$?\d+)(?::(\$?[A-Za-z]{1,3})(\$?\d+))?(?![\w(])"
                              r"|!(\$?[A-Za-z]{1,3}):(\$?[A-Za-z]{1,3})(?![\w(])")


def _unsupported(where: str, cell, engine: EngineReport, workbook: Workbook) -> NotComputed:
    """Say which function (or data table, or name holding a LAMBDA) of the cell the engine lacks."""
    functions = engine.unsupported[where]
    name = f"{engine.engine} {engine.version}"
    if functions == [DATA_TABLE]:
        return NotComputed(
            where, UNSUPPORTED, _("a data table ({formula}, Data > What-If Analysis > Data Table) is not supported by "
                                  "the engine ({engine}); its cells keep the values Excel cached",
                                  formula="{" + cell.formula + "}", engine=name),
            cell.formula, cell.cached, where, short=_("a data table is not supported by the engine"),
            hint=_("Copy the data table's results and paste them as values where a figure needs them, or compute them "
                   "with ordinary formulas, and save the workbook again"),
            functions=tuple(functions))
    defined = {key.split("!")[-1].upper(): key.split("!")[-1] for key in workbook.defined_names}
    shown_names = [_("the defined name {name} (a LAMBDA)", name=defined[f]) if f in defined else f for f in functions]
    what = ", ".join(str(n) for n in shown_names)
    return NotComputed(where, UNSUPPORTED, _("{what} is not supported by the engine ({engine})", what=what, engine=name),
                       cell.formula, cell.cached, where, short=_("{what} is not supported by the engine", what=what),
                       functions=tuple(functions))


def _cycles(graph: Dependencies, nodes: set) -> set:
    """Return the `nodes` that lie on a cycle of the graph (through other `nodes` only)."""
    out = set()
    for start in nodes:
        stack, seen = list(graph.precedents(start)), set()
        while stack:
            node = stack.pop()
            if node == start:
                out.add(start)
                break
            if node in seen or node not in nodes:
                continue
            seen.add(node)
            stack.extend(graph.precedents(node))
    return out


def engine_failure(formula: str, value, engine: EngineReport,
                   workbook: Workbook | None = None) -> tuple[Message, Message, Message]:
    """Say why the engine gave up on a formula whose own functions it knows (#N/IMPL!, #ERROR!), and what to do.

    Returns the reason, the same without its details (as a cell reading this one quotes it), and the hint."""
    from .divergences import unsupported_shape

    shape = unsupported_shape(formula)
    name = f"{engine.engine} {engine.version}"
    value = str(value)
    names = {n.split("!")[-1].casefold() for n in workbook.defined_names} if workbook else set()
    odd = [m for m in _NON_ASCII_NAME.findall(without_strings(formula)) if m.casefold() in names]
    if odd:
        return (_("the engine ({engine}) cannot read the defined name {name}, whose first letter is not A-Z or _ "
                  "({value})", engine=name, name=odd[0], value=value),
                _("the engine cannot read the defined name {name}", name=odd[0]),
                _("Rename the name in Formulas > Name Manager so that it starts with a letter A-Z or _ "
                  "(Uppräkning works, Årsbelopp does not) and save the workbook again"))
    rewrite = _("Rewrite the formula without it and save the workbook again (see docs/workbook.md, Formulas)")
    if shape:
        return (_("{what} is not supported by the engine ({engine} gives {value})", what=shape, engine=name,
                  value=value),
                _("{what} is not supported by the engine", what=shape), rewrite)
    masked = without_strings(formula)
    if value == NOT_IMPLEMENTED and not any(ch in masked for ch in ":{") and function_names(formula):
        # No range or array among the arguments: the engine lacks the function itself (INFO, CELL("...")).
        functions = ", ".join(function_names(formula))
        return (_("the engine ({engine}) knows {functions} but does not compute it ({value})", engine=name,
                  functions=functions, value=value),
                _("the engine does not compute {functions}", functions=functions), rewrite)
    if value == NOT_IMPLEMENTED:
        functions = ", ".join(function_names(formula)) or _("the formula")
        return (_("the engine ({engine}) cannot compute {functions} with these arguments (an array or a range where "
                  "it expects one value) and gives {value}", engine=name, functions=functions, value=value),
                _("the engine cannot compute {functions} with these arguments", functions=functions), rewrite)
    return (_("the engine ({engine}) could not compute this formula ({value})", engine=name, value=value),
            _("the engine could not compute this formula"), HINTS[NOT_COMPUTED])


def graph_name(node) -> str:
    return ref(*node)


def _serial(value):
    """Dates, times of day and durations (read so because of a cell's format) as the number Excel stores."""
    if isinstance(value, (dt.datetime, dt.date)):
        return to_excel(value)
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return value


_NUMBERS = (int, float)


def same_value(cached: Value, recomputed: Value) -> bool:
    """Return True when Excel would show the cached and the recomputed value as the same."""
    if type(cached) in _NUMBERS and type(recomputed) in _NUMBERS:  # the common case, first (not bool)
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
