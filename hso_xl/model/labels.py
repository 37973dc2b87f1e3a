"""What a reader calls a cell: the label of its row and the header of its column."""

from __future__ import annotations

from ..workbook.book import Workbook
from ..workbook.refs import CellRef
from .layouts import LAYOUTS
from .sheets import calendar_year, header_word, relative_year


def label(workbook: Workbook, ref: CellRef, header_rows: dict | None = None) -> str:
    """Return 'row label · column header' for a cell ('Ånge kommun · 2027')."""
    return " · ".join(p for p in row_and_column(workbook, ref, header_rows) if p)


def row_and_column(workbook: Workbook, ref: CellRef, header_rows: dict | None = None) -> tuple[str, str]:
    """Return (row label, column header) of a cell; '' for what it does not have.

    The row label is the first text left of the cell. The header is taken from the sheet's table
    header row (docs/workbook.md) when the cell lies below one, else from the nearest text above
    the cell. `header_rows` caches the header row per sheet when many cells are labelled.
    """
    sheet = workbook.sheet(ref.sheet)
    if header_rows is None:
        heads = _table_heads(sheet)
    else:  # computed once per sheet (setdefault would compute it for every cell)
        if ("heads", ref.sheet) not in header_rows:
            header_rows[("heads", ref.sheet)] = _table_heads(sheet)
        heads = header_rows[("heads", ref.sheet)]
    head = max(((c, r) for c, r in heads if r < ref.row and c < ref.col), default=None)
    start = head[0] if head else 1
    row_label = next((sheet.value(ref.row, c) for c in range(start, ref.col)
                      if isinstance(sheet.value(ref.row, c), str) and sheet.value(ref.row, c).strip()), None)
    if header_rows is None:
        header_row = header_row_of(workbook, ref.sheet)
    else:
        if ref.sheet not in header_rows:
            header_rows[ref.sheet] = header_row_of(workbook, ref.sheet)
        header_row = header_rows[ref.sheet]
    if head is not None:  # the cell's own table's header, when it heads this column with a year
        own = head[1] + 1 if _years_below(sheet, head[1], head[0]) else head[1]
        value = sheet.value(own, ref.col)
        if own < ref.row and (calendar_year(value) is not None or relative_year(value) is not None
                              or (isinstance(value, str) and value.strip())):
            header_row = own
    column = None
    rows = [header_row] if header_row and header_row < ref.row else range(ref.row - 1, 0, -1)
    for r in rows:
        value = sheet.value(r, ref.col)
        if isinstance(value, str) and value.strip():
            column = value.strip()
            break
        if isinstance(value, (int, float)) and not isinstance(value, bool) and r == header_row:
            column = str(int(value)) if float(value).is_integer() else str(value)
            break
    return (str(row_label).strip() if row_label else "", column or "")


TABLE_HEADERS = (*(word for layout in LAYOUTS for word in layout.HEADERS), "Uppgift", "Parameter", "Kommun")


def header_row_of(workbook: Workbook, sheet_name: str) -> int | None:
    """Return the row of the first table header on the sheet (a header word with columns beside it), or None."""
    keys = {header_word(h) for h in TABLE_HEADERS}
    sheet = workbook.sheet(sheet_name)
    for (row, col), cell in sorted(sheet.cells.items()):
        # A title ('Finansieringsplan (kr)') has nothing right of it; a header row has its columns.
        if isinstance(cell.value, str) and header_word(cell.value) in keys \
                and any(r == row and c > col for (r, c) in sheet.cells):
            return row + 1 if _years_below(sheet, row, col) else row
    return None


def _table_heads(sheet) -> list[tuple[int, int]]:
    """(column, row) of each table header cell on the sheet.

    A cell's row label is read from the label column of the nearest of them above it and to its
    left: with costs and financing side by side, a financing cell's row is the financier's, not the
    cost row's in column A.
    """
    keys = {header_word(h) for h in TABLE_HEADERS}
    return [(c, r) for (r, c), cell in sheet.cells.items() if isinstance(cell.value, str)
            and header_word(cell.value) in keys and any(rr == r and cc > c for (rr, cc) in sheet.cells)]


def _years_below(sheet, row: int, col: int) -> bool:
    """A header of two rows: no year beside the label, the years on the row below (sheets.header_at)."""
    def has_years(r: int) -> bool:
        return any(calendar_year(v) is not None or relative_year(v) is not None
                   for (rr, c), v in ((k, cell.value) for k, cell in sheet.cells.items()) if rr == r and c > col)
    return sheet.value(row + 1, col) is None and not has_years(row) and has_years(row + 1)
