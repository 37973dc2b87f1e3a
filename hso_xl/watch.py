"""`hso-xl watch`: rebuild whenever a workbook lands or changes in the input folder.

A file copied or saved into the folder is built only when it is completely written: its size and
modification time have not changed for `settle` seconds and it opens as a zip package. A file that
stays unreadable that long and `grace` seconds more is built anyway, so its error is reported.
Excel's `~$` lock files and hidden or temporary files are ignored.
"""

from __future__ import annotations

import signal
import threading
import time
import weakref
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .discover import is_candidate, is_workbook_name


WRITE_EVENTS = {"created", "modified", "moved", "closed"}


@dataclass
class _Pending:
    size: int
    mtime: int
    since: float  # when size and mtime were last seen to change
    first_seen: float


class InputWatcher:
    """Collect workbook paths that changed, from file-system events (thread-safe)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._changed: set[Path] = set()
        self._observer = None

    def start(self) -> None:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                # Reading a file (as the build does) raises 'opened' and 'closed_no_write': not changes.
                if event.is_directory or event.event_type not in WRITE_EVENTS:
                    return
                for name in (getattr(event, "src_path", None), getattr(event, "dest_path", None)):
                    if name:
                        watcher.notice(Path(name))

        self._observer = Observer()
        self._observer.schedule(Handler(), str(self.folder), recursive=False)
        self._observer.start()

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)

    def notice(self, path: Path) -> None:
        if is_workbook_name(path.name):
            with self._lock:
                self._changed.add(path)

    def take(self) -> set[Path]:
        with self._lock:
            changed, self._changed = self._changed, set()
        return changed


def opens(path: Path) -> bool:
    """Return True when the file is a complete zip package (a half-copied one is not)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.testzip() is None
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        return False


class CtrlC:
    """Whether Ctrl-C was pressed; while a build runs, Ctrl-C also stops the build midway (KeyboardInterrupt)."""

    def __init__(self) -> None:
        self._pressed = threading.Event()
        self._building = False

    def is_set(self) -> bool:
        return self._pressed.is_set()

    @contextmanager
    def building(self) -> Iterator[None]:
        self._building = True
        try:
            yield
        finally:
            self._building = False

    def _handle(self, signum, frame) -> None:
        self._pressed.set()
        if self._building and not _in_finalizer(frame):
            raise KeyboardInterrupt


def _in_finalizer(frame) -> bool:
    while frame is not None:
        if frame.f_code is weakref.finalize.__call__.__code__:
            return True
        frame = frame.f_back
    return False


@contextmanager
def stop_on_ctrl_c() -> Iterator[CtrlC]:
    """Ctrl-C (SIGINT) stops the watcher at once, wherever it lands.

    Python's own KeyboardInterrupt is lost when the signal arrives while a finalizer runs: after a build
    the read workbook's temporary copies are removed by one (weakref.finalize, then shutil.rmtree), and
    an exception raised there is only printed as "Exception ignored" (and the watcher went on). So Ctrl-C
    sets a flag the loop reads at each poll; during a build (outside a finalizer) it also raises, as before.
    A SIGINT the shell set to be ignored (a background job) stays ignored.
    """
    ctrl_c = CtrlC()
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield ctrl_c
        return
    signal.signal(signal.SIGINT, ctrl_c._handle)
    try:
        yield ctrl_c
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def watch(
    folder: Path,
    on_ready: Callable[[Path], None],
    settle: float = 1.0,
    grace: float = 10.0,
    poll: float = 0.2,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Call `on_ready(path)` for each workbook that lands or changes in `folder`, until stopped."""
    watcher = InputWatcher(folder)
    watcher.start()
    pending: dict[Path, _Pending] = {}
    built: dict[Path, tuple[int, int]] = {}  # size and mtime when last built: touched but unchanged is skipped
    try:
        while not should_stop():
            now = time.monotonic()
            for path in watcher.take():
                pending.setdefault(path, _Pending(-1, -1, now, now))
            for path, state in list(pending.items()):
                if should_stop():
                    break
                try:
                    stat = path.stat()
                except OSError:  # moved away or deleted before it settled
                    del pending[path]
                    continue
                if (stat.st_size, stat.st_mtime_ns) != (state.size, state.mtime):
                    state.size, state.mtime, state.since = stat.st_size, stat.st_mtime_ns, now
                    continue
                if now - state.since < settle or not is_candidate(path):
                    continue
                if opens(path) or now - state.since >= settle + grace:
                    del pending[path]
                    if built.get(path) != (state.size, state.mtime):
                        built[path] = (state.size, state.mtime)
                        on_ready(path)
            time.sleep(poll)
    finally:
        watcher.stop()
