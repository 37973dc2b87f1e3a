"""Find things in a workbook the way a person does: by sheet name, header label and row label.

Matching ignores case, surrounding and repeated spaces, and Unicode composition (an Å typed as
one or two code points is the same letter), so an administrator can retype a label freely.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ..errors import ContractError
from ..i18n import _
from ..workbook.book import ExcelError, Sheet, Workbook
from .invisible import visible

YEAR_RANGE = range(1990, 2200)


def norm(text) -> str:
    """Return `text` as a key for matching labels: as it looks (model/invisible.py), case-folded, no trailing colon."""
    if type(text) is str:  # a plain text is immutable: its key is kept (a report data workbook asks thousands)
        return _norm_text(text)
    return visible(text).casefold().rstrip(":").strip()


@lru_cache(maxsize=1 << 16)
def _norm_text(text: str) -> str:
    return visible(text).casefold().rstrip(":").strip()


def find_sheet(workbook: Workbook, name: str, *, required: bool = True) -> Sheet | None:
    """Return the sheet whose name matches `name`, or raise ContractError naming the sheets found."""
    key = norm(name)
    for sheet in workbook.sheets:
        if norm(sheet.name) == key:
            return sheet
    if not required:
        return None
    found = ", ".join(f"'{s.name}'" for s in workbook.sheets)
    raise ContractError(
        _("the workbook has no sheet named '{name}' (it has {found})", name=name, found=found),
        file=workbook.path,
        hint=_("Add or rename a sheet to '{name}'; docs/workbook.md lists what each sheet must hold", name=name),
    )


@dataclass(frozen=True)
class Header:
    sheet: Sheet
    row: int
    label_col: int
    columns: dict[str, int]  # normalised header text -> column
    years: tuple[int | str, ...]  # calendar years, or 'År 1', 'År 2' … when the start is not known
    year_cols: tuple[int, ...]
    total_col: int | None
    relative: bool = False  # the header says År 1 … År N
    top: int | None = None  # the first row of a header of two rows (its label's row); `row` is the second

    def col(self, *prefixes: str) -> int | None:
        """Return the first column whose header starts with one of `prefixes` (normalised)."""
        for prefix in prefixes:
            for text, col in self.columns.items():
                if text.startswith(norm(prefix)):
                    return col
        return None

    @property
    def range(self) -> str:
        """The header row's extent, 'A3:G3'."""
        last = max([self.label_col, *self.year_cols, self.total_col or 0])
        return f"{self.sheet.ref(self.row, self.label_col).split('!')[-1]}:{self.sheet.ref(self.row, last).split('!')[-1]}"


TOTAL_HEADERS = ("totalt", "total", "summa")
# A unit written into a header or a line above the table: "KOSTNADER (kr)", "Totalt, kr", "Belopp i kronor".
_UNIT = r"(?:kr|kronor|sek|tkr|tsek|tkronor|mkr|mnkr|msek|tusen kronor|tusental kronor|miljoner kronor)"
_UNIT_SUFFIX = re.compile(r"\s*(?:\(\s*(?:i\s+|belopp i\s+)?" + _UNIT + r"\s*\)|,?\s+(?:i\s+)?" + _UNIT + r")\s*$")
_THOUSANDS = re.compile(r"\b(tkr|tsek|tkronor|tusen kronor|tusental kronor|mkr|mnkr|msek|miljoner kronor)\b")


def header_word(text) -> str:
    """Return a header cell as a key without a unit in kronor: 'KOSTNADER (kr)' -> 'kostnader', 'Totalt, kr' -> 'totalt'."""
    return _UNIT_SUFFIX.sub("", norm(text)).strip()


def thousands_unit(text) -> str | None:
    """Return the unit when `text` says amounts are in thousands or millions ('Belopp i tkr' -> 'tkr'), else None."""
    match = _THOUSANDS.search(norm(text)) if isinstance(text, str) else None
    return match.group(1) if match else None
_YEAR = r"((?:19|2[01])\d{2})"
# '2027', 'År 2027', 'År 1 (2027)', 'År 1 – 2027', '2027 (år 1)': a calendar year, with or without the form's number.
_YEAR_TEXT = (re.compile(r"(?:år\s*)?" + _YEAR), re.compile(r"år\s*\d{1,2}\s*[(–—:,-]?\s*" + _YEAR + r"\s*\)?"),
              re.compile(_YEAR + r"\s*[(–—:,-]?\s*år\s*\d{1,2}\s*\)?"))
