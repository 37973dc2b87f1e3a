"""The build lock: one build at a time, a dead owner's lock taken over at once, also without fcntl (Windows)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from hso_xl.errors import OutputProblem
from hso_xl.output import lock as lock_module
from hso_xl.output.lock import Owner, build_lock


@pytest.fixture(params=["system", "no_fcntl"])
def backend(request, monkeypatch):
    """Every test runs with the system's lock and with fcntl made unavailable, as on Windows without msvcrt."""
    if request.param == "no_fcntl":
        monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` raises ImportError
        monkeypatch.setitem(sys.modules, "msvcrt", None)
    return request.param


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_second_build_waits_and_is_told_who_is_writing(tmp_path, backend):
    out = tmp_path / "output"
    with build_lock(out) as taken:
        assert taken.previous is None
        owner = Owner.parse((tmp_path / ".output.lock").read_text(encoding="utf-8"))
        assert owner == Owner.me()
        waited = []
        with pytest.raises(OutputProblem) as busy, build_lock(out, wait=0.3, on_wait=lambda: waited.append(1)):
            pass
        assert waited == [1]
        assert "another build is writing to this output folder" in busy.value.paragraph()
    with build_lock(out, wait=0) as again:  # released: taken at once, and not taken for an interrupted build's
        assert again.previous is None


def test_a_lock_left_by_a_dead_process_is_taken_over_at_once(tmp_path, backend):
    out = tmp_path / "output"
    dead = Owner(_dead_pid(), socket.gethostname(), 1_000_000.0)
    (tmp_path / ".output.lock").write_text(dead.dumps(), encoding="utf-8")
    started = time.monotonic()
    with build_lock(out, wait=0) as taken:
        assert taken.previous == dead
    assert time.monotonic() - started < 1


def test_a_reused_process_id_does_not_keep_a_lock(tmp_path, backend):
    """The id of the dead owner now belongs to another process (this one): its start time tells them apart."""
    if lock_module.process_started(os.getpid()) is None:
        pytest.skip("the system does not say when a process started")
    reused = Owner(os.getppid(), socket.gethostname(), 1_000_000.0)
    (tmp_path / ".output.lock").write_text(reused.dumps(), encoding="utf-8")
    with build_lock(tmp_path / "output", wait=0) as taken:
        assert taken.previous == reused


def test_a_lock_of_another_computer_is_waited_for_and_named(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "fcntl", None)
    monkeypatch.setitem(sys.modules, "msvcrt", None)
    other = Owner(4711, "kontorsdatorn", 1_000_000.0)
    path = tmp_path / ".output.lock"
    path.write_text(other.dumps(), encoding="utf-8")
    with pytest.raises(OutputProblem) as busy, build_lock(tmp_path / "output", wait=0):
        pass
    text = busy.value.paragraph()
    assert "(process 4711 on kontorsdatorn, started " in text and f"delete {path} and build again" in text
    assert json.loads(path.read_text(encoding="utf-8"))["host"] == "kontorsdatorn"  # never taken from another computer


HOLD = textwrap.dedent("""
    import sys, time
    if sys.argv[2] == "no_fcntl":
        sys.modules["fcntl"] = None
    from pathlib import Path
    from hso_xl.output.lock import build_lock
    with build_lock(Path(sys.argv[1])):
        print("held", flush=True)
        time.sleep(60)
""")


def test_a_killed_holder_releases_the_lock_for_the_next_build_at_once(tmp_path, backend):
    out = tmp_path / "output"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(out), backend], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(OutputProblem), build_lock(out, wait=0):
            pass
        holder.kill()
        holder.wait()
        with build_lock(out, wait=1) as taken:
            assert taken.previous is not None and taken.previous.pid == holder.pid
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_a_forked_worker_does_not_hold_the_lock(tmp_path):
    """POSIX record locks are not inherited: a worker left running by a killed build does not lock the folder."""
    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    out = tmp_path / "output"
    script = textwrap.dedent("""
        import os, sys, time
        from pathlib import Path
        from hso_xl.output.lock import build_lock
        with build_lock(Path(sys.argv[1])):
            if os.fork() == 0:  # a worker that outlives its parent
                time.sleep(10)
                os._exit(0)
            print("held", flush=True)
            time.sleep(60)
    """)
    holder = subprocess.Popen([sys.executable, "-c", script, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        holder.kill()
        holder.wait()
        with build_lock(out, wait=1) as taken:
            assert taken.previous is not None
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
