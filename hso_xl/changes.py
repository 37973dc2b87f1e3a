"""What changed between two versions of the workbook, and which documents must be sent again.

A version is summarised as a Snapshot: the typed-in values by cell, the key figures as printed,
and for each document the values of the workbook cells its figures came from. `build` stores the
snapshot in manifest.json, so the next build can compare even when the old workbook is gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .model.checked import Checked
from .model.labels import label
from .swedish import group, percent, sort_key
from .workbook.book import cell_order, ref
from .workbook.refs import CellRef
from .workbook.values import json_value as plain


@dataclass
class Snapshot:
    workbook: str
    inputs: dict[str, object]  # "Finansiering!D11" -> typed-in value
    labels: dict[str, str]  # "Finansiering!D11" -> "Sundsvalls kommun · 2027"
    figures: dict[str, object]  # "Sundsvalls kommun 2027" -> 661270 (printed), "EU-stödets andel" -> "40,00 %"
    documents: dict[str, dict] = field(default_factory=dict)  # path -> {"template": sha, "values": {cell: value}}

    def to_json(self) -> dict:
        return {"workbook": self.workbook, "inputs": self.inputs, "labels": self.labels, "figures": self.figures,
                "documents": self.documents}

    @classmethod
    def from_json(cls, data: dict) -> "Snapshot":
        return cls(data.get("workbook", "?"), data.get("inputs", {}), data.get("labels", {}),
                   data.get("figures", {}), data.get("documents", {}))


def snapshot(checked: Checked, documents=(), report_data=None) -> Snapshot:
    """Return the snapshot of a checked workbook; `documents` are build Documents (with their cells).

    `report_data` (model.records.ReportData) adds the regional report data workbook's values under
    qualified references (`[Rapportdata_2025.xlsx]Nyckeltal!D5`), so a changed record lists the
    reports its figures are in.
    """
    wb = checked.workbook
    inputs, labels = {}, {}
    for sheet in wb.sheets:
        for cell in sheet.cells.values():
            if cell.formula is None:
                name = ref(sheet.name, cell.row, cell.col)
                inputs[name] = plain(cell.value)
    values = {}
    for sheet in wb.sheets:
        for cell in sheet.cells.values():
            values[ref(sheet.name, cell.row, cell.col)] = plain(cell.value)
    if report_data is not None:
        values.update({cell: plain(value) for cell, value in report_data.values().items()})
    docs = {}
    for doc in documents:
        docs[str(doc.job.output)] = {
            "template": doc.job.template.name,
            "values": {c: values.get(c) for c in doc.cells},
        }
    snap = Snapshot(str(wb.path.name), inputs, labels, key_figures(checked), docs)
    headers: dict = {}
    for sheet in wb.sheets:  # labels for the cells a report may name: the typed-in ones
        for cell in sheet.cells.values():
            if cell.formula is None:
                snap.labels[ref(sheet.name, cell.row, cell.col)] = label(wb, CellRef(sheet.name, cell.row, cell.col),
                                                                         headers)
    if report_data is not None:
        for cell, (value, text) in report_data.inputs().items():
            snap.inputs[cell] = plain(value)
            snap.labels[cell] = text
    return snap


def key_figures(checked: Checked) -> dict[str, object]:
    """Return the figures a reader of the documents looks at, as printed, by name."""
    b, p = checked.budget, checked.printed
    out: dict[str, object] = {}

    def put(name: str, per_year, total: int) -> None:
        for year, amount in zip(b.years, per_year):
            out[f"{name} {year}"] = amount
        out[f"{name} totalt"] = total

    put("Summa bokförd kostnad", p.booked_totals, sum(p.booked_totals))
    put("Summa projektkostnad", p.project_totals, sum(p.project_totals))
    put("Summa finansiering", p.financing_totals, sum(p.financing_totals))
    for row in sorted(p.cash.rows, key=lambda r: sort_key(r.line.label)):
        put(row.line.label, row.printed, row.total)
    for row in p.in_kind.rows:
        put(f"{row.line.label} (annat än pengar)", row.printed, row.total)
    out["EU-stödets andel av total projektkostnad"] = percent(b.eu_rate, 2)
    return out


@dataclass
class Change:
    name: str
    old: object
    new: object
    label: str = ""


@dataclass
class ChangeReport:
    old: str
    new: str
    inputs: list[Change]
    figures: list[Change]
    documents: list[tuple[str, str, list[str]]]  # (path, why: new|gone|template|figures, changed cells)

    @property
    def empty(self) -> bool:
        return not (self.inputs or self.figures or self.documents)

    def to_json(self) -> dict:
        def c(change: Change) -> dict:
            return {"name": change.name, "label": change.label, "old": change.old, "new": change.new}

        return {"old": self.old, "new": self.new, "inputs": [c(x) for x in self.inputs],
                "figures": [c(x) for x in self.figures],
                "documents": [{"path": p, "why": why, "cells": cells} for p, why, cells in self.documents]}


def compare(old: Snapshot, new: Snapshot) -> ChangeReport:
    """Return what changed from `old` to `new`."""
    inputs = [Change(cell, old.inputs.get(cell), new.inputs.get(cell), new.labels.get(cell) or old.labels.get(cell, ""))
              for cell in sorted(old.inputs.keys() | new.inputs.keys(), key=cell_order)
              if old.inputs.get(cell) != new.inputs.get(cell)]
    figures = [Change(name, old.figures.get(name), new.figures.get(name))
               for name in list(dict.fromkeys([*new.figures, *old.figures]))
               if old.figures.get(name) != new.figures.get(name)]
    documents = []
    for path in sorted(new.documents.keys() | old.documents.keys(), key=sort_key):
        before, after = old.documents.get(path), new.documents.get(path)
        if before is None:
            documents.append((path, "new", []))
        elif after is None:
            documents.append((path, "gone", []))
        elif before["template"] != after["template"]:
            documents.append((path, "template", []))
        else:
            changed = [cell for cell in after["values"] if before["values"].get(cell) != after["values"][cell]]
            changed += [cell for cell in before["values"] if cell not in after["values"]]
            if changed:
                documents.append((path, "figures", changed))
    return ChangeReport(old.workbook, new.workbook, inputs, figures, documents)


WHY = {
    "sv": {"new": "nytt dokument", "gone": "skapas inte längre", "template": "mallen har ändrats",
           "figures": "ändrade siffror från {cells}"},
    "en": {"new": "new document", "gone": "no longer produced", "template": "its template changed",
           "figures": "figures from {cells}"},
}


def _why(why: str, cells: list[str], language: str) -> str:
    listed = ", ".join(cells[:6]) + (" …" if len(cells) > 6 else "")
    return WHY[language][why].format(cells=listed)


def _show(value) -> str:
    if value is None:
        return "(tomt)"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return group(value)
    if isinstance(value, float):
        return group(Decimal(repr(value)), 2)
    return str(value)


def render_markdown(report: ChangeReport) -> str:
    """Return ÄNDRINGAR.md: changed inputs, changed key figures, documents to send again (in Swedish)."""
    lines = ["# Ändringar sedan förra körningen", "", f"Arbetsbok: {report.old} → {report.new}", ""]
    if report.empty:
        lines += ["Inga ändringar: samma indata, samma nyckeltal, inga dokument att skicka igen.", ""]
        return "\n".join(lines)
    lines += ["## Ändrade indata", ""]
    if report.inputs:
        lines += ["| cell | rad och kolumn | före | efter |", "|---|---|---:|---:|"]
        lines += [f"| {c.name} | {c.label} | {_show(c.old)} | {_show(c.new)} |" for c in report.inputs]
    else:
        lines.append("Inga.")
    lines += ["", "## Ändrade nyckeltal (kr, som de skrivs ut)", ""]
    if report.figures:
        lines += ["| nyckeltal | före | efter |", "|---|---:|---:|"]
        lines += [f"| {c.name} | {_show(c.old)} | {_show(c.new)} |" for c in report.figures]
    else:
        lines.append("Inga.")
    lines += ["", "## Dokument att skicka igen", ""]
    if report.documents:
        lines += [f"- {path} ({_why(why, cells, 'sv')})" for path, why, cells in report.documents]
    else:
        lines.append("Inga.")
    lines.append("")
    return "\n".join(lines)


def render_summary(report: ChangeReport, nothing: str = "No changes since the previous build.") -> str:
    """Return a few lines for the terminal."""
    if report.empty:
        return nothing
    lines = [f"Changes from {report.old} to {report.new}:"]
    for c in report.inputs[:10]:
        lines.append(f"  input  {c.name} [{c.label}]: {_show(c.old)} → {_show(c.new)}")
    if len(report.inputs) > 10:
        lines.append(f"  … and {len(report.inputs) - 10} more inputs")
    for c in report.figures[:20]:
        lines.append(f"  figure {c.name}: {_show(c.old)} → {_show(c.new)}")
    if len(report.figures) > 20:
        lines.append(f"  … and {len(report.figures) - 20} more figures")
    for path, why, cells in report.documents:
        lines.append(f"  resend {path} ({_why(why, cells, 'en')})")
    return "\n".join(lines)
