"""The cells INDIRECT and OFFSET read, where the dependency graph can know them.

A reference computed at run time (`INDIRECT("Anteckningar!B"&A1)`, `OFFSET(A1;B1;0)`) is not in the
formula's text, so graph.py asks here. The target is worked out from the recomputed values when
every argument that decides it is plain enough to evaluate without an engine: text and number
literals, cells and single-cell names (their recomputed values), `&`, + - * / and parentheses,
ROW() and COLUMN() of the cell itself. Anything else (a lookup, RAND(), a range) leaves the target
unknown, and the graph says so (`Dependencies.unresolved`) instead of pretending the formula reads
nothing.
"""

from __future__ import annotations

import ast
import operator
import re

from ..text import LazyPattern
from .book import ExcelError, Workbook
from .calls import calls
from .refs import MAX_COL, MAX_ROW, Area, CellRef, Scanner, area_cells, references

DYNAMIC = ("INDIRECT", "OFFSET")
_HAS_DYNAMIC = re.compile(r"(?<![\w.])(?:INDIRECT|OFFSET)\(", re.IGNORECASE)
_R1C1 = LazyPattern(r"^(?:(?P<sheet>'(?:[^']|'')+'|[^'!]+)!)?R(?P<row>\d+)C(?P<col>\d+)(?::R(?P<row2>\d+)C(?P<col2>\d+))?$",
                   re.IGNORECASE)
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_REFERENCE_LIKE = LazyPattern(r"^(?:(?:'(?:[^']|'')+'|[^\W\d][\w.]*)!)?(?:\$?[A-Za-z]{1,3}\$?\d+|[^\W\d][\w.]*)$")
UNKNOWN = object()


def has_dynamic(formula: str) -> bool:
    return ("T(" in formula or "t(" in formula) and _HAS_DYNAMIC.search(formula) is not None


def dynamic_areas(formula: str, sheet: str, row: int, col: int, workbook: Workbook,
                  scanner: Scanner) -> tuple[list[Area], bool]:
    """Return the areas the INDIRECT and OFFSET calls of `formula` (in `sheet`!row:col) read, and
    whether every call's target could be worked out."""
    areas: list[Area] = []
    known = True
    evaluator = _Evaluator(sheet, row, col, workbook, scanner)
    for name, target in (("INDIRECT", evaluator.indirect), ("OFFSET", evaluator.offset)):
        for arguments in calls(formula, (name,)):
            found = target(arguments)
            if found is None:
                known = False
            else:
                areas.extend(found)
    return areas, known


def references_at(formula: str, sheet: str, row: int, col: int, workbook: Workbook) -> list[CellRef]:
    """Return the cells the formula at sheet!row:col reads (refs.references), with the cells its INDIRECT
    and OFFSET calls read where their targets can be worked out."""
    out = references(formula, sheet, workbook)
    if not has_dynamic(formula):
        return out
    seen = set(out)
    areas, _known = dynamic_areas(formula, sheet, row, col, workbook, Scanner(workbook))
    for area in areas:
        for ref in area_cells(workbook, area):
            if ref not in seen:
                seen.add(ref)
                out.append(ref)
    return out


