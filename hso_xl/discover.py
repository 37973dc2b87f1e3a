"""Find the workbooks in the input folder: the master workbook (the newest) and its companions.

Companion workbooks are kept by other offices and lie beside the master workbook in `input/`:
- a facts workbook (`Fakta*.xlsx`): municipality and project facts, when the financing workbook
  holds none;
- the regional report's data workbook (`Rapportdata*.xlsx`).
They are recognised by the start of their file name (case does not matter), or named in hso.toml
(`facts = "…"`, `report_data = "…"`), and are never taken for the master workbook.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from .errors import NoWorkbookFound
from .i18n import _

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
COMPANIONS = {"facts": "fakta", "report_data": "rapportdata"}  # kind -> file names start so
COMPANION_ABSENT = {"facts": _("the facts workbook named in hso.toml does not exist"),
                    "report_data": _("the regional report data workbook named in hso.toml does not exist")}


def is_workbook_name(name: str) -> bool:
    """Return True for a workbook's file name; False for Excel's `~$` lock files and hidden or temporary files."""
    return name.lower().endswith(WORKBOOK_SUFFIXES) and not name.startswith(("~$", ".", "~"))


def is_candidate(path: Path) -> bool:
    """Return True for a workbook file in the input folder (see is_workbook_name)."""
    return is_workbook_name(path.name) and path.is_file()


def companion_kind(name: str) -> str | None:
    """Return 'facts' or 'report_data' for a companion workbook's file name, else None."""
    folded = unicodedata.normalize("NFC", name).casefold()
    return next((kind for kind, start in COMPANIONS.items() if folded.startswith(start)), None)


def _workbooks(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if is_candidate(p)]


def _newest(paths: list[Path]) -> Path:
    return max(paths, key=lambda p: (p.stat().st_mtime_ns, p.name))


def newest_workbook(folder: Path) -> Path:
    """Return the most recently modified master workbook in `folder`, or raise NoWorkbookFound."""
    folder = Path(folder)
    if not folder.is_dir():
        raise NoWorkbookFound(
            _("the input folder does not exist"),
            file=folder,
            hint=_("Run hso-xl in the project folder or name it with --project; hso-xl init FOLDER makes a new one. "
                   "Or name the workbook on the command line"),
        )
    candidates = [p for p in _workbooks(folder) if companion_kind(p.name) is None]
    if not candidates:
        raise NoWorkbookFound(
            _("no workbook (.xlsx, .xlsm or .ods) was found in the input folder"),
            file=folder,
            hint=_("Put the master workbook there, or name it on the command line"),
        )
    return _newest(candidates)


def find_companion(folder: Path, kind: str, configured: Path | None = None) -> Path | None:
    """Return the companion workbook of `kind`: the one hso.toml names, else the newest in `folder`, else None."""
    if configured is not None:
        if not Path(configured).is_file():
            raise NoWorkbookFound(
                COMPANION_ABSENT[kind],
                file=configured,
                hint=_("Correct '{key}' in hso.toml, or remove the setting to use {pattern} in the input folder",
                       key=kind, pattern=f"{COMPANIONS[kind].capitalize()}*.xlsx"),
            )
        return Path(configured)
    folder = Path(folder)
    if not folder.is_dir():
        return None
    found = [p for p in _workbooks(folder) if companion_kind(p.name) == kind]
    return _newest(found) if found else None
