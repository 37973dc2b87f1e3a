"""Take a workbook someone hands over (the web page's upload) into the input folder, or refuse it as `check` would.

The file is written into the input folder under a hidden name first and checked there; only a workbook that `check`
can read is moved in, atomically, under its own name made safe, never over another file ("Budget
(2).xlsx" when "Budget.xlsx" is taken). A refused file leaves nothing behind, and the paragraph
names the file as the user called it.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .discover import WORKBOOK_SUFFIXES, companion_kind, is_workbook_name
from .errors import HsoError, WorkbookUnusable
from .i18n import _
from .settings import Settings

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # far above a real financing workbook (about 100 kB), far below harm
_UNSAFE = set('\\/:*?"<>|')


@dataclass
class Taken:
    path: Path  # where it now lies in the input folder
    checked: object  # the check of it (model.checked.Checked), as `check` makes it
    plan: object  # the documents its templates make (build.Plan)


def safe_file_name(name: str) -> str:
    """The last part of `name` with characters Windows or a shell would trip on replaced: never a path."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rpartition("/")[2])
    cleaned = "".join("_" if c in _UNSAFE or ord(c) < 32 else c for c in name).strip(" .")
    return cleaned.lstrip("~$") or "arbetsbok.xlsx"


def free_name(folder: Path, name: str) -> Path:
    """`folder`/`name`, or `name (2)`, `name (3)` … when it is taken."""
    stem, suffix = os.path.splitext(name)
    candidate, n = folder / name, 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem} ({n}){suffix}"
    return candidate


def take_workbook(name: str, data: bytes, settings: Settings, templates_dir: Path | None = None) -> Taken:
    """Check `data` (a file called `name`) as `check` would and, if it can be read, add it to the input folder.

    Raise the HsoError `check` would raise, naming the file `name` in the input folder; nothing is kept then.
    """
    from .build import check_for_documents

    folder = Path(settings.input)
    name = safe_file_name(name)
    shown = _as_typed(folder / name)
    if not is_workbook_name(name):
        raise WorkbookUnusable(_("this is not a workbook (.xlsx, .xlsm or .ods)"), file=shown,
                               hint=_("Save it from Excel as 'Excel Workbook (*.xlsx)' and add it again"))
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkbookUnusable(_("the file is larger than {size} MB, far larger than a financing workbook",
                                 size=MAX_UPLOAD_BYTES // (1024 * 1024)), file=shown,
                               hint=_("Check that it is the right file"))
    folder.mkdir(parents=True, exist_ok=True)
    # Staged in the input folder itself (so that the check finds the same companion workbooks), under a
    # hidden name that discover and watch pass over.
    handle, staged_name = tempfile.mkstemp(prefix=".hso-upload-", suffix=Path(name).suffix, dir=folder)
    staged = Path(staged_name)
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        try:
            if companion_kind(name) is None:
                checked, plan = check_for_documents(staged, settings, templates_dir)
            else:  # a facts or report data workbook is read with the master workbook, not alone
                checked, plan = None, None
        except HsoError as exc:
            if exc.file is not None and Path(exc.file) == staged:
                exc.file = shown
            raise
        target = _move_in(staged, folder, name)
        if checked is not None:
            checked.workbook.path = target
        return Taken(target, checked, plan)
    finally:
        staged.unlink(missing_ok=True)


def _as_typed(path: Path) -> Path:
    """`path` relative to the current folder when it is inside it: as the user would type it to `check`."""
    try:
        return path.relative_to(Path.cwd()) if path.is_absolute() else path
    except ValueError:
        return path


def _move_in(staged: Path, folder: Path, name: str) -> Path:
    """Link `staged` into `folder` under a free name: a link never replaces a file, so two uploads cannot collide."""
    while True:
        target = free_name(folder, name)
        try:
            os.link(staged, target)
            return target
        except FileExistsError:
            continue  # taken between free_name and link: try the next number
        except OSError:  # no hard links here (some network shares): a rename that refuses to replace
            if target.exists():
                continue
            os.rename(staged, target)
            return target


__all__ = ["MAX_UPLOAD_BYTES", "WORKBOOK_SUFFIXES", "Taken", "free_name", "safe_file_name", "take_workbook"]
