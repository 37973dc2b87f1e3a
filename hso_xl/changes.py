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

    def rows(self, workbook: Workbook, qualifier: str, role: str = "") -> dict[str, dict]:
        """Every row of typed-in cells of `workbook`, by row key (its role, sheet and row label).

        `qualifier` starts the addresses shown (`[Rapportdata_2025.xlsx]`); `role` starts the keys
        (`[rapportdata]`), so a companion workbook saved under next year's name is the same rows.
        """
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
                out[key] = entry
        return out

    def column(self, workbook: Workbook, sheet: str, row: int, col: int, taken: dict | None = None) -> str:
        _row, column = row_and_column(workbook, CellRef(sheet, row, col), self._headers)
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(col)
        if not column or (taken is not None and column in taken):
            column = f"{column} ({letter})" if column else letter
        return column

    def of_cell(self, workbook: Workbook, qualifier: str, reference: str, role: str = "") -> str:
        """The meaning of one cell (a typed-in or a formula cell) as 'row key|column'."""
        sheet_name, _bang, coordinate = reference.removeprefix(qualifier).rpartition("!")
        from openpyxl.utils.cell import coordinate_to_tuple

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
    from .output.reading import reading_hash as hashed

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
    for reference in doc.cells:
        workbook, qualifier, role = next((b for b in reversed(books) if b[1] and reference.startswith(b[1])), books[0])
        try:
            meaning = meanings.of_cell(workbook, qualifier, reference, role)
            value = _value_at(workbook, qualifier, reference)
        except (KeyError, ValueError):
            continue
        shows[meaning] = value
        refs[meaning] = reference
        if _is_formula(workbook, qualifier, reference):
            computed.append(meaning)
    date = doc.job.context.get("dokument", {}).get("datum")
    return {"template": doc.job.template.name, "template_sha": hashlib.sha256(doc.job.template.read_bytes()).hexdigest(),
            "content": content_hash(doc.data), "reading": getattr(doc, "reading", None) or reading_hash(doc.data),
            "date": date.isoformat() if hasattr(date, "isoformat") else None,
            "shows": shows, "refs": refs, "computed": computed}


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
    from openpyxl.utils.cell import coordinate_to_tuple

    sheet_name, _bang, coordinate = reference.removeprefix(qualifier).rpartition("!")
    row, col = coordinate_to_tuple(coordinate)
    return workbook.sheet(sheet_name.strip("'").replace("''", "'")).get(row, col)


def _value_at(workbook: Workbook, qualifier: str, reference: str):
    cell = _cell_at(workbook, qualifier, reference)
    return plain(cell.value) if cell is not None else None


def _is_formula(workbook: Workbook, qualifier: str, reference: str) -> bool:
    cell = _cell_at(workbook, qualifier, reference)
    return cell is not None and cell.formula is not None


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


REASON_KINDS = ("template", "rows_added", "rows_removed", "renamed", "inputs", "figures", "order", "settings", "date",
                "content")


@dataclass
class Resend:
    path: str
    why: str  # new | gone | changed
    # ("template",), ("inputs", [(address, label, old, new)]) typed-in cells it shows, ("figures", [...]) computed
    # cells it shows, ("rows_added"/"rows_removed"/"renamed"/"order", [labels]), ("settings", [names]),
    # ("date", old, new), ("content",)
    reasons: list[tuple] = field(default_factory=list)

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
        return {"path": self.path, "why": self.why, "reasons": reasons, "cells": self.cells}


@dataclass
class ChangeReport:
    old: str
    new: str
    inputs: list[Change]
    figures: list[Change]
    documents: list[Resend]
    # ("template_reads_same", template, [paths]); ("restored", [paths]) written again, deleted from the output folder
    notes: list[tuple] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.inputs or self.figures or self.documents or self.notes)

    def to_json(self) -> dict:
        return {"old": self.old, "new": self.new, "inputs": [c.to_json() for c in self.inputs],
                "figures": [{"name": c.name, "label": c.label, "old": c.old, "new": c.new} for c in self.figures],
                "documents": [d.to_json() for d in self.documents],
                "notes": [_note_json(note) for note in self.notes]}


def _note_json(note: tuple) -> dict:
    kind, *rest = note
    if kind == "template_reads_same":
        return {"kind": kind, "template": rest[0], "documents": rest[1]}
    if kind in ("pdfs_new", "pdfs_gone"):
        return {"kind": kind, "count": rest[0]}
    return {"kind": kind, "documents": rest[0]}


@dataclass
class RowMatch:
    """How the typed-in rows of two versions correspond: by row key, or across a renamed or re-labelled row."""

    changes: list[Change]
    same: dict[str, str]  # old row key -> new row key, for every row found in both
    added: list[str]  # new row keys
    removed: list[str]  # old row keys
    moved: list[str]  # new row keys of rows that stand in another order among the rows around them


