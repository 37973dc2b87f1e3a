"""Move the parts of a sheet that refer to cells, after loops repeated rows and columns.

Merged cells, row heights and column widths, freeze panes, print areas and titles, page breaks,
auto filters, conditional formatting and data validation ranges, and defined names all move by
the rules of render/xlsx_layout.py, as Excel moves them when rows are inserted.
"""

from __future__ import annotations

from copy import copy

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from .xlsx_layout import MAX_COL, Layout, rewrite_formula


def move_sheet_parts(ws, layout: Layout, layouts: dict[str, Layout]) -> None:
    """Move what else on the sheet refers to cells: merged cells, sizes, panes, print settings, rules."""
    from openpyxl.formatting.formatting import ConditionalFormattingList
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
    from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder, RowDimension
    from openpyxl.worksheet.merge import MergedCellRange

    rows, cols = layout.rows, layout.cols

    def ranges(cr: CellRange) -> list[str]:
        out = []
        for top, bottom in rows.spans(cr.min_row, cr.max_row):
            for left, right in cols.spans(cr.min_col, cr.max_col):
                out.append(CellRange(min_col=left, min_row=top, max_col=right, max_row=bottom).coord)
        return out

    def extended(cr: CellRange) -> str:
        top, bottom = rows.span(cr.min_row, cr.max_row)
        left, right = cols.span(cr.min_col, cr.max_col)
        return CellRange(min_col=left, min_row=top, max_col=right, max_row=bottom).coord

    merged = list(ws.merged_cells.ranges)
    ws.merged_cells = MultiCellRange()
    for mcr in merged:
        for coord in ranges(mcr):
            ws.merged_cells.add(MergedCellRange(ws, coord))

    old_rows = dict(ws.row_dimensions)
    ws.row_dimensions = DimensionHolder(worksheet=ws, default_factory=ws._add_row)
    for index, dim in old_rows.items():
        for out in rows.outputs(index):
            new = RowDimension(ws, index=out, ht=dim.ht, customHeight=dim.customHeight, hidden=dim.hidden,
                               outlineLevel=dim.outlineLevel, collapsed=dim.collapsed,
                               thickBot=dim.thickBot, thickTop=dim.thickTop)
            new._style = copy(dim._style)
            ws.row_dimensions[out] = new

    old_cols = list(ws.column_dimensions.values())
    ws.column_dimensions = DimensionHolder(worksheet=ws, default_factory=ws._add_column)
    for dim in old_cols:
        dim.reindex()
        first, last = cols.start(dim.min), min(cols.last(dim.max), MAX_COL)
        letter = get_column_letter(first)
        new = ColumnDimension(ws, index=letter, width=dim.width, bestFit=dim.bestFit, hidden=dim.hidden,
                              outlineLevel=dim.outlineLevel, collapsed=dim.collapsed, min=first, max=last)
        new._style = copy(dim._style)
        ws.column_dimensions[letter] = new

    if ws.freeze_panes:
        _move_frozen_pane(ws, rows.start, cols.start)
    if ws.print_area:
        ws.print_area = move_text(ws.print_area, ws.title, layouts)
    if ws.print_title_rows:
        lo, _, hi = ws.print_title_rows.replace("$", "").partition(":")
        top, bottom = rows.span(int(lo), int(hi or lo))
        ws.print_title_rows = f"{top}:{bottom}"
    if ws.print_title_cols:
        lo, _, hi = ws.print_title_cols.replace("$", "").partition(":")
        left, right = cols.span(column_index_from_string(lo), column_index_from_string(hi or lo))
        ws.print_title_cols = f"{get_column_letter(left)}:{get_column_letter(right)}"
    for breaks, axis in ((ws.row_breaks, rows), (ws.col_breaks, cols)):
        for brk in breaks.brk:  # a break after row (column) `id`: after its last copy
            brk.id = axis.last(brk.id)
    if ws.auto_filter.ref:
        ws.auto_filter.ref = extended(CellRange(ws.auto_filter.ref))

    old_cf = ws.conditional_formatting
    ws.conditional_formatting = ConditionalFormattingList()
    for cf in old_cf:
        sqref = " ".join(extended(cr) for cr in cf.sqref.ranges)
        for rule in cf.rules:
            ws.conditional_formatting.add(sqref, rule)
    for dv in ws.data_validations.dataValidation:
        dv.sqref = MultiCellRange(" ".join(extended(cr) for cr in dv.sqref.ranges))
    for name in list(ws.defined_names):
        defn = ws.defined_names[name]
        defn.attr_text = move_text(defn.attr_text, ws.title, layouts)


def _move_frozen_pane(ws, row_start, col_start) -> None:
    """Move the frozen pane's split to where its top-left cell went, keeping the sheet view's selections.

    (Setting openpyxl's `freeze_panes` again adds two more selections each time: five where the
    schema allows four, which Excel repairs.)
    """
    from openpyxl.worksheet.cell_range import CellRange

    pane = ws.sheet_view.pane
    cr = CellRange(ws.freeze_panes)
    row, col = row_start(cr.min_row), col_start(cr.min_col)
    if (row, col) == (cr.min_row, cr.min_col):
        return
    pane.topLeftCell = f"{get_column_letter(col)}{row}"
    pane.xSplit = col - 1 if col > 1 else None
    pane.ySplit = row - 1 if row > 1 else None


def move_names(book, layouts: dict[str, Layout]) -> None:
    """Move the workbook's defined names to where their cells went."""
    for name in list(book.defined_names):
        defn = book.defined_names[name]
        if defn.attr_text:
            defn.attr_text = move_text(defn.attr_text, None, layouts)


def move_text(text: str, sheet: str | None, layouts: dict[str, Layout]) -> str:
    """Return a reference text (print area, defined name) moved; as written when it is not a formula."""
    try:
        return rewrite_formula("=" + text, sheet, layouts)[1:]
    except Exception:  # not a formula the tokenizer reads: keep it as written
        return text
