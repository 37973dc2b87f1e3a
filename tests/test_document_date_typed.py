"""Dokumentdatum read as people type it, or a warning naming the cell: never silently the build date."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from hso_xl.model.checked import check_workbook
from hso_xl.model.dates import read_date, serial_date, written_date
from hso_xl.render.context import fixed_document_date

DAY = dt.date(2026, 1, 30)


@pytest.mark.parametrize("typed", ["30 januari 2026", "30 Januari 2026", "30 jan. 2026", " 30 jan 2026 ",
                                   "2026-01-30", 46052, 46052.0])
def test_the_ways_people_type_a_date(typed):
    assert read_date(typed) == dt.datetime(2026, 1, 30)


@pytest.mark.parametrize("typed", ["30 februari 2026", "30 januarius 2026", "januari 2026", 46052.5, 12, True,
                                   "31/12/2026", 10**9])
def test_what_is_not_one_day_is_not_read_as_one(typed):
    assert read_date(typed) is None


def test_excel_day_numbers():
    assert serial_date(45292) == dt.datetime(2024, 1, 1) and written_date("1 okt. 2027") == dt.datetime(2027, 10, 1)


def _with_document_date(sample, value, number_format=None):
    wb = openpyxl.load_workbook(sample)
    cell = wb["Projekt"]["B18"]
    assert wb["Projekt"]["A18"].value == "Dokumentdatum"
    cell.value = value
    if number_format:
        cell.number_format = number_format
    wb.save(sample)
    return check_workbook(sample)


@pytest.mark.parametrize("value, number_format, code", [
    (dt.datetime(2026, 1, 30), "yyyy-mm-dd", None),
    ("2026-01-30", "@", "date.text"),
    ("30 januari 2026", "@", "date.text"),
    (46052, "General", "date.number"),
])
def test_dokumentdatum_as_typed_dates_the_documents(sample, value, number_format, code):
    checked = _with_document_date(sample, value, number_format)
    assert fixed_document_date(checked) == (DAY, "Projekt!B18")
    warned = [f for f in checked.findings if f.location == "Projekt!B18"]
    assert [f.code for f in warned] == ([code] if code else [])
    if code == "date.number":
        assert "'Dokumentdatum' holds the number 46052, read as the date 2026-01-30 (Excel's day number)" \
            in warned[0].message


@pytest.mark.parametrize("value", ["i slutet av januari", 12])
def test_a_dokumentdatum_that_is_no_date_is_warned_naming_the_cell(sample, value):
    checked = _with_document_date(sample, value, "General")
    assert fixed_document_date(checked) == (None, None)
    warned = [f for f in checked.findings if f.code == "date.unreadable"]
    assert len(warned) == 1 and warned[0].location == "Projekt!B18"
    assert f"'Dokumentdatum' holds {value!r}, which cannot be read as a date, so the documents get the build date" \
        in str(warned[0].message)
