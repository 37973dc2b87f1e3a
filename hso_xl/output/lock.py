"""The build lock: one build at a time writes an output folder, and a lock left by a dead build is taken over at once.

The lock is a file beside the output folder, `.output.lock`, holding its owner (process id, computer, when
the process started) while a build runs. Where the system offers file locks (fcntl on Linux and macOS,
msvcrt on Windows) the lock is such a lock: the system releases it the moment its process dies, however
it died. POSIX record locks (lockf) are used rather than flock because a forked worker does not inherit
them, so a worker left running by a killed build never holds the folder. Where neither exists the file
itself is the lock, created exclusively; its owner is then checked: a process on this computer that no
longer runs (or a new process that got its id) leaves a stale lock, taken over at once.

Either way, a lock file that still names an owner when the lock is taken was left by a build that was
interrupted; `Taken.previous` says which, so that the build can say it cleaned up after it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import OutputProblem
from ..processes import pid_running, process_started
from ..i18n import _

LOCK_WAIT_SECONDS = 120
WINDOWS_LOCK_OFFSET = 1 << 30  # msvcrt locks a byte range: one far past the owner record, which others read
CREATING_SECONDS = 5  # an exclusive lock file without an owner yet is being written, unless older than this


@dataclass(frozen=True)
class Owner:
    """Who holds (or held) a lock: enough to tell, on the same computer, whether it still runs."""

    pid: int
    host: str
    started: float | None  # when the process started (seconds since the epoch), to tell a reused id

    @classmethod
    def me(cls) -> "Owner":
        return cls(os.getpid(), socket.gethostname(), process_started(os.getpid()))

    @classmethod
    def parse(cls, text: str) -> "Owner | None":
        try:
            data = json.loads(text)
            return cls(int(data["pid"]), str(data["host"]), data.get("started"))
        except (ValueError, KeyError, TypeError):
            return None

    def dumps(self) -> str:
        return json.dumps(asdict(self))

    def running(self) -> bool | None:
        """Whether the owner still runs: True, False, or None when it is on another computer."""
        if self.host != socket.gethostname():
            return None
        if not pid_running(self.pid):
            return False
        started = process_started(self.pid)
        return self.started is None or started is None or abs(started - self.started) < 2

    def describe(self) -> str:
        when = dt.datetime.fromtimestamp(self.started).strftime("%Y-%m-%d %H:%M") if self.started else "?"
        return _("process {pid} on {host}, started {when}", pid=self.pid, host=self.host, when=when)


@dataclass
class Taken:
    """A lock this process holds; `previous` is the owner of an interrupted build whose lock it took over."""

    path: Path
    previous: Owner | None = None
    handle: object = None  # the open lock file, for the system locks


# Locks this process holds, by lock file: a second build in the same process (a thread of `serve` or
# `watch`) must wait too, and POSIX record locks do not exclude their own process.
_HELD: set[str] = set()
_HELD_GUARD = threading.Lock()


@contextmanager
def build_lock(out: Path, wait: float = LOCK_WAIT_SECONDS, on_wait=None):
    """Hold the output folder's lock while the block runs; wait up to `wait` seconds for another build.

    Yields a `Taken`; `on_wait()` is called once if the lock is busy. Raises OutputProblem when the
    lock stays busy, naming who holds it.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    path = out.with_name(f".{out.name}.lock")
    key = os.path.normcase(os.path.abspath(path))
    backend = _backend()
    deadline = time.monotonic() + wait
    told = False
    while True:
        with _HELD_GUARD:
            taken = None if key in _HELD else backend.acquire(path)
            if taken is not None:
                _HELD.add(key)
        if taken is not None:
            break
        if time.monotonic() > deadline:
            raise _busy(out, path)
        if not told and on_wait:
            on_wait()
            told = True
        time.sleep(0.2)
    try:
        yield taken
    finally:
        with _HELD_GUARD:
            backend.release(taken)
            _HELD.discard(key)


def _busy(out: Path, path: Path) -> OutputProblem:
    owner = _read_owner(path)
    if owner is not None and owner.running() is None:
        return OutputProblem(
            _("another build is writing to this output folder ({owner}) and did not finish in time",
              owner=owner.describe()), file=out,
            hint=_("Wait for it to finish; if that computer is not building, delete {lock} and build again",
                   lock=path))
    return OutputProblem(_("another build is writing to this output folder and did not finish in time"),
                         file=out, hint=_("Wait for it to finish, then run the build again"))


def _read_owner(path: Path) -> Owner | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return Owner.parse(fh.read(4096))
    except OSError:
        return None


def _backend():
    try:
        import fcntl  # noqa: F401
        return _PosixLock
    except ImportError:
        pass
    try:
        import msvcrt  # noqa: F401
        return _WindowsLock
    except ImportError:
        return _ExclusiveFile


class _SystemLock:
    """A lock the system holds for the process: released when it dies, so it is never stale."""

    @classmethod
    def acquire(cls, path: Path) -> Taken | None:
        fh = open(os.open(path, os.O_RDWR | os.O_CREAT, 0o644), "r+", encoding="utf-8")
        try:
            if not cls._lock(fh):
                fh.close()
                return None
            fh.seek(0)
            previous = Owner.parse(fh.read(4096))  # a clean release empties the file: this build was interrupted
            fh.seek(0)
            fh.truncate()
            fh.write(Owner.me().dumps())
            fh.flush()
        except BaseException:
            fh.close()
            raise
        return Taken(path, previous, fh)

    @classmethod
    def release(cls, taken: Taken) -> None:
        fh = taken.handle
        try:
            fh.seek(0)
            fh.truncate()
            fh.flush()
            cls._unlock(fh)
        finally:
            fh.close()


class _PosixLock(_SystemLock):
    @staticmethod
    def _lock(fh) -> bool:
        import fcntl

        try:
            fcntl.lockf(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:  # EACCES or EAGAIN: another process holds it
            return False

    @staticmethod
    def _unlock(fh) -> None:
        import fcntl

        fcntl.lockf(fh.fileno(), fcntl.LOCK_UN)


class _WindowsLock(_SystemLock):
    @staticmethod
    def _lock(fh) -> bool:
        import msvcrt

        try:
            fh.seek(WINDOWS_LOCK_OFFSET)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    @staticmethod
    def _unlock(fh) -> None:
        import msvcrt

        fh.seek(WINDOWS_LOCK_OFFSET)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)


class _ExclusiveFile:
    """Without system locks: the lock file exists only while a build runs; a dead owner's is taken over."""

    @staticmethod
    def acquire(path: Path) -> Taken | None:
        previous = None
        for _attempt in range(2):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                previous = _ExclusiveFile._stale(path)
                if previous is None:
                    return None
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(Owner.me().dumps())
            return Taken(path, previous if isinstance(previous, Owner) else None)
        return None

    @staticmethod
    def _stale(path: Path):
        """Remove the lock file at `path` if its owner is gone; return that owner (True if unknown), else None."""
        try:
            text = path.read_text(encoding="utf-8")
            age = time.time() - path.stat().st_mtime
        except OSError:
            return True  # removed meanwhile: try again
        owner = Owner.parse(text)
        if owner is None and age < CREATING_SECONDS:
            return None  # its owner is writing it right now
        if owner is not None and owner.running() is not False:
            return None
        try:
            if path.read_text(encoding="utf-8") == text:  # not taken over by another build meanwhile
                path.unlink()
        except OSError:
            pass
        return owner or True

    @staticmethod
    def release(taken: Taken) -> None:
        try:
            taken.path.unlink()
        except FileNotFoundError:
            pass
