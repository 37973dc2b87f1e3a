"""Processes: whether one still runs, and workers that end with the process that started them.

Portable without third-party libraries: /proc and prctl where Linux has them, OpenProcess on
Windows, os.kill(pid, 0) elsewhere; a worker that cannot ask the system to end it with its parent
checks its parent itself.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

PARENT_POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1
_SIGKILL = 9


def pid_running(pid: int) -> bool:
    """Whether a process with this id runs on this computer."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_pid_running(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    except OSError:
        return False
    return True


def _windows_pid_running(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5  # access denied: it runs, as someone else
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def process_started(pid: int) -> float | None:
    """When process `pid` started (seconds since the epoch), where the system says so cheaply (Linux), else None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        ticks = int(stat.rpartition(")")[2].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return round(time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK"), 1)
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def die_with_parent(parent: int) -> None:
    """Make this (worker) process end when process `parent` ends: killed, out of memory, its window closed.

    Run first thing in a worker. Linux kills it with its parent (prctl PR_SET_PDEATHSIG); elsewhere a
    thread checks twice a second that the parent is still its parent.
    """
    if os.getppid() != parent:  # the parent is already gone
        os._exit(1)
    if sys.platform.startswith("linux") and _linux_death_signal():
        if os.getppid() != parent:  # it died between the fork and the prctl
            os._exit(1)
        return
    threading.Thread(target=_watch_parent, args=(parent,), name="hso-parent-watch", daemon=True).start()


def _linux_death_signal() -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, _SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


@contextmanager
def memory_bound(extra: int):
    """Let the block use at most `extra` more bytes of memory, where the system can hold it to that.

    On Linux (RLIMIT_AS) an allocation past the bound raises MemoryError in the block, instead of the
    machine swapping or the system killing the process. Set only while no other thread runs, since
    the bound holds for the whole process; elsewhere the block runs unbounded.
    """
    used = _address_space()
    try:
        import resource
    except ImportError:
        resource = None
    if resource is None or used is None or threading.active_count() > 1:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + extra if hard == resource.RLIM_INFINITY else min(used + extra, hard)
    if soft != resource.RLIM_INFINITY and soft <= limit:  # already bound tighter
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int | None:
    """The bytes of address space this process holds now (Linux), or None."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
