"""How a filled-in Excel document prints: a page break before each section that would not fit.

A template's print area, rows to repeat (print titles) and page setup are kept and moved with its
loops (render/xlsx_sheet_parts.py). How long its tables become is known only once the loops have
run, so the page breaks are set here, after filling in: a section (a row with text in its first
cell only, after an empty row, such as "2. Finansiering per finansiär och år") starts a new page
when the rest of the current page cannot hold it whole. A section taller than a page starts on a
new page and breaks where Excel breaks it. The breaks replace the template's own row breaks, which
were set for the template's length, not the document's.
"""

from __future__ import annotations

from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.pagebreak import Break, RowBreak

PAPER_POINTS = {9: (595.3, 841.9), 1: (612.0, 792.0)}  # A4, Letter (portrait width, height)
POINTS_PER_INCH = 72.0


def set_page_breaks(book) -> None:
    """Set the row breaks of every sheet that has a print area (see the module's docstring)."""
    for ws in book.worksheets:
        area = _print_area(ws)
        if area is None:
            continue
        min_col, min_row, max_col, max_row = area
        starts = section_starts(ws, min_row, max_row, min_col, max_col)
        if not starts:
            continue
        breaks = _breaks(ws, min_row, max_row, min_col, max_col, starts)
        ws.row_breaks = RowBreak()
        for row in breaks:
            ws.row_breaks.append(Break(id=row - 1))  # a break below the row before the section


def section_starts(ws, first: int, last: int, min_col: int, max_col: int) -> list[int]:
    """Rows that start a section: text in the first column and nowhere else, after an empty row."""
    def filled(row: int, col: int) -> bool:
        value = ws.cell(row, col).value
        return value is not None and str(value).strip() != ""

    starts = []
    for row in range(first + 1, last + 1):
        if (filled(row, min_col) and isinstance(ws.cell(row, min_col).value, str)
                and not any(filled(row, c) for c in range(min_col + 1, max_col + 1))
                and not any(filled(row - 1, c) for c in range(min_col, max_col + 1))
                and row + 1 <= last and filled(row + 1, min_col)):
            starts.append(row)
    return starts


def _print_area(ws) -> tuple[int, int, int, int] | None:
    area = ws.print_area
    if not area:
        return None
    first = str(area).split(",")[0]
    ref = first.split("!")[-1].replace("$", "")
    try:
        return range_boundaries(ref)
    except (TypeError, ValueError):
        return None


def _breaks(ws, first: int, last: int, min_col: int, max_col: int, starts: list[int]) -> list[int]:
    """The section starts that begin a new page, from row heights and the printable height."""
    usable, scale = _printable_height(ws, min_col, max_col)
    titles = _title_rows(ws)
    repeated = sum(_row_height(ws, r) for r in titles) * scale
    heights = {r: _row_height(ws, r) * scale for r in range(first, last + 1)}
    breaks, used = [], 0.0
    for start, end in zip([first] + starts, starts + [last + 1]):
        block = sum(heights[r] for r in range(start, end))
        if start != first and used > repeated and used + block > usable:
            breaks.append(start)
            used = repeated
        used += block
        while used > usable:  # a section taller than a page: Excel breaks inside it
            used -= usable - repeated
    return breaks


def _printable_height(ws, min_col: int, max_col: int) -> tuple[float, float]:
    """The printable height of a page in points, and the scale the sheet prints at."""
    setup = ws.page_setup
    width, height = PAPER_POINTS.get(int(setup.paperSize or 9), PAPER_POINTS[9])
    if setup.orientation == "landscape":
        width, height = height, width
    margins = ws.page_margins
    usable_height = height - (margins.top + margins.bottom) * POINTS_PER_INCH
    usable_width = width - (margins.left + margins.right) * POINTS_PER_INCH
    scale = (setup.scale or 100) / 100
    fit = ws.sheet_properties.pageSetUpPr
    if fit is not None and fit.fitToPage and (setup.fitToWidth or 0) >= 1:
        columns = sum(_column_width(ws, c) for c in range(min_col, max_col + 1))
        scale = min(1.0, usable_width / columns) if columns else 1.0
    return usable_height, scale


def _title_rows(ws) -> list[int]:
    titles = ws.print_title_rows
    if not titles:
        return []
    first, _, last = str(titles).replace("$", "").partition(":")
    try:
        return list(range(int(first), int(last or first) + 1))
    except ValueError:
        return []


def _row_height(ws, row: int) -> float:
    height = ws.row_dimensions[row].height if row in ws.row_dimensions else None
    return float(height or ws.sheet_format.defaultRowHeight or 15)


def _column_width(ws, col: int) -> float:
    """A column's width in points (Excel: characters of the default font, 7 px each plus 5 px padding)."""
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(col)
    dim = ws.column_dimensions.get(letter) if letter in ws.column_dimensions else None
    chars = dim.width if dim is not None and dim.width else (ws.sheet_format.defaultColWidth or 8.43)
    if dim is not None and dim.hidden:
        return 0.0
    return (chars * 7 + 5) * 0.75