def compare(old: Snapshot, new: Snapshot) -> ChangeReport:
    """Return what changed from `old` to `new`."""
    rows = match_rows(old.rows, new.rows)
    renamed = {_label_text(old.rows[o]): _label_text(new.rows[n]) for o, n in rows.same.items()
               if _label_text(old.rows[o]) != _label_text(new.rows[n])}
    figures = _figure_changes(old.figures, new.figures, renamed)
    documents = []
    reads_same: dict[str, list[str]] = {}
    for path in sorted(new.documents.keys() | old.documents.keys(), key=sort_key):
        before, after = old.documents.get(path), new.documents.get(path)
        if before is None:
            documents.append(Resend(path, "new"))
        elif after is None:
            documents.append(Resend(path, "gone"))
        elif reads_differently(before, after):
            documents.append(Resend(path, "changed", _reasons(before, after, old, new, rows)))
        elif before.get("template_sha") != after.get("template_sha"):
            reads_same.setdefault(after.get("template", "?"), []).append(path)
    notes: list[tuple] = [("template_reads_same", template, paths) for template, paths in reads_same.items()]
    return ChangeReport(old.workbook, new.workbook, rows.changes, figures, documents, notes)


def _label_text(entry: dict) -> str:
    texts = entry.get("texts") or []
    return texts[0] if texts else ""


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
            if a != b and not (before_key != after_key and column in _label_columns(before, after)):
                where = after["refs"].get(column) or before["refs"].get(column)
                changes.append((where, Change("changed", where, f"{label} · {column}", a, b)))
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


def _reasons(before: dict, after: dict, old: Snapshot, new: Snapshot, rows: RowMatch | None = None) -> list[tuple]:
    rows = rows or match_rows(old.rows, new.rows)
    reasons: list[tuple] = []
    if before.get("template_sha") != after.get("template_sha"):
        reasons.append(("template",))
    old_shows = {_translate(meaning, rows.same): value for meaning, value in before.get("shows", {}).items()}
    old_refs = {_translate(meaning, rows.same): ref for meaning, ref in before.get("refs", {}).items()}
    old_computed = {_translate(meaning, rows.same) for meaning in before.get("computed", [])}
    new_shows, new_refs = after.get("shows", {}), after.get("refs", {})
    computed = set(after.get("computed", [])) | old_computed
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
    return reasons or [("content",)]


def _is_rename(old_key: str, new_key: str, old: Snapshot, new: Snapshot) -> bool:
    return _label_text(old.rows.get(old_key, {})) != _label_text(new.rows.get(new_key, {}))


def _translate(meaning: str, same: dict[str, str]) -> str:
    """An old cell's meaning ('row key|column') in the new version's names (its row renamed or re-labelled)."""
    row_key, _bar, column = meaning.rpartition("|")
    return f"{same.get(row_key, row_key)}|{column}"


def _translate_row(key: str, same: dict[str, str]) -> str:
    return same.get(key, key)


# -- in words -----------------------------------------------------------------------------------
# One set of messages says it both ways: ÄNDRINGAR.md is a document and always Swedish
# (render_markdown), the summary on the terminal speaks the user's language (render_summary).

DOCUMENT_LANGUAGE = "sv"


