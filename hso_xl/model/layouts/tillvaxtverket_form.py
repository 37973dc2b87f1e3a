"""Tillväxtverket's budget form: every label of the layout, and where its two tables are in a workbook.

A cost table is a `KOSTNAD` header with year columns and a `SUMMA BOKFÖRD KOSTNAD` row below it; its
financing table is a `FINANSIERING` header with a section heading below it, on the same sheet or one of
its own. tillvaxtverket.py reads the tables found here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import ContractError
from ...workbook.book import Sheet, Workbook
from ..budget import (ANNAT_AN_PENGAR, BOOKED, CASH, DIRECT, FINANCING, IN_KIND, KONTANT, OFFENTLIG, PRIVAT,
                      PRIVATE_CASH, PROJECT, PUBLIC_CASH)
from ..sheets import Header, header_at, header_word, is_blank, norm

COST_HEADER, FINANCING_HEADER = "Kostnad", "Finansiering"
# The words offices head the two tables with; a unit in kronor after them is allowed ("KOSTNADER (kr)").
COST_HEADERS = ("kostnad", "kostnader", "kostnadsslag", "kostnadstyp", "kostnadsposter")
FINANCING_HEADERS = ("finansiering", "finansieringsplan", "finansiärer")
BOOKED_TOTAL, PROJECT_TOTAL = "SUMMA BOKFÖRD KOSTNAD", "SUMMA PROJEKTKOSTNAD"
FINANCING_TOTAL = "SUMMA PROJEKTFINANSIERING"
FORM_TABLE = "KOSTNAD | År 1 | År 2 … | TOTAL"  # the cost table as messages describe it
HEADERS = (*COST_HEADERS, *FINANCING_HEADERS)
FIRST_SECTION = "Offentlig finansiering- kontanta medel"
EU_FINANCIER = "Tillväxtverket"
COST_TOTALS = {
    "summa bokförd kostnad": BOOKED,
    "summa bokförda kostnader": BOOKED,
    "summa kostnad från andra offentliga aktörer": DIRECT,
    "summa kostnad från andra aktörer": DIRECT,
    "summa direktfinansiering": DIRECT,
    "summa projektkostnad": PROJECT,
    "summa projektkostnader": PROJECT,
    "total projektkostnad": PROJECT,
}
FINANCING_TOTALS = {
    "summa bokförd offentlig finansiering": PUBLIC_CASH,
    "summa offentlig finansiering": PUBLIC_CASH,
    "summa offentlig kontant finansiering": PUBLIC_CASH,
    "summa privat finansiering": PRIVATE_CASH,
    "summa privat kontant finansiering": PRIVATE_CASH,
    "total kontant finansiering": CASH,
    "summa kontant finansiering": CASH,
    "summa direktfinansiering": IN_KIND,
    "summa projektfinansiering": FINANCING,
}
TOTAL_PREFIXES = ("summa", "total")
HEADING_WORDS = ("finansiering", "medel")  # a row without amounts naming these is a section heading


def is_heading_word(key: str) -> bool:
    return any(word in key for word in HEADING_WORDS)


@dataclass
class Table:
    header: Header
    last_row: int


def _header_cells(workbook: Workbook, words: tuple[str, ...], pinned: str | None) -> list[tuple[Sheet, int, int]]:
    """Cells whose text, without a unit in kronor, is one of `words` (on the pinned sheet only, if one is)."""
    found = []
    for sheet in workbook.sheets:
        if pinned and norm(sheet.name) != norm(pinned):
            continue
        found += [(sheet, r, c) for (r, c), cell in sorted(sheet.cells.items())
                  if isinstance(cell.value, str) and header_word(cell.value) in words]
    return found


def _has_years(workbook: Workbook, sheet: Sheet, row: int, col: int) -> bool:
    try:
        header_at(workbook, sheet, row, col, with_years=True)
    except ContractError:
        return False
    return True


def cost_tables(workbook: Workbook, pinned: str | None) -> list[tuple[Sheet, int, int]]:
    """Cost headers with year columns and a SUMMA BOKFÖRD KOSTNAD row below them, in the same column.

    A header without years right of it is a title ('Kostnader' above the table), not the table.
    """
    out = []
    for sheet, row, col in _header_cells(workbook, COST_HEADERS, pinned):
        below = [r for (r, c), cell in sheet.cells.items() if c == col and r > row and isinstance(cell.value, str)
                 and COST_TOTALS.get(norm(cell.value)) == BOOKED]
        if below and _has_years(workbook, sheet, row, col):
            out.append((sheet, row, col))
    return out


def financing_tables(workbook: Workbook, costs: tuple[Sheet, int, int], cost_sheets: set[str],
                      below_row: int | None = None) -> list[tuple[Sheet, int, int]]:
    """The financing headers that belong to the cost table `costs`: below it on its sheet, else on a sheet of their own.

    A header is a table's when its row holds something right of it (years, S0's 0 0 0, TOTAL) and a
    section heading stands below it; a sheet that holds a cost table of its own keeps its financing.
    """
    sheet, row, _col = costs
    cells = [(s, r, c) for s, r, c in _header_cells(workbook, FINANCING_HEADERS, None)
             if any(not is_blank(s.value(r, k)) for k in range(c + 1, s.max_col + 1)) and _has_section(s, r, c)]
    same_sheet = [(s, r, c) for s, r, c in cells if s is sheet and r > (below_row or row)]
    return same_sheet or [(s, r, c) for s, r, c in cells if s is not sheet and s.name not in cost_sheets]


def _has_section(sheet: Sheet, row: int, col: int) -> bool:
    return any(r > row and isinstance(cell.value, str) and section_of(norm(cell.value)) is not None
               for (r, c), cell in sheet.cells.items() if c == col)


def cost_candidates(workbook: Workbook, pinned: str | None) -> list[tuple[Sheet, int, int]]:
    """The cost tables; when some have a financing table and others do not, those that have one."""
    tables = cost_tables(workbook, pinned)
    sheets = {s.name for s, _r, _c in tables}
    complete = [t for t in tables if financing_tables(workbook, t, sheets)]
    return complete or tables


def recognise(workbook: Workbook, pinned: str | None = None) -> list[str]:
    """Return where this layout's cost tables are (empty when there is none)."""
    return [sheet.ref(row, col) for sheet, row, col in cost_candidates(workbook, pinned)]


def complete(workbook: Workbook) -> bool:
    """True when a cost table and a financing table (with its section headings) are both there."""
    tables = cost_tables(workbook, None)
    sheets = {s.name for s, _r, _c in tables}
    return any(financing_tables(workbook, t, sheets) for t in tables)


def section_of(key: str) -> tuple[str | None, str] | None:
    """Return (sector or None, kind) for a section heading such as 'offentlig finansiering- kontanta medel'.

    'Offentlig finansiering' and 'Privat finansiering' without a kind are the form's cash sections:
    its in-kind section always says 'direktfinansiering' (or 'annat än pengar').
    """
    if key.startswith(TOTAL_PREFIXES):
        return None
    in_kind = "direktfinansiering" in key or "annat än pengar" in key
    cash = "kontant" in key or (not in_kind and is_heading_word(key) and ("offentlig" in key or "privat" in key))
    if not (in_kind or cash):
        return None
    public, private = "offentlig" in key, "privat" in key
    sector = OFFENTLIG if public and not private else PRIVAT if private and not public else None
    return sector, ANNAT_AN_PENGAR if in_kind else KONTANT
