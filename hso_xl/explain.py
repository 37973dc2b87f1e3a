"""`hso-xl explain REF`: where a figure comes from, as a tree of cells down to the typed-in inputs.

REF is a cell (`Finansiering!G9`), a defined name (`OH_sats`), or a figure as templates know it
(`kommuner.Ånge.totalt`, `budget.summa_projektkostnad.ar.2028`); a list is indexed by name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from .errors import HsoError
from .model.sheets import norm, to_decimal
from .pipeline import Checked
from .swedish import group
from .workbook.book import ExcelError, Workbook
from .workbook.refs import CellRef, _resolve, references

MAX_CHILDREN = 12


class UnknownReference(HsoError):
    """REF is neither a cell, a defined name nor a figure of the template context."""


@dataclass
class Node:
    ref: CellRef
    value: object
    formula: str | None
    label: str
    children: list["Node"] = field(default_factory=list)
    repeated: bool = False  # already shown higher up: not expanded again
    more: int = 0  # children left out of a long range

    def to_json(self) -> dict:
        return {
            "cell": cell_name(self.ref), "value": _json(self.value), "formula": self.formula, "label": self.label,
            "repeated": self.repeated, "more": self.more, "children": [c.to_json() for c in self.children],
        }


@dataclass
class Explanation:
    query: str
    what: str  # how the query was understood
    value: object  # the figure as printed, or the cell's value
    roots: list[Node]

    def to_json(self) -> dict:
        return {"query": self.query, "what": self.what, "value": _json(self.value),
                "cells": [r.to_json() for r in self.roots]}


def cell_name(ref: CellRef) -> str:
    from .workbook.book import ref as a1

    return a1(ref.sheet, ref.row, ref.col)


def explain(workbook: Workbook, query: str, load_checked: Callable[[], Checked]) -> Explanation:
    """Return the dependency trees behind `query`, or raise UnknownReference with what to try.

    `load_checked` is called only for a figure of the template context, which needs the budget.
    """
    cells = _as_cells(workbook, query)
    if cells is not None:
        what = "cell" if len(cells) == 1 and "!" in query else "defined name"
        value = _value(workbook, cells[0]) if len(cells) == 1 else [_value(workbook, c) for c in cells]
        return Explanation(query, what, value, [_tree(workbook, c, set()) for c in cells])
    value, cell_names = _figure(load_checked(), query)
    refs = []
    for name in cell_names:
        found = _as_cells(workbook, name) or []
        refs.extend(found)
    shown: set[CellRef] = set()
    return Explanation(query, "figure of the template context (printed, whole kronor)", value,
                       [_tree(workbook, r, shown) for r in refs])


def _as_cells(workbook: Workbook, query: str) -> list[CellRef] | None:
    text = query.strip().lstrip("=")
    if "!" in text:
        sheet_part, _, area = text.rpartition("!")
        sheet_name = sheet_part.strip("'").replace("''", "'")
        for sheet in workbook.sheets:
            if norm(sheet.name) == norm(sheet_name):
                quoted = "'" + sheet.name.replace("'", "''") + "'"
                return _resolve(f"{quoted}!{area.upper()}", sheet.name, workbook, 0) or [
                    CellRef(sheet.name, *_row_col(area))]
        return None
    for name in workbook.defined_names:
        if name.split("!")[-1].casefold() == text.casefold():
            return _resolve(name.split("!")[-1], workbook.sheets[0].name, workbook, 0) or None
    return None


def _row_col(area: str) -> tuple[int, int]:
    from openpyxl.utils.cell import coordinate_to_tuple

    return coordinate_to_tuple(area.replace("$", "").upper())


def _figure(checked: Checked, query: str):
    from .build import document_date
    from .render.context import build_context

    context = build_context(checked, document_date(checked))
    node, cells, path = context, [], []
    for part in _split(query):
        if isinstance(node, dict):
            cells = node.get("celler", cells)
            key = _key(node, part)
            if key is None and part.isdigit():
                key = next((k for k in node if str(k) == part), None)
            if key is None:
                raise _unknown(query, path, sorted(map(str, node)))
            node = node[key]
        elif isinstance(node, list):
            match = next((item for item in node if isinstance(item, dict) and part.casefold() in (
                str(item.get("namn", "")).casefold(), str(item.get("kortnamn", "")).casefold())), None)
            if match is None and part.isdigit() and int(part) < len(node):
                match = node[int(part)]
                path.append(part)
                node = match
                continue
            if match is None:
                names = [str(i.get("namn")) for i in node if isinstance(i, dict)]
                raise _unknown(query, path, names)
            node = match
        else:
            raise _unknown(query, path, [])
        path.append(part)
    if isinstance(node, dict):
        cells = node.get("celler", cells)
        node = node.get("totalt", node)
    elif len(path) >= 2 and path[-2] in ("ar", "per_ar") and len(cells) > 1:
        years = [str(y) for y in context["ar"]]
        index = years.index(path[-1]) if path[-2] == "ar" else int(path[-1])
        cells = [cells[index]]
    if isinstance(node, (dict, list)) or not cells:
        raise UnknownReference(f"'{query}' is not a single figure with workbook cells",
                               hint="Name a figure such as kommuner.Ånge.totalt or a cell such as Finansiering!G9")
    return node, cells


def _split(query: str) -> list[str]:
    parts, current, depth = [], "", 0
    for ch in query:
        if ch in "[":
            depth += 1
            if current:
                parts.append(current)
            current = ""
        elif ch == "]":
            depth -= 1
            parts.append(current.strip("'\""))
            current = ""
        elif ch == "." and depth == 0:
            if current:
                parts.append(current)
            current = ""
        else:
            current += ch
    if current:
        parts.append(current)
    return parts


def _key(node: dict, part: str):
    for key in node:
        if str(key).casefold() == part.casefold():
            return key
    return None


def _unknown(query: str, path: list[str], options: list[str]) -> UnknownReference:
    where = ".".join(path) or "the top level"
    listed = ", ".join(o for o in options if o != "celler")[:400]
    return UnknownReference(
        f"'{query}' is not a cell, a defined name or a figure of the template context",
        hint=f"Under {where} there is: {listed}" if listed else "Give a cell such as Finansiering!G9",
    )


def _value(workbook: Workbook, ref: CellRef):
    cell = workbook.sheet(ref.sheet).get(ref.row, ref.col)
    return None if cell is None else cell.value


def _tree(workbook: Workbook, ref: CellRef, shown: set[CellRef], depth: int = 0) -> Node:
    sheet = workbook.sheet(ref.sheet)
    cell = sheet.get(ref.row, ref.col)
    node = Node(ref, None if cell is None else cell.value, None if cell is None else cell.formula, label(workbook, ref))
    if ref in shown:
        node.repeated = True
        return node
    shown.add(ref)
    if node.formula and depth < 40:
        children = references(node.formula, ref.sheet, workbook)
        node.more = max(0, len(children) - MAX_CHILDREN)
        node.children = [_tree(workbook, child, shown, depth + 1) for child in children[:MAX_CHILDREN]]
    return node


def label(workbook: Workbook, ref: CellRef, header_rows: dict | None = None) -> str:
    """Return what a reader calls a cell: its row's label and its column's header.

    The header is taken from the sheet's table header row (docs/workbook.md) when the cell lies
    below one, else from the nearest text above the cell.
    """
    sheet = workbook.sheet(ref.sheet)
    row_label = next((sheet.value(ref.row, c) for c in range(1, ref.col)
                      if isinstance(sheet.value(ref.row, c), str) and sheet.value(ref.row, c).strip()), None)
    if header_rows is None:
        header_row = _header_row(workbook, ref.sheet)
    else:
        if ref.sheet not in header_rows:
            header_rows[ref.sheet] = _header_row(workbook, ref.sheet)
        header_row = header_rows[ref.sheet]
    column = None
    rows = [header_row] if header_row and header_row < ref.row else range(ref.row - 1, 0, -1)
    for r in rows:
        value = sheet.value(r, ref.col)
        if isinstance(value, str) and value.strip():
            column = value.strip()
            break
        if isinstance(value, (int, float)) and not isinstance(value, bool) and r == header_row:
            column = str(int(value)) if float(value).is_integer() else str(value)
            break
    return " · ".join(str(p) for p in (row_label, column) if p)


def _header_row(workbook: Workbook, sheet_name: str) -> int | None:
    from .model.contract import (BUDGET_HEADER, FINANCING_HEADER, MUNICIPALITY_HEADER, PARAMETER_HEADER,
                                 PROJECT_HEADER)

    keys = {norm(h) for h in (BUDGET_HEADER, FINANCING_HEADER, MUNICIPALITY_HEADER, PARAMETER_HEADER, PROJECT_HEADER)}
    sheet = workbook.sheet(sheet_name)
    for (row, _), cell in sorted(sheet.cells.items()):
        if isinstance(cell.value, str) and norm(cell.value) in keys:
            return row
    return None


def show_value(value) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, ExcelError):
        return str(value)
    if isinstance(value, (int, float)):
        number = to_decimal(value)
        decimals = 0 if number == number.to_integral() else min(4, -number.normalize().as_tuple().exponent)
        return group(number, decimals)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return repr(value)


def render_text(explanation: Explanation) -> str:
    lines = [f"{explanation.query} = {show_value(explanation.value)}  ({explanation.what})"]
    for root in explanation.roots:
        lines.extend(_render(root, "", True, top=True))
    return "\n".join(lines)


def _render(node: Node, prefix: str, last: bool, top: bool = False) -> list[str]:
    branch = "" if top else ("└── " if last else "├── ")
    how = "(shown above)" if node.repeated else (node.formula or "typed in")
    label_text = f"  [{node.label}]" if node.label else ""
    lines = [f"{prefix}{branch}{cell_name(node.ref)} = {show_value(node.value)}{label_text}  {how}"]
    if node.repeated:
        return lines
    child_prefix = prefix + ("" if top else ("    " if last else "│   "))
    for i, child in enumerate(node.children):
        lines.extend(_render(child, child_prefix, i == len(node.children) - 1 and not node.more))
    if node.more:
        lines.append(f"{child_prefix}└── … and {node.more} more cells")
    return lines


def _json(value):
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, ExcelError):
        return str(value)
    return value
