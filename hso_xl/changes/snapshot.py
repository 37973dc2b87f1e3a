"""A version of the workbook as the change round keeps it: a Snapshot.

The typed-in values by meaning (sheet, row label, column header, so an inserted row is one new
row, not every row below it moved), the key figures as printed, the settings, and for each
document what a reader sees in it (a fingerprint of its reading), the template's hash, its date and
the values of the cells it shows. `build` stores the snapshot in manifest.json and in the send
register, so a later build can compare even when the old workbook is gone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..model.checked import Checked
from ..model.labels import row_and_column
from ..output.decision import decision_hash
from ..package import read_members
from ..swedish import percent, sort_key
from ..workbook.book import Workbook, ref
from ..workbook.refs import CellRef
from ..workbook.values import json_value as plain

SNAPSHOT_VERSION = 2
MAX_FORMULAS_PER_ROW = 60  # a row's formulas kept beside its typed-in cells (a table row has a few)


@dataclass
class Snapshot:
    workbook: str
    rows: dict[str, dict]  # "Finansiering|Sundsvalls kommun" -> {"address", "cells": {column: value}, "refs"}
    figures: dict[str, object]  # "Sundsvalls kommun 2027" -> 661270 (printed), "EU-stödets andel" -> "40,00 %"
    documents: dict[str, dict] = field(default_factory=dict)  # path -> see document_entry
    settings: dict = field(default_factory=dict)
    pdfs: list[str] | None = None  # the PDFs the build wrote (None: not known, a snapshot of an older hso-xl)

    def to_json(self) -> dict:
        return {"version": SNAPSHOT_VERSION, "workbook": self.workbook, "rows": self.rows, "figures": self.figures,
                "documents": self.documents, "settings": self.settings, "pdfs": self.pdfs}

    @classmethod
    def from_json(cls, data: dict) -> "Snapshot | None":
        """Return the snapshot a manifest holds; None for one written by an older hso-xl (nothing to compare)."""
        if not isinstance(data, dict) or data.get("version") != SNAPSHOT_VERSION:
            return None
        return cls(data.get("workbook", "?"), data.get("rows", {}), data.get("figures", {}),
                   data.get("documents", {}), data.get("settings", {}), data.get("pdfs"))


# -- what a version holds -----------------------------------------------------------------------

class _Meanings:
    """Names cells by meaning: 'sheet|row label|column header', the same wherever the row stands."""

    def __init__(self) -> None:
        self._headers: dict = {}
        self._row_keys: dict[tuple[int, str, int], str] = {}  # (workbook id, sheet, row) -> row key
        self._template_shas: dict[str, str] = {}
        self._columns: dict[tuple, str] = {}  # (workbook id, sheet, row, column) -> the column's header

    def template_sha(self, template) -> str:
        """The sha256 of a template's bytes, read once per snapshot for all its documents."""
        if str(template) not in self._template_shas:
            self._template_shas[str(template)] = hashlib.sha256(template.read_bytes()).hexdigest()
        return self._template_shas[str(template)]

    def rows(self, workbook: Workbook, qualifier: str, role: str = "") -> dict[str, dict]:
        """Every row of typed-in cells of `workbook`, by row key (its role, sheet and row label).

        `qualifier` starts the addresses shown (`[Rapportdata_2025.xlsx]`); `role` starts the keys
        (`[rapportdata]`), so a companion workbook saved under next year's name is the same rows.
        """
        out: dict[str, dict] = {}
        for sheet in workbook.sheets:
            by_row: dict[int, list] = {}
            formulas: dict[int, list] = {}
            for cell in sheet.cells.values():
                if cell.formula is None and cell.value is not None:
                    by_row.setdefault(cell.row, []).append(cell)
                elif cell.formula is not None:
                    formulas.setdefault(cell.row, []).append(cell)
            labels = _row_labels({row: sorted(cells, key=lambda c: c.col) for row, cells in by_row.items()})
            for row in sorted(by_row):
                cells = sorted(by_row[row], key=lambda c: c.col)
                label, label_cell = labels[row]
                key = f"{role}{sheet.name}|{label}"
                self._row_keys[(id(workbook), sheet.name, row)] = key
                entry = {"address": qualifier + ref(sheet.name, row, (label_cell or cells[0]).col),
                         "cells": {}, "refs": {}, "row": row,
                         "texts": [" ".join(c.value.split()) for c in cells if isinstance(c.value, str) and c.value.strip()]}
                for cell in cells:
                    if cell is label_cell:
                        continue
                    column = self.column(workbook, sheet.name, cell.row, cell.col, entry["cells"])
                    entry["cells"][column] = plain(cell.value)
                    entry["refs"][column] = qualifier + ref(sheet.name, cell.row, cell.col)
                # the row's formulas, so that a number typed over one is told as such (formula and value -> number)
                for cell in sorted(formulas.get(row, ()), key=lambda c: c.col)[:MAX_FORMULAS_PER_ROW]:
                    column = self.column(workbook, sheet.name, cell.row, cell.col, entry["cells"])
                    entry.setdefault("formulas", {})[column] = [cell.formula, plain(cell.value)]
                    entry["refs"].setdefault(column, qualifier + ref(sheet.name, cell.row, cell.col))
                out[key] = entry
        return out

    def column(self, workbook: Workbook, sheet: str, row: int, col: int, taken: dict | None = None) -> str:
        key = (id(workbook), sheet, row, col)
        column = self._columns.get(key)
        if column is None:  # each cell's header once: the documents show the same cells again and again
            # one cache per workbook: the report data workbook may have a sheet named like one of the master's
            headers = self._headers.setdefault(id(workbook), {})
            _row, column = row_and_column(workbook, CellRef(sheet, row, col), headers)
            self._columns[key] = column
        from ..workbook.cellnames import get_column_letter

        letter = get_column_letter(col)
        if not column or (taken is not None and column in taken):
            column = f"{column} ({letter})" if column else letter
        return column

    def of_cell(self, workbook: Workbook, qualifier: str, reference: str, role: str = "") -> str:
        """The meaning of one cell (a typed-in or a formula cell) as 'row key|column'."""
        sheet_name, _bang, coordinate = reference.removeprefix(qualifier).rpartition("!")
        from ..workbook.cellnames import coordinate_to_tuple

        sheet_name = sheet_name.strip("'").replace("''", "'")
        row, col = coordinate_to_tuple(coordinate)
        key = self._row_keys.get((id(workbook), sheet_name, row))
        if key is None:  # a row of formulas only
            key = f"{role}{sheet_name}|rad {row}"
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
    above, since = None, 0  # the nearest row above with a text, and how many rows without text since
    for row in sorted(rows):
        label = " · ".join(words[row][:depth[row]])
        if label:
            above, since = label, 0
        else:  # a row without any text (a form's blank line of zeros) is known by the row with a text above it,
            since += 1  # so that a row inserted higher up does not make it another row
            label = f"rad {row}" if above is None else (f"rad under {above}" if since == 1 else
                                                         f"rad {since} under {above}")
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


