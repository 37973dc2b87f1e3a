"""Where IronCalc 0.9.1 is known to compute something other than Excel, and how to spot it.

Each entry names the function and the argument shape or input that triggers it, what IronCalc
gives and what Excel gives, and carries a one-cell example. tests/test_divergences.py builds that
example as a workbook and asserts IronCalc's current result, so when a newer IronCalc fixes an
entry its test fails and the entry is removed. The list was measured on workbooks saved by Excel
(tests/oracle/agreement.md, written by `make oracle-report`), not recalled.

`check` warns when a figure the documents use rests on a cell that matches an entry and the
workbook holds no cached value that confirms the recomputed one (workbook/figures.py).
`unsupported_shape` names the shapes IronCalc cannot compute at all (#ERROR!, #N/IMPL!), so a
cell that was not computed says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..i18n import Message, _
from ..text import LazyPattern
from .book import ExcelError, Sheet, Workbook
from .calls import STRING, calls, swedish_format
from .refs import Scanner, without_strings

_CELL = LazyPattern(r"^(?:(?:'(?:[^']|'')+'|[^\W\d][\w.]*)!)?\$?[A-Za-z]{1,3}\$?\d+$")
_NUMBER = LazyPattern(r"^-?\d+(?:\.\d*)?$")
_DATE_TEXT = LazyPattern(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")
_LEAP_1900 = LazyPattern(r"^(?:29[-/.]0?2[-/.]1900|0?2[-/.]29[-/.]1900|1900[-/.]0?2[-/.]29)$")
_BOOLEAN_CRITERION = LazyPattern(r'^"(?:<=|>=|<>|<|>|=)(?:TRUE|FALSE)"$', re.IGNORECASE)
_LONG_NUMBER_TEXT = LazyPattern(r"\d[\d.]{16,}")
_INTERSECTION = LazyPattern(
    r"(?:\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?|\))[ ]+(?=(?:'|[^\W\d][\w.]*!)?\$?[A-Za-z]{1,3}\$?\d+)")


@dataclass(frozen=True)
class Example:
    """A one-cell workbook that shows the divergence: cells typed in on sheet S, the formula in S!Z1."""

    formula: str
    ironcalc: object  # what IronCalc 0.9.1 gives (asserted by the test)
    excel: object  # what Excel gives (from the Excel-saved file named in `source`, or Excel's documentation)
    cells: dict = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class Divergence:
    code: str
    functions: tuple[str, ...]
    trigger: Message  # the argument shape or input, in words
    ironcalc: Message  # what IronCalc does
    excel: Message  # what Excel does instead
    examples: tuple[Example, ...]
    matches: Callable[["Context"], bool]
    needs: tuple[str, ...] = ()  # text a formula must hold to be looked at (default: a function's name)

    def describe(self) -> Message:
        return _("{trigger}: IronCalc {ironcalc}, where Excel {excel}", trigger=self.trigger, ironcalc=self.ironcalc,
                 excel=self.excel)


@dataclass
class Context:
    """One formula cell, with what a detector may look at: the calls, the cells it reads, its value."""

    formula: str
    sheet: Sheet
    workbook: Workbook
    scanner: Scanner
    value: object

    def calls(self, *names: str) -> list[list[str]]:
        return calls(self.formula, names)

    def value_of(self, argument: str):
        """The value of an argument that is one cell reference (None for an empty cell), else NOT_A_CELL."""
        argument = argument.strip()
        if not _CELL.match(argument):
            return NOT_A_CELL
        areas = self.scanner.areas("=" + argument, self.sheet.name)
        if len(areas) != 1:
            return NOT_A_CELL
        area = areas[0]
        return self.workbook.sheet(area.sheet).value(area.min_row, area.min_col)

    def values_of(self, argument: str) -> list | None:
        """The values of a range argument, row by row (None where empty); None when it is no plain range."""
        areas = self.scanner.areas("=" + argument.strip(), self.sheet.name)
        if len(areas) != 1 or not re.match(r"^[^(){},]+$", argument.strip()):
            return None
        area = areas[0]
        if (area.max_row - area.min_row + 1) * (area.max_col - area.min_col + 1) > 100_000:
            return None
        sheet = self.workbook.sheet(area.sheet)
        return [sheet.value(r, c) for r in range(area.min_row, area.max_row + 1)
                for c in range(area.min_col, area.max_col + 1)]


NOT_A_CELL = object()


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _sorted_same_type(values: list) -> bool:
    """True when every value is a number, or every value text, in ascending order (blanks at the end)."""
    present = [v for v in values if v is not None]
    if not present or any(isinstance(v, ExcelError) for v in present):
        return False
    if all(_number(v) for v in present):
        keys = present
    elif all(isinstance(v, str) for v in present):
        keys = [v.casefold() for v in present]
    else:
        return False
    trailing_blanks = values[len(present):] == [None] * (len(values) - len(present))
    return trailing_blanks and all(a <= b for a, b in zip(keys, keys[1:]))


# -- detectors --------------------------------------------------------------------------------

def _xlookup_array(ctx: Context) -> bool:
    return any(len(a) >= 2 and (a[1].startswith("{") or (len(a) > 2 and a[2].startswith("{")))
               for a in ctx.calls("XLOOKUP"))


def _approximate_lookup(ctx: Context) -> bool:
    candidates = []  # (lookup vector argument) of each approximate call
    for a in ctx.calls("MATCH"):
        if len(a) == 2 or (len(a) >= 3 and a[2].upper() in ("1", "TRUE", "")):
            candidates.append(a[1])
    for a in ctx.calls("LOOKUP"):
        if len(a) >= 2:
            candidates.append(a[1])
    for a in ctx.calls("VLOOKUP", "HLOOKUP"):
        if len(a) == 3 or (len(a) >= 4 and a[3].upper() not in ("0", "FALSE")):
            candidates.append(a[1])
    for vector in candidates:
        values = ctx.values_of(vector)
        if values is None or not _sorted_same_type(values):
            return True
    return False


def _low_serial(ctx: Context) -> bool:
    for a in ctx.calls("YEAR", "MONTH", "DAY", "WEEKDAY"):
        if not a:
            continue
        value = ctx.value_of(a[0])
        if value is NOT_A_CELL:
            value = float(a[0]) if _NUMBER.match(a[0]) else NOT_A_CELL
        if value is None or isinstance(value, bool) or (_number(value) and value < 61):
            return True
    return False


def _text_with_time(ctx: Context) -> bool:
    for a in ctx.calls("EDATE", "EOMONTH"):
        if not a:
            continue
        value = ctx.value_of(a[0])
        if value is NOT_A_CELL and a[0].startswith('"'):
            value = a[0]
        if isinstance(value, str) and not isinstance(value, ExcelError) and ":" in value:
            return True
    return False


def _leap_day_text(ctx: Context) -> bool:
    for text in STRING.findall(ctx.formula):
        if _LEAP_1900.match(text[1:-1].strip()):
            return True
    return False


def _text_of_date_text(ctx: Context) -> bool:
    for a in ctx.calls("TEXT"):
        if not a:
            continue
        value = ctx.value_of(a[0])
        if value is NOT_A_CELL:
            value = a[0][1:-1] if a[0].startswith('"') else None
        if isinstance(value, str) and _DATE_TEXT.search(value):
            return True
    return False


def _intersection(ctx: Context) -> bool:
    return intersection(ctx.formula)


def intersection(formula: str) -> bool:
    """True when the formula uses Excel's intersection operator: a space between two references."""
    masked = without_strings(formula) if '"' in formula else formula
    return " " in masked and bool(_INTERSECTION.search(masked))


