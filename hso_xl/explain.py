"""`hso-xl explain REF`: where a figure comes from, as a tree of cells down to the typed-in inputs.

REF is a cell (`Finansiering!G9`), a defined name (`OH_sats`), or a figure as templates know it
(`kommuner.Ånge.totalt`, `budget.summa_projektkostnad.ar.2028`); a list is indexed by name.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import UnknownReference
from .i18n import SOURCE, Message, _, n_
from .model.checked import Checked
from .model.labels import label
from .model.sheets import norm, to_decimal
from .model.units import UNIT_NAMES, cell_unit
from .swedish import group
from .workbook.book import ExcelError, Workbook
from .workbook.dynamic import references_at
from .workbook.refs import CellRef, resolve
from .workbook.values import json_value

MAX_CHILDREN = 12


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
            "cell": cell_name(self.ref), "value": json_value(self.value), "formula": self.formula, "label": self.label,
            "repeated": self.repeated, "more": self.more, "children": [c.to_json() for c in self.children],
        }


@dataclass
class Explanation:
    query: str
    what: Message | str  # how the query was understood
    value: object  # the figure as printed, or the cell's value
    roots: list[Node]

    def to_json(self) -> dict:
        what = self.what.render(SOURCE) if isinstance(self.what, Message) else self.what  # JSON speaks English
        return {"query": self.query, "what": what, "value": json_value(self.value),
                "cells": [r.to_json() for r in self.roots]}


def cell_name(ref: CellRef) -> str:
    from .workbook.book import ref as a1

    return a1(ref.sheet, ref.row, ref.col)


def explain(workbook: Workbook, query: str, load_checked: Callable[[], Checked],
            municipality: str | None = None) -> Explanation:
    """Return the dependency trees behind `query`, or raise UnknownReference with what to try.

    `query` is a cell, a defined name, or a figure as a template writes it; `kommun.totalt` with
    `municipality` ('Ånge') is that municipality's. `load_checked` is called only for a figure.
    """
    cells = _as_cells(workbook, query)
    if cells is not None:
        what = _("a cell") if len(cells) == 1 and "!" in query else _("a defined name")
        value = _value(workbook, cells[0]) if len(cells) == 1 else [_value(workbook, c) for c in cells]
        return Explanation(query, what, value, [_tree(workbook, c, set()) for c in cells])
    path = query
    for prefix, plural in (("kommun.", "kommuner"), ("finansiar.", "finansiering.kontant")):
        if query.startswith(prefix) and municipality:
            path = f"{plural}.{municipality}.{query[len(prefix):]}"
        elif query.startswith(prefix):
            raise UnknownReference(
                _("'{query}' is a figure of one municipality", query=query) if prefix == "kommun." else
                _("'{query}' is a figure of one financier", query=query),
                hint=_("Say which, for example: hso-xl explain {query} --kommun Ånge", query=query))
    value, cell_names = _figure(load_checked(), path, query if path == query else f"{query} --kommun {municipality}")
    refs = []
    for name in cell_names:
        found = _as_cells(workbook, name) or []
        refs.extend(found)
    shown: set[CellRef] = set()
    return Explanation(query, how_made(workbook, path, value, refs), value,
                       [_tree(workbook, r, shown) for r in refs])


def explain_workbook(path: Path, query: str, settings, municipality: str | None = None) -> Explanation:
    """Explain `query` in the workbook at `path`, as `hso-xl explain` and the web page do."""
    from .model.checked import check_recomputed
    from .workbook.recalc import recompute_file

    recomputed = recompute_file(path)  # a figure needs the budget too, built from the same recompute
    return explain(recomputed.workbook, query, lambda: check_recomputed(recomputed, settings), municipality)


def how_made(workbook: Workbook, path: str, value, refs: list[CellRef]) -> Message:
    """Say in words how the documents' figure is made from the cells: a cell rounded, a sum, a share."""
    from decimal import Decimal

    if path.endswith("eu.andel"):
        return _("the EU support's share of the total project cost: the EU rows' exact amounts divided by the exact "
                 "total project cost (both shown below), printed with two decimals")
    numbers = [(v, r) for v, r in ((_value(workbook, r), r) for r in refs)
               if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not numbers:
        return _("as the documents print it")
    factors = [_unit(workbook, r) for _v, r in numbers]  # a table in tkr is read ×1 000 (model/units.py)
    exact = sum((to_decimal(n) * f for (n, _r), f in zip(numbers, factors)), Decimal(0))
    span = cell_name(refs[0]) if len(refs) == 1 else f"{cell_name(refs[0])}:{cell_name(refs[-1]).rpartition('!')[2]}"
    source = _("the value of {cells}", cells=span) if len(refs) == 1 else _("the sum of {cells}", cells=span)
    if max(factors) > 1:
        source = _("{source} (in {unit}, read ×{factor} as kronor)", source=source, unit=UNIT_NAMES[max(factors)],
                   factor=group(max(factors)))
    exact_text = group(exact, 2)
    if isinstance(value, int) and Decimal(value) != exact:
        from .swedish import whole_kronor

        rounded = _("rounded to whole kronor from {exact}", exact=exact_text)
        if len(refs) == 1 and whole_kronor(exact) != value:
            rounded = _("{exact} printed as {printed}, not {rounded}: this row absorbs the rounding so that the "
                        "printed table adds up", exact=exact_text, printed=group(value),
                        rounded=group(whole_kronor(exact)))
        if len(refs) > 1:
            rounded = _("the sum of the printed years, each rounded to whole kronor (exact {exact})", exact=exact_text)
        return _("{source}, {rounded}; see 'Printed rounding' in docs/workbook.md", source=source, rounded=rounded)
    return _("{source}, in whole kronor", source=source) if isinstance(value, int) else source


def _unit(workbook: Workbook, ref: CellRef) -> int:
    """What the cell's value is multiplied by to be kronor (1 000 for a cell formatted in tkr)."""
    from .errors import ContractError
    from .workbook.book import ref as a1

    try:
        unit = cell_unit(workbook, a1(ref.sheet, ref.row, ref.col))
    except ContractError:  # not certain: the check stops on it, with the cell named
        return 1
    return unit.factor if unit is not None else 1


def _as_cells(workbook: Workbook, query: str) -> list[CellRef] | None:
    text = query.strip().lstrip("=")
    if "!" in text:
        sheet_part, _bang, area = text.rpartition("!")
        sheet_name = sheet_part.strip("'").replace("''", "'")
        for sheet in workbook.sheets:
            if norm(sheet.name) == norm(sheet_name):
                quoted = "'" + sheet.name.replace("'", "''") + "'"
                return resolve(f"{quoted}!{area.upper()}", sheet.name, workbook, 0) or [
                    CellRef(sheet.name, *_row_col(area))]
        return None
    for name in workbook.defined_names:
        if name.split("!")[-1].casefold() == text.casefold():
            return resolve(name.split("!")[-1], workbook.sheets[0].name, workbook, 0) or None
    return None


def _row_col(area: str) -> tuple[int, int]:
    from .workbook.cellnames import coordinate_to_tuple

    return coordinate_to_tuple(area.replace("$", "").upper())


def _figure(checked: Checked, query: str, shown: str | None = None):
    """The figure at the path `query` and its cells; errors name it as the user wrote it (`shown`)."""
    from .render.context import build_context, document_date

    context = build_context(checked, document_date(checked))
    node, cells, path = context, [], []
    for part in _split(query):
        if isinstance(node, dict):
            cells = node.get("celler", cells)
            per_key = node.get("celler_per_falt") or {}
            if _key(per_key, part) is not None:
                cells = per_key[_key(per_key, part)]
            key = _key(node, part)
            if key is None and part.isdigit():
                key = next((k for k in node if str(k) == part), None)
            if key is None:
                raise _unknown(shown or query, path, sorted(map(str, node)), part)
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
                short = [str(i.get("kortnamn")) for i in node if isinstance(i, dict) and i.get("kortnamn")]
                raise _unknown(shown or query, path, names + [n for n in short if n not in names], part)
            node = match
        else:
            raise _unknown(shown or query, path, [])
        path.append(part)
    if isinstance(node, dict):
        cells = node.get("celler", cells)
        node = node.get("totalt", node)
    elif len(path) >= 2 and path[-2] in ("ar", "per_ar") and len(cells) > 1:
        years = [str(y) for y in context["ar"]]
        index = years.index(path[-1]) if path[-2] == "ar" else int(path[-1])
        cells = [cells[index]]
    if isinstance(node, (dict, list)) or not cells:
        raise UnknownReference(_("'{query}' is not a single figure with workbook cells", query=query),
                               hint=_("Name a figure such as kommuner.Ånge.totalt or a cell such as Finansiering!G9"))
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


INTERNAL_KEYS = ("celler", "celler_per_falt")  # where figures come from, not figures


def _unknown(query: str, path: list[str], options: list[str], part: str = "") -> UnknownReference:
    import difflib

    where = ".".join(path) or _("the top level")
    shown = [o for o in options if o not in INTERNAL_KEYS]
    listed = ", ".join(shown)[:400]
    close = difflib.get_close_matches(part.casefold(), [o.casefold() for o in shown], n=1, cutoff=0.6) if part else []
    guess = next((o for o in shown if close and o.casefold() == close[0]), None)
    if guess is not None:
        full = guess if "--kommun" in query else ".".join([*path, guess])  # --kommun takes the name alone
        hint = _("Did you mean {guess}? Under {where} there is: {listed}", guess=full,
                 where=where, listed=listed)
    elif listed:
        hint = _("Under {where} there is: {listed}", where=where, listed=listed)
    else:
        hint = _("Give a cell such as Finansiering!G9")
    return UnknownReference(
        _("'{query}' is not a cell, a defined name or a figure the templates know ('{part}' is not found under "
          "{where})", query=query, part=part, where=where) if part else
        _("'{query}' is not a cell, a defined name or a figure the templates know", query=query),
        hint=hint,
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
        children = references_at(node.formula, ref.sheet, ref.row, ref.col, workbook)
        node.more = max(0, len(children) - MAX_CHILDREN)
        node.children = [_tree(workbook, child, shown, depth + 1) for child in children[:MAX_CHILDREN]]
    return node


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
    shown = show_value(explanation.value)
    if explanation.query.endswith("andel") and isinstance(explanation.value, (int, float, Decimal)):
        from .swedish import percent

        shown = percent(explanation.value, 2)
    lines = [f"{explanation.query} = {shown}: {explanation.what}"]
    for root in explanation.roots:
        lines.extend(_render(root, "", True, top=True))
    return "\n".join(lines)


def _render(node: Node, prefix: str, last: bool, top: bool = False) -> list[str]:
    branch = "" if top else ("└── " if last else "├── ")
    how = _("(shown above)") if node.repeated else (node.formula or _("typed in"))
    label_text = f"  [{node.label}]" if node.label else ""
    lines = [f"{prefix}{branch}{cell_name(node.ref)} = {show_value(node.value)}{label_text}  {how}"]
    if node.repeated:
        return lines
    child_prefix = prefix + ("" if top else ("    " if last else "│   "))
    for i, child in enumerate(node.children):
        lines.extend(_render(child, child_prefix, i == len(node.children) - 1 and not node.more))
    if node.more:
        lines.append(f"{child_prefix}└── " + n_("… and {n} more cell", "… and {n} more cells", node.more))
    return lines
