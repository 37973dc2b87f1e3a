"""The regional report's data workbook: every sheet a table of records, one row per record.

The data workbook (`Rapportdata*.xlsx`, kept by another office than the financing workbook) is
read with the same safety, recompute and error rules as the master workbook. Each sheet is a
table: a header row, then one record per row. A column headed `Kommun` (or a title starting with
it, `Kommun (officiellt namn)`) names the municipality a record belongs to; its header row is the
first row holding such a title, so a title line above the table is allowed. A sheet without a
municipality column is a table shared by every report (its header row is its first filled row).

A new sheet is a new table for the templates: nothing here names a sheet or a column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ContractError
from ..findings import Finding, Severity
from ..i18n import _
from ..workbook.book import ExcelError, Sheet, Workbook, quote_sheet
from ..workbook.recalc import recompute_file
from .budget import Municipality
from .sheets import is_blank, norm

MUNICIPALITY_COLUMN = "kommun"
TOO_LARGE = 1e15  # 15 significant digits: what Excel keeps of a number
# Text that is plainly a number typed as text ("454 407 kr", "10,7"), in a column of numbers.
_NUMBER_AS_TEXT = re.compile(r"[−-]?\d[\d \u00a0]*(,\d+)?\s*(kr|kronor|tkr|mkr|mnkr|st|%)?", re.I)


@dataclass(frozen=True)
class Record:
    row: int
    values: dict[str, object]  # column title as written -> recomputed value
    cells: dict[str, str]  # column title -> "Sheet!C5"
    municipality: str | None  # as written in the municipality column; None in a shared table


@dataclass(frozen=True)
class Table:
    name: str  # the sheet's name
    columns: tuple[str, ...]  # titles as written, left to right
    municipality_column: str | None
    records: tuple[Record, ...]
    column_numbers: dict[str, int] = field(default_factory=dict)  # title -> column (1 = A)

    @property
    def shared(self) -> bool:
        """True for a table without a municipality column: every report sees all of it."""
        return self.municipality_column is None


@dataclass
class ReportData:
    path: Path
    workbook: Workbook
    tables: list[Table]
    findings: list[Finding] = field(default_factory=list)

    def qualified(self, reference: str) -> str:
        """Return a cell reference of this workbook as the manifest and change report name it.

        `[Rapportdata_2025.xlsx]Nyckeltal!D5`, as Excel writes a reference into another workbook,
        so it is never taken for a cell of the master workbook.
        """
        return f"[{self.path.name}]{reference}"

    def records_for(self, municipality: Municipality) -> dict[str, list[Record]]:
        """Return each table's records of `municipality` (a shared table whole), by table name."""
        return {t.name: [r for r in t.records if t.shared or names_municipality(r.municipality, municipality)]
                for t in self.tables}

    def has_records(self, municipality: Municipality) -> bool:
        return any(names_municipality(r.municipality, municipality)
                   for t in self.tables if not t.shared for r in t.records)

    def values(self) -> dict[str, object]:
        """Return every filled cell's value by qualified reference (for the change report's snapshot)."""
        return {self.qualified(sheet.ref(c.row, c.col)): c.value
                for sheet in self.workbook.sheets for c in sheet.cells.values()}

    def inputs(self) -> dict[str, tuple[object, str]]:
        """Return (value, label) of every typed-in record cell by qualified reference."""
        out = {}
        for table in self.tables:
            sheet = self.workbook.sheet(table.name)
            for record in table.records:
                who = record.municipality or table.name
                for title, where in record.cells.items():
                    cell = sheet.get(record.row, table.column_numbers[title])
                    if cell is not None and cell.formula is None:
                        out[self.qualified(where)] = (cell.value, f"{who} · {table.name} · {title}")
        return out


def names_municipality(written: str | None, municipality: Municipality) -> bool:
    """Return True when a record's municipality cell names `municipality`.

    The one place where names are matched: as the master workbook matches them (`norm`: case,
    spaces and Unicode composition do not matter), by official name (`Ånge kommun`) or short
    name (`Ånge`).
    """
    if written is None:
        return False
    key = norm(written)
    return key in (norm(municipality.official_name), norm(municipality.short_name))


