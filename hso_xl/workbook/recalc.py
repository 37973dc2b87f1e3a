"""Recompute a workbook file: load it, compute every formula, compare with what the file cached.

`recompute_file` is the first step of every command; `recompute_and_cache` also returns the
package with the recomputed values as its cached ones (the sample generator and the Excel
renderer write their workbooks this way, as Excel fills cached values when it saves).
"""

from __future__ import annotations

import gc
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from .. import scratch
from .book import Workbook
from .engine import EngineReport, recompute
from .graph import Dependencies
from .load import load_workbook
from .verify import Verification, verify
from .write import recomputed_package


class Recomputed(NamedTuple):
    workbook: Workbook
    engine: EngineReport
    verification: Verification
    graph: Dependencies  # which formula cells each formula reads (built lazily)


def recompute_file(path: Path) -> Recomputed:
    """Load `path`, recompute every formula and compare with the cached values."""
    with collector_paused():
        workbook = load_workbook(path)
        engine = recompute(workbook)
        graph = Dependencies(workbook)
        return Recomputed(workbook, engine, verify(workbook, engine, graph), graph)


@contextmanager
def collector_paused():
    """Pause Python's cycle collector while a workbook's cells are made (or written): they hold no cycles, and
    the collector walked all of them again and again as they grew (a third of the reading's time at 100 000
    formulas). Re-entrant: the outermost pause restores the collector."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def recompute_and_cache(data: bytes) -> bytes:
    """Return the workbook package `data` with every formula's cached value recomputed.

    Raises FormulaProblem when a formula cannot be computed.
    """
    with tempfile.TemporaryDirectory(prefix=scratch.prefix("recalc")) as tmp:
        path = Path(tmp) / "workbook.xlsx"
        path.write_bytes(data)
        done = recompute_file(path)
        done.verification.raise_if_unusable(done.workbook)
        return recomputed_package(done.workbook)
