"""Which typed-in rows of two versions are the same row, and what changed in them.

A row is known by its key ('sheet|label'); an inserted row is one new row, a moved row nothing, a
renamed label one rename (the same values in the same place).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..workbook.book import cell_order


@dataclass
class Change:
    """One change of the typed-in inputs: a cell changed, a row added, removed or renamed."""

    kind: str  # changed | added | removed | renamed
    name: str  # the cell (changed) or the row's label cell (added, removed, renamed), as it stands now
    label: str  # 'Sundsvalls kommun · 2027' (changed), the row's label, or 'old → new' (renamed)
    old: object = None
    new: object = None
    cells: dict = field(default_factory=dict)  # the row's values (added, removed)
    formula: tuple | None = None  # ("old", "=D9"): typed over that formula; ("new", "=D9"): that formula put back

    def to_json(self) -> dict:
        return {"kind": self.kind, "name": self.name, "label": self.label, "old": self.old, "new": self.new,
                **({"cells": self.cells} if self.cells else {}),
                **({"formula": {self.formula[0]: self.formula[1]}} if self.formula else {})}



@dataclass
class RowMatch:
    """How the typed-in rows of two versions correspond: by row key, or across a renamed or re-labelled row."""

    changes: list[Change]
    same: dict[str, str]  # old row key -> new row key, for every row found in both
    added: list[str]  # new row keys
    removed: list[str]  # old row keys
    moved: list[str]  # new row keys of rows that stand in another order among the rows around them



def label_text(entry: dict) -> str:
    texts = entry.get("texts") or []
    return texts[0] if texts else ""



def compare_rows(old: dict[str, dict], new: dict[str, dict]) -> list[Change]:
    """Compare typed-in rows by meaning: changed cells, added, removed and renamed rows (moved rows are silent)."""
    return match_rows(old, new).changes


def match_rows(old: dict[str, dict], new: dict[str, dict]) -> RowMatch:
    """Match the rows of two versions by meaning and say what changed in them.

    A row is the same row when its key (sheet and label) is the same; when its key changed only
    because another row with the same first text came or went (the label then grows to tell them
    apart: 'Mittuniversitetet' becomes 'Mittuniversitetet · offentlig · annat än pengar') its texts
    are the same; when its label was renamed its values are the same.
    """
    same = {key: key for key in old if key in new}
    gone = [k for k in old if k not in new]
    added = [k for k in new if k not in old]
    sheet = lambda key: key.split("|", 1)[0]  # noqa: E731
    for key in list(gone):  # the same texts, a longer or shorter label
        twin = next((k for k in added if sheet(k) == sheet(key) and old[key].get("texts")
                     and new[k].get("texts") == old[key].get("texts")), None)
        if twin is not None:
            gone.remove(key)
            added.remove(twin)
            same[key] = twin
    changes: list[tuple[str, Change]] = []
    for before_key, after_key in same.items():
        before, after = old[before_key], new[after_key]
        label = after_key.split("|", 1)[1]
        for column in dict.fromkeys([*after["cells"], *before["cells"]]):
            a, b = before["cells"].get(column), after["cells"].get(column)
            formula = None  # a number typed over a formula, or a formula put back where a number was typed
            if a is None and column in before.get("formulas", {}):
                formula = ("old", before["formulas"][column][0])
                a = before["formulas"][column][1]
            elif b is None and column in after.get("formulas", {}):
                formula = ("new", after["formulas"][column][0])
                b = after["formulas"][column][1]
            if (a != b or formula) and not (before_key != after_key and column in _label_columns(before, after)):
                where = after["refs"].get(column) or before["refs"].get(column)
                changes.append((where, Change("changed", where, f"{label} · {column}", a, b, formula=formula)))
    for key in list(gone):  # a renamed row: the same values in the same place (the same row above it)
        twin = next((k for k in added if sheet(k) == sheet(key) and new[k]["cells"]
                     and new[k]["cells"] == old[key]["cells"] and _same_place(old, new, key, k, same)), None)
        if twin is not None:
            gone.remove(key)
            added.remove(twin)
            same[key] = twin
            label = f"{key.split('|', 1)[1]} → {twin.split('|', 1)[1]}"
            changes.append((new[twin]["address"], Change("renamed", new[twin]["address"], label)))
    for key in gone:
        changes.append((old[key]["address"], Change("removed", old[key]["address"], key.split("|", 1)[1],
                                                    cells=old[key]["cells"])))
    for key in added:
        changes.append((new[key]["address"], Change("added", new[key]["address"], key.split("|", 1)[1],
                                                    cells=new[key]["cells"])))
    ordered = [change for _where, change in sorted(changes, key=lambda item: cell_order(item[0]))]
    return RowMatch(ordered, same, added, gone, _moved(old, new, same))


def _same_place(old: dict, new: dict, old_key: str, new_key: str, same: dict[str, str]) -> bool:
    """Whether two rows stand in the same place: the row above each is the same row (or neither has one)."""
    if "row" not in old[old_key] or "row" not in new[new_key]:
        return True  # a snapshot of an older hso-xl: no row numbers to tell

    def above(rows: dict, key: str) -> str | None:
        sheet, number = key.split("|", 1)[0], rows[key]["row"]
        candidates = [(v["row"], k) for k, v in rows.items() if k.split("|", 1)[0] == sheet and v.get("row", 0) < number]
        return max(candidates)[1] if candidates else None

    before, after = above(old, old_key), above(new, new_key)
    return (before is None and after is None) or (before is not None and same.get(before) == after)


def _label_columns(before: dict, after: dict) -> set:
    """Columns holding one of the row's texts (part of its label), not values."""
    texts = set(before.get("texts") or []) | set(after.get("texts") or [])
    return {c for c, v in {**before["cells"], **after["cells"]}.items() if isinstance(v, str) and
            " ".join(v.split()) in texts}


def _moved(old: dict, new: dict, same: dict[str, str]) -> list[str]:
    """New row keys of the rows that stand in another order than before (not in the longest common order)."""
    moved: list[str] = []
    sheets = dict.fromkeys(key.split("|", 1)[0] for key in same.values())
    for sheet in sheets:
        pairs = [(o, n) for o, n in same.items() if n.split("|", 1)[0] == sheet
                 and "row" in old[o] and "row" in new[n]]
        before = [n for o, n in sorted(pairs, key=lambda p: old[p[0]]["row"])]
        after = sorted((n for _o, n in pairs), key=lambda n: new[n]["row"])
        keep = set(_longest_common(before, after))
        moved += [n for n in after if n not in keep]
    return moved


def _longest_common(a: list[str], b: list[str]) -> list[str]:
    """The longest common subsequence of two orders of the same items (patience: O(n log n))."""
    import bisect

    position = {item: i for i, item in enumerate(b)}
    seq = [position[item] for item in a]
    tails: list[int] = []
    links: list[int] = [-1] * len(seq)
    tail_index: list[int] = []
    for i, value in enumerate(seq):
        j = bisect.bisect_left(tails, value)
        if j == len(tails):
            tails.append(value)
            tail_index.append(i)
        else:
            tails[j] = value
            tail_index[j] = i
        links[i] = tail_index[j - 1] if j else -1
    out, i = [], tail_index[-1] if tail_index else -1
    while i >= 0:
        out.append(a[i])
        i = links[i]
    return out[::-1]


