"""A legitimate but large workbook: 100 000 formulas go through recalc within bounded memory.

The workbook is the benchmark's budget-style generator (bench/workbooks.py), written by
xlsxwriter, which caches 0 for every formula: the first recalc must find them all different and
write the right values; a second recalc of its output must find nothing to change. Time is not
asserted here (`make bench` measures it); memory is, since a reader that held the whole file as
objects would need several gigabytes at this size.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
import threading
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from .conftest import ROOT

pytestmark = [pytest.mark.slow]

MEMORY_LIMIT_MB = 1024
HANG_GUARD_SECONDS = 600  # not a speed limit: only so that a hang fails instead of blocking CI


def bench_workbooks():
    spec = importlib.util.spec_from_file_location("bench_workbooks", ROOT / "bench" / "workbooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def big() -> tuple[Path, int]:
    return bench_workbooks().formula_workbook(100_000)


def run_measured(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    """Run hso-xl; return the result and the child's own peak resident memory in MB (wait4)."""
    out, err = cwd / "stdout.txt", cwd / "stderr.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "hso_xl", *args], cwd=cwd, stdout=stdout, stderr=stderr)
        guard = threading.Timer(HANG_GUARD_SECONDS, proc.kill)
        guard.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            guard.cancel()
    code = proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must be told
    result = subprocess.CompletedProcess(proc.args, code, out.read_text("utf-8"), err.read_text("utf-8"))
    return result, usage.ru_maxrss / 1024


def kronor(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def test_recalc_of_100_000_formulas(big, tmp_path):
    path, count = big
    assert count >= 100_000
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    fixed = tmp_path / "fixed.xlsx"

    first, peak_first = run_measured("recalc", str(path), "-o", str(fixed), cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert f"Recomputed {count} formulas with IronCalc" in first.stdout
    # xlsxwriter cached 0 for every formula: each one is accounted for as differing
    assert f"0 agree with the values cached in the file, {count} differ, 0 could not be computed" in first.stdout
    assert len(first.stdout.splitlines()) < 40  # the report stays readable at any size
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert peak_first < MEMORY_LIMIT_MB

    # The written values are the right ones: E = ROUND(B * 1.024, 0) and H = E + F + G on every row.
    book = openpyxl.load_workbook(fixed, read_only=True, data_only=True)
    rows = 0
    for label, b, _c, _d, e, f, g, h, *_ in book["Budget"].iter_rows(min_row=2, values_only=True):
        assert Decimal(e) == kronor(b * 1.024, 0), label
        assert abs(h - (e + f + g)) < 1e-6, label
        rows += 1
    book.close()
    assert rows * 6 + 5 * ((rows + 99) // 100) + 4 == count

    again, peak_again = run_measured("recalc", str(fixed), "-o", str(tmp_path / "again.xlsx"), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert f"Recomputed {count} formulas with IronCalc 0.9.1: {count} agree with the values cached in the file, 0 differ, " \
           "0 could not be computed, 0 had no cached value." in again.stdout
    assert peak_again < MEMORY_LIMIT_MB
