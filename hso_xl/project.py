"""A project folder: input/, templates/, hso.toml and output/, anywhere (a shared drive), made by `hso-xl init`.

Every command works on one project folder: the working folder, or the one --project names. The
folders in it come from its hso.toml (settings.py), relative to it. `init` copies the sample
project shipped in the wheel (hso_xl/skeleton/, which setup.py fills from the repository's own
templates/ and input/ at build time); in a source checkout it copies those directly.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import ProjectProblem
from .i18n import _

PACKAGE = Path(__file__).resolve().parent
SKELETON = PACKAGE / "skeleton"  # in an installed wheel
CHECKOUT = PACKAGE.parent  # a source checkout (pip install -e): the repository's own folders
SAMPLES = ("input/HSO_finansiering_2027-2029.xlsx", "input/Rapportdata_2025.xlsx")  # as in setup.py
# The newest workbook in input/ is the one used: the samples are dated long ago, so that the project's own
# workbook is taken before them even when copying it kept its own, older, modification time.
SAMPLE_TIME = 946_728_000  # 2000-01-01 12:00 UTC
OWN_FILES = {"hso.toml": "hso.toml", "LÄSMIG.md": "lasmig.md"}  # in the folder: from hso_xl/project_files/


def quoted(path: Path) -> str:
    """`path` as one word on a command line, to be copied as it is: in double quotes when it holds a space."""
    text = str(path)
    return f'"{text}"' if any(c in text for c in " &()[]{};'$`,") else text


def skeleton() -> Path:
    """Return the folder holding templates/ and input/ with the sample workbooks."""
    for root in (SKELETON, CHECKOUT):
        if (root / "templates").is_dir() and all((root / name).is_file() for name in SAMPLES):
            return root
    raise ProjectProblem(_("the sample project folder is not part of this installation of hso-xl"),
                         file=SKELETON, hint=_("Install hso-xl again from its wheel or its repository"))


def folder(project: Path | None) -> Path:
    """Return the project folder: `project` (--project) when given, which must exist, else the working folder."""
    if project is None:
        return Path(".")
    if not Path(project).is_dir():
        raise ProjectProblem(_("the project folder does not exist") if not Path(project).exists() else
                             _("the project folder is a file, not a folder"), file=project,
                             hint=_("Name an existing project folder, or make one with hso-xl init {folder}",
                                    folder=quoted(project)))
    return Path(project)


def init(target: Path) -> list[Path]:
    """Create the project folder `target` (which must not exist, or be empty); return what it holds.

    Made beside `target` first and renamed into place, so a failure leaves no half-made folder.
    """
    target = Path(target)
    if target.exists() and not (target.is_dir() and not any(target.iterdir())):
        raise ProjectProblem(_("the folder already exists and is not empty, so nothing was written to it")
                             if target.is_dir() else _("a file with that name already exists"), file=target,
                             hint=_("Name a new folder (hso-xl init creates it), or work in the existing project "
                                    "folder with hso-xl --project {folder}", folder=quoted(target)))
    source = skeleton()
    parent = target.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.init-", dir=parent))
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    try:
        for template in sorted((source / "templates").rglob("*")):  # not copytree: its error hides the OS's words
            if template.is_file() and not template.name.startswith(("~$", ".")):
                copy = staging / template.relative_to(source)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(template, copy)
        (staging / "input").mkdir()
        for name in SAMPLES:
            shutil.copyfile(source / name, staging / name)
            os.utime(staging / name, (SAMPLE_TIME, SAMPLE_TIME))
        for name, packaged in OWN_FILES.items():
            (staging / name).write_bytes((PACKAGE / "project_files" / packaged).read_bytes())
        if target.exists():
            target.rmdir()  # empty, checked above; Windows cannot rename a folder onto another
        os.replace(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _cannot_write(target, exc) from None
    return sorted(p.relative_to(target) for p in target.rglob("*") if p.is_file())


def _cannot_write(target: Path, exc: OSError) -> ProjectProblem:
    why = _("permission denied") if isinstance(exc, PermissionError) else exc.strerror or _("the disk refused")
    return ProjectProblem(_("the project folder cannot be created ({why})", why=why), file=target,
                          hint=_("Choose a folder you can write to, for example in your Documents"))
