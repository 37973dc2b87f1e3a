"""Which formula problems matter: those that a figure the documents use rests on.

"A figure the documents use" is a cell the caller names: model/checked.py passes every cell the
budget was read from and every cell a defined name covers (templates are offered each name).
A cell the engine could not compute, or an error value, that such a figure rests on (directly or
through other cells, across sheets, through ranges, whole columns and defined names) stops the
command with the chain of cells named; anything else is a warning listing the cells. The same
figures are checked for cells that match a known IronCalc divergence (workbook/divergences.py)
without a cached value that confirms the recomputed one.
"""

from __future__ import annotations

from typing import Callable, Iterable

from ..errors import FormulaProblem
from ..findings import Finding, Severity
from ..i18n import SOURCE, Message, _, n_
from .book import ExcelError, Workbook
from .divergences import could_match, matching
from .graph import Dependencies, Node, chain, name
from .refs import Scanner
from .verify import DEPENDS, HINTS, Verification, listed, same_value, shown, with_more

ARROW = " ← "


class Figures:
    """The formula findings of a recomputed workbook, judged by what the figures rest on."""

    def __init__(self, workbook: Workbook, verification: Verification, graph: Dependencies,
                 labeller: Callable[[Node], str] | None = None) -> None:
        self.workbook = workbook
        self.labeller = labeller
        self.verification = verification
        self.graph = graph
        self._scanner: Scanner | None = None

    # -- stop ------------------------------------------------------------------------------------

    def raise_if_blocked(self, cells: Iterable[str], behind: str | None = None) -> None:
        """Raise FormulaProblem when a figure in `cells` rests on a cell not computed or an error value.

        With `behind`, only causes that cell rests on count (the chain then starts at the cell of
        `cells` nearest to the cause)."""
        problem = self.blocking(cells, behind)
        if problem is not None:
            raise problem

    def blocking(self, cells: Iterable[str], behind: str | None = None) -> FormulaProblem | None:
        """Return the FormulaProblem that `cells` (figures) rest on, naming the chain, or None."""
        starts = self._nodes(cells)
        problems = self.verification.problems
        # A figure rests on a cell not computed exactly when it is one itself, or one of the cells that
        # depend on it (verify.py found them all): walk only through those, to name the chain.
        in_problems = lambda node: name(node) in problems  # noqa: E731
        parents = self.graph.ancestors(starts, within=in_problems) if problems else {}
        failing = lambda node: name(node) in problems or isinstance(self._value(node), ExcelError)  # noqa: E731
        allowed = set(self.graph.ancestors(self._nodes([behind]), within=failing)) if behind else None
        causes = [node for node in parents if (p := problems.get(name(node))) is not None and p.code != DEPENDS
                  and (allowed is None or node in allowed)]
        if causes:
            first = causes[0]
            cause = problems[name(first)]
            more = [name(n) for n in causes[1:]]
            path = chain(parents, first)
            return FormulaProblem(
                with_more(self._figure_note(cause.why, path), more),
                file=self.workbook.path,
                location=self.chain_text(path),
                hint=cause.advice,
            )
        errors = [start for start in starts if (allowed is None or start in allowed)
                  and isinstance(self._value(start), ExcelError) and name(start) not in problems]
        if errors:
            # From the figure nearest to where the error starts (Ånge's amount, not the total reading it).
            paths = [self._error_origin(start) for start in errors]
            origin, path = min(paths, key=lambda found: len(found[1])) if allowed is not None else paths[0]
            formula = self.graph.formula(origin) or ""
            why = _("the formula gives {value} ({formula})", value=str(self._value(origin)), formula=formula)
            self.graph.precedents(origin)
            if origin in self.graph.unresolved and self.verification.causes:
                why = _("{why}; its INDIRECT or OFFSET target cannot be known without computing it, and it may read "
                        "a cell that could not be computed ({cells})", why=why,
                        cells=listed([c.ref for c in self.verification.causes]))
            return FormulaProblem(
                self._figure_note(why, path),
                file=self.workbook.path,
                location=self.chain_text(path),
                hint=HINTS["formula.error"],
            )
        return None

    def _figure_note(self, why: Message, path: list[Node]) -> Message:
        if len(path) == 1:
            return why
        return _("{why}; the documents use {figure}, which rests on it", why=why, figure=name(path[0]))

    def chain_text(self, path: list[Node]) -> str:
        """`Finansiering!D9 [Ånge kommun · 2027] ← Beräkning!F4 ← Anteckningar!B2`: the figure first."""
        parts = []
        for node in path:
            label = self.labeller(node) if self.labeller else ""
            parts.append(f"{name(node)} [{label}]" if label else name(node))
        return ARROW.join(parts)

    def _error_origin(self, start: Node) -> tuple[Node, list[Node]]:
        """Follow error values back from `start` to the first cell that gives one of its own."""
        path = [start]
        seen = {start}
        while True:
            nxt = next((p for p in self.graph.precedents(path[-1])
                        if p not in seen and isinstance(self._value(p), ExcelError)), None)
            if nxt is None:
                return path[-1], path
            seen.add(nxt)
            path.append(nxt)

    # -- warn ------------------------------------------------------------------------------------

    def warnings(self, cells: Iterable[str]) -> list[Finding]:
        """Return the warnings for formula problems no figure rests on, and for figures at risk.

        The graph is walked only when there is something to place: a cell not computed, an error
        value, or a formula that matches a known divergence without a confirming cached value."""
        v = self.verification
        candidates = self._risk_candidates()
        if not (v.problems or v.error_values or candidates):
            return []
        starts = self._nodes(cells)
        # Walk until every cell a warning is about was reached (a cause no figure rests on: see blocking).
        wanted = set(candidates) | {n for d in v.error_values if (n := self._node(d.ref)) is not None}
        # Where INDIRECT/OFFSET hide what a figure reads, the whole ancestry is walked to find them.
        unknown = bool((v.problems or v.error_values) and self.graph.any_unresolved())
        parents = self.graph.ancestors(starts, until=None if unknown else wanted) if wanted or unknown else {}
        used = {name(n) for n in parents}
        hidden = [n for n in parents if n in self.graph.unresolved] if unknown else []
        out: list[Finding] = []
        # Causes of one kind (the same reason) no figure uses are one finding listing the cells, not one each.
        groups: dict[str, list] = {}
        for cause in v.causes:
            if cause.ref not in used:
                groups.setdefault(cause.code + "\0" + cause.why.render(SOURCE), []).append(cause)
        for group in groups.values():
            cause = group[0]
            readers = [r for c in group for r in v.dependents_of(c.ref)]
            if len(group) > 1:
                cells = [c.ref for c in group]
                what = n_("{why}; {n} cell reads them ({cells})", "{why}; {n} cells read them ({cells})", len(readers),
                          why=_("{why}, in {n} cells ({cells})", why=cause.why, n=len(cells), cells=listed(cells)),
                          cells=listed(readers)) if readers else \
                    _("{why}, in {n} cells ({cells})", why=cause.why, n=len(cells), cells=listed(cells))
                message = self._may_depend(what, parents, hidden) if hidden else _(
                    "{what}; no figure the documents use depends on them, so the documents are made without them",
                    what=what)
                out.append(Finding(Severity.WARNING, cause.code, message, cause.ref,
                                   {"formula": cause.formula, "cells": cells, "dependents": readers,
                                    "hint": cause.advice}))
                continue
            if hidden:
                message = self._may_depend(_with_readers(cause.why, readers), parents, hidden)
            elif readers:
                message = _("{what}; no figure the documents use depends on them, so the documents are made without it",
                            what=n_("{why}; {n} cell reads it ({cells})", "{why}; {n} cells read it ({cells})",
                                    len(readers), why=cause.why, cells=listed(readers)))
            else:
                message = _("{why}; no figure the documents use depends on it, so the documents are made without it",
                            why=cause.why)
            out.append(Finding(Severity.WARNING, cause.code, message,
                               cause.ref, {"formula": cause.formula, "dependents": readers, "hint": cause.advice}))
        errors = {d.ref: d for d in v.error_values}
        by_value: dict[str, list] = {}
        for ref, d in errors.items():
            if ref in used:
                continue
            node = self._node(ref)
            if node is not None and any(name(p) in errors for p in self.graph.precedents(node)):
                continue  # it only passes on an error from a cell listed on its own
            by_value.setdefault(str(d.recomputed), []).append(d)
        for value, group in by_value.items():  # one warning per error value, listing its cells
            d = group[0]
            what = _("formula gives {value} ({formula})", value=value, formula=d.formula)
            if len(group) > 1:
                cells = [g.ref for g in group]
                what = _("{why}, in {n} cells ({cells})", why=what, n=len(cells), cells=listed(cells))
            out.append(Finding(Severity.WARNING, "formula.error",
                               self._may_depend(what, parents, hidden) if hidden else
                               _("{what}; no figure the documents use depends on it", what=what),
                               d.ref, {"cells": [g.ref for g in group]} if len(group) > 1 else {}))
        out.extend(self._at_risk(parents, candidates))
        return out

    def _may_depend(self, what: Message, parents: dict[Node, Node | None], hidden: list[Node]) -> Message:
        """`what`, saying which figure may rest on it through a reference computed at run time."""
        first = hidden[0]
        path = chain(parents, first)
        return _("{what}; the figure {figure} may depend on it: it rests on {cell} ({formula}), whose INDIRECT or "
                 "OFFSET target cannot be known without computing it, so hso-xl cannot tell",
                 what=what, figure=self.chain_text(path[:1]), cell=name(first), formula=self.graph.formula(first))

    def _risk_candidates(self) -> dict[Node, list]:
        """Formula cells that match a known divergence and have no cached value confirming them."""
        out = {}
        scanner = self._scanner = self._scanner or Scanner(self.workbook)
        problems = self.verification.problems
        for ref in self.verification.divergence_candidates:
            node = self._node(ref)
            if node is None or ref in problems:
                continue
            sheet = self.workbook.sheet(node[0])
            cell = sheet.get(node[1], node[2])
            if cell is None or cell.formula is None or not could_match(cell.formula):
                continue
            if cell.cached is not None and same_value(cell.cached, cell.value):
                continue
            found = matching(cell.formula, sheet, self.workbook, scanner, cell.value)
            if found:
                out[node] = found
        return dict(sorted(out.items()))

    def _at_risk(self, parents: dict[Node, Node | None], candidates: dict[Node, list]) -> list[Finding]:
        out = []
        for node, found in candidates.items():
            if node not in parents:
                continue  # no figure rests on it
            cell = self.workbook.sheet(node[0]).get(node[1], node[2])
            path = chain(parents, node)
            if cell.cached is None:
                why = _("the workbook has no cached value to confirm the recomputed {value}", value=shown(cell.value))
            else:
                why = _("the value cached in the file, {cached}, differs from the recomputed {value}",
                        cached=shown(cell.cached), value=shown(cell.value))
            for d in found:
                if len(path) > 1:
                    message = _("{formula}: {divergence}; {why}; the figure {figure} rests on it", formula=cell.formula,
                                divergence=d.describe(), why=why, figure=name(path[0]))
                else:
                    message = _("{formula}: {divergence}; {why}", formula=cell.formula, divergence=d.describe(),
                                why=why)
                out.append(Finding(
                    Severity.WARNING, "engine.divergence", message,
                    name(node),
                    {"divergence": d.code, "formula": cell.formula, "chain": [name(n) for n in path]},
                ))
        return out

    # -- cells -----------------------------------------------------------------------------------

    def _nodes(self, cells: Iterable[str]) -> list[Node]:
        out = []
        for ref in cells:
            node = self._node(ref)
            if node is not None:
                out.append(node)
        return list(dict.fromkeys(out))

    def _node(self, ref: str) -> Node | None:
        scanner = self._scanner = self._scanner or Scanner(self.workbook)
        areas = scanner.areas("=" + ref, self.workbook.sheets[0].name)
        if len(areas) != 1 or areas[0].min_row != areas[0].max_row or areas[0].min_col != areas[0].max_col:
            return None
        return (areas[0].sheet, areas[0].min_row, areas[0].min_col)

    def _value(self, node: Node):
        return self.workbook.sheet(node[0]).value(node[1], node[2])


