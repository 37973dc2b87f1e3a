"""Read a workbook's cells, formulas, cached values and defined names with openpyxl."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from hso_xl.errors import WorkbookUnusable
from hso_xl.workbook.book import Cell, ExcelError, Sheet, Workbook
from hso_xl.workbook.safety import ensure_safe_workbook

def load_workbook(path: Path) -> Workbook:
    """Return the workbook at `path`: typed-in values, formulas, and the values Excel cached.

    The file is checked by `ensure_safe_workbook` first and only ever opened for reading.
    """
    path = Path(path)
    ensure_safe_workbook(path)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it does not model (data validation extensions,
            # slicers); they do not affect values, so the user need not see them.
            warnings.simplefilter("ignore")
            with path.open("rb") as fh:
                formulas = openpyxl.load_workbook(fh, data_only=False, keep_links=False)
            cached = openpyxl.load_workbook(path, data_only=True, read_only=True, keep_links=False)
            try:
                return _collect(path, formulas, cached)
            finally:
                cached.close()
    except Exception as exc:  # openpyxl raises many kinds on damaged parts
        raise WorkbookUnusable(
            f"the workbook cannot be read ({type(exc).__name__}: {exc})",
            file=path,
            hint="Open it in Excel, check that it opens without a repair prompt, and save it again",
        ) from None


def _collect(path: Path, formulas, cached) -> Workbook:
    sheets: list[Sheet] = []
    for index, ws in enumerate(formulas.worksheets):
        sheet = Sheet(name=ws.title, index=index, state=ws.sheet_state)
        sheet.merged = [str(rng) for rng in ws.merged_cells.ranges]
        for row in ws.iter_rows():
            for xl in row:
                raw = xl.value
                if raw is None:
                    continue
                formula = _formula_text(raw) if xl.data_type == "f" else None
                value = None if formula is not None else _constant(raw, xl.data_type)
                sheet.cells[(xl.row, xl.column)] = Cell(
                    row=xl.row, col=xl.column, value=value, formula=formula, is_date=xl.is_date
                )
        _array_members(sheet, ws)
        sheets.append(sheet)
    for sheet, ws in zip(sheets, cached.worksheets):
        if not any(c.formula for c in sheet.cells.values()):
            continue
        for row in ws.iter_rows():
            for xl in row:
                cell = sheet.cells.get((xl.row, xl.column)) if hasattr(xl, "column") else None
                if cell is not None and cell.formula is not None:
                    cell.cached = _constant(xl.value, xl.data_type)
    names: dict[str, str] = {}
    for name, defn in formulas.defined_names.items():
        names[name] = defn.attr_text
    for ws in formulas.worksheets:
        for name, defn in ws.defined_names.items():
            names[f"{ws.title}!{name}"] = defn.attr_text
    return Workbook(path=path, sheets=sheets, defined_names=names)


def _array_members(sheet: Sheet, ws) -> None:
    """As hso_xl's reader does: the cells an array formula or data table fills beside its first cell
    carry its formula (Excel shows it there; their values are its results)."""
    from openpyxl.utils.cell import range_boundaries

    for (row, col), cell in list(sheet.cells.items()):
        raw = ws.cell(row, col).value
        ref = getattr(raw, "ref", None)
        if cell.formula is None or not isinstance(raw, (ArrayFormula, DataTableFormula)) or ":" not in (ref or ""):
            continue
        c1, r1, c2, r2 = range_boundaries(ref)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (row, col):
                    sheet.cells[(r, c)] = Cell(row=r, col=c, value=None, formula=cell.formula)


def _formula_text(raw) -> str:
    if isinstance(raw, ArrayFormula):
        return raw.text if raw.text.startswith("=") else "=" + raw.text
    if isinstance(raw, DataTableFormula):  # as Excel shows it: {=TABLE(row input, column input)}
        r1, r2 = raw.r1 or "", raw.r2 or ""
        if raw.dt2D in (True, "1", "true"):
            return f"=TABLE({r1},{r2})"
        return f"=TABLE({r1},)" if raw.dtr in (True, "1", "true") else f"=TABLE(,{r1})"
    return str(raw)


def _constant(raw, data_type: str | None):
    if data_type == "e" and isinstance(raw, str):
        return ExcelError(raw)
    return raw