def _show(value, decimals: int | None = None):
    """A value as the report shows it: '1 363 221', '0,024' (as many decimals as it has, or `decimals`)."""
    if value is None:
        return _("(empty)")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return group(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        if decimals is None:  # every decimal typed in (0,024 is not 0,02), at most ten
            decimals = min(10, max(0, -number.normalize().as_tuple().exponent))
        return group(number, decimals)
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
    """Why a document is to be sent again, every reason, at most `limit` changed inputs named.

    The typed-in cells it shows come first (a cause the administrator typed), then the figures
    computed from changed inputs (with `limit` below 3, on the terminal, only counted).
    """
    if resend.why == "new":
        return str(_("new document"))
    if resend.why == "gone":
        return str(_("no longer produced"))
    parts = []
    shown_inputs = any(kind == "inputs" for kind, *_rest in resend.reasons)
    for kind, *rest in resend.reasons:
        if kind == "inputs":
            listed = [f"{a} [{lab}] {_show(o)} → {_show(n)}" for a, lab, o, n in rest[0][:limit]]
            if len(rest[0]) > limit:
                listed.append(str(_("… {n} more", n=len(rest[0]) - limit)))
            parts.append(_("shows changed inputs: {inputs}", inputs="; ".join(listed)))
        elif kind == "figures" and limit < 3:
            parts.append(n_("{n} figure computed from changed inputs", "{n} figures computed from changed inputs",
                            len(rest[0])))
        elif kind == "figures":
            listed = [f"{a} [{lab}] {_show(o, 2)} → {_show(n, 2)}" for a, lab, o, n in rest[0][:limit]]
            if len(rest[0]) > limit:
                listed.append(str(_("… {n} more", n=len(rest[0]) - limit)))
            what = _("figures computed from them: {figures}", figures="; ".join(listed)) if shown_inputs else \
                _("shows figures computed from changed inputs: {figures}", figures="; ".join(listed))
            parts.append(what)
        elif kind == "rows_added":
            parts.append(_("shows new rows: {rows}", rows=", ".join(f"'{r}'" for r in rest[0])))
        elif kind == "rows_removed":
            parts.append(_("no longer shows removed rows: {rows}", rows=", ".join(f"'{r}'" for r in rest[0])))
        elif kind == "renamed":
            parts.append(_("shows renamed rows: {rows}", rows=", ".join(rest[0])))
        elif kind == "order":
            parts.append(_("shows rows that stand in another order in the workbook: {rows}",
                           rows=", ".join(f"'{r}'" for r in rest[0])))
        elif kind == "settings":
            parts.append(_("the settings in hso.toml changed: {what}", what=", ".join(rest[0])))
        elif kind == "date":
            parts.append(_("the document date changed from {old} to {new}", old=rest[0], new=rest[1]))
        elif kind == "template":
            parts.append(_("the template changed"))
        else:
            parts.append(_("its content changed"))
    return "; ".join(str(part) for part in parts)


def no_comparison(why: str | None):
    """Why a build has nothing to compare with, in words: None for a first build in an empty folder.

    `why` is 'no_manifest' (documents in the folder, no manifest.json of an earlier build) or
    'old_manifest' (a manifest.json hso-xl cannot compare with: written by an older version or damaged).
    """
    if why == "no_manifest":
        return _("The output folder holds documents but no manifest.json of an earlier build, so there is nothing to "
                 "compare with: treat every document as new.")
    if why == "old_manifest":
        return _("The output folder's manifest.json was written by an older hso-xl (or is damaged), so there is "
                 "nothing to compare with: treat every document as new; the next build compares as usual.")
    return None


def first_build_markdown(why: str | None = None) -> str:
    """Return ÄNDRINGAR.md of a first build, when there is nothing earlier to compare with (in Swedish)."""
    with speaking(DOCUMENT_LANGUAGE):
        said = no_comparison(why) or _("The first build in this folder: there is nothing earlier to compare with.")
        return "\n".join([f"# {_('Changes')}", "", str(said), ""])


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
    notes = [_note(note) for note in report.notes]
    if notes:
        lines += [""] + [f"- {note}" for note in notes]
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


def _resend_lines(documents: list[Resend], lines: list[str], prefix: str, full: str) -> None:
    """The documents to send again, one a line; documents sent again for the same reason share one line saying why."""
    shown = documents[:MAX_SUMMARY_LINES]
    i = 0
    while i < len(shown):
        why = _why(shown[i], limit=2)
        j = i
        while j + 1 < len(shown) and _why(shown[j + 1], limit=2) == why:
            j += 1
        if j == i:
            lines.append(f"{prefix}{shown[i].path} ({why})")
        else:
            lines.extend(f"{prefix}{d.path}" for d in shown[i:j + 1])
            lines.append(" " * len(prefix) + str(_("(the {n} above: {why})", n=j - i + 1, why=why)))
        i = j + 1
    if len(documents) > MAX_SUMMARY_LINES:
        n = len(documents) - MAX_SUMMARY_LINES
        lines.append("  " + str(n_("… and {n} more document (see {file})", "… and {n} more documents (see {file})", n,
                                   file=full)))


def _note(note: tuple) -> str:
    kind, *rest = note
    if kind == "pdfs_new":
        return str(n_("The previous build wrote no PDFs; this one wrote {n} (--pdf): the documents read the same, "
                      "none to send again for that.",
                      "The previous build wrote no PDFs; this one wrote {n} (--pdf): the documents read the same, "
                      "none to send again for that.", rest[0]))
    if kind == "pdfs_gone":
        return str(n_("The previous build wrote {n} PDF; this one wrote none (built without --pdf), so it is no "
                      "longer in the output folder (the previous set is kept in arkiv/).",
                      "The previous build wrote {n} PDFs; this one wrote none (built without --pdf), so they are no "
                      "longer in the output folder (the previous set is kept in arkiv/).", rest[0]))
    if kind == "restored":
        return str(n_("{paths} was no longer in the output folder and was written again; it reads as in the previous "
                      "build, so it is not to send again.",
                      "{paths} were no longer in the output folder and were written again; they read as in the "
                      "previous build, so they are not to send again.", len(rest[0]), paths=", ".join(rest[0])))
    if kind == "template_reads_same":
        return str(n_("The template {template} changed, but the {n} document made from it reads the same (the same "
                      "text, tables, emphasis and pictures): not to send again.",
                      "The template {template} changed, but the {n} documents made from it read the same (the same "
                      "text, tables, emphasis and pictures): none to send again.", len(rest[1]), template=rest[0]))
    return str(kind)


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
    _resend_lines(report.documents, lines, f"  {str(kinds['resend']).ljust(width)} ", full)
    for note in report.notes:
        lines.append(f"  {_note(note)}")
    if not report.documents:
        lines.append(f"  {_('No document looks different to a reader: none to send again.')}")
    return "\n".join(lines)