_RELATIVE_YEAR = re.compile(r"år\s*(\d{1,2})")


def calendar_year(value) -> int | None:
    """Return the year a header cell holds: 2027 as a number, a formula's value, a date shown as its year, or
    text such as '2027', 'År 2027', 'År 1 (2027)' (a unit in kronor after it is allowed)."""
    if isinstance(value, str):
        text = header_word(value)
        match = next((m for m in (p.fullmatch(text) for p in _YEAR_TEXT) if m), None)
        return int(match.group(1)) if match else None
    if isinstance(value, (dt.date, dt.datetime)):  # a date formatted to show its year ('ÅÅÅÅ')
        return value.year if value.year in YEAR_RANGE else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() \
            and int(value) in YEAR_RANGE:
        return int(value)
    return None


def relative_year(value) -> int | None:
    """Return N for a header cell 'År N' (Tillväxtverket's budget form), else None."""
    match = _RELATIVE_YEAR.fullmatch(header_word(value)) if isinstance(value, str) else None
    return int(match.group(1)) if match else None


def find_header(workbook: Workbook, sheet: Sheet, first_label: str, *, also: tuple[str, ...] = (),
                with_years: bool = False, start_year: int | None = None) -> Header:
    """Return the header row of the table whose label column is headed `first_label` (or one of `also`).

    The header cell may carry a unit in kronor ('Kostnadsslag (kr)'). With `with_years`, a cell
    without year columns right of it (a title 'Kostnader' above the table) is passed over for the
    next one that has them.
    """
    keys = {header_word(label) for label in (first_label, *also)}
    found = [(row, col) for (row, col), cell in sorted(sheet.cells.items())
             if isinstance(cell.value, str) and header_word(cell.value) in keys]
    first_error = None
    for row, col in found:
        try:
            return header_at(workbook, sheet, row, col, with_years, start_year)
        except ContractError as exc:
            first_error = first_error or exc
    if first_error is not None:
        raise first_error
    raise ContractError(
        _("no header cell '{label}' was found on the sheet", label=first_label),
        file=workbook.path,
        location=sheet.name,
        hint=_("The table must have a header row whose first column reads '{label}' (see docs/workbook.md)",
               label=first_label),
    )


def header_at(workbook: Workbook, sheet: Sheet, row: int, label_col: int, with_years: bool,
              start_year: int | None = None) -> Header:
    """Return the header in `row` whose label column is `label_col`.

    Year columns hold a year (a number, a formula giving one, or the text "2027", as an Excel
    table stores its headers) or "År 1" … "År N"; those become calendar years from `start_year`,
    or stay "År 1" … when it is not known. A header of two rows (`KOSTNAD | Belopp i kronor …`
    above `| År 1 | År 2 …`, the label cell of the second empty) is read as one; the table's
    rows start below the second.
    """
    columns, years, relative, year_cols, total_col = _scan(sheet, row, label_col)
    top = None
    if with_years and not year_cols and is_blank(sheet.value(row + 1, label_col)):
        below = _scan(sheet, row + 1, label_col)
        if below[3]:
            columns = {**below[0], **columns}
            years, relative, year_cols = below[1], below[2], below[3]
            total_col = total_col or below[4]
            top, row = row, row + 1
    where = sheet.ref(row, label_col)
    if years and relative:
        raise ContractError(_("the header row mixes years (2027) and År 1, År 2 …"), file=workbook.path,
                            location=where, hint=_("Write every year column the same way"))
    if with_years and not year_cols:
        raise ContractError(
            _("the header row has no year columns"),
            file=workbook.path,
            location=where,
            hint=_("Write the years (2027, 2028, ...) or År 1, År 2, … in the header row, right of the label column"),
        )
    numbers = years or relative
    if with_years and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise ContractError(
            _("the years in the header row are not consecutive: {years}", years=", ".join(map(str, numbers))),
            file=workbook.path,
            location=sheet.ref(row, year_cols[0]),
            hint=_("Give each year its own column, in order, with no gaps"),
        )
    if relative and relative[0] != 1:
        raise ContractError(_("the year columns start at År {n}", n=relative[0]), file=workbook.path,
                            location=sheet.ref(row, year_cols[0]), hint=_("Number the year columns År 1, År 2, …"))
    labels: tuple[int | str, ...]
    if relative:
        labels = tuple(start_year + n - 1 for n in relative) if start_year else tuple(f"År {n}" for n in relative)
    else:
        labels = tuple(years)
    return Header(sheet, row, label_col, columns, labels, tuple(year_cols), total_col, relative=bool(relative), top=top)


