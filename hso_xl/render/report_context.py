"""The data workbook's records as templates see them: `rapportdata.<table>` for one municipality.

Each table (sheet) is a list of records, keyed by the sheet's name as a template key
(`Lokala exempel` -> `lokala_exempel`); each record a dict of its columns keyed the same way
(`Mått` -> `matt`), plus `celler`: the data-workbook cells it came from, qualified with the
workbook's name (`[Rapportdata_2025.xlsx]Nyckeltal!D5`), so the manifest and the change report
can tell which report to send again when a record changes.
"""

from __future__ import annotations

import re

from ..errors import ContractError
from ..i18n import _
from ..model.budget import Municipality
from ..model.records import ReportData, Table
from ..workbook.values import template_value
from ..model.factsheets import slug

RESERVED = {"celler"}


def report_context(data: ReportData, municipality: Municipality) -> dict[str, list[dict]]:
    """Return {table key: [record dict, …]} of `municipality`'s records (shared tables whole)."""
    chosen = data.records_for(municipality)
    out = {}
    for table in data.tables:
        keys = column_keys(data, table)
        out[table_key(data, table)] = [record_dict(data, r, keys) for r in chosen[table.name]]
    return out


def table_key(data: ReportData, table: Table) -> str:
    key = slug(table.name)
    if not key or key[0].isdigit():
        raise ContractError(_("the sheet name '{sheet}' gives no name a template can use", sheet=table.name),
                            file=data.path, location=table.name,
                            hint=_("Start the sheet's name with a letter, e.g. 'Nyckeltal'"))
    others = [t.name for t in data.tables if t is not table and slug(t.name) == key]
    if others:
        raise ContractError(_("the sheets '{sheet}' and '{other}' give templates the same name '{key}'",
                              sheet=table.name, other=others[0], key=key),
                            file=data.path, location=table.name, hint=_("Rename one of the sheets"))
    return key


def column_key(title: str) -> str:
    """A column's template key: its title's slug, without a unit or note in brackets at its end.

    `Belopp (kr)`, `Belopp, kr` and `Belopp` are the same column to a template, so an office that
    writes the unit in its headers needs no other template; `(kr)` alone keeps its slug.
    """
    title = str(title)
    bare = re.sub(r"\s*(\([^()]*\)|\[[^\[\]]*\]|,\s*(kr|kronor|tkr|mkr|st|antal|%))\s*$", "", title, flags=re.I)
    return slug(bare) or slug(title)


def column_keys(data: ReportData, table: Table) -> dict[str, str]:
    """Return {column title: template key} of a table, refusing titles that would collide."""
    keys: dict[str, str] = {}
    for title in table.columns:
        key = column_key(title)
        clash = next((t for t, k in keys.items() if k == key), None)
        if key and key not in RESERVED and clash is None:
            keys[title] = key
            continue
        why = (_("the columns '{first}' and '{second}' give templates the same name '{key}'", first=clash,
                 second=title, key=key) if clash else
               _("the column title '{title}' cannot be used as a name in templates", title=title))
        raise ContractError(why, file=data.path, location=table.name, hint=_("Give the column another title"))
    return keys


def record_dict(data: ReportData, record, keys: dict[str, str]) -> dict:
    # An empty cell prints as nothing (not "None") and is false in {% if %}.
    out = {keys[title]: "" if value is None else template_value(value) for title, value in record.values.items()}
    out["celler"] = [data.qualified(ref) for ref in record.cells.values()]
    return out
