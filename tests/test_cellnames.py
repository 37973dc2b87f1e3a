"""hso_xl's copies of openpyxl's cell-name and date helpers (workbook/cellnames.py, serials.py) give what
openpyxl's own give, for random and edge-case inputs: reading a workbook no longer imports openpyxl."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import openpyxl.styles.numbers as op_numbers
import openpyxl.utils.cell as op_cell
import openpyxl.utils.datetime as op_dates
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hso_xl.workbook import cellnames, serials


def _same(ours, theirs, *args, **kwargs):
    try:
        expected = theirs(*args, **kwargs)
    except (ValueError, OverflowError) as exc:
        with pytest.raises(type(exc)):
            ours(*args, **kwargs)
        return
    assert ours(*args, **kwargs) == expected


@given(st.integers(min_value=-5, max_value=18290))
def test_column_letters(index):
    _same(cellnames.get_column_letter, op_cell.get_column_letter, index)


@given(st.text(alphabet="ABCXYZabz$1:Å", max_size=5))
def test_column_index(text):
    _same(cellnames.column_index_from_string, op_cell.column_index_from_string, text)


ranges = st.one_of(st.text(alphabet="AZBx$:0129", max_size=12),
                   st.builds(lambda a, b, c, d: f"{a}{b}:{c}{d}", st.sampled_from(["A", "$B", "XFD", "", "AAAA"]),
                             st.sampled_from(["1", "$2", "1048576", ""]), st.sampled_from(["C", "$ZZ", ""]),
                             st.sampled_from(["9", "$10", ""])))


@given(ranges)
def test_range_boundaries(text):
    _same(cellnames.range_boundaries, op_cell.range_boundaries, text)


codes = st.one_of(st.sampled_from(list(op_numbers.BUILTIN_FORMATS.values()) + [
    'yyyy-mm-dd', '[h]:mm:ss', '[mm]:ss', '#,##0" tkr"', '"dag" 0', '[$-41D]yyyy-mm-dd', '[Red]0;[Blue]-0',
    'hh:mm;@', r'0\d', '_d0', '[ss].00', 'General', '[$kr-41D] #,##0']),
    st.text(alphabet='dmyhs0#,;"[]$-_\\@. AbM', max_size=14))


@given(codes)
def test_date_formats(code):
    assert serials.is_date_format(code) == op_numbers.is_date_format(code)
    assert serials.is_timedelta_format(code) == op_numbers.is_timedelta_format(code)


def test_builtin_formats():
    assert serials.BUILTIN_FORMATS == op_numbers.BUILTIN_FORMATS


serial_numbers = st.one_of(st.integers(min_value=-700, max_value=2_958_465),
                           st.floats(min_value=-700, max_value=2_958_465, allow_nan=False),
                           st.sampled_from([0, 0.5, 0.999999, 59, 60, 61, 1, 1.25, 45000.000011574]))


@given(serial_numbers, st.booleans(), st.booleans())
def test_serials_to_dates(value, mac, duration):
    epoch_ours = serials.MAC_EPOCH if mac else serials.WINDOWS_EPOCH
    epoch_theirs = op_dates.CALENDAR_MAC_1904 if mac else op_dates.CALENDAR_WINDOWS_1900
    try:
        expected = op_dates.from_excel(value, epoch_theirs, timedelta=duration)
    except (OverflowError, ValueError) as exc:
        with pytest.raises(type(exc)):
            serials.from_excel(value, epoch_ours, timedelta=duration)
        return
    assert serials.from_excel(value, epoch_ours, timedelta=duration) == expected


@given(st.one_of(st.datetimes(min_value=datetime.datetime(1900, 1, 1)), st.dates(min_value=datetime.date(1900, 1, 1)),
                 st.times(), st.timedeltas(min_value=datetime.timedelta(days=-9999),
                                          max_value=datetime.timedelta(days=9999))), st.booleans())
def test_dates_to_serials(value, mac):
    epoch_ours = serials.MAC_EPOCH if mac else serials.WINDOWS_EPOCH
    epoch_theirs = op_dates.CALENDAR_MAC_1904 if mac else op_dates.CALENDAR_WINDOWS_1900
    assert serials.to_excel(value, epoch_ours) == op_dates.to_excel(value, epoch_theirs)


@settings(max_examples=300)
@given(st.one_of(st.sampled_from(["2027-01-30", "2027-01-30T12:30:00", "2027-01-30T12:30:00.5Z", "12:30", "T12:30:15",
                                  "PT1H", "PT2H30M", "PT0.5S", "P1D", "", "2027-13-01", "x"]),
                 st.text(alphabet="0123456789-T:.ZPHMS", max_size=22)))
def test_iso_dates(text):
    _same(serials.from_ISO8601, op_dates.from_ISO8601, text)


def test_reading_a_workbook_imports_no_openpyxl():
    """The whole read (recompute included) of the sample runs without openpyxl's package (~0,13 s of imports)."""
    sample = Path(__file__).resolve().parent.parent / "input" / "HSO_finansiering_2027-2029.xlsx"
    code = ("import sys; from pathlib import Path; from hso_xl.workbook.recalc import recompute_file; "
            f"recompute_file(Path({str(sample)!r})); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'numpy', 'PIL', 'docx', 'matplotlib'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@given(st.one_of(st.text(alphabet="ABZ$19", min_size=1, max_size=6),
                 st.builds(lambda c, r: f"{c}{r}", st.sampled_from(["A", "XFD", "b", "AAAA"]),
                           st.integers(min_value=0, max_value=1_048_577))))
def test_coordinates(text):
    _same(cellnames.coordinate_to_tuple, op_cell.coordinate_to_tuple, text)
