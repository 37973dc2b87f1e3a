"""Replace the whole output folder at once, so a failed or interrupted build leaves the previous set.

Documents are written into a staging folder beside the output folder; only when every document
is written does the staging folder take the output folder's place (two renames on one file
system). A build interrupted between the two renames is repaired by the next one.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputProblem
from ..i18n import _
from ..scratch import remove_leftovers
from .lock import build_lock  # noqa: F401  (the lock's home is lock.py; kept importable from here)

def _old(out: Path) -> Path:
    return out.with_name(f".{out.name}.previous")


def recover(out: Path) -> bool:
    """Put back the previous output if a build was interrupted between its two renames; True if anything was left.

    Called under the build lock, so staging folders still lying around belong to killed builds.
    """
    found = False
    for stale in out.parent.glob(f".{out.name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)
        found = True
    old = _old(out)
    if old.exists() and not out.exists():
        old.rename(out)
        found = True
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)
        found = True
    return found


@contextmanager
def staged_output(out: Path):
    """Yield a staging folder; on success it replaces `out`, on any failure it is removed."""
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        recover(out)
        staging = out.with_name(f".{out.name}.new-{secrets.token_hex(4)}")
        staging.mkdir()  # with the user's umask, not mkdtemp's 0700
        if out.is_dir():
            os.chmod(staging, stat.S_IMODE(out.stat().st_mode))  # the folder keeps its mode
    except OSError as exc:
        raise OutputProblem(_("the output folder cannot be prepared ({reason})", reason=exc.strerror), file=out,
                            hint=_("Check that the folder is writable and not open in another program")) from None
    try:
        yield staging
        if out.exists():
            out.rename(_old(out))
        staging.rename(out)
        shutil.rmtree(_old(out), ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        recover(out)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def carry_over(out: Path, staging: Path, files: list[str]) -> None:
    """Copy `files` (relative to `out`) into `staging` as they are, so they stay in place when it replaces `out`."""
    for rel in files:
        source, target = out / rel, staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        elif source.is_dir():
            target.mkdir(exist_ok=True)
        else:
            shutil.copy2(source, target)


def cleaned_up(out: Path, lock) -> object:
    """Remove what an interrupted (killed) build left and return the line that says so, or None.

    Under the lock: its staging folder, the previous set it had moved aside (put back), and the
    temporary folders of hso-xl processes that no longer run.
    """
    left = recover(out)
    temporary = remove_leftovers()
    if lock.previous is None and not left and not temporary:
        return None
    if lock.previous is not None:
        return _("An interrupted build ({owner}) was cleaned up: its unfinished files were removed and the previous "
                 "documents are in place", owner=lock.previous.describe())
    return _("An interrupted build was cleaned up: its unfinished files were removed and the previous documents are "
             "in place")
