"""The dependency graph of a workbook's formulas: which formula cells each formula reads.

Built for the questions "does a figure the documents use rest on this cell?" and "which cells
rest on a cell the engine could not compute?". References are read with `refs.Scanner` (ranges,
whole columns and rows, cross-sheet references, defined names, names whose formula refers to
further cells); only formula cells are nodes, since a typed-in cell depends on nothing.

Precedents are found lazily and cached: walking back from the few hundred cells a budget reads
touches only their ancestry, not a 100 000-formula scratch sheet beside it. The reverse graph
(dependents) is built over every formula only when asked for.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from functools import cached_property
from typing import Callable, Iterable

from .book import Workbook, ref as a1
from .dynamic import dynamic_areas, has_dynamic
from .refs import _COLUMN_CACHE, _REFERENCE, MAX_COL, Area, Scanner, _column, without_strings

Node = tuple[str, int, int]  # (sheet name, row, column)


class Dependencies:
    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self._by_column: dict[str, dict[int, list[int]]] | None = None
        self._precedents: dict[Node, tuple[Node, ...]] = {}
        self._dependents: dict[Node, list[Node]] | None = None
        self.scanner = Scanner(workbook)
        # Formula cells whose INDIRECT/OFFSET target could not be worked out (dynamic.py): they may read any cell.
        self.unresolved: set[Node] = set()
        self._has_dynamic: bool | None = None

    @cached_property
    def _formulas(self) -> dict[str, dict[tuple[int, int], str]]:
        """Each sheet's formulas by (row, column); made on the first question (most recalcs ask none)."""
        return {s.name: {key: c.formula for key, c in s.cells.items() if c.formula is not None}
                for s in self.workbook.sheets}

    @cached_property
    def _read_as(self) -> dict[Node, str]:
        """Excel tables: a structured reference is followed as the A1 range it means (tables.py)."""
        tables = self.workbook.tables
        if not tables:
            return {}
        from .tables import resolve  # (only a workbook with tables: the module reads their parts)

        read_as = {}
        for sheet in self.workbook.sheets:
            for (r, c), formula in self._formulas[sheet.name].items():
                resolved = resolve(formula, tables, sheet.name, r, c)
                if resolved != formula:
                    read_as[(sheet.name, r, c)] = resolved
        return read_as

    def is_formula(self, node: Node) -> bool:
        return (node[1], node[2]) in self._formulas.get(node[0], ())

    def formula(self, node: Node) -> str | None:
        return self._formulas.get(node[0], {}).get((node[1], node[2]))

    def precedents(self, node: Node) -> tuple[Node, ...]:
        """Return the formula cells the formula at `node` reads (directly), in order, without repeats."""
        found = self._precedents.get(node)
        if found is not None:
            return found
        sheet = node[0]
        formulas = self._formulas
        cells = formulas.get(sheet, {})
        formula = self._read_as.get(node) or cells.get((node[1], node[2]))
        out: dict[Node, None] = {}
        if formula is not None:
            text = without_strings(formula) if '"' in formula else formula
            sheets = self.scanner.sheets
            columns = _COLUMN_CACHE
            for found in _REFERENCE.findall(text):
                quoted, c1, r1, c2, r2 = found[0], found[1], found[2], found[3], found[4]
                if c1:  # a cell or a range: probe the formula cells directly when it is small
                    target, there = sheet, cells
                    if quoted:
                        target = sheets.get((quoted[1:-1].replace("''", "'") if quoted[0] == "'" else quoted).casefold())
                        if target is None:
                            continue
                        there = formulas.get(target, {})
                    col1 = columns.get(c1) or _column(c1)
                    row1 = int(r1) if r1[0] != "$" else int(r1[1:])
                    if not c2:
                        if col1 <= MAX_COL:
                            if (row1, col1) in there:
                                out[(target, row1, col1)] = None
                            continue
                    else:
                        col2 = columns.get(c2) or _column(c2)
                        row2 = int(r2) if r2[0] != "$" else int(r2[1:])
                        lo_r, hi_r = (row1, row2) if row1 <= row2 else (row2, row1)
                        lo_c, hi_c = (col1, col2) if col1 <= col2 else (col2, col1)
                        if hi_c <= MAX_COL and (hi_r - lo_r + 1) * (hi_c - lo_c + 1) <= 256:
                            for r in range(lo_r, hi_r + 1):
                                for c in range(lo_c, hi_c + 1):
                                    if (r, c) in there:
                                        out[(target, r, c)] = None
                            continue
                for area in self.scanner.areas_of(found, sheet):
                    for cell in self._formula_cells_in(area):
                        out[cell] = None
            if ":" in text and "!" in text:
                for area in self.scanner.three_d(text):
                    for cell in self._formula_cells_in(area):
                        out[cell] = None
            if has_dynamic(text):
                areas, known = dynamic_areas(formula, sheet, node[1], node[2], self.workbook, self.scanner)
                for area in areas:
                    for cell in self._formula_cells_in(area):
                        out[cell] = None
                if not known:
                    self.unresolved.add(node)
        found = self._precedents[node] = tuple(out)
        return found

    def ancestors(self, starts: Iterable[Node], within: Callable[[Node], bool] | None = None,
                  until: set[Node] | None = None) -> dict[Node, Node | None]:
        """Return every formula cell the `starts` depend on (themselves included when formulas),
        each mapped to the cell that reads it on a shortest path from a start (None for a start).

        With `within`, only cells it accepts are entered; with `until`, the walk stops as soon as
        every cell of `until` was reached (the rest of the ancestry is then left out)."""
        parents: dict[Node, Node | None] = {}
        queue: deque[Node] = deque()
        missing = set(until) if until is not None else None
        for start in starts:
            if start not in parents and self.is_formula(start) and (within is None or within(start)):
                parents[start] = None
                queue.append(start)
                if missing is not None:
                    missing.discard(start)
        while queue and (missing is None or missing):
            node = queue.popleft()
            for child in self.precedents(node):
                if child not in parents and (within is None or within(child)):
                    parents[child] = node
                    queue.append(child)
                    if missing is not None:
                        missing.discard(child)
        return parents

    def any_unresolved(self) -> bool:
        """True when some formula of the workbook calls INDIRECT or OFFSET (whose target may be unknown)."""
        if self._has_dynamic is None:
            self._has_dynamic = any(has_dynamic(f) for cells in self._formulas.values() for f in cells.values())
        return self._has_dynamic

    def dependents(self, roots: Iterable[Node]) -> dict[Node, Node]:
        """Return every formula cell that depends on one of `roots` (not the roots themselves),
        each mapped to the root it rests on (the nearest one, breadth first)."""
        if self._dependents is None:
            reverse: dict[Node, list[Node]] = {}
            for sheet, cells in self._formulas.items():
                for (row, col) in cells:
                    node = (sheet, row, col)
                    for child in self.precedents(node):
                        reverse.setdefault(child, []).append(node)
            self._dependents = reverse
        origin: dict[Node, Node] = {}
        queue: deque[Node] = deque()
        root_set = set()
        for root in roots:
            root_set.add(root)
            queue.append(root)
            origin.setdefault(root, root)
        while queue:
            node = queue.popleft()
            for reader in self._dependents.get(node, ()):
                if reader not in origin:
                    origin[reader] = origin[node]
                    queue.append(reader)
        return {node: root for node, root in origin.items() if node not in root_set}

    def _formula_cells_in(self, area: Area) -> list[Node]:
        cells = self._formulas.get(area.sheet)
        if not cells:
            return []
        if area.min_row == area.max_row and area.min_col == area.max_col:  # one cell: the common case
            return [(area.sheet, area.min_row, area.min_col)] if (area.min_row, area.min_col) in cells else []
        if self._by_column is None:
            self._by_column = {}
            for sheet, found in self._formulas.items():
                columns: dict[int, list[int]] = {}
                for (row, col) in found:
                    columns.setdefault(col, []).append(row)
                for rows in columns.values():
                    rows.sort()
                self._by_column[sheet] = columns
        out = []
        for col, rows in self._by_column[area.sheet].items():
            if area.min_col <= col <= area.max_col:
                for row in rows[bisect_left(rows, area.min_row):bisect_right(rows, area.max_row)]:
                    out.append((area.sheet, row, col))
        return out


def name(node: Node) -> str:
    """Return a node as Excel writes it: `Finansiering!D9`, `'Kommuner Ä&Å'!A3`."""
    return a1(*node)


def chain(parents: dict[Node, Node | None], node: Node) -> list[Node]:
    """Return the path from a start of `ancestors` down to `node`: [start, ..., node]."""
    path = [node]
    while parents.get(path[-1]) is not None:
        path.append(parents[path[-1]])
    return path[::-1]
