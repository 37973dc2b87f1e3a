"""Replace the whole output folder at once, so a failed or interrupted build leaves the previous set.

Documents are written into a staging folder beside the output folder; only when every document
is written does the staging folder take the output folder's place (two renames on one file
system). A build interrupted between the two renames is repaired by the next one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputProblem
from ..i18n import _

def _old(out: Path) -> Path:
    return out.with_name(f".{out.name}.previous")


def recover(out: Path) -> None:
    """Put back the previous output if a build was interrupted between its two renames.

    Called under the build lock, so staging folders still lying around belong to killed builds.
    """
    for stale in out.parent.glob(f".{out.name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)
    old = _old(out)
    if old.exists() and not out.exists():
        old.rename(out)
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)


LOCK_WAIT_SECONDS = 120


@contextmanager
def build_lock(out: Path, wait: float = LOCK_WAIT_SECONDS, on_wait=None):
    """Hold an exclusive lock on the output folder; a second build waits for the first.

    The lock is an OS file lock (released by the OS even when a build is killed), on a file
    beside the output folder.
    """
    import fcntl
    import time

    out.parent.mkdir(parents=True, exist_ok=True)
    path = out.with_name(f".{out.name}.lock")
    with open(path, "a+") as fh:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OutputProblem(
                        _("another build is writing to this output folder and did not finish in time"),
                        file=out, hint=_("Wait for it to finish, then run the build again")) from None
                if not told and on_wait:
                    on_wait()
                    told = True
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@contextmanager
def staged_output(out: Path):
    """Yield a staging folder; on success it replaces `out`, on any failure it is removed."""
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        recover(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
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