def _logical_error_argument(ctx: Context) -> bool:
    for a in ctx.calls("OR", "AND"):
        for argument in a:
            if argument.startswith("#"):
                return True
            values = ctx.values_of(argument)
            if values and any(isinstance(v, ExcelError) for v in values):
                return True
    return False


def _boolean_criterion(ctx: Context) -> bool:
    criteria_positions = {"SUMIF": (1,), "COUNTIF": (1,), "AVERAGEIF": (1,),
                          "SUMIFS": (2, 4, 6, 8), "COUNTIFS": (1, 3, 5, 7), "AVERAGEIFS": (2, 4, 6, 8)}
    for name, positions in criteria_positions.items():
        for a in ctx.calls(name):
            if any(p < len(a) and _BOOLEAN_CRITERION.match(a[p]) for p in positions):
                return True
    return False


def _number_as_long_text(ctx: Context) -> bool:
    return "&" in ctx.formula and isinstance(ctx.value, str) and bool(_LONG_NUMBER_TEXT.search(ctx.value))


def _array_index(ctx: Context) -> bool:
    return array_index(ctx.formula)


def array_index(formula: str) -> bool:
    """True when VLOOKUP/HLOOKUP take an array constant as the column or row to return."""
    return any(len(a) >= 3 and a[2].startswith("{") for a in calls(formula, ("VLOOKUP", "HLOOKUP")))


