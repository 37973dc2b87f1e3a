"""Compare what the engine recomputed with what the file cached, and list formulas that cannot be trusted.

The stage itself: which formulas the engine could not compute and why (unsupported functions, ranges of
sheets, relative names, links to other files, cycles, #REF!). What it finds is a Verification (verification.py).
"""

from __future__ import annotations

import math
import re

from ..i18n import Message, _
from ..text import LazyPattern
from .book import ExcelError, Workbook, cell_order, quote_sheet, ref
from .cellnames import get_column_letter
from .calls import swedish_text_format
from .engine import DATA_TABLE, NOT_IMPLEMENTED, EngineReport, function_names
from .graph import Dependencies
from .refs import THREE_D, without_strings
from .verification import (ABS_TOL, CIRCULAR_CODE, DEPENDS, EXTERNAL, HINTS, NOT_COMPUTED, NUMBER_TYPES, REL_TOL,  # noqa: F401
                           UNSUPPORTED, Difference, NotComputed, Verification, listed, same_value, shown, with_more)

CIRCULAR = "#CIRC!"
NAME_ERROR = "#NAME?"
_EXTERNAL_REF = re.compile(r"\[[^\]]+\][^!]*!")
_REF_ERROR_LITERAL = LazyPattern(r"(?<![\w.])(?:(?:'(?:[^']|'')+'|[^\W\d][\w.]*)!)?#REF!")
_NON_ASCII_NAME = LazyPattern(r"(?<![\w.])([^\W\dA-Za-z_][\w.]*)(?![\w.(!])")


def verify(workbook: Workbook, engine: EngineReport, graph: Dependencies | None = None) -> Verification:
    """Return the verification of a recomputed workbook against its cached values."""
    graph = graph or Dependencies(workbook)
    result = Verification(engine=f"{engine.engine} {engine.version}",
                          divergence_candidates=set(engine.divergence_candidates))
    formula_cells = list(workbook.formula_cells())
    causes: dict[str, NotComputed] = {}
    suspects, circular = [], []
    ref_errors: set = set()
    relative = _relative_names(workbook)
    # A cached #NAME? confirms an unsupported function only when Excel saved it (Excel lacks it too); from
    # another program it means that program lacks it (LibreOffice re-saving PIVOTBY as _xlfn.pivotby).
    name_confirms = workbook.saved_by_excel
    unsupported, engine_failed = engine.unsupported, engine.failed
    any_cell_may = bool(unsupported or engine_failed or relative)
    for sheet, cell in formula_cells:
        formula = cell.formula
        # Most formulas: no cause to look for (each test below needs one of these; a range of sheets both ! and :)
        if not (any_cell_may or isinstance(cell.value, ExcelError) or "[" in formula
                or ("!" in formula and ":" in formula)):
            continue
        where = sheet.ref(cell.row, cell.col)
        masked = _masked(formula)
        if where in unsupported and (unsupported[where] == [DATA_TABLE] or not (
                cell.cached is not None and (name_confirms or cell.cached != NAME_ERROR)
                and same_value(cell.cached, cell.value))):
            # (A value Excel cached that equals ours confirms it: IFERROR(SUMM(1);0) is 0 in Excel too.)
            causes[where] = _unsupported(where, cell, engine, workbook)
        elif (span := THREE_D.search(masked) if ":" in masked else None) is not None:
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
        cells = {sheet.ref(cell.row, cell.col): (sheet, cell) for sheet, cell in formula_cells}
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
    result.formula_count = len(formula_cells)
    agreeing = without_cached_value = 0
    prefixes = {sheet.name: quote_sheet(sheet.name) + "!" for sheet in workbook.sheets}  # (sheet.ref, quicker)
    differences, isclose = result.differences, math.isclose
    for sheet, cell in formula_cells:
        if problems and sheet.ref(cell.row, cell.col) in problems:
            continue
        cached, value = cell.cached, cell.value
        if isinstance(value, ExcelError):
            result.error_values.append(Difference(sheet.ref(cell.row, cell.col), cached, value, cell.formula))
        if cached is None:
            without_cached_value += 1
        elif (type(cached) is type(value) and cached == value) or (
                isclose(cached, value, rel_tol=REL_TOL, abs_tol=ABS_TOL)  # (same_value's first case, inline)
                if type(cached) in NUMBER_TYPES and type(value) in NUMBER_TYPES else same_value(cached, value)):
            agreeing += 1
        else:
            where = f"{prefixes[sheet.name]}{get_column_letter(cell.col)}{cell.row}"
            differences.append(Difference(where, cached, value, cell.formula))
    result.agreeing += agreeing
    result.without_cached_value += without_cached_value
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


_PLAIN_REFERENCE = LazyPattern(r"!(\$?[A-Za-z]{1,3})(\$?\d+)(?::(\$?[A-Za-z]{1,3})(\$?\d+))?(?![\w(])"
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