class _Evaluator:
    def __init__(self, sheet: str, row: int, col: int, workbook: Workbook, scanner: Scanner) -> None:
        self.sheet, self.row, self.col = sheet, row, col
        self.workbook = workbook
        self.scanner = scanner

    def indirect(self, arguments: list[str]) -> list[Area] | None:
        if not arguments or not arguments[0]:
            return None
        text = self.value(arguments[0])
        a1 = True if len(arguments) < 2 or arguments[1] == "" else self.value(arguments[1])
        if text is UNKNOWN or a1 is UNKNOWN or isinstance(text, ExcelError):
            return None
        text = str(text).strip()
        if not a1 or a1 == 0:
            match = _R1C1.match(text)
            if not match:
                return []  # INDIRECT gives #REF!: it reads nothing
            target = self._sheet(match.group("sheet"))
            if target is None:
                return []
            r1, c1 = int(match.group("row")), int(match.group("col"))
            r2, c2 = int(match.group("row2") or r1), int(match.group("col2") or c1)
            return [Area(target, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))]
        return self.scanner.areas("=" + text, self.sheet)

    def offset(self, arguments: list[str]) -> list[Area] | None:
        if len(arguments) < 3:
            return None
        base = self.scanner.areas("=" + arguments[0], self.sheet) if not has_dynamic(arguments[0]) else []
        if len(base) != 1:
            return None
        area = base[0]
        numbers = [self.value(a) if a != "" else None for a in arguments[1:5]]
        if any(n is UNKNOWN or (n is not None and not _is_number(n)) for n in numbers):
            return None
        rows, cols = int(numbers[0] or 0), int(numbers[1] or 0)
        height = int(numbers[2]) if len(numbers) > 2 and numbers[2] is not None else area.max_row - area.min_row + 1
        width = int(numbers[3]) if len(numbers) > 3 and numbers[3] is not None else area.max_col - area.min_col + 1
        top, left = area.min_row + rows, area.min_col + cols
        bottom, right = top + height - 1, left + width - 1
        if top < 1 or left < 1 or bottom > MAX_ROW or right > MAX_COL or height < 1 or width < 1:
            return []  # OFFSET gives #REF!
        return [Area(area.sheet, top, left, bottom, right)]

    def value(self, text: str):
        """The value of a plain argument (see the module docstring), or UNKNOWN."""
        text = text.strip()
        parts = _split_concatenation(text)
        if parts is None:
            return UNKNOWN
        if len(parts) > 1:
            values = [self.value(p) for p in parts]
            if any(v is UNKNOWN or isinstance(v, ExcelError) for v in values):
                return UNKNOWN
            return "".join(_as_text(v) for v in values)
        return self._term(text)

    def _term(self, text: str):
        if text.startswith('"') and text.endswith('"') and len(text) >= 2:
            return text[1:-1].replace('""', '"')
        upper = text.upper()
        if upper in ("TRUE", "FALSE"):
            return upper == "TRUE"
        if upper == "ROW()":
            return self.row
        if upper == "COLUMN()":
            return self.col
        if _REFERENCE_LIKE.match(text):
            return self.cell(text)
        try:
            return _arithmetic(ast.parse(text, mode="eval").body, self)
        except (SyntaxError, ValueError, ZeroDivisionError, TypeError, RecursionError):
            return UNKNOWN

    def cell(self, text: str):
        if has_dynamic(text):
            return UNKNOWN
        areas = self.scanner.areas("=" + text, self.sheet)
        if len(areas) != 1 or areas[0].min_row != areas[0].max_row or areas[0].min_col != areas[0].max_col:
            return UNKNOWN
        area = areas[0]
        value = self.workbook.sheet(area.sheet).value(area.min_row, area.min_col)
        return 0 if value is None else value

    def _sheet(self, quoted: str | None) -> str | None:
        if quoted is None:
            return self.sheet
        wanted = quoted[1:-1].replace("''", "'") if quoted.startswith("'") else quoted
        return self.scanner.sheets.get(wanted.casefold())


def _arithmetic(node, evaluator: _Evaluator):
    """Evaluate numbers, + - * /, unary minus and cell names of a parsed expression; else UNKNOWN."""
    if isinstance(node, ast.Constant) and _is_number(node.value):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _arithmetic(node.left, evaluator), _arithmetic(node.right, evaluator)
        if not (_is_number(left) and _is_number(right)):
            return UNKNOWN
        return _OPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _arithmetic(node.operand, evaluator)
        if not _is_number(value):
            return UNKNOWN
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Name):  # A1, a name, a sheet-less cell
        return evaluator.cell(node.id)
    return UNKNOWN


def _split_concatenation(text: str) -> list[str] | None:
    """Split `text` at its top-level `&` (outside strings and parentheses); None for a sheet-qualified
    term Python cannot parse is not an issue: terms are evaluated one by one."""
    parts, depth, begin, in_string = [], 0, 0, False
    for i, ch in enumerate(text):
        if ch == '"':
            in_string = not in_string
        elif in_string:
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "&" and depth == 0:
            parts.append(text[begin:i].strip())
            begin = i + 1
    parts.append(text[begin:].strip())
    return parts if all(parts) else None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
