"""On workbooks saved by Excel itself, the streaming reader gives what openpyxl gives.

Excel writes what hand-built files rarely have: shared formulas, array formulas, rich text, styles
by the hundred. The reference is tests/helpers/openpyxl_loader.py (openpyxl, loaded twice).
"""

from __future__ import annotations

import pytest

from hso_xl.workbook.load import load_workbook

from ..helpers.openpyxl_loader import load_workbook as openpyxl_load
from ..test_load import as_tuples

@pytest.mark.slow

def test_every_excel_saved_workbook_reads_as_openpyxl_reads_it(excel_files):
    paths = sorted(p for p in excel_files.rglob("*.xls[xm]") if not p.name.startswith("~$"))
    assert len(paths) >= 29
    shared = 0
    different = []
    for path in paths:
        if as_tuples(load_workbook(path)) != as_tuples(openpyxl_load(path)):
            different.append(path.name)
        shared += b't="shared"' in b"".join(_sheet_parts(path))
    assert different == []
    assert shared >= 3  # the comparison really covers Excel's shared formulas


def _sheet_parts(path):
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