def reading_hash(data: bytes) -> str:
    """Hash what a reader sees in a .docx/.xlsx: text, tables, emphasis, pictures (see output/reading.py)."""
    from ..output.reading import reading_hash as hashed

    return hashed(data)


def snapshot(checked: Checked, documents=(), report_data=None) -> Snapshot:
    """Return the snapshot of a checked workbook; `documents` are build Documents (with their cells).

    `report_data` (model.records.ReportData) adds the regional report's data workbook, whose cells
    are named with its file (`[Rapportdata_2025.xlsx]Nyckeltal!D5`).
    """
    meanings = _Meanings()
    # (workbook, what starts its cells' addresses, what starts its rows' keys: its role, not its file name)
    books = [(checked.workbook, "", "")]
    if checked.facts_workbook is not None:
        books.append((checked.facts_workbook, f"[{checked.facts_workbook.path.name}]", "[facts]"))
    if report_data is not None:
        books.append((report_data.workbook, f"[{report_data.workbook.path.name}]", "[report_data]"))
    rows: dict[str, dict] = {}
    for workbook, qualifier, role in books:
        rows.update(meanings.rows(workbook, qualifier, role))
    docs = {str(doc.job.output): document_entry(doc, books, meanings) for doc in documents}
    return Snapshot(checked.workbook.path.name, rows, key_figures(checked), docs, checked.settings.fingerprint())


