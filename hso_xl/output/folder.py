"""The output folder is hso-xl's own: which folder may be written, and which files in it hso-xl did not write.

A build replaces its output folder's documents, so `-o` takes only a folder that is missing, empty,
or holds an earlier build (its manifest.json). Never the input or templates folder, nor the project
folder itself. Inside its own folder, a file hso-xl did not write (the user's notes, Word's `~$` lock
file of an open document) stays where it is: `foreign_files` lists them so that the build carries
them over.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import OutputProblem
from ..i18n import _

ARCHIVE = "arkiv"
REPORT_FILES = ("manifest.json", "rapport.txt", "ÄNDRINGAR.md")  # what a build writes beside the documents
# `hso-xl outbox`'s packages, made from one build: a new build drops them (they are archived with the previous set)
# rather than carry stale drafts over, so `hso-xl sent` never records an earlier build's bytes
OUTBOX = "utskick"
SYSTEM_FILES = {".ds_store", "thumbs.db", "desktop.ini"}  # what file browsers leave in any folder
SHOWN = 3


def check_output_folder(out: Path, *, project: Path, guarded: dict[str, Path]) -> None:
    """Raise OutputProblem unless `out` may be a build's output folder.

    `guarded` maps a word for each folder that must never be written ("the input folder") to it.
    """
    where = _real(out)
    project = _real(project)
    if where == project or where in project.parents:
        raise OutputProblem(
            _("the output folder would be the project folder ({folder}) or hold it, and a build replaces what its "
              "output folder holds", folder=project), file=out,
            hint=_("Choose a folder of its own for the documents with -o, such as output"))
    for what, folder in guarded.items():
        folder = _real(folder)
        if where == folder or folder in where.parents or where in folder.parents:
            raise OutputProblem(
                _("the output folder would be {what} ({folder}), inside it or hold it, and a build replaces what "
                  "its output folder holds", what=what, folder=folder), file=out,
                hint=_("Choose a folder of its own for the documents with -o, such as output"))
    if not out.is_dir() or is_build_folder(out):
        return
    strangers = [p.relative_to(out).as_posix() for p in sorted(out.rglob("*"))
                 if p.name.lower() not in SYSTEM_FILES and not (p.is_dir() and any(p.iterdir()))]
    if strangers:
        shown = ", ".join(strangers[:SHOWN]) + (f" …(+{len(strangers) - SHOWN})" if len(strangers) > SHOWN else "")
        raise OutputProblem(
            _("this folder holds files hso-xl did not write ({files}) and no manifest.json of an earlier build, so "
              "it is not used as the output folder: nothing in it was changed", files=shown), file=out,
            hint=_("Choose an empty or new folder with -o, or the folder of an earlier build"))


def is_build_folder(out: Path) -> bool:
    """Whether `out` holds the manifest.json of an hso-xl build."""
    try:
        data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and (data.get("tool") or {}).get("name") == "hso-xl"


def foreign_files(out: Path) -> list[str]:
    """The files in `out` an earlier build did not write (relative, with /): the user's, to be kept in place."""
    if not out.is_dir():
        return []
    written = set(REPORT_FILES)
    try:
        data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        written |= {str(Path(d["path"]).as_posix()) for d in data.get("documents", [])}
        written |= {str(Path(d["path"]).as_posix()) for d in data.get("pdfs", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    found = []
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if rel.parts[0] in (ARCHIVE, OUTBOX) or rel.as_posix() in written:
            continue
        if path.is_file() or path.is_symlink() or (path.is_dir() and not any(path.iterdir())):
            found.append(rel.as_posix())
    return found


def _real(path: Path) -> Path:
    return Path(path).expanduser().resolve()