def read_report_data(path: Path, municipalities: list[Municipality]) -> ReportData:
    """Return the tables of the data workbook at `path`; raise an HsoError naming file, sheet and cell.

    `municipalities` (the master workbook's) are only used to warn about records that name none
    of them: such records would be in no report.
    """
    recomputed = recompute_file(path)
    workbook = recomputed.workbook
    recomputed.verification.raise_if_unusable(workbook)
    data = ReportData(Path(path), workbook, [])
    for sheet in workbook.sheets:
        table = _read_table(workbook, sheet, data.findings)
        if table is not None:
            data.tables.append(table)
    data.findings += _unknown_municipalities(data, municipalities)
    return data


def _read_table(workbook: Workbook, sheet: Sheet, findings: list[Finding]) -> Table | None:
    rows = sheet.rows()
    if not rows:
        findings.append(Finding(Severity.INFO, "report_data.empty_sheet",
                                _("the sheet '{sheet}' is empty; it gives templates an empty table", sheet=sheet.name),
                                _where(workbook, sheet.name)))
        return Table(sheet.name, (), None, ())
    if sheet.state != "visible":
        findings.append(Finding(Severity.WARNING, "report_data.hidden_sheet",
                                _("the sheet '{sheet}' is hidden; it is read like any other", sheet=sheet.name),
                                _where(workbook, sheet.name)))
    for merged in sheet.merged:
        findings.append(Finding(Severity.WARNING, "report_data.merged",
                                _("merged cells {cells}: only the top-left cell holds a value; the others read as "
                                  "empty", cells=merged),
                                _where(workbook, f"{quote_sheet(sheet.name)}!{merged}")))
    header_row = _header_row(sheet, rows)
    titles = _titles(workbook, sheet, header_row)
    municipality_col = next((c for c, t in titles.items() if norm(t).startswith(MUNICIPALITY_COLUMN)), None)
    records = []
    columns = range(1, sheet.max_col + 1)  # max_col looks at every cell: asked once, not once a row
    for row in rows:
        if row <= header_row:
            continue
        filled = {c: sheet.value(row, c) for c in columns if not is_blank(sheet.value(row, c))}
        if not filled:
            continue
        for col in filled:
            if col not in titles:
                raise ContractError(
                    _("the cell holds a value, but its column has no title in the header row"),
                    file=workbook.path, location=sheet.ref(row, col),
                    hint=_("Give the column a title in {cell}, or move the value into a titled column",
                           cell=sheet.ref(header_row, col)))
            value = filled[col]
            if isinstance(value, ExcelError):
                raise ContractError(_("the cell holds the error {value}", value=str(value)), file=workbook.path,
                                    location=sheet.ref(row, col),
                                    hint=_("Correct the formula in Excel and save the workbook again"))
        municipality = None
        if municipality_col is not None:
            municipality = sheet.value(row, municipality_col)
            if is_blank(municipality):
                raise ContractError(
                    _("the record in row {row} names no municipality", row=row),
                    file=workbook.path, location=sheet.ref(row, municipality_col),
                    hint=_("Type the municipality's name (for example '{example}'), or delete the row",
                           example="Ånge kommun"))
            municipality = " ".join(str(municipality).split())
        records.append(Record(row, {t: sheet.value(row, c) for c, t in titles.items()},
                              {t: sheet.ref(row, c) for c, t in titles.items()}, municipality))
    _check_numbers(workbook, sheet, titles, records)
    municipality_title = titles[municipality_col] if municipality_col is not None else None
    return Table(sheet.name, tuple(titles.values()), municipality_title, tuple(records),
                 {t: c for c, t in titles.items()})


def _header_row(sheet: Sheet, rows: list[int]) -> int:
    """The first row with a municipality title, else the first filled row."""
    columns = range(1, sheet.max_col + 1)
    for row in rows:
        for col in columns:
            value = sheet.value(row, col)
            if isinstance(value, str) and norm(value).startswith(MUNICIPALITY_COLUMN):
                return row
    return rows[0]