def _with_readers(why: Message, readers: list[str]) -> Message:
    if not readers:
        return why
    return n_("{why}; {n} cell reads it ({cells})", "{why}; {n} cells read it ({cells})", len(readers), why=why,
              cells=listed(readers))


def named_cells(workbook: Workbook) -> list[str]:
    """Return every cell a defined name covers (templates are offered each name's value)."""
    scanner = Scanner(workbook)
    out = []
    for key, text in workbook.defined_names.items():
        scope = key.split("!")[0] if "!" in key else (workbook.sheets[0].name if workbook.sheets else "")
        for area in scanner.areas("=" + text, scope):
            sheet = workbook.sheet(area.sheet)
            out.extend(sheet.ref(r, c) for (r, c) in sheet.cells
                       if area.min_row <= r <= area.max_row and area.min_col <= c <= area.max_col)
    return out


def row_cells(workbook: Workbook, refs: Iterable[str]) -> list[str]:
    """Return every cell that holds something in the rows of `refs` (a municipality's facts are its row)."""
    scanner = Scanner(workbook)
    rows: dict[str, set[int]] = {}
    for ref in refs:
        areas = scanner.areas("=" + ref, workbook.sheets[0].name if workbook.sheets else "")
        if len(areas) == 1:
            rows.setdefault(areas[0].sheet, set()).add(areas[0].min_row)
    out = []
    for sheet_name, wanted in rows.items():
        sheet = workbook.sheet(sheet_name)
        out.extend(sheet.ref(r, c) for (r, c) in sorted(sheet.cells) if r in wanted)
    return out