def _text_swedish_format(ctx: Context) -> bool:
    for a in ctx.calls("TEXT"):
        if len(a) < 2:
            continue
        code = ctx.value_of(a[1])
        if code is NOT_A_CELL:
            code = a[1][1:-1] if a[1].startswith('"') else None
        if isinstance(code, str) and not isinstance(code, ExcelError) and swedish_format(code):
            return True
    return False


DIVERGENCES: tuple[Divergence, ...] = (
    Divergence(
        "xlookup.array_constant", ("XLOOKUP",), _("XLOOKUP over an array constant ({1,2,3})"),
        _("gives #N/A"), _("looks the value up in the array"),
        (Example("=_xlfn.XLOOKUP(2.1,{-1.1,2.1,3.1,4.1},{1,2,3,4})", ExcelError("#N/A"), 2,
                 source="formulas test.xlsx LOOKUP!S162"),),
        _xlookup_array),
    Divergence(
        "lookup.approximate", ("MATCH", "LOOKUP", "VLOOKUP", "HLOOKUP"),
        _("approximate lookup (MATCH/LOOKUP with match type 1 or omitted, VLOOKUP/HLOOKUP without FALSE) "
          "on data that is not sorted ascending or mixes numbers and text"),
        _("returns another position"), _("returns the position its own binary search finds"),
        (Example('=MATCH(4.1,{"a",2.1,"c bau c",4.1})', 2.0, 4, source="formulas test.xlsx LOOKUP!V66"),
         Example("=MATCH(3,{4.1,3.1,2.1,1.1})", 4.0, ExcelError("#N/A"), source="formulas test.xlsx LOOKUP!T68"),
         Example('=LOOKUP(4.1,{"a",2.1,"b",4.1})', 2.1, 4.1, source="formulas test.xlsx LOOKUP!V57"),
         Example("=MATCH(3,A1:A4)", 4.0, ExcelError("#N/A"), {"A1": 4.1, "A2": 3.1, "A3": 2.1, "A4": 1.1},
                 source="as LOOKUP!T68, over cells")),
        _approximate_lookup),
    Divergence(
        "date.low_serial", ("YEAR", "MONTH", "DAY", "WEEKDAY"),
        _("YEAR, MONTH, DAY or WEEKDAY of an empty cell, 0, TRUE/FALSE or a serial number below 61 (before "
          "1 March 1900)"),
        _("gives #NUM! for 0 and an empty cell and a day earlier below 61"),
        _("counts from its 0 January 1900 (YEAR of an empty cell is 1900, MONTH 1, DAY 0)"),
        (Example("=YEAR(A1)", ExcelError("#NUM!"), 1900, source="formulas test.xlsx 'DATE & TIME'!W26"),
         Example("=DAY(A1)", ExcelError("#NUM!"), 0, {"A1": 0}, source="formulas test.xlsx 'DATE & TIME'!V6"),
         Example("=MONTH(A1)", 12.0, 1, {"A1": 1}, source="formulas test.xlsx 'DATE & TIME'!T14")),
        _low_serial),
    Divergence(
        "date.text_with_time", ("EDATE", "EOMONTH"), _("EDATE or EOMONTH of a date typed as text with a time"),
        _("gives #VALUE!"), _("reads the text as that date"),
        (Example("=EDATE(A1,0)", ExcelError("#VALUE!"), 31778, {"A1": "1/1/1987 02:00 AM"},
                 source="formulas test.xlsx 'DATE & TIME'!X9"),
         Example("=EOMONTH(A1,0)", ExcelError("#VALUE!"), 31808, {"A1": "1/1/1987 02:00 AM"},
                 source="formulas test.xlsx 'DATE & TIME'!X10")),
        _text_with_time),
    Divergence(
        "date.leap_day_1900_text", ("MAX", "MIN", "DATEVALUE"),
        _('the text "29/02/1900" (Excel\'s own leap day that never was) as an argument'),
        _("gives #VALUE!"), _("reads it as serial number 60"),
        (Example('=MAX(1,"29/02/1900")', ExcelError("#VALUE!"), 60, source="issue 13 (Excel with a day-first locale)"),),
        _leap_day_text),
    Divergence(
        "text.date_text", ("TEXT",), _("TEXT of a date typed as text (\"1987-08-26\")"),
        _("returns the text unchanged"), _("formats the date's serial number (\"32015.00\" for \"#.00\")"),
        (Example('=TEXT("1987-08-26","#.00")', "1987-08-26", "32015.00", source="issue 13"),),
        _text_of_date_text),
    Divergence(
        "text.swedish_format", ("TEXT",),
        _("TEXT with a format code written in Swedish Excel (\"ÅÅÅÅ-MM-DD\", \"0,00\")"),
        _("reads it as English Excel does: #VALUE! for Å, a thousands separator for the comma"),
        _("in Swedish gives \"2027-01-05\", \"1234,50\""),
        (Example('=TEXT(46392,"ÅÅÅÅ-MM-DD")', ExcelError("#VALUE!"), "2027-01-05", source="Swedish Excel's format codes"),
         Example('=TEXT(A1,"0,00")', "1,234", "1234,50", {"A1": 1234.5}, source="Swedish Excel's decimal comma")),
        _text_swedish_format),
    Divergence(
        "operator.intersection", ("SUM",), _("the intersection operator (a space between two ranges: B2:E5 C3:D4)"),
        _("cannot compute it (#ERROR!)"), _("uses the cells the ranges have in common"),
        (Example("=SUM(B2:E5 C3:D4)", ExcelError("#ERROR!"), 14,
                 {"C3": 2, "D3": 3, "C4": 4, "D4": 5, "B2": 100, "E5": 100}, source="Excel's documented operator"),),
        _intersection, needs=(" ",)),
    Divergence(
        "logical.error_argument", ("OR", "AND"),
        _("OR or AND with an error among its arguments after a TRUE (OR) or a FALSE (AND)"),
        _("ignores the error and returns TRUE or FALSE"), _("returns the error"),
        (Example('=OR(TRUE,"0",#REF!)', True, ExcelError("#REF!"), source="formulas test.xlsx LOGICAL!AP21"),
         Example("=OR(TRUE,A1)", True, ExcelError("#DIV/0!"), {"A1": "=1/0"}, source="as LOGICAL!AP21, over a cell"),
         Example("=AND(FALSE,A1)", False, ExcelError("#DIV/0!"), {"A1": "=1/0"}, source="as LOGICAL!AP21, for AND")),
        _logical_error_argument),
    Divergence(
        "criteria.boolean", ("SUMIF", "SUMIFS", "COUNTIF", "COUNTIFS", "AVERAGEIF", "AVERAGEIFS"),
        _('a criterion comparing with TRUE or FALSE ("<=TRUE")'),
        _("matches no cell"), _("compares the TRUE/FALSE cells (FALSE < TRUE)"),
        (Example('=SUMIF(A1:A3,"<=TRUE",B1:B3)', 0.0, 7,
                 {"A1": True, "A2": False, "A3": True, "B1": 1, "B2": 2, "B3": 4}, source="issue 13"),),
        _boolean_criterion),
    Divergence(
        "text.number_digits", ("&",), _("a number turned into text with & (=\"Personal: \"&C4)"),
        _("writes up to 17 significant digits (0.30000000000000004)"), _("writes at most 15 (0.3)"),
        (Example('=""&(A1+0.2)', "0.30000000000000004", "0.3", {"A1": 0.1},
                 source="tests/oracle/test_libreoffice_oracle.py (LibreOffice and Excel agree)"),),
        _number_as_long_text),
    Divergence(
        "lookup.array_index", ("VLOOKUP", "HLOOKUP"), _("VLOOKUP or HLOOKUP with an array constant as the column "
        "or row to return ({2,3})"), _("cannot compute it (#N/IMPL!)"), _("returns one value per column"),
        (Example("=SUM(VLOOKUP(1,A1:C1,{2,3}))", ExcelError("#N/IMPL!"), 5, {"A1": 1, "B1": 2, "C1": 3},
                 source="formulas test.xlsx LOOKUP!R46 (HLOOKUP)"),),
        _array_index),
)


