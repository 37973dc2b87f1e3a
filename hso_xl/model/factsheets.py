"""Read the facts: project facts, parameters, municipalities and aliases, wherever the office keeps them.

They are the sheets `Projekt` (label | value), `Parametrar` (label | value | comment), `Kommuner`
(one row per municipality, one column per fact) and `Alias` (alias | name), in the master
workbook or in a separate facts workbook (`Fakta*.xlsx`, see discover.py). Each sheet is optional:
what no sheet gives is a missing fact, reported where a document needs it (hso_xl/missing.py).
Labels are matched to the known facts of model/facts.py, so their wording may vary.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import ContractError
from ..findings import Finding, Severity
from ..i18n import _
from ..workbook.book import Sheet, Workbook
from .budget import PLACE_WORDS, Fact, Place
from .dates import read_date
from .facts import SCOPE_SHEETS, FactSpec, fact_label_key, spec_for, suggestion
from .sheets import find_sheet, is_blank, norm

_SLUG = re.compile(r"[^a-z0-9]+")
MUNICIPALITY_LABELS = ("Kommun", "Officiellt namn")
ALIAS_SHEET = "Alias"


def slug(label: str) -> str:
    """Return a template key for a label: 'Beslut i kommunstyrelserna senast' -> 'beslut_i_kommunstyrelserna_senast'."""
    if type(label) is str:  # immutable: its key is kept (each record of a report data workbook asks again)
        return _slug_text(label)
    return _slug_text(str(label))


@lru_cache(maxsize=1 << 14)
def _slug_text(label: str) -> str:
    text = unicodedata.normalize("NFKD", label.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SLUG.sub("_", text).strip("_")


@dataclass
class MunicipalityRow:
    short_name: str | None
    name: str | None  # as written in the 'Officiellt namn' column (or 'Kommun' when there is none)
    name_cell: str
    facts: dict[str, Fact]  # stable key (or slug of an unknown column) -> fact
    row_cell: str


@dataclass
class FactSources:
    project: dict[str, Fact] = field(default_factory=dict)
    parameters: dict[str, Fact] = field(default_factory=dict)
    municipalities: list[MunicipalityRow] = field(default_factory=list)
    aliases: list[tuple[str, str, str]] = field(default_factory=list)  # (alias, name, cell)
    places: list[Place] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    has_municipality_table: bool = False

    def parameter(self, key: str):
        fact = self.parameters.get(key)
        return None if fact is None or is_blank(fact.value) else fact.value


def read_facts(workbooks: list[Workbook]) -> FactSources:
    """Return the facts of `workbooks` (the master workbook first, then the facts workbook, if any).

    Each fact sheet is found by its name (Projekt, Kommuner, Parametrar, Alias); when no workbook
    has a sheet of that name, by what a sheet holds (a header 'Kommun' beside a known municipality
    fact; two known project facts in one column; a known parameter), with a note naming the sheet,
    because offices keep facts on 'Blad1' or 'Kommunfakta' as often as on 'Kommuner'.
    """
    sources = FactSources()
    used: set[tuple[int, str]] = set()
    for index, workbook in enumerate(workbooks):
        qualify = _qualifier(workbook, index > 0)
        for scope, target in (("projekt", sources.project), ("parametrar", sources.parameters)):
            sheet = find_sheet(workbook, SCOPE_SHEETS[scope], required=False)
            if sheet is not None:
                used.add((index, sheet.name))
                _read_label_values(workbook, sheet, scope, target, sources, qualify)
        sheet = find_sheet(workbook, SCOPE_SHEETS["kommun"], required=False)
        if sheet is not None and not sources.has_municipality_table:
            used.add((index, sheet.name))
            _read_municipalities(workbook, sheet, sources, qualify)
        sheet = find_sheet(workbook, ALIAS_SHEET, required=False)
        if sheet is not None:
            used.add((index, sheet.name))
            _read_aliases(sheet, sources, qualify)
    named = {scope for scope in SCOPE_SHEETS
             if any(find_sheet(w, SCOPE_SHEETS[scope], required=False) is not None for w in workbooks)}
    for index, workbook in enumerate(workbooks):
        qualify = _qualifier(workbook, index > 0)
        for scope in ("kommun", "projekt", "parametrar"):
            if scope in named:
                continue
            sheet = next((s for s in workbook.sheets if (index, s.name) not in used and _holds(s, scope)), None)
            if sheet is None:
                continue
            named.add(scope)
            used.add((index, sheet.name))
            sources.findings.append(Finding(
                Severity.INFO, "facts.sheet_by_content",
                _("the {what} are read from the sheet '{sheet}', which holds them (no sheet is named '{name}')",
                  what=PLACE_WORDS[SCOPE_PLACES[scope]], sheet=sheet.name, name=SCOPE_SHEETS[scope]),
                qualify(sheet.name)))
            if scope == "kommun":
                _read_municipalities(workbook, sheet, sources, qualify)
            else:
                _read_label_values(workbook, sheet, scope,
                                   sources.project if scope == "projekt" else sources.parameters, sources, qualify)
    for index, workbook in enumerate(workbooks[1:], start=1):
        if not any(i == index for i, _name in used):
            sources.findings.append(Finding(
                Severity.WARNING, "facts.workbook_unused",
                _("the facts workbook {file} holds no sheet hso-xl reads facts from (it has {sheets}); name the sheets "
                  "{project}, {municipalities} and {parameters} as docs/workbook.md shows", file=workbook.path.name,
                  sheets=", ".join(f"'{s.name}'" for s in workbook.sheets), project=SCOPE_SHEETS["projekt"],
                  municipalities=SCOPE_SHEETS["kommun"], parameters=SCOPE_SHEETS["parametrar"]),
                workbook.path.name))
    return sources


SCOPE_PLACES = {"projekt": "project facts", "kommun": "municipality facts", "parametrar": "parameters"}


def _holds(sheet: Sheet, scope: str) -> bool:
    """Whether `sheet` holds the facts of `scope`, judged by its labels (see read_facts)."""
    if scope == "kommun":
        header = _header_row(sheet, MUNICIPALITY_LABELS)
        if header is None:
            return False
        row = header[0]
        return any(isinstance(cell.value, str) and (spec := spec_for("kommun", cell.value)) is not None
                   and spec.key != "namn" for (r, _c), cell in sheet.cells.items() if r == row)
    per_column: dict[int, int] = {}
    for (_r, col), cell in sheet.cells.items():
        if isinstance(cell.value, str) and spec_for(scope, cell.value) is not None:
            per_column[col] = per_column.get(col, 0) + 1
    return max(per_column.values(), default=0) >= (2 if scope == "projekt" else 1)


def _qualifier(workbook: Workbook, companion: bool):
    """Cells of a companion workbook are named with its file, as Excel names cells of another workbook."""
    if not companion:
        return lambda ref: ref
    return lambda ref: f"[{workbook.path.name}]{ref}"


def _place(workbook: Workbook, sheet: Sheet, what: str, first: int, last: int, qualify) -> Place:
    cols = [c for (r, c) in sheet.cells if first <= r <= last] or [1]
    top_left = sheet.ref(first, min(cols)).split("!")[-1]
    bottom_right = sheet.ref(last, max(cols)).split("!")[-1]
    return Place(what, sheet.name, f"{top_left}:{bottom_right}",
                 workbook.path.name if qualify("") else None)


def _header_row(sheet: Sheet, labels: tuple[str, ...]) -> tuple[int, int] | None:
    keys = {fact_label_key(x) for x in labels}
    for (row, col), cell in sorted(sheet.cells.items()):
        if isinstance(cell.value, str) and fact_label_key(cell.value) in keys:
            return row, col
    return None


def _read_label_values(workbook: Workbook, sheet: Sheet, scope: str, target: dict[str, Fact],
                       sources: FactSources, qualify) -> None:
    header = _header_row(sheet, ("Uppgift", "Parameter", "Fakta", "Uppgifter"))
    first_row, label_col = (header[0] + 1, header[1]) if header else (1, 1)
    rows = [r for r in sheet.rows() if r >= first_row
            and isinstance(sheet.value(r, label_col), str) and sheet.value(r, label_col).strip()]
    if header is None:  # no header row: the title line above the table is not a fact
        rows = [r for r in rows if not is_blank(sheet.value(r, label_col + 1))]
    for row in rows:
        label = sheet.value(row, label_col).strip()
        value = sheet.value(row, label_col + 1)
        fact = Fact(label, value, qualify(sheet.ref(row, label_col + 1)), label_cell=qualify(sheet.ref(row, label_col)))
        spec = spec_for(scope, label)
        key = spec.key if spec else slug(label)
        if spec is None and scope != "parametrar":  # parameters are for the formulas, not for hso-xl to know
            _unknown_label(sources, scope, label, fact.label_cell)
        if spec is not None and spec.kind == "date" or spec is None:
            fact = _date_from_text(fact, numbers=spec is not None)
        _put(target, key, fact, sources, scope)
    if rows:
        sources.places.append(_place(workbook, sheet, {"projekt": "project facts", "parametrar": "parameters"}[scope],
                                     (header[0] if header else rows[0]), rows[-1], qualify))


def _put(target: dict[str, Fact], key: str, fact: Fact, sources: FactSources, scope: str) -> None:
    known = target.get(key)
    if known is None:
        target[key] = fact
        return
    if known.value != fact.value and not is_blank(fact.value):
        sources.findings.append(Finding(
            Severity.WARNING, "fact.conflict",
            _("'{label}' is given twice with different values: {first} at {first_cell} and {second} here; "
              "{first_cell} is used", label=fact.label, first=repr(known.value), first_cell=known.cell,
              second=repr(fact.value)), fact.cell))


def _unknown_label(sources: FactSources, scope: str, label: str, cell: str) -> None:
    guess = suggestion(scope, label)
    key = f"{scope}.{slug(label)}"
    if guess:
        message = _("'{label}' is not a known fact (did you mean '{guess}'?); it is kept for templates as {key}, "
                    "and docs/templates.md lists the known facts", label=label, guess=guess, key=key)
    else:
        message = _("'{label}' is not a known fact; it is kept for templates as {key}, and docs/templates.md lists "
                    "the known facts", label=label, key=key)
    sources.findings.append(Finding(Severity.INFO, "fact.unknown_label", message, cell))


def _date_from_text(fact: Fact, numbers: bool = False) -> Fact:
    """A date typed as text ('2029-12-31', '30 januari 2026'), or, for a known date fact (`numbers`), as Excel's
    day number (46052), is read as that date (check warns)."""
    if isinstance(fact.value, str) or numbers and isinstance(fact.value, (int, float)) and not isinstance(fact.value, bool):
        date = read_date(fact.value)
        if date is not None:
            return Fact(fact.label, date, fact.cell, typed=fact.value, label_cell=fact.label_cell)
    return fact


def _read_municipalities(workbook: Workbook, sheet: Sheet, sources: FactSources, qualify) -> None:
    header = _header_row(sheet, MUNICIPALITY_LABELS)
    if header is None:
        sources.findings.append(Finding(
            Severity.WARNING, "facts.no_header",
            _("the sheet '{sheet}' has no header '{first}' or '{second}', so its rows are not read",
              sheet=sheet.name, first=MUNICIPALITY_LABELS[0], second=MUNICIPALITY_LABELS[1]),
            qualify(sheet.name)))
        return
    head_row, first_col = header
    titles = {col: sheet.value(head_row, col) for (r, col) in sheet.cells
              if r == head_row and col >= first_col and isinstance(sheet.value(head_row, col), str)
              and sheet.value(head_row, col).strip()}
    specs: dict[int, tuple[str, FactSpec | None]] = {}
    short_col = None
    for col, title in sorted(titles.items()):
        if fact_label_key(title) == fact_label_key("Kommun"):
            short_col = col
            continue
        spec = spec_for("kommun", title)
        specs[col] = (spec.key if spec else slug(title), spec)
        if spec is None:
            _unknown_label(sources, "kommun", title.strip(), qualify(sheet.ref(head_row, col)))
    name_col = next((c for c, (key, _spec) in specs.items() if key == "namn"), short_col)
    sources.has_municipality_table = True
    last = head_row
    seen: dict[str, str] = {}
    for row in sheet.rows():
        if row <= head_row or not any(isinstance(sheet.value(row, c), str) and sheet.value(row, c).strip()
                                      for c in {short_col, name_col} - {None}):
            continue
        last = row
        facts: dict[str, Fact] = {}
        for col, (key, spec) in specs.items():
            value = sheet.value(row, col)
            if is_blank(value):
                continue
            fact = Fact(str(titles[col]).strip(), value, qualify(sheet.ref(row, col)),
                        label_cell=qualify(sheet.ref(head_row, col)))
            facts[key] = _date_from_text(fact, numbers=spec is not None) if spec is None or spec.kind == "date" else fact
        name = sheet.value(row, name_col) if name_col else None
        name = " ".join(str(name).split()) if not is_blank(name) else None
        short = sheet.value(row, short_col) if short_col else None
        short = " ".join(str(short).split()) if not is_blank(short) else None
        name_cell = qualify(sheet.ref(row, name_col or short_col))
        if name is None:
            raise ContractError(_("the municipality '{name}' has no official name", name=short), file=workbook.path,
                                location=name_cell,
                                hint=_("Type the name as in the financing plan, for example '{example}'",
                                       example="Ånge kommun"))
        key = norm(name)
        if key in seen:
            raise ContractError(_("the municipality '{name}' is listed twice (also at {cell})", name=name,
                                  cell=seen[key]),
                                file=workbook.path, location=name_cell, hint=_("Remove the duplicate row"))
        seen[key] = name_cell
        sources.municipalities.append(MunicipalityRow(short, name, name_cell, facts,
                                                      qualify(sheet.ref(row, short_col or name_col))))
    sources.places.append(_place(workbook, sheet, "municipality facts", head_row, last, qualify))


def _read_aliases(sheet: Sheet, sources: FactSources, qualify) -> None:
    for row in sheet.rows():
        alias, name = sheet.value(row, 1), sheet.value(row, 2)
        if not (isinstance(alias, str) and isinstance(name, str) and alias.strip() and name.strip()):
            continue
        if fact_label_key(alias) in ("alias", "kortform") and fact_label_key(name) in ("namn", "officiellt namn"):
            continue  # the header
        sources.aliases.append((alias.strip(), name.strip(), qualify(sheet.ref(row, 1))))