def _scan(sheet: Sheet, row: int, label_col: int):
    """Return (columns, years, relative years, year columns, total column) of one header row.

    The row ends where another table's header begins beside this one (costs and financing side by
    side on one sheet): at the first blank or other text after this table's years when more years
    follow it.
    """
    columns: dict[str, int] = {}
    years: list[int] = []
    relative: list[int] = []
    year_cols: list[int] = []
    total_col = None
    values = {col: sheet.value(row, col) for col in range(label_col, sheet.max_col + 1)}

    def year_of(col: int) -> int | None:
        if col <= label_col:
            return None
        year = calendar_year(values[col])
        return year if year is not None else relative_year(values[col])

    def starts_again(col: int) -> bool:
        """True when the next year right of `col` is not later than this table's last: another table's years."""
        following = next((year_of(c) for c in range(col + 1, sheet.max_col + 1) if year_of(c) is not None), None)
        return following is not None and following <= year_of(year_cols[-1])

    for col in range(label_col, sheet.max_col + 1):
        value = values[col]
        if year_cols and year_of(col) is None and header_word(value) not in TOTAL_HEADERS and starts_again(col):
            break  # a second table's header beside this one: its own label, then its own years
        year = calendar_year(value) if col > label_col else None
        nth = relative_year(value) if col > label_col else None
        if year is not None:
            years.append(year)
            year_cols.append(col)
        elif nth is not None:
            relative.append(nth)
            year_cols.append(col)
        elif isinstance(value, str) and value.strip():
            text = norm(value)
            columns.setdefault(text, col)
            if header_word(value) in TOTAL_HEADERS and total_col is None:
                total_col = col
    return columns, years, relative, year_cols, total_col


def label_values(workbook: Workbook, sheet: Sheet, header_label: str) -> dict[str, tuple[str, object, str]]:
    """Return {normalised label: (label, value, cell ref)} of a two-column label/value table."""
    header = find_header(workbook, sheet, header_label)
    out: dict[str, tuple[str, object, str]] = {}
    for row in sheet.rows():
        if row <= header.row:
            continue
        label = sheet.value(row, header.label_col)
        if not isinstance(label, str) or not label.strip():
            continue
        value_col = header.label_col + 1
        out.setdefault(norm(label), (label.strip(), sheet.value(row, value_col), sheet.ref(row, value_col)))
    return out


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def amount(workbook: Workbook, sheet: Sheet, row: int, col: int, what) -> Decimal:
    """Return the amount in a cell as an exact Decimal (empty is 0), or raise ContractError.

    `what` names the amount in messages ("'Personal' 2027"), a message or plain text.
    """
    value = sheet.value(row, col)
    where = sheet.ref(row, col)
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal(0)
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime, dt.time)):
        raise ContractError(
            _("{what} should be an amount, but the cell holds {value}", what=what, value=repr(value)),
            file=workbook.path,
            location=where,
            hint=_("Type the amount as a number"),
        )
    if isinstance(value, ExcelError):
        raise ContractError(_("{what} is the error {value}", what=what, value=str(value)), file=workbook.path,
                            location=where, hint=_("Correct the formula in Excel and save the workbook again"))
    if isinstance(value, str):
        raise ContractError(
            _("{what} should be an amount, but the cell holds the text \"{value}\"", what=what, value=value),
            file=workbook.path,
            location=where,
            hint=_("Type the number again with digits only (no spaces, 'kr' or letters); Excel shows it as 1 363 221 when the cell is formatted as Number"),
        )
    return to_decimal(value)


def to_decimal(value: float | int) -> Decimal:
    """Return a number as Excel holds it: 15 significant digits, exact from there on."""
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(f"{value:.15g}")