def document_entry(doc, books, meanings: _Meanings) -> dict:
    """What the snapshot keeps of one document: its content hash, template, date and the cells it shows."""
    shows: dict[str, object] = {}
    refs: dict[str, str] = {}
    computed: list[str] = []
    formulas: dict[str, str] = {}
    for reference in doc.cells:
        workbook, qualifier, role = next((b for b in reversed(books) if b[1] and reference.startswith(b[1])), books[0])
        try:
            meaning = meanings.of_cell(workbook, qualifier, reference, role)
            value = _value_at(workbook, qualifier, reference)
        except (KeyError, ValueError):
            continue
        shows[meaning] = value
        refs[meaning] = reference
        formula = _formula(workbook, qualifier, reference)
        if formula is not None:
            computed.append(meaning)
            formulas[meaning] = formula
    date = doc.job.context.get("dokument", {}).get("datum")
    dnr = []  # the Dnr facts the document carries (printed, or in its properties), with their cells
    for reference in dnr_cells(doc.job.context):
        workbook, qualifier, _role = next((b for b in reversed(books) if b[1] and reference.startswith(b[1])), books[0])
        try:
            dnr.append([reference, _value_at(workbook, qualifier, reference)])
        except (KeyError, ValueError):
            continue
    prints = getattr(doc, "prints", None) or fingerprints(doc.data, str(doc.job.output), getattr(doc, "reading", None))
    return {"template": doc.job.template.name, "template_sha": meanings.template_sha(doc.job.template),
            "content": prints["content"], "reading": prints["reading"],
            "date": date.isoformat() if hasattr(date, "isoformat") else None,
            "shows": shows, "refs": refs, "computed": computed, "formulas": formulas, **recipient_of(doc.job),
            "decision": prints["decision"], "dnr": dnr}


def fingerprints(data: bytes, output: str, reading: str | None = None) -> dict[str, str | None]:
    """A document's fingerprints that document_entry keeps: its content, reading and (Word) decision hashes.

    Made where the document was rendered (build_render, on every core); the three read its parts once.
    """
    decision = decision_hash(data) if output.lower().endswith(".docx") else None  # first: its document.xml
    return {"content": content_hash(data), "reading": reading or reading_hash(data),  # tree serves the reading
            "decision": decision}




def dnr_cells(context: dict) -> list[str]:
    """The cells of the Dnr facts a document's context holds: its municipality's (or its financier's
    municipality's) diarienummer and the project's, as render/properties.py puts them in the document."""
    financier = context.get("finansiar")
    scopes = (context.get("kommun"), financier.get("kommun") if isinstance(financier, dict) else None,
              context.get("projekt"))
    out: list[str] = []
    for scope in scopes:
        if isinstance(scope, dict) and isinstance(scope.get("celler_per_falt"), dict):
            out += [c for c in scope["celler_per_falt"].get("diarienummer") or () if c and c not in out]
    return out


def recipient_of(job) -> dict:
    """Whom a document goes to, and the recipient's e-mail address when the facts give one.

    A municipality's decision draft and regional report go to the municipality, a certificate to
    its financier, a project document to the EU financier (Tillväxtverket) that the application goes to.
    """
    context = job.context
    recipient = job.subject
    if recipient is None:
        financiers = (context.get("eu") or {}).get("finansiarer") or []
        recipient = financiers[0] if financiers else str((context.get("projekt") or {}).get("agare", "")) or "?"
    municipality = context.get("kommun") or (context.get("finansiar") or {}).get("kommun") or {}
    email = municipality.get("epost") if isinstance(municipality, dict) else None
    project = (context.get("projekt") or {}).get("namn")
    return {"recipient": str(recipient), "email": email.strip() if isinstance(email, str) and email.strip() else None,
            "project": project if isinstance(project, str) else None}


def reads_differently(before: dict, after: dict) -> bool:
    """Whether a reader sees a difference between two snapshot entries of a document.

    Compared by what a reader sees when both builds recorded it, else (a snapshot of an older
    hso-xl) by every part but the properties.
    """
    old, new = before.get("reading") or "", after.get("reading") or ""
    if old.partition(":")[0] == new.partition(":")[0] != "":  # fingerprints of the same hso-xl kind
        return old != new
    return before.get("content") != after.get("content")


def _cell_at(workbook: Workbook, qualifier: str, reference: str):
    from ..workbook.cellnames import coordinate_to_tuple

    sheet_name, _bang, coordinate = reference.removeprefix(qualifier).rpartition("!")
    row, col = coordinate_to_tuple(coordinate)
    return workbook.sheet(sheet_name.strip("'").replace("''", "'")).get(row, col)


def _value_at(workbook: Workbook, qualifier: str, reference: str):
    cell = _cell_at(workbook, qualifier, reference)
    return plain(cell.value) if cell is not None else None


def _formula(workbook: Workbook, qualifier: str, reference: str) -> str | None:
    cell = _cell_at(workbook, qualifier, reference)
    return cell.formula if cell is not None else None


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


