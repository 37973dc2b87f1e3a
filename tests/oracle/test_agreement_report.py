"""tests/oracle/agreement.md is the measurement of today's engine on the suite's Excel-saved files.

`make oracle-report` writes it; this test writes it again in memory and compares, so a new
IronCalc (or a change in how hso_xl recomputes) that moves any figure makes the suite ask for the
table to be regenerated and the divergence list (hso_xl/workbook/divergences.py) to be reviewed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def test_agreement_table_is_current(excel_files):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import oracle_report
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    from .agreement import markdown, measure

    measured = measure(oracle_report.suite_files())
    text = markdown(measured, oracle_report.SOURCES)
    committed = (ROOT / "tests" / "oracle" / "agreement.md").read_text(encoding="utf-8")
    assert text == committed, "run `make oracle-report` and review the change (and divergences.py)"
    assert measured.total.compared > 600
    assert measured.total.counts["agree"] / measured.total.compared > 0.9
