"""Property test: the sample in any legal unit gives exactly the sample's figures, or the check stops naming a cell.

Random variations of the sample workbook (tests/helpers/unit_books.py, written by openpyxl or
xlsxwriter): every amount in one number format (kronor, tkr or Mkr written after the number with
the typed amounts divided to match, or Excel's scaling commas), the tables' titles naming a unit
or none, and sometimes one amount cell in another format (a unit that is not certain, another unit,
the same unit written otherwise, or a zero). `check` must then print exactly the figures it prints
for the sample and `Result: OK`, or stop with one paragraph naming a cell: never `Result: OK` with
other figures. A variation whose formats and titles agree must be read.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hso_xl.cli import main

from .conftest import SAMPLE
from .helpers.unit_books import AMOUNTS, unit_variant

pytestmark = [pytest.mark.slow]

# (number format, what the typed amounts are divided by, the unit a reader sees)
KRONOR = [("#,##0", 1, "kr"), ("General", 1, "kr"), ('#,##0" kr"', 1, "kr"), ("#,##0\\ [$kr-41D]", 1, "kr"),
          ("#,##0_);(#,##0)", 1, "kr"), ('#,##0;-#,##0;"-"', 1, "kr")]
THOUSANDS = [('#,##0" tkr"', 1000, "tkr"), ('#,##0\\ "tkr"', 1000, "tkr"), ('#,##0.000" TKR"', 1000, "tkr"),
             ('[$-41D]#,##0" tkr";[RED]\\-#,##0" tkr"', 1000, "tkr")]
MILLIONS = [('#,##0.000000" Mkr"', 1_000_000, "Mkr"), ('0.000000" mnkr"', 1_000_000, "Mkr")]
SCALED = [("#,##0,", 1, "tkr"), ('#,##0," tkr"', 1, "tkr"), ("#,##0,,", 1, "Mkr"), ('#,##0.0,," Mkr"', 1, "Mkr")]
NOT_CERTAIN = ['#,##0," kr"', '#,##0" €"', "0%", '#,##0,," tkr"', '#,##0" tkr";-#,##0" kr"']
CELLS = [f"{sheet}!{col}{row}" for sheet, (rows, cols) in AMOUNTS.items() for row in rows for col in "ABCDEFG"[1:]
         if col in "ABCDEFG"[min(cols) - 1:max(cols)]]


def figures(output: str) -> str:
    """The figures block `check` prints: the totals, the EU support and each municipality's amounts."""
    start = output.index("\n(kr)")
    return output[start:output.index("\nFindings:")]


@pytest.fixture(scope="module")
def sample_figures() -> str:
    result = CliRunner().invoke(main, ["--lang", "en", "check", str(SAMPLE)])
    return figures(result.output)


variations = st.fixed_dictionaries({
    "unit": st.sampled_from(KRONOR + THOUSANDS + MILLIONS + SCALED),
    "title": st.sampled_from([None, "kr", "tkr", "Mkr"]),
    "odd": st.none() | st.tuples(st.sampled_from(CELLS), st.sampled_from(
        [f for f, _d, _u in KRONOR + THOUSANDS + MILLIONS + SCALED] + NOT_CERTAIN)),
    "writer": st.sampled_from(["openpyxl", "xlsxwriter"]),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(variation=variations)
def test_a_unit_variation_gives_the_samples_figures_or_stops_naming_a_cell(variation, sample_figures):
    fmt, divide, shown_in = variation["unit"]
    cells = dict([variation["odd"]]) if variation["odd"] else {}
    with tempfile.TemporaryDirectory() as tmp:
        path = unit_variant(SAMPLE, Path(tmp) / "enheter.xlsx", fmt=fmt, divide=divide, title_unit=variation["title"],
                            cells=cells, writer=variation["writer"])
        result = CliRunner().invoke(main, ["--lang", "en", "check", str(path)])
    output = result.output
    event("read" if result.exit_code == 0 else "stopped naming a cell")
    if "Result: OK" in output:
        assert result.exit_code == 0
        assert figures(output) == sample_figures, output
    else:
        assert result.exit_code == 2, output
        assert re.match(rf"Error: {re.escape(str(path))}: (Budget|Finansiering)![A-G]\d+: ", output), output
        assert output.count("\n") == 1 and "Traceback" not in output
    legal = not cells and variation["title"] in (None, shown_in)
    if legal:
        assert result.exit_code == 0, f"{variation}\n{output}"
