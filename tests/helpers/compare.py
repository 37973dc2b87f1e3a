"""Compare hso_xl's recomputed values with an oracle's (LibreOffice's, or the values Excel cached)."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping

from openpyxl.utils.datetime import to_excel

from hso_xl.workbook.book import Value, Workbook
from hso_xl.workbook.verify import same_value


def agrees(oracle: Value, ours: Value) -> bool:
    """True when our value is the oracle's: numbers to a relative 1e-9, errors, text and booleans exactly.

    openpyxl reads a formula's empty-text result (`<v></v>`) as None, so None from the oracle
    means "" (or nothing) and nothing else: not 0, not False. A date read back by openpyxl (from a
    date-formatted cell) is compared as its serial number, as Excel stores it.
    """
    if isinstance(ours, (dt.datetime, dt.date)):
        ours = to_excel(ours)
    if oracle is None:
        return ours is None or (isinstance(ours, str) and ours == "")
    return same_value(oracle, ours)


def mismatches(workbook: Workbook, oracle: Mapping[tuple[str, str], Value],
               skip: Iterable[tuple[str, str]] = ()) -> list[str]:
    """Return one line per formula cell of `workbook` whose value is not the oracle's.

    `oracle` maps (sheet name, "B7") to the oracle's value; `skip` names cells left out on purpose.
    """
    skipped = set(skip)
    out = []
    for sheet, cell in workbook.formula_cells():
        key = (sheet.name, cell.coordinate)
        if key in skipped:
            continue
        expected = oracle.get(key)
        if not agrees(expected, cell.value):
            out.append(f"{sheet.name}!{cell.coordinate} {cell.formula}: oracle {expected!r}, hso_xl {cell.value!r}")
    return out
