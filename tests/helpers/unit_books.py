"""The sample workbook changed and written again by openpyxl or xlsxwriter (never hso_xl).

`unit_variant` gives every amount cell of the Budget and Finansiering tables one number format
(`#,##0" tkr"`, `#,##0,`, LibreOffice's `[$-41D]#,##0" tkr"` …), divides the typed-in amounts when
the format says they are typed in thousands, and can reword the tables' titles ("(kr)" -> "(tkr)")
or give single cells another format, so tests can read what `check` makes of each.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl

# The amount cells of the sample's two tables (rows and columns, years and Totalt).
AMOUNTS = {"Budget": (range(4, 20), range(2, 6)), "Finansiering": (range(5, 23), range(4, 8))}
TITLES = {"Budget": "Budget – kostnader per år ({unit})", "Finansiering": "Finansieringsplan ({unit})"}


def unit_variant(sample: Path, out: Path, *, fmt: str = "#,##0", divide: int = 1, title_unit: str | None = "kr",
                 cells: dict[str, str] | None = None, writer: str = "openpyxl") -> Path:
    """Write `sample` to `out` with its amounts formatted `fmt` and typed-in amounts divided by `divide`.

    title_unit: the unit the tables' titles name ("kr", "tkr"), None for no unit. cells: 'Sheet!B4' -> format.
    """
    wb = openpyxl.load_workbook(sample)
    for name, (rows, cols) in AMOUNTS.items():
        ws = wb[name]
        ws["A1"] = TITLES[name].format(unit=title_unit) if title_unit else TITLES[name].split(" (")[0]
        for row in rows:
            for col in cols:
                cell = ws.cell(row, col)
                if cell.value is None:
                    continue
                cell.number_format = fmt
                if divide != 1 and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    cell.value = float(Decimal(cell.value) / divide)
    for ref, code in (cells or {}).items():
        sheet, coordinate = ref.split("!")
        wb[sheet][coordinate].number_format = code
    if writer == "xlsxwriter":
        return _rewrite_with_xlsxwriter(wb, out)
    wb.save(out)
    return out


def sample_variant(sample: Path, out: Path, values: dict[str, object], writer: str = "openpyxl") -> Path:
    """Write `sample` to `out` with the cells of `values` ('Finansiering!G8' -> 1000000 or '=$G8/3') changed."""
    wb = openpyxl.load_workbook(sample)
    for ref, value in values.items():
        sheet, coordinate = ref.split("!")
        wb[sheet][coordinate] = value
    if writer == "xlsxwriter":
        return _rewrite_with_xlsxwriter(wb, out)
    wb.save(out)
    return out


def _rewrite_with_xlsxwriter(wb, out: Path) -> Path:
    """Write the openpyxl workbook `wb` again cell by cell with xlsxwriter: values, formulas, formats, names."""
    import datetime as dt

    import xlsxwriter

    book = xlsxwriter.Workbook(str(out))
    formats: dict[str, object] = {}

    def style(code: str):
        if code == "General":
            return None
        if code not in formats:
            formats[code] = book.add_format({"num_format": code})
        return formats[code]

    for ws in wb.worksheets:
        sheet = book.add_worksheet(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                value, fmt = cell.value, style(cell.number_format)
                if value is None:
                    continue
                r, c = cell.row - 1, cell.column - 1
                if isinstance(value, str) and value.startswith("="):
                    sheet.write_formula(r, c, value, fmt)
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, fmt or style("yyyy-mm-dd"))
                elif isinstance(value, str):
                    sheet.write_string(r, c, value, fmt)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value, fmt)
                else:
                    sheet.write_number(r, c, value, fmt)
    for name, defined in wb.defined_names.items():
        book.define_name(name, "=" + defined.attr_text)
    book.close()
    return out
