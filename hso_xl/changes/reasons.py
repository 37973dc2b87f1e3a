"""What changed from one snapshot to another, and why each document reads differently."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..swedish import sort_key
from .rows import Change, RowMatch, label_text, match_rows
from .snapshot import Snapshot, reads_differently


REASON_KINDS = ("decision", "template", "rows_added", "rows_removed", "renamed", "inputs", "figures", "order", "settings",
                "date", "content")


@dataclass
class Resend:
    path: str
    why: str  # new | gone | changed
    # ("template",), ("inputs", [(address, label, old, new)]) typed-in cells it shows, ("figures", [...]) computed
    # cells it shows, ("rows_added"/"rows_removed"/"renamed"/"order", [labels]), ("settings", [names]),
    # ("date", old, new), ("content",)
    reasons: list[tuple] = field(default_factory=list)
    recipient: str | None = None  # whom it goes to (the register's pending list), None for `diff`
    # what it was compared with: ("sent", SentRow) the version last recorded as sent to the recipient,
    # ("first_build", when) nothing recorded as sent, so the first build the register knows; None: the previous build
    since: tuple | None = None

    @property
    def cells(self) -> list[str]:
        return [shown[0] for kind, *rest in self.reasons if kind in ("inputs", "figures") for shown in rest[0]]

    def to_json(self) -> dict:
        reasons = []
        for kind, *rest in self.reasons:
            if kind in ("inputs", "figures"):
                reasons.append({"kind": kind, "inputs": [{"cell": a, "label": lab, "old": o, "new": n}
                                                         for a, lab, o, n in rest[0]]})
            elif kind == "date":
                reasons.append({"kind": kind, "old": rest[0], "new": rest[1]})
            elif kind == "settings":
                reasons.append({"kind": kind, "settings": rest[0]})
            elif kind in ("rows_added", "rows_removed", "renamed", "order"):
                reasons.append({"kind": kind, "rows": rest[0]})
            else:
                reasons.append({"kind": kind})
        out = {"path": self.path, "why": self.why, "reasons": reasons, "cells": self.cells}
        if self.recipient is not None:
            out["recipient"] = self.recipient
        if self.since is not None:
            out["since"] = {"kind": self.since[0], "at": getattr(self.since[1], "at", self.since[1]),
                            "by": getattr(self.since[1], "by", None), "how": getattr(self.since[1], "how", None)}
        return out


@dataclass
class ChangeReport:
    old: str
    new: str
    inputs: list[Change]
    figures: list[Change]
    documents: list[Resend]
    # ("template_reads_same", template, [paths]); ("restored", [paths]) written again, deleted from the output folder
    notes: list[tuple] = field(default_factory=list)
    # documents never recorded as sent that read as in the first build: (recipient, path), to send once
    unsent: list[tuple[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.inputs or self.figures or self.documents or self.notes)

    def to_json(self) -> dict:
        return {"old": self.old, "new": self.new, "inputs": [c.to_json() for c in self.inputs],
                "figures": [{"name": c.name, "label": c.label, "old": c.old, "new": c.new} for c in self.figures],
                "documents": [d.to_json() for d in self.documents],
                "notes": [_note_json(note) for note in self.notes],
                "unsent": [{"recipient": r, "path": p} for r, p in self.unsent]}


def _note_json(note: tuple) -> dict:
    kind, *rest = note
    if kind == "template_reads_same":
        return {"kind": kind, "template": rest[0], "documents": rest[1]}
    if kind == "kept_date":
        return {"kind": kind, "date": rest[0], "cell": rest[1], "documents": rest[2]}
    if kind == "kept_dnr":
        return {"kind": kind, "dnr": [{"dnr": d, "cell": c, "documents": paths} for d, c, paths in rest[0]]}
    if kind == "new_output":
        return {"kind": kind, "last_build": rest[0]}
    if kind in ("pdfs_new", "pdfs_gone"):
        return {"kind": kind, "count": rest[0]}
    return {"kind": kind, "documents": rest[0]}


def compare(old: Snapshot, new: Snapshot) -> ChangeReport:
    """Return what changed from `old` to `new`."""
    rows = match_rows(old.rows, new.rows)
    renamed = {label_text(old.rows[o]): label_text(new.rows[n]) for o, n in rows.same.items()
               if label_text(old.rows[o]) != label_text(new.rows[n])}
    figures = _figure_changes(old.figures, new.figures, renamed)
    documents = []
    reads_same: dict[str, list[str]] = {}
    for path in sorted(new.documents.keys() | old.documents.keys(), key=sort_key):
        before, after = old.documents.get(path), new.documents.get(path)
        recipient = (after or before).get("recipient")
        if before is None:
            documents.append(Resend(path, "new", recipient=recipient))
        elif after is None:
            documents.append(Resend(path, "gone"))
        elif reads_differently(before, after):
            documents.append(Resend(path, "changed", document_reasons(before, after, old, new, rows), recipient))
        elif before.get("template_sha") != after.get("template_sha"):
            reads_same.setdefault(after.get("template", "?"), []).append(path)
    notes: list[tuple] = [("template_reads_same", template, paths) for template, paths in reads_same.items()]
    return ChangeReport(old.workbook, new.workbook, rows.changes, figures, documents, notes)


def _figure_changes(old: dict, new: dict, renamed: dict[str, str]) -> list[Change]:
    """Changed key figures; a figure of a renamed row is compared under its new name (a rename is no new figure)."""
    def new_name(name: str) -> str:
        for before, after in renamed.items():
            if before and before in name:
                return name.replace(before, after, 1)
        return name

    old = {new_name(name) if new_name(name) not in old else name: value for name, value in old.items()}
    return [Change("changed", name, "", old.get(name), new.get(name))
            for name in list(dict.fromkeys([*new, *old])) if old.get(name) != new.get(name)]


def document_reasons(before: dict, after: dict, old: Snapshot, new: Snapshot, rows: RowMatch | None = None
                     ) -> list[tuple]:
    """Why a document reads differently in `new` than in `old` (its entries `before` and `after`)."""
    rows = rows or match_rows(old.rows, new.rows)
    reasons: list[tuple] = []
    if before.get("template_sha") != after.get("template_sha"):
        reasons.append(("template",))
    old_shows = {_translate(meaning, rows.same): value for meaning, value in before.get("shows", {}).items()}
    old_refs = {_translate(meaning, rows.same): ref for meaning, ref in before.get("refs", {}).items()}
    old_computed = {_translate(meaning, rows.same) for meaning in before.get("computed", [])}
    old_formulas = {_translate(meaning, rows.same): f for meaning, f in before.get("formulas", {}).items()}
    new_shows, new_refs = after.get("shows", {}), after.get("refs", {})
    new_computed = set(after.get("computed", []))
    # a figure is computed in both versions (or in the one that has it); a cell typed over its formula, or a
    # formula put back, is a cause the administrator typed, told with the formula
    computed = {m for m in new_computed | old_computed if (m in new_computed) == (m in old_computed)
                or m not in new_shows or m not in old_shows}
    added_rows, removed_rows = set(rows.added), {_translate_row(k, rows.same) for k in rows.removed}
    typed, figures, grew, shrank, renamed, moved = [], [], [], [], [], []
    moved_rows = set(rows.moved)
    inverse = {n: o for o, n in rows.same.items()}
    for meaning in dict.fromkeys([*new_shows, *old_shows]):
        row_key = meaning.rsplit("|", 1)[0]
        if row_key in moved_rows and row_key.split("|", 1)[1] not in moved:
            moved.append(row_key.split("|", 1)[1])
        if row_key in inverse and inverse[row_key] != row_key and _is_rename(inverse[row_key], row_key, old, new):
            label = f"{inverse[row_key].split('|', 1)[1]} → {row_key.split('|', 1)[1]}"
            if label not in renamed:
                renamed.append(label)
        a, b = old_shows.get(meaning), new_shows.get(meaning)
        if a == b:
            continue
        if row_key in added_rows and meaning not in old_shows:
            if row_key.split("|", 1)[1] not in grew:
                grew.append(row_key.split("|", 1)[1])
            continue
        if row_key in removed_rows and meaning not in new_shows:
            if row_key.split("|", 1)[1] not in shrank:
                shrank.append(row_key.split("|", 1)[1])
            continue
        address = new_refs.get(meaning) or old_refs.get(meaning)
        label = " · ".join(meaning.split("|")[1:])
        if meaning in old_computed and meaning not in new_computed and meaning in old_formulas:
            a = {"formula": old_formulas[meaning], "value": a}
        elif meaning in new_computed and meaning not in old_computed and meaning in after.get("formulas", {}):
            b = {"formula": after["formulas"][meaning], "value": b}
        (figures if meaning in computed else typed).append((address, label, a, b))
    for kind, items in (("rows_added", grew), ("rows_removed", shrank), ("renamed", renamed), ("inputs", typed),
                        ("figures", figures)):
        if items:
            reasons.append((kind, items))
    if moved and not (typed or figures or grew or shrank or renamed):
        reasons.append(("order", moved))
    changed_settings = sorted(k for k in {*old.settings, *new.settings} if old.settings.get(k) != new.settings.get(k))
    if changed_settings:
        reasons.append(("settings", changed_settings))
    if before.get("date") != after.get("date"):
        reasons.append(("date", before.get("date"), after.get("date")))
    reasons = reasons or [("content",)]
    if before.get("decision") and after.get("decision") and before["decision"] != after["decision"]:
        reasons.insert(0, ("decision",))  # what the reader is asked to decide changed: said first
    return reasons


def _is_rename(old_key: str, new_key: str, old: Snapshot, new: Snapshot) -> bool:
    return label_text(old.rows.get(old_key, {})) != label_text(new.rows.get(new_key, {}))


def _translate(meaning: str, same: dict[str, str]) -> str:
    """An old cell's meaning ('row key|column') in the new version's names (its row renamed or re-labelled)."""
    row_key, _bar, column = meaning.rpartition("|")
    return f"{same.get(row_key, row_key)}|{column}"


def _translate_row(key: str, same: dict[str, str]) -> str:
    return same.get(key, key)