def _titles(workbook: Workbook, sheet: Sheet, row: int) -> dict[int, str]:
    titles: dict[int, str] = {}
    seen: dict[str, str] = {}
    for col in range(1, sheet.max_col + 1):
        value = sheet.value(row, col)
        if is_blank(value):
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a year as a column title
        if isinstance(value, (dt.date, dt.datetime, bool, ExcelError)):
            raise ContractError(_("the column title {title} is not text", title=repr(value)), file=workbook.path,
                                location=sheet.ref(row, col), hint=_("Type the column's title as text"))
        title = " ".join(str(value).split())
        key = norm(title)
        if key in seen:
            raise ContractError(_("the column title '{title}' is used twice (also in {cell})", title=title,
                                  cell=seen[key]),
                                file=workbook.path, location=sheet.ref(row, col),
                                hint=_("Give every column of the table its own title"))
        seen[key] = sheet.ref(row, col)
        titles[col] = title
    return titles


def _check_numbers(workbook: Workbook, sheet: Sheet, titles: dict[int, str], records: list[Record]) -> None:
    """Refuse what a template would print, add or chart wrongly in a column of numbers.

    A column whose filled cells are mostly numbers is a column of numbers: each of its records must
    hold a number there. An empty cell would print as nothing (or stop a sum or a sort with a
    Python error), a number typed as text would be left out of sums, a date or TRUE is no amount,
    and a number beyond Excel's 15 significant digits cannot be an exact figure. Number-like text
    is refused in any column holding numbers.
    """
    for title in titles.values():
        values = [r.values[title] for r in records]
        numbers = sum(1 for v in values if _is_number(v))
        if not numbers:
            continue
        filled = sum(1 for v in values if not is_blank(v))
        mostly_numbers = 2 * numbers >= filled
        for record in records:
            value = record.values[title]
            where = record.cells[title]
            if _is_number(value):
                if abs(value) >= TOO_LARGE:
                    raise ContractError(
                        _("'{title}' holds the number {value}, too large to be an exact figure (Excel keeps 15 "
                          "digits)", title=title, value=f"{value:.6g}"),
                        file=workbook.path, location=where,
                        hint=_("Check the cell: type the figure itself (in kronor, or as a count)"))
            elif isinstance(value, str) and not is_blank(value) and (
                    mostly_numbers or _NUMBER_AS_TEXT.fullmatch(value.strip())):
                raise ContractError(
                    _("'{title}' should be a number like the rest of its column, but the cell holds the text "
                      "\"{value}\"", title=title, value=value),
                    file=workbook.path, location=where,
                    hint=_("Type the number again with digits only (no spaces, 'kr' or letters); Excel shows it as 1 363 221 when the cell is formatted as Number")
                    if _NUMBER_AS_TEXT.fullmatch(value.strip()) else
                    _("Type the number, or move the text to a column of its own"))
            elif mostly_numbers and is_blank(value):
                raise ContractError(
                    _("'{title}' is empty in this record, but the rest of its column holds numbers", title=title),
                    file=workbook.path, location=where,
                    hint=_("Type the number (0 if there is none), or delete the record's row"))
            elif mostly_numbers and not isinstance(value, str) and not is_blank(value):
                raise ContractError(
                    _("'{title}' should be a number like the rest of its column, but the cell holds {value}",
                      title=title, value=_shown_value(value)),
                    file=workbook.path, location=where,
                    hint=_("Type the number alone, and format the cell as Number in Excel"))


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shown_value(value):
    if isinstance(value, bool):
        return _("the truth value {value}", value="SANT" if value else "FALSKT")
    if isinstance(value, (dt.date, dt.datetime)):
        return _("the date {value}", value=value.strftime("%Y-%m-%d"))
    return repr(value)


def _unknown_municipalities(data: ReportData, municipalities: list[Municipality]) -> list[Finding]:
    out = []
    known = ", ".join(m.official_name for m in municipalities)
    for table in data.tables:
        if table.shared:
            continue
        reported: set[str] = set()
        for record in table.records:
            name = record.municipality
            if norm(name) in reported or any(names_municipality(name, m) for m in municipalities):
                continue
            reported.add(norm(name))
            out.append(Finding(
                Severity.WARNING, "report_data.unknown_municipality",
                _("'{name}' is not a municipality of the master workbook ({known}); its records are in no report",
                  name=name, known=known),
                _where(data.workbook, record.cells[table.municipality_column])))
    return out


def _where(workbook: Workbook, location: str) -> str:
    return f"{workbook.path.name}: {location}"

