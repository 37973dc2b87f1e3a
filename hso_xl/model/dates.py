"""Dates typed as text: the one unambiguous form is read, every other form is left as text.

Swedish writing uses ISO dates (2029-12-31), so text in that form can only mean that day. Text
such as 31/12/2029 or 12.31.2029 could mean two different days depending on who typed it, and
2029-02-30 means none, so they are never guessed at: the check reports them as errors.
"""

from __future__ import annotations

import datetime as dt
import re

_ISO = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})\s*")
_DATE_LIKE = re.compile(r"\s*\d{1,4}\s*[./\-]\s*\d{1,2}\s*[./\-]\s*\d{1,4}\s*")


def iso_date(text: str) -> dt.datetime | None:
    """Return the day an ISO date text names ('2029-12-31'), or None."""
    match = _ISO.fullmatch(text)
    if not match:
        return None
    try:
        return dt.datetime(*map(int, match.groups()))
    except ValueError:  # 2029-02-30
        return None


def looks_like_date(text: str) -> bool:
    """True for text written like a date that `iso_date` cannot read (31/12/2029, 2029-02-30)."""
    return bool(_DATE_LIKE.fullmatch(text)) and iso_date(text) is None


MONTHS = {name: number for number, names in enumerate((
    ("januari", "jan"), ("februari", "feb"), ("mars", "mar"), ("april", "apr"), ("maj",), ("juni", "jun"),
    ("juli", "jul"), ("augusti", "aug"), ("september", "sep", "sept"), ("oktober", "okt"), ("november", "nov"),
    ("december", "dec")), start=1) for name in names}
_WRITTEN = re.compile(r"\s*(\d{1,2})\s*\.?\s+([a-zåäö]+)\.?\s+(\d{4})\s*", re.IGNORECASE)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system (its day 60, 1900-02-29, never was)
SERIALS = range(20_000, 80_000)  # Excel day numbers of 1954-10-03 to 2119-01-11: a number there can be a date


def written_date(text: str) -> dt.datetime | None:
    """Return the day a date written out in Swedish names ('30 januari 2026', '1 okt. 2027'), or None."""
    match = _WRITTEN.fullmatch(text)
    month = MONTHS.get(match.group(2).lower()) if match else None
    if month is None:
        return None
    try:
        return dt.datetime(int(match.group(3)), month, int(match.group(1)))
    except ValueError:  # 30 februari
        return None


def serial_date(number) -> dt.datetime | None:
    """Return the day an Excel day number names (46052 is 2026-01-30), for whole numbers of plausible days."""
    if isinstance(number, bool) or not isinstance(number, (int, float)) or number != int(number):
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(number)) if int(number) in SERIALS else None


def read_date(value) -> dt.datetime | None:
    """Return the day `value` names as people type a date: ISO text, written out in Swedish, or Excel's number."""
    if isinstance(value, str):
        return iso_date(value) or written_date(value)
    return serial_date(value)
