"""Read an OpenDocument spreadsheet (.ods) by letting LibreOffice headless save it as .xlsx first.

The .ods is checked like any workbook before LibreOffice sees it (workbook/safety.py), converted
with macros off and links not updated (hso_xl/libreoffice.py), and the .xlsx it gives is read
and recomputed as usual; every message still names the .ods and its sheet and cell.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .. import scratch
from ..errors import WorkbookUnusable
from ..i18n import _
from ..libreoffice import convert, install_hint, program, write_profile

CONVERT_SECONDS = 120


def converted_copy(path: Path) -> tuple[Path, Path]:
    """Return an .xlsx copy of the .ods at `path` and the folder that holds it (the caller removes it)."""
    soffice = program()
    if soffice is None:
        raise WorkbookUnusable(
            _("an .ods workbook is read by converting it with LibreOffice, and LibreOffice is not installed"),
            file=path,
            hint=_("{install}; or save the workbook from Calc as 'Excel 2007-365 (.xlsx)'", install=install_hint()),
        )
    work = Path(tempfile.mkdtemp(prefix=scratch.prefix("ods")))
    source = work / "in" / "workbook.ods"
    source.parent.mkdir()
    source.write_bytes(Path(path).read_bytes())
    try:
        output = convert(soffice, [source], "xlsx:Calc MS Excel 2007 XML", work / "out",
                         write_profile(work / "profile"), timeout=CONVERT_SECONDS)
    except subprocess.TimeoutExpired:
        shutil.rmtree(work, ignore_errors=True)
        raise WorkbookUnusable(_("LibreOffice did not convert the .ods within {seconds} s", seconds=CONVERT_SECONDS),
                               file=path, hint=_("Open it in LibreOffice Calc and save it as .xlsx")) from None
    converted = work / "out" / "workbook.xlsx"
    if not converted.is_file():
        shutil.rmtree(work, ignore_errors=True)
        raise WorkbookUnusable(_("LibreOffice could not convert the .ods ({output})",
                                 output=" ".join(output.split())[:200]),
                               file=path, hint=_("Open it in LibreOffice Calc and save it as .xlsx"))
    return converted, work
