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
