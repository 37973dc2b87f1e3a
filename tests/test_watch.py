"""`hso-xl watch` as a user runs it: a half-written file is not built, the finished one is, a bad
workbook prints its error and the watcher goes on, Ctrl-C ends it cleanly."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

import openpyxl

import pytest
from hso_xl.watch import stop_on_ctrl_c, watch
from .conftest import ROOT, SAMPLE


class Lines:
    def __init__(self, stream) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.queue.put(line.rstrip("\n"))

    def next(self, timeout: float) -> str | None:
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None


def _ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.05)  # the handler runs here, at the next bytecode


@pytest.mark.parametrize("building", [False, True])
def test_ctrl_c_landing_in_a_finalizer_still_stops_the_watcher(tmp_path: Path, building: bool):
    """After a build the read workbook's temporary copies are removed by a finalizer, where Python drops a
    KeyboardInterrupt ("Exception ignored"): the watcher went on. (pytest fails a test on such a message.)"""
    polls = 0

    def should_stop() -> bool:
        nonlocal polls
        polls += 1
        if polls == 2:
            copy = type("Copy", (), {})()
            weakref.finalize(copy, _ctrl_c)
            if building:
                with ctrl_c.building():
                    del copy
            else:
                del copy
        return ctrl_c.is_set() or polls > 100

    with stop_on_ctrl_c() as ctrl_c:
        watch(tmp_path, lambda path: None, poll=0.01, should_stop=should_stop)
    assert ctrl_c.is_set() and polls == 2  # stopped at the poll the signal came in
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_during_a_build_stops_it_midway(tmp_path: Path):
    built = []

    def on_ready(path: Path) -> None:
        with ctrl_c.building():
            _ctrl_c()
            built.append(path)  # not reached

    def should_stop() -> bool:
        if not (tmp_path / "ny.xlsx").exists():
            shutil.copy(SAMPLE, tmp_path / "ny.xlsx")
        return False

    with stop_on_ctrl_c() as ctrl_c, pytest.raises(KeyboardInterrupt):
        watch(tmp_path, on_ready, settle=0.05, poll=0.01, should_stop=should_stop)
    assert ctrl_c.is_set() and built == []


@pytest.mark.slow
def test_watch_builds_finished_file_survives_bad_one_and_stops_on_ctrl_c(tmp_path: Path):
    inbox, out = tmp_path / "input", tmp_path / "output"
    inbox.mkdir()
    bad = tmp_path / "bad.xlsx"
    shutil.copy(SAMPLE, bad)
    wb = openpyxl.load_workbook(bad)
    wb["Finansiering"]["D9"] = "454 407 kr"
    wb.save(bad)

    proc = subprocess.Popen(
        [sys.executable, "-m", "hso_xl", "watch", "--input-dir", str(inbox), "--out", str(out),
         "--templates", str(ROOT / "templates"), "--settle", "0.5", "--grace", "5"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines = Lines(proc.stdout)
    try:
        assert lines.next(30).startswith("Watching ")
        data = SAMPLE.read_bytes()
        target = inbox / "ny.xlsx"
        with open(target, "wb") as fh:  # a copy still in progress
            fh.write(data[: len(data) // 2])
            fh.flush()
            assert lines.next(2.5) is None  # settled in size, but it does not open: not built
            fh.write(data[len(data) // 2:])
        built = lines.next(60)
        assert built is not None and "ny.xlsx: wrote 17 documents to" in built, built
        assert (out / "kommuner" / "Ånge kommun – Beslutsunderlag.docx").exists()

        shutil.copy(bad, inbox / "bad.xlsx")
        error = lines.next(60)
        assert error is not None and "bad.xlsx: Error:" in error and "Finansiering!D9" in error, error
        assert proc.poll() is None  # still watching

        proc.send_signal(signal.SIGINT)
        # Sent right after the error line, while the bad workbook's temporary copies are being removed by a
        # finalizer, where Python drops a KeyboardInterrupt: watch must stop all the same.
        assert proc.wait(timeout=10) == 0
        rest = []
        while (line := lines.next(1)) is not None:
            rest.append(line)
        assert "Stopped watching." in rest and not any("Traceback" in line for line in rest)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        proc.stdout.close()
