"""The data workbook's records as templates see them: `rapportdata.<table>` for one municipality.

Each table (sheet) is a list of records, keyed by the sheet's name as a template key
(`Lokala exempel` -> `lokala_exempel`); each record a dict of its columns keyed the same way
(`Mått` -> `matt`), plus `celler`: the data-workbook cells it came from, qualified with the
workbook's name (`[Rapportdata_2025.xlsx]Nyckeltal!D5`), so the manifest and the change report
can tell which report to send again when a record changes.
"""

from __future__ import annotations

import re

from jinja2 import StrictUndefined, UndefinedError

from ..errors import ContractError
from ..i18n import _
from ..model.budget import Municipality
from ..model.records import ReportData, Table
from ..model.sheets import is_blank
from ..workbook.values import template_value
from ..model.factsheets import slug

RESERVED = {"celler"}


def report_context(data: ReportData, municipality: Municipality) -> DataTables:
    """Return {table key: [record dict, …]} of `municipality`'s records (shared tables whole)."""
    chosen = data.records_for(municipality)
    out = DataTables()
    for table in data.tables:
        keys = column_keys(data, table)
        out[table_key(data, table)] = [record_dict(data, r, keys, table) for r in chosen[table.name]]
    out._file, out._sheets = data.path.name, tuple((t.name, table_key(data, t)) for t in data.tables)
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


class MissingColumn(UndefinedError):
    """A template asked the data workbook for a sheet, or a record for a column, that is not there."""


class MissingRecord(MissingColumn):
    """`hitta` found no record, and the template printed or read it anyway."""


class NoRecord(StrictUndefined):
    """What `hitta` gives when no record matches: false in `{% if %}` (the template may leave the
    passage out, and the build warns about it, reports.py); printed or read, an error naming the match."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def _fail_with_undefined_error(self, *args, **kwargs):
        raise MissingRecord(self._undefined_hint)

    __iter__ = __str__ = __len__ = __eq__ = __ne__ = __hash__ = __contains__ = _fail_with_undefined_error
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail_with_undefined_error
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _fail_with_undefined_error
    __pos__ = __neg__ = __call__ = __getitem__ = __lt__ = __le__ = __gt__ = __ge__ = _fail_with_undefined_error
    __int__ = __float__ = __complex__ = __pow__ = __rpow__ = _fail_with_undefined_error

    def __getattr__(self, name: str):
        if name[:2] == "__":
            raise AttributeError(name)
        self._fail_with_undefined_error()


def no_record(records, match: dict) -> NoRecord:
    """The NoRecord of `hitta(records, **match)`, naming the sheet when a record tells it."""
    shown = ", ".join(f"{key}='{value}'" for key, value in match.items())
    first = next(iter(records), None) if records is not None else None
    sheet = getattr(getattr(first, "_origin", first), "_sheet", None)
    hint = (_("no record on the sheet '{sheet}' has {match}", sheet=sheet, match=shown) if sheet else
            _("no record has {match}", match=shown))
    return NoRecord(hint=hint, name=shown)


class DataTables(dict):
    """`rapportdata`: the tables by key, knowing the workbook, so a template asking for a sheet that
    is not there (renamed, deleted) is told which sheets there are."""

    # Underscored, so no sheet's key (a slug never starts with _) is hidden behind an attribute
    __slots__ = ("_file", "_sheets")  # _sheets: (sheet name, template key)

    def _missing_key(self, key: str) -> MissingColumn:
        return MissingColumn(_("{file} has no sheet '{key}' (its sheets: {sheets})", file=self._file, key=key,
                               sheets=", ".join(f"{sheet} ({key})" for sheet, key in self._sheets)))


class DataRecord(dict):
    """A record as a template sees it: its columns by key, knowing the sheet and workbook it came from,
    so a template asking for a column the sheet does not have is told which sheet has which columns."""

    __slots__ = ("_sheet", "_file", "_titles")  # _titles: (column title, template key), left to right

    def _missing_key(self, key: str) -> MissingColumn:
        """The error for a template asking this record for `key`, a column its sheet does not have."""
        return MissingColumn(_("the sheet '{sheet}' of {file} has no column '{key}' (its columns: {columns})",
                               sheet=self._sheet, file=self._file, key=key,
                               columns=", ".join(f"{title} ({key})" for title, key in self._titles)))


class Blank(str):
    """An empty cell of a record: prints as nothing (not "None") and is false in `{% if %}`; printed
    by a `{{ }}`, the build says so (environment.py collects it, build.py warns), so a report never
    shows an empty 'Dnr' without a word."""

    __slots__ = ("cell", "column")

    def __new__(cls, cell: str, column: str) -> "Blank":
        blank = super().__new__(cls, "")
        blank.cell, blank.column = cell, column
        return blank

    def __reduce__(self):
        return Blank, (self.cell, self.column)


def record_dict(data: ReportData, record, keys: dict[str, str], table: Table | None = None) -> DataRecord:
    out = DataRecord({keys[title]: (Blank(data.qualified(record.cells[title]), title) if is_blank(value) else
                                    template_value(value))
                      for title, value in record.values.items()})
    out["celler"] = [data.qualified(ref) for ref in record.cells.values()]
    out._sheet = table.name if table is not None else ""
    out._file, out._titles = data.path.name, tuple(keys.items())
    return out
