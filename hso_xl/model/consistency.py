"""A number typed among formulas: Excel's 'inconsistent formula' check, on the cells the budget reads.

A year's amount that the cells on both sides of it (in its row, or above and below it in its
column) compute with the same formula, relative to where each stands (=D8 in E8 and =D10 in E10 are
both "the cell to the left"), was most likely typed over that formula: the next change of the cell
it came from no longer reaches it. Excel marks such a cell with a green triangle; the check warns.
"""

from __future__ import annotations

import re

from ..findings import Finding, Severity
from ..i18n import _
from ..swedish import group
from ..workbook.book import Workbook
from ..workbook.cellnames import column_index_from_string, coordinate_to_tuple, get_column_letter
from .budget import Budget

# A cell reference in a formula, not part of a name or a sheet-qualified function (A1, $B$2, AB10)
_REF = re.compile(r"(?<![A-Za-z0-9_.!'\"])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![A-Za-z0-9_(])")
_TEXT = re.compile(r'"[^"]*"')


def relative_form(formula: str, row: int, col: int) -> str:
    """A formula as R1C1 writes it: each reference relative to the cell (=D9 in E9 is =RC[-1])."""
    def relative(match: re.Match) -> str:
        col_abs, letters, row_abs, number = match.groups()
        r = f"R{number}" if row_abs else f"R[{int(number) - row}]"
        c = f"C{column_index_from_string(letters)}" if col_abs else f"C[{column_index_from_string(letters) - col}]"
        return r + c

    parts = re.split(f"({_TEXT.pattern})", formula)  # leave quoted text as it is
    return "".join(p if p.startswith('"') else _REF.sub(relative, p) for p in parts)


def formula_at(form: str, row: int, col: int) -> str:
    """The formula of a relative form (relative_form) placed in the cell at (row, col)."""
    def absolute(match: re.Match) -> str:
        r_text, c_text = match.group(1), match.group(2)
        r = int(r_text[1:-1]) + row if r_text.startswith("[") else int(r_text)
        c = int(c_text[1:-1]) + col if c_text.startswith("[") else int(c_text)
        return (f"{'' if c_text.startswith('[') else '$'}{get_column_letter(c)}"
                f"{'' if r_text.startswith('[') else '$'}{r}")

    return re.sub(r"R(\[-?\d+\]|\d+)C(\[-?\d+\]|\d+)", absolute, form)


def inconsistent_formulas(budget: Budget, workbook: Workbook | None) -> list[Finding]:
    """Warn about each amount of the budget's tables typed among cells that compute it with one formula."""
    if workbook is None:
        return []
    lines = [*budget.costs, *budget.direct_costs, *budget.financing]
    findings = []
    for line in lines:
        for reference in line.cells:
            sheet_name, _bang, coordinate = reference.rpartition("!")
            try:
                sheet = workbook.sheet(sheet_name.strip("'").replace("''", "'"))
                row, col = coordinate_to_tuple(coordinate)
            except (KeyError, ValueError):
                continue
            cell = sheet.get(row, col)
            if cell is None or cell.formula is not None or not isinstance(cell.value, (int, float)):
                continue
            for (r1, c1), (r2, c2) in (((row, col - 1), (row, col + 1)), ((row - 1, col), (row + 1, col))):
                a, b = sheet.get(r1, c1), sheet.get(r2, c2)
                if a is None or b is None or a.formula is None or b.formula is None:
                    continue
                form = relative_form(a.formula, r1, c1)
                if form != relative_form(b.formula, r2, c2):
                    continue
                findings.append(Finding(
                    Severity.WARNING, "workbook.inconsistent_formula",
                    _("'{label}' {year}: the number {value} is typed where the cells beside it ({first}, {second}) "
                      "compute the same formula ({formula} here), so Excel marks it as an inconsistent formula and a "
                      "change of the cells that formula reads no longer reaches it. If it was typed over the formula "
                      "by mistake, put the formula back",
                      label=line.label, year=budget.years[line.cells.index(reference)],
                      value=group(cell.value) if float(cell.value).is_integer() else cell.value,
                      first=f"{get_column_letter(c1)}{r1}", second=f"{get_column_letter(c2)}{r2}",
                      formula="=" + formula_at(form, row, col).lstrip("=")),
                    reference, {"formula": "=" + formula_at(form, row, col).lstrip("=")}))
                break
    return findings
