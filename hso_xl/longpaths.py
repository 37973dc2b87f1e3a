"""Paths too long for Windows, refused before a build writes anything, with what to do.

Windows programs open a path of at most 259 characters (MAX_PATH, 260 with the final NUL) unless
long paths are turned on for the whole system, and Word and Excel cannot open a document past it
even then. A project folder deep in a shared drive, plus output/arkiv/<time>/finansiarer/ and a
financier's name, gets there; a build that fails half-way (or documents nobody can open) is worse
than a clear refusal naming the longest path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import OutputProblem
from .i18n import _

MAX_PATH = 259
# The deepest a document goes beyond the output folder: the staging folder beside it (atomic.py,
# '.output.new-' and a random part) and the archive of the previous set (archive.py, 'arkiv/<date_time>/').
STAGING_EXTRA = len(".") + len(".new-") + 12
ARCHIVE_EXTRA = len("arkiv/2026-01-30_120000-99/")


def check_lengths(out: Path, documents: list[Path], platform: str = sys.platform) -> None:
    """Raise OutputProblem on Windows when a document in `out` (or its archived copy) would pass MAX_PATH."""
    if platform != "win32" or not documents:
        return
    folder = os.path.abspath(out)  # not resolve(): a mapped drive (H:) would become its longer \\server\share
    document = max(documents, key=lambda p: len(str(p)))
    deepest = len(folder) + STAGING_EXTRA + 1 + ARCHIVE_EXTRA + len(str(document))
    if deepest > MAX_PATH:
        raise OutputProblem(
            _("the documents' paths would be up to {length} characters long, and Windows programs (Word and Excel "
              "too) open at most {limit}: the output folder's path alone is {folder_length} characters",
              length=deepest, limit=MAX_PATH, folder_length=len(folder)),
            file=Path(folder) / document,
            hint=_("Move the project folder nearer the top of the drive (for example C:\\HSO), or set a shorter "
                   "output folder in hso.toml (output = 'C:\\HSO\\dokument')"))
