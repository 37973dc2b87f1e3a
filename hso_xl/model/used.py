"""The cells of the figures the documents use: what a formula problem must not touch (docs/workbook.md).

`check` and `build` stop for the same set, so they never disagree: every cell the budget was read
from, in whichever layout (each figure of the template context is made from these; the cells
`build` records per document are among them), and every cell a defined name covers (templates are
offered each name, and `check` cannot tell which a template prints).
"""

from __future__ import annotations

from typing import Callable

from ..workbook.book import Workbook
from ..workbook.figures import named_cells
from ..workbook.refs import CellRef, Scanner
from .budget import Budget
from .labels import header_row_of, label


def figure_cells(workbook: Workbook, budget: Budget) -> list[str]:
    """Return the cells of the figures the documents use, each once (a companion workbook's cells,
    named `[Fakta.xlsx]Projekt!B4`, are checked in that workbook instead)."""
    return list(dict.fromkeys(budget.cells() + named_cells(workbook)))


def sheet_cells(workbook: Workbook, ref: str) -> list[str]:
    """Return every cell of the sheet `ref` lies on, in order (used before the budget could be read,
    to name the chain from the cell of that sheet nearest to a cause)."""
    areas = Scanner(workbook).areas("=" + ref, workbook.sheets[0].name if workbook.sheets else "")
    if len(areas) != 1:
        return [ref]
    sheet = workbook.sheet(areas[0].sheet)
    return [sheet.ref(r, c) for (r, c) in sorted(sheet.cells)]


def labeller(workbook: Workbook, budget: Budget | None = None, sheets: set[str] | None = None) -> Callable[[tuple], str]:
    """Return node -> 'Ånge kommun · 2027' for cells of the sheets that hold a table the budget is
    read from ('' elsewhere, where a label read from nearby text would mislead: a notes sheet's
    "Resor"). Those sheets are the budget's, or `sheets`; without either, a sheet with a table header."""
    tables: dict[str, bool] = {}
    if budget is not None:
        sheets = {place.sheet for place in budget.places if place.workbook is None}
    if sheets is not None:
        tables = {sheet.name: sheet.name in sheets for sheet in workbook.sheets}

    def of(node: tuple) -> str:
        if node[0] not in tables:
            tables[node[0]] = header_row_of(workbook, node[0]) is not None
        return label(workbook, CellRef(*node)) if tables[node[0]] else ""

    return of
