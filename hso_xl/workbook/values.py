"""Cell values as the rest of hso-xl passes them on: to templates and to JSON (one encoder for both)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .book import ExcelError


def template_value(value):
    """Return a workbook value as templates see it: dates as dates, whole numbers as int, errors as text."""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, ExcelError):
        return str(value)
    return value


def json_value(value):
    """Return a value as JSON keeps it: dates in ISO form, exact amounts as decimal strings, lists item by item."""
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    value = template_value(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value