# Every function an entry is about (engine.py marks the cells that call one as candidates).
FUNCTIONS = frozenset(f for d in DIVERGENCES if not d.needs for f in d.functions if f.isalpha())
_FUNCTION_NAMES = sorted({f for d in DIVERGENCES if not d.needs for f in d.functions if f.isalpha()}, key=len, reverse=True)
# One search tells whether any entry could match a formula at all (most formulas: none).
_ANY = LazyPattern(r"(?<![\w.])(?:_xlfn\.)?(?:" + "|".join(_FUNCTION_NAMES) + r")\(|[& ]", re.IGNORECASE)


def could_match(formula: str) -> bool:
    """A quick test: False means no entry matches `formula` (`matching` returns [])."""
    return _ANY.search(formula) is not None


def matching(formula: str, sheet: Sheet, workbook: Workbook, scanner: Scanner, value) -> list[Divergence]:
    """Return the entries a formula cell matches."""
    if not could_match(formula):
        return []
    ctx = Context(formula, sheet, workbook, scanner, value)
    upper = formula.upper()
    return [d for d in DIVERGENCES
            if any(f in upper for f in (d.needs or d.functions)) and d.matches(ctx)]


def unsupported_shape(formula: str) -> Message | None:
    """Name the construct of `formula` that IronCalc cannot compute at all, if it is a known one."""
    if intersection(formula):
        return _("the intersection operator (a space between two ranges)")
    if array_index(formula):
        return _("an array constant as the column or row VLOOKUP/HLOOKUP returns")
    if union(formula):
        return _("the union operator (references joined by a comma in parentheses: SUM((C2,C3)))")
    return None


_UNION = LazyPattern(r"(?:^=|[(,;+\-*/^&=<>])\s*\(\s*(?:'(?:[^']|'')+'!|[^\W\d][\w.]*!)?\$?[A-Za-z]{1,3}\$?\d+"
                    r"(?::\$?[A-Za-z]{1,3}\$?\d+)?\s*,")


def union(formula: str) -> bool:
    """True when the formula joins references with Excel's union operator: (C2,C3) not as a function's arguments."""
    masked = without_strings(formula) if '"' in formula else formula
    return "," in masked and bool(_UNION.search(masked))
