"""Find the workbook to use when none is named: the newest one in the input folder."""

from __future__ import annotations

from pathlib import Path

from .errors import NoWorkbookFound

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def is_workbook_name(name: str) -> bool:
    """Return True for a workbook's file name; False for Excel's `~$` lock files and hidden or temporary files."""
    return name.lower().endswith(WORKBOOK_SUFFIXES) and not name.startswith(("~$", ".", "~"))


def is_candidate(path: Path) -> bool:
    """Return True for a workbook file in the input folder (see is_workbook_name)."""
    return is_workbook_name(path.name) and path.is_file()


def newest_workbook(folder: Path) -> Path:
    """Return the most recently modified workbook in `folder`, or raise NoWorkbookFound."""
    folder = Path(folder)
    if not folder.is_dir():
        raise NoWorkbookFound(
            "the input folder does not exist",
            file=folder,
            hint="Create it and put the master workbook (.xlsx) in it, or name the workbook on the command line",
        )
    candidates = [p for p in folder.iterdir() if is_candidate(p)]
    if not candidates:
        raise NoWorkbookFound(
            "no workbook (.xlsx or .xlsm) was found in the input folder",
            file=folder,
            hint="Put the master workbook there, or name it on the command line",
        )
    return max(candidates, key=lambda p: (p.stat().st_mtime_ns, p.name))
