"""What changed between two versions of the workbook, and which documents must be sent again.

A version is summarised as a Snapshot: the typed-in values by meaning (sheet, row label, column
header, so an inserted row is one new row, not every row below it moved), the key figures as
printed, the settings, and for each document what a reader sees in it (a hash of every part but
its properties), the template's hash, its date and the values of the cells it shows. `build`
stores the snapshot in manifest.json, so the next build can compare even when the old workbook
is gone. A document is listed to send again exactly when what a reader sees in it changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from .i18n import _, n_, speaking
from .model.checked import Checked
from .model.labels import row_and_column
from .package import read_members
from .swedish import group, percent, sort_key
from .workbook.book import Workbook, cell_order, ref
from .workbook.refs import CellRef
from .workbook.values import json_value as plain

SNAPSHOT_VERSION = 2
MAX_SUMMARY_LINES = 12


@dataclass
class Snapshot:
    workbook: str
    rows: dict[str, dict]  # "Finansiering|Sundsvalls kommun" -> {"address", "cells": {column: value}, "refs"}
    figures: dict[str, object]  # "Sundsvalls kommun 2027" -> 661270 (printed), "EU-stödets andel" -> "40,00 %"
    documents: dict[str, dict] = field(default_factory=dict)  # path -> see document_entry
    settings: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"version": SNAPSHOT_VERSION, "workbook": self.workbook, "rows": self.rows, "figures": self.figures,
                "documents": self.documents, "settings": self.settings}

    @classmethod
    def from_json(cls, data: dict) -> "Snapshot | None":
        """Return the snapshot a manifest holds; None for one written by an older hso-xl (nothing to compare)."""
        if not isinstance(data, dict) or data.get("version") != SNAPSHOT_VERSION:
            return None
        return cls(data.get("workbook", "?"), data.get("rows", {}), data.get("figures", {}),
                   data.get("documents", {}), data.get("settings", {}))


# -- what a version holds -----------------------------------------------------------------------

class _Meanings:
    """Names cells by meaning: 'sheet|row label|column header', the same wherever the row stands."""

    def __init__(self) -> None:
        self._headers: dict = {}
        self._row_keys: dict[tuple[int, str, int], str] = {}  # (workbook id, sheet, row) -> row key

    def rows(self, workbook: Workbook, qualifier: str) -> dict[str, dict]:
        """Every row of typed-in cells of `workbook`, by row key (sheet and row label)."""
        out: dict[str, dict] = {}
        for sheet in workbook.sheets:
            by_row: dict[int, list] = {}
            for cell in sheet.cells.values():
                if cell.formula is None and cell.value is not None:
                    by_row.setdefault(cell.row, []).append(cell)
            labels = _row_labels({row: sorted(cells, key=lambda c: c.col) for row, cells in by_row.items()})
            for row in sorted(by_row):
                cells = sorted(by_row[row], key=lambda c: c.col)
                label, label_cell = labels[row]
                key = f"{qualifier}{sheet.name}|{label}"
                self._row_keys[(id(workbook), sheet.name, row)] = key
                entry = {"address": qualifier + ref(sheet.name, row, (label_cell or cells[0]).col),
                         "cells": {}, "refs": {}}
                for cell in cells:
                    if cell is label_cell:
                        continue
                    column = self.column(workbook, sheet.name, cell.row, cell.col, entry["cells"])
                    entry["cells"][column] = plain(cell.value)
                    entry["refs"][column] = qualifier + ref(sheet.name, cell.row, cell.col)
                out[key] = entry
        return out

    def column(self, workbook: Workbook, sheet: str, row: int, col: int, taken: dict | None = None) -> str:
        _row, column = row_and_column(workbook, CellRef(sheet, row, col), self._headers)
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(col)
        if not column or (taken is not None and column in taken):
            column = f"{column} ({letter})" if column else letter
        return column

    def of_cell(self, workbook: Workbook, qualifier: str, reference: str) -> str:
        """The meaning of one cell (a typed-in or a formula cell) as 'row key|column'."""
        sheet_name, _bang, coordinate = reference.removeprefix(qualifier).rpartition("!")
        from openpyxl.utils.cell import coordinate_to_tuple

        sheet_name = sheet_name.strip("'").replace("''", "'")
        row, col = coordinate_to_tuple(coordinate)
        key = self._row_keys.get((id(workbook), sheet_name, row))
        if key is None:  # a row of formulas only
            key = f"{qualifier}{sheet_name}|rad {row}"
        return f"{key}|{self.column(workbook, sheet_name, row, col)}"


def _row_labels(rows: dict[int, list]) -> dict[int, tuple[str, object]]:
    """Label each row by its first text, and by as many more texts as it takes to tell equal rows apart.

    A table of records ('Ånge kommun | Nordbiten AB | 999 600') is labelled 'Ånge kommun · Nordbiten AB';
    rows that read the same all through are numbered: 'Ånge kommun · Nordbiten AB (2)'.
    """
    texts = {row: [c for c in cells if isinstance(c.value, str) and c.value.strip()] for row, cells in rows.items()}
    words = {row: [" ".join(c.value.split()) for c in cells] for row, cells in texts.items()}
    depth = {row: 1 for row in rows}
    while True:
        seen: dict[str, list[int]] = {}
        for row in rows:
            seen.setdefault(" · ".join(words[row][:depth[row]]), []).append(row)
        grow = [row for same in seen.values() if len(same) > 1 for row in same if depth[row] < len(words[row])]
        if not grow:
            break
        for row in grow:
            depth[row] += 1
    out: dict[int, tuple[str, object]] = {}
    counts: dict[str, int] = {}
    for row in sorted(rows):
        label = " · ".join(words[row][:depth[row]]) or f"rad {row}"
        counts[label] = counts.get(label, 0) + 1
        out[row] = (label if counts[label] == 1 else f"{label} ({counts[label]})", texts[row][0] if texts[row] else None)
    return out


def content_hash(data: bytes) -> str:
    """Hash what a reader sees in a .docx/.xlsx: every part but the document properties (docProps/)."""
    digest = hashlib.sha256()
    for name, member in sorted(read_members(data)):
        if not name.startswith("docProps/"):
            digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(member).digest())
    return digest.hexdigest()


def snapshot(checked: Checked, documents=(), report_data=None) -> Snapshot:
    """Return the snapshot of a checked workbook; `documents` are build Documents (with their cells).

    `report_data` (model.records.ReportData) adds the regional report's data workbook, whose cells
    are named with its file (`[Rapportdata_2025.xlsx]Nyckeltal!D5`).
    """
    meanings = _Meanings()
    books = [(checked.workbook, "")]
    if checked.facts_workbook is not None:
        books.append((checked.facts_workbook, f"[{checked.facts_workbook.path.name}]"))
    if report_data is not None:
        books.append((report_data.workbook, f"[{report_data.workbook.path.name}]"))
    rows: dict[str, dict] = {}
    for workbook, qualifier in books:
        rows.update(meanings.rows(workbook, qualifier))
    docs = {str(doc.job.output): document_entry(doc, books, meanings) for doc in documents}
    return Snapshot(checked.workbook.path.name, rows, key_figures(checked), docs, checked.settings.fingerprint())


def document_entry(doc, books, meanings: _Meanings) -> dict:
    """What the snapshot keeps of one document: its content hash, template, date and the cells it shows."""
    shows: dict[str, object] = {}
    refs: dict[str, str] = {}
    for reference in doc.cells:
        workbook, qualifier = next(((w, q) for w, q in reversed(books) if q and reference.startswith(q)), books[0])
        try:
            meaning = meanings.of_cell(workbook, qualifier, reference)
            value = _value_at(workbook, qualifier, reference)
        except (KeyError, ValueError):
            continue
        shows[meaning] = value
        refs[meaning] = reference
    date = doc.job.context.get("dokument", {}).get("datum")
    return {"template": doc.job.template.name, "template_sha": hashlib.sha256(doc.job.template.read_bytes()).hexdigest(),
            "content": content_hash(doc.data), "date": date.isoformat() if hasattr(date, "isoformat") else None,
            "shows": shows, "refs": refs}


def _value_at(workbook: Workbook, qualifier: str, reference: str):
    from openpyxl.utils.cell import coordinate_to_tuple

    sheet_name, _bang, coordinate = reference.removeprefix(qualifier).rpartition("!")
    row, col = coordinate_to_tuple(coordinate)
    cell = workbook.sheet(sheet_name.strip("'").replace("''", "'")).get(row, col)
    return plain(cell.value) if cell is not None else None


def key_figures(checked: Checked) -> dict[str, object]:
    """Return the figures a reader of the documents looks at, as printed, by name."""
    b, p = checked.budget, checked.printed
    out: dict[str, object] = {}

    def put(name: str, per_year, total: int) -> None:
        for year, amount in zip(b.years, per_year):
            out[f"{name} {year}"] = amount
        out[f"{name} totalt"] = total

    for row in p.costs.rows:
        put(f"Kostnad: {row.line.label}", row.printed, row.total)
    put("Summa bokförd kostnad", p.booked_totals, sum(p.booked_totals))
    put("Summa projektkostnad", p.project_totals, sum(p.project_totals))
    put("Summa finansiering", p.financing_totals, sum(p.financing_totals))
    for row in sorted(p.cash.rows, key=lambda r: sort_key(r.line.label)):
        put(row.line.label, row.printed, row.total)
    for row in p.in_kind.rows:
        put(f"{row.line.label} (annat än pengar)", row.printed, row.total)
    out["EU-stödets andel av total projektkostnad"] = percent(b.eu_rate, 2)
    return out


# -- what changed -------------------------------------------------------------------------------

@dataclass
class Change:
    """One change of the typed-in inputs: a cell changed, a row added, removed or renamed."""

    kind: str  # changed | added | removed | renamed
    name: str  # the cell (changed) or the row's label cell (added, removed, renamed), as it stands now
    label: str  # 'Sundsvalls kommun · 2027' (changed), the row's label, or 'old → new' (renamed)
    old: object = None
    new: object = None
    cells: dict = field(default_factory=dict)  # the row's values (added, removed)

    def to_json(self) -> dict:
        return {"kind": self.kind, "name": self.name, "label": self.label, "old": self.old, "new": self.new,
                **({"cells": self.cells} if self.cells else {})}


@dataclass
class Resend:
    path: str
    why: str  # new | gone | changed
    reasons: list[tuple] = field(default_factory=list)  # ("template",), ("inputs", [(address, label, old, new)]), …

    @property
    def cells(self) -> list[str]:
        return [shown[0] for kind, *rest in self.reasons if kind == "inputs" for shown in rest[0]]

    def to_json(self) -> dict:
        reasons = []
        for kind, *rest in self.reasons:
            if kind == "inputs":
                reasons.append({"kind": kind, "inputs": [{"cell": a, "label": lab, "old": o, "new": n}
                                                         for a, lab, o, n in rest[0]]})
            elif kind == "date":
                reasons.append({"kind": kind, "old": rest[0], "new": rest[1]})
            elif kind == "settings":
                reasons.append({"kind": kind, "settings": rest[0]})
            else:
                reasons.append({"kind": kind})
        return {"path": self.path, "why": self.why, "reasons": reasons, "cells": self.cells}


@dataclass
class ChangeReport:
    old: str
    new: str
    inputs: list[Change]
    figures: list[Change]
    documents: list[Resend]

    @property
    def empty(self) -> bool:
        return not (self.inputs or self.figures or self.documents)

    def to_json(self) -> dict:
        return {"old": self.old, "new": self.new, "inputs": [c.to_json() for c in self.inputs],
                "figures": [{"name": c.name, "label": c.label, "old": c.old, "new": c.new} for c in self.figures],
                "documents": [d.to_json() for d in self.documents]}


def compare(old: Snapshot, new: Snapshot) -> ChangeReport:
    """Return what changed from `old` to `new`."""
    figures = [Change("changed", name, "", old.figures.get(name), new.figures.get(name))
               for name in list(dict.fromkeys([*new.figures, *old.figures]))
               if old.figures.get(name) != new.figures.get(name)]
    documents = []
    for path in sorted(new.documents.keys() | old.documents.keys(), key=sort_key):
        before, after = old.documents.get(path), new.documents.get(path)
        if before is None:
            documents.append(Resend(path, "new"))
        elif after is None:
            documents.append(Resend(path, "gone"))
        elif before.get("content") != after.get("content"):
            documents.append(Resend(path, "changed", _reasons(before, after, old, new)))
    return ChangeReport(old.workbook, new.workbook, compare_rows(old.rows, new.rows), figures, documents)


def compare_rows(old: dict[str, dict], new: dict[str, dict]) -> list[Change]:
    """Compare typed-in rows by meaning: changed cells, added, removed and renamed rows (moved rows are silent)."""
    changes: list[tuple[str, Change]] = []
    for key in old.keys() & new.keys():
        before, after = old[key], new[key]
        label = key.split("|", 1)[1]
        for column in dict.fromkeys([*after["cells"], *before["cells"]]):
            a, b = before["cells"].get(column), after["cells"].get(column)
            if a != b:
                where = after["refs"].get(column) or before["refs"].get(column)
                changes.append((where, Change("changed", where, f"{label} · {column}", a, b)))
    gone = [k for k in old if k not in new]
    added = [k for k in new if k not in old]
    for key in list(gone):
        sheet = key.split("|", 1)[0]
        twin = next((k for k in added if k.split("|", 1)[0] == sheet and new[k]["cells"]
                     and new[k]["cells"] == old[key]["cells"]), None)
        if twin is not None:
            gone.remove(key)
            added.remove(twin)
            label = f"{key.split('|', 1)[1]} → {twin.split('|', 1)[1]}"
            changes.append((new[twin]["address"], Change("renamed", new[twin]["address"], label)))
    for key in gone:
        changes.append((old[key]["address"], Change("removed", old[key]["address"], key.split("|", 1)[1],
                                                    cells=old[key]["cells"])))
    for key in added:
        changes.append((new[key]["address"], Change("added", new[key]["address"], key.split("|", 1)[1],
                                                    cells=new[key]["cells"])))
    return [change for _where, change in sorted(changes, key=lambda item: cell_order(item[0]))]


def _reasons(before: dict, after: dict, old: Snapshot, new: Snapshot) -> list[tuple]:
    reasons: list[tuple] = []
    if before.get("template_sha") != after.get("template_sha"):
        reasons.append(("template",))
    shown = []
    for meaning in dict.fromkeys([*after.get("shows", {}), *before.get("shows", {})]):
        a, b = before.get("shows", {}).get(meaning), after.get("shows", {}).get(meaning)
        if a != b:
            address = after.get("refs", {}).get(meaning) or before.get("refs", {}).get(meaning)
            label = " · ".join(meaning.split("|")[1:])
            shown.append((address, label, a, b))
    if shown:
        reasons.append(("inputs", shown))
    changed_settings = sorted(k for k in {*old.settings, *new.settings} if old.settings.get(k) != new.settings.get(k))
    if changed_settings:
        reasons.append(("settings", changed_settings))
    if before.get("date") != after.get("date"):
        reasons.append(("date", before.get("date"), after.get("date")))
    return reasons or [("content",)]


# -- in words -----------------------------------------------------------------------------------
# One set of messages says it both ways: ÄNDRINGAR.md is a document and always Swedish
# (render_markdown), the summary on the terminal speaks the user's language (render_summary).

DOCUMENT_LANGUAGE = "sv"


def _show(value):
    if value is None:
        return _("(empty)")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return group(value)
    if isinstance(value, float):
        return group(Decimal(repr(value)), 2)
    return str(value)


def _row_values(cells: dict):
    return ", ".join(f"{column} {_show(value)}" for column, value in cells.items()) or _("no values")


def _input_line(change: Change) -> str:
    if change.kind == "changed":
        return f"{change.name} [{change.label}]: {_show(change.old)} → {_show(change.new)}"
    if change.kind == "renamed":
        return f"{change.name}: {_('row renamed')} {change.label}"
    what = _("new row") if change.kind == "added" else _("removed row")
    return f"{change.name}: {what} '{change.label}' ({_row_values(change.cells)})"


def _why(resend: Resend, limit: int = 6) -> str:
    """Why a document is to be sent again, every reason, at most `limit` changed inputs named."""
    if resend.why == "new":
        return str(_("new document"))
    if resend.why == "gone":
        return str(_("no longer produced"))
    parts = []
    for kind, *rest in resend.reasons:
        if kind == "inputs":
            listed = [f"{a} [{lab}] {_show(o)} → {_show(n)}" for a, lab, o, n in rest[0][:limit]]
            if len(rest[0]) > limit:
                listed.append(str(_("… {n} more", n=len(rest[0]) - limit)))
            parts.append(_("shows changed inputs: {inputs}", inputs="; ".join(listed)))
        elif kind == "settings":
            parts.append(_("the settings in hso.toml changed ({what})", what=", ".join(rest[0])))
        elif kind == "date":
            parts.append(_("the document date changed ({old} → {new})", old=rest[0], new=rest[1]))
        elif kind == "template":
            parts.append(_("the template changed"))
        else:
            parts.append(_("its content changed"))
    return "; ".join(str(part) for part in parts)


def first_build_markdown() -> str:
    """Return ÄNDRINGAR.md of a first build, when there is nothing earlier to compare with (in Swedish)."""
    with speaking(DOCUMENT_LANGUAGE):
        return "\n".join([f"# {_('Changes')}", "",
                          str(_("The first build in this folder: there is nothing earlier to compare with.")), ""])


def render_markdown(report: ChangeReport) -> str:
    """Return ÄNDRINGAR.md: changed inputs, changed key figures, documents to send again (in Swedish)."""
    with speaking(DOCUMENT_LANGUAGE):
        return _markdown(report)


def _markdown(report: ChangeReport) -> str:
    workbook = _("Workbook: {old} → {new}", old=report.old, new=report.new)
    lines = [f"# {_('Changes since the previous run')}", "", str(workbook), ""]
    if report.empty:
        lines += [str(_("No changes: the same inputs, the same key figures, no documents to send again.")), ""]
        return "\n".join(lines)
    lines += [f"## {_('Documents to send again')}", ""]
    if report.documents:
        lines += [f"- {d.path} ({_why(d, limit=40)})" for d in report.documents]
    else:
        lines.append(str(_("None: no document looks different to a reader.")))
    lines += ["", f"## {_('Changed inputs')}", ""]
    cells = [c for c in report.inputs if c.kind == "changed"]
    rows = [c for c in report.inputs if c.kind != "changed"]
    before, after = _("before"), _("after")
    if cells:
        lines += [f"| {_('cell')} | {_('row and column')} | {before} | {after} |", "|---|---|---:|---:|"]
        lines += [f"| {c.name} | {c.label} | {_show(c.old)} | {_show(c.new)} |" for c in cells]
    for change in rows:
        lines.append(f"- {_input_line(change)}")
    if not report.inputs:
        lines.append(str(_("None.")))
    lines += ["", f"## {_('Changed key figures (kr, as printed)')}", ""]
    if report.figures:
        lines += [f"| {_('key figure')} | {before} | {after} |", "|---|---:|---:|"]
        lines += [f"| {c.name} | {_show(c.old)} | {_show(c.new)} |" for c in report.figures]
    else:
        lines.append(str(_("None.")))
    lines.append("")
    return "\n".join(lines)


def render_summary(report: ChangeReport, nothing=None, full: str = "ÄNDRINGAR.md") -> str:
    """Return a short summary for the terminal (at most a screen), in the user's language; the whole list is in
    ÄNDRINGAR.md. `nothing` is what to say when nothing changed."""
    if report.empty:
        return str(nothing if nothing is not None else _("No changes since the previous build."))
    lines = [str(_("Changes from {old} to {new}:", old=report.old, new=report.new))]
    kinds = {"input": _("input"), "figure": _("figure"), "resend": _("resend")}
    width = max(len(str(word)) for word in kinds.values())

    def some(items, kind, render, more):
        for item in items[:MAX_SUMMARY_LINES]:
            lines.append(f"  {str(kinds[kind]).ljust(width)} {render(item)}")
        if len(items) > MAX_SUMMARY_LINES:
            lines.append(f"  {more(len(items) - MAX_SUMMARY_LINES)}")

    some(report.inputs, "input", _input_line,
         lambda n: n_("… and {n} more input (see {file})", "… and {n} more inputs (see {file})", n, file=full))
    some(report.figures, "figure", lambda c: f"{c.name}: {_show(c.old)} → {_show(c.new)}",
         lambda n: n_("… and {n} more figure (see {file})", "… and {n} more figures (see {file})", n, file=full))
    some(report.documents, "resend", lambda d: f"{d.path} ({_why(d, limit=2)})",
         lambda n: n_("… and {n} more document (see {file})", "… and {n} more documents (see {file})", n,
                      file=full))
    if not report.documents:
        lines.append(f"  {_('No document looks different to a reader: none to send again.')}")
    return "\n".join(lines)
