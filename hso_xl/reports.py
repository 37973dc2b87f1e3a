"""The regional reports (templates/rapport/): one per municipality, from the data workbook's records.

The data workbook is the one hso.toml names (`report_data = "…"`), else the newest
`Rapportdata*.xlsx` beside the master workbook, else in the input folder (`input/`). Without it, or for a municipality it holds no records of, no report is
written, and the build says so in one line.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from .discover import COMPANIONS, find_companion
from .findings import Finding, Severity
from .i18n import _, n_
from .model.checked import Checked
from .model.records import ReportData, read_report_data
from .render.report_context import report_context

LISTED = 6  # municipalities named in a note before "…"
OWN_DATE = "eget_datum"  # dokument.eget_datum: a document's own date, which build.py dates it with


def report_date(tables) -> dt.date | None:
    """The date the report's data gives it: `Datum` of its record on the sheet `Rapport`, if a date.

    The shipped template prints it in the header (`(rapportdata.rapport|first).datum`), so the
    document's properties and its PDF carry the same date instead of the financing plan's.
    """
    for record in tables.get("rapport") or ():
        value = record.get("datum")
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
    return None


def read_for_build(checked: Checked, base: dict, templates: list[Path]) -> tuple[ReportData | None, list, list]:
    """Return (the data read, [(municipality, context)] of the reports to write, notes on those not written).

    Raises an HsoError naming file, sheet and cell when the data workbook cannot be used.
    """
    names = ", ".join(f"{t.parent.name}/{t.name}" for t in templates)
    settings = checked.settings
    folders = list(dict.fromkeys(Path(os.path.abspath(f)) for f in (checked.workbook.path.parent, settings.input)))
    path = find_companion(folders[0], "report_data", settings.report_data)
    for folder in folders[1:]:
        path = path or find_companion(folder, "report_data")
    if path is None:
        where = f"{_shown(folders[0])}/"
        for folder in folders[1:]:
            where = _("{first} or {second}", first=where, second=f"{_shown(folder)}/")
        return None, [], [Finding(
            Severity.INFO, "report.no_data",
            _("no regional report data workbook ({pattern} in {folders}, or report_data in hso.toml): the regional "
              "reports ({templates}) were not written", pattern=f"{COMPANIONS['report_data'].capitalize()}*.xlsx",
              folders=where, templates=names))]
    data = read_report_data(path, list(checked.budget.municipalities))
    models = {m.official_name: m for m in checked.budget.municipalities}
    subjects, missing, examples = [], [], []
    for kommun in base["kommuner"]:  # in Swedish order
        municipality = models[kommun["namn"]]
        if not data.has_records(municipality):
            missing.append(municipality.official_name)
            continue
        # The report's figures come from the data workbook; from the master workbook it prints the
        # municipality's names only, so its financing cells (kommun.celler) are not the report's sources.
        names_only = {key: value for key, value in kommun.items() if key != "celler"}
        tables = report_context(data, municipality)
        context = {**base, "kommun": names_only, "rapportdata": tables}
        own = report_date(tables)
        if own is not None:  # the report's date, not the financing plan's: header, properties and PDF agree
            context["dokument"] = {**base.get("dokument", {}), OWN_DATE: own}
        subjects.append((municipality.official_name, context))
        marked = example_cell(data, municipality)
        if marked:
            examples.append((municipality.official_name, marked))
    notes = list(data.findings) + unmatched_lookups(templates, subjects, path.name)
    if examples:
        notes.append(example_data_finding(examples, names))
    if missing:
        shown = ", ".join(missing[:LISTED])
        if len(missing) > LISTED:
            shown = _("{names} and {n} more", names=shown, n=len(missing) - LISTED)
        notes.append(Finding(
            Severity.INFO, "report.no_records",
            n_("{file} holds no records of {names}: no regional report ({templates}) was written for it",
               "{file} holds no records of {names}: no regional report ({templates}) was written for them",
               len(missing), file=path.name, names=shown, templates=names)))
    return data, subjects, notes



# How a data workbook marks invented records (the sample's Källa column says 'EXEMPELDATA (påhittad)')
_EXAMPLE = re.compile(r"\b(exempeldata|exempeluppgift(er)?|example data)\b", re.I)


def example_cell(data: ReportData, municipality) -> str | None:
    """Return the first cell of `municipality`'s own records marked as example data, or None (a shared
    table, such as a sheet describing the workbook, speaks of every municipality)."""
    own = {t.name for t in data.tables if not t.shared}
    for table, records in data.records_for(municipality).items():
        for record in records if table in own else ():
            for title, value in record.values.items():
                if isinstance(value, str) and _EXAMPLE.search(value):
                    return data.qualified(record.cells[title])
    return None


def example_data_finding(examples: list[tuple[str, str]], templates: str) -> Finding:
    """A warning naming the reports built from records marked as example data: the documents say so,
    and the console must too, so nobody sends one by mistake."""
    shown = ", ".join(name for name, _cell in examples[:LISTED])
    if len(examples) > LISTED:
        shown = _("{names} and {n} more", names=shown, n=len(examples) - LISTED)
    return Finding(
        Severity.WARNING, "report.example_data",
        n_("the regional report ({templates}) of {names} is built from data marked as example data (e.g. {cell}): "
           "replace it with real data before sending it",
           "the regional reports ({templates}) of {names} are built from data marked as example data (e.g. {cell}): "
           "replace it with real data before sending them",
           len(examples), templates=templates, names=shown, cell=examples[0][1]),
        examples[0][1])


_LOOKUP = re.compile(r"rapportdata\.(\w+)\s*\|\s*hitta\(([^)]*)\)")
_MATCH = re.compile(r"(\w+)\s*=\s*(?:'([^']*)'|\"([^\"]*)\")")


def unmatched_lookups(templates: list[Path], subjects: list, file: str) -> list[Finding]:
    """Warn about each `rapportdata.<table>|hitta(key='…')` of a template that finds no record for some
    municipalities: the report leaves out (`{% if %}`) or cannot print what needs that record."""
    from .model.sheets import norm
    from .render.inspect import template_source

    findings = []
    for template in templates:
        try:
            source = template_source(template)
        except Exception:  # an unreadable template is reported when it is rendered
            continue
        for table, arguments in dict.fromkeys(_LOOKUP.findall(source)):
            match = {key: a if a else b for key, a, b in _MATCH.findall(arguments)}
            if not match:
                continue
            lacking = [name for name, context in subjects
                       if not any(all(norm(record.get(k)) == norm(v) for k, v in match.items())
                                  for record in (context["rapportdata"].get(table) or ()))]
            if not lacking:
                continue
            shown = ", ".join(lacking[:LISTED])
            if len(lacking) > LISTED:
                shown = _("{names} and {n} more", names=shown, n=len(lacking) - LISTED)
            findings.append(Finding(
                Severity.WARNING, "report.no_record",
                _("{file} has no record {match} in the table '{table}' for {names}, so {template} leaves out "
                  "(or cannot print) what needs it. Add the record, or check its spelling",
                  file=file, match=", ".join(f"{k}='{v}'" for k, v in match.items()), table=table, names=shown,
                  template=template.name),
                f"{template.parent.name}/{template.name}"))
    return findings


def _shown(folder: Path) -> str:
    """A folder as the user typed it: relative to the working folder when it is inside it."""
    try:
        return str(folder.relative_to(Path.cwd()))
    except ValueError:
        return str(folder)
