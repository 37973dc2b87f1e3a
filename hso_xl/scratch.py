"""Temporary folders named after the process that made them, so that a killed process's are found and removed.

Every temporary folder hso-xl makes is called hso-<kind>-<process id>-<random> in the system's
temporary folder. A build removes the ones whose process no longer runs (see build.py).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from .processes import pid_running

_NAME = re.compile(r"hso-[a-z]+-(\d+)-")


def prefix(kind: str) -> str:
    """The prefix for tempfile's mkdtemp/TemporaryDirectory: hso-<kind>-<pid>-."""
    return f"hso-{kind}-{os.getpid()}-"


def remove_leftovers(folder: Path | None = None) -> int:
    """Remove the temporary folders of hso-xl processes that no longer run; return how many."""
    folder = Path(folder or tempfile.gettempdir())
    removed = 0
    try:
        entries = list(folder.iterdir())
    except OSError:
        return 0
    for entry in entries:
        match = _NAME.match(entry.name)
        if not match or int(match.group(1)) == os.getpid():
            continue
        try:
            if not entry.is_dir() or entry.is_symlink():
                continue
        except OSError:
            continue
        if not pid_running(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed
