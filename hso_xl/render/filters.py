"""Jinja filters for Swedish documents: amounts, percentages, dates and sort order.

In a template: `{{ kommun.totalt|kr }}` gives `1 363 221 kr` with non-breaking spaces, so a
figure is never split across lines.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from functools import wraps

from jinja2 import Undefined

from ..model.dates import iso_date
from ..swedish import NBSP, group, percent, sort_key
from .missing import MissingFact

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")


def _number(value) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"expected an amount, got {value!r}")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def belopp(value, decimals: int = 0) -> str:
    """1363221 -> '1 363 221'."""
    return group(_number(value), decimals, NBSP)


def kr(value, decimals: int = 0) -> str:
    """1363221 -> '1 363 221 kr'."""
    return f"{belopp(value, decimals)}{NBSP}kr"


def kronor(value) -> str:
    """1363221 -> '1 363 221 kronor', for running text."""
    return f"{belopp(value)}{NBSP}kronor"


def tkr(value, decimals: int = 0) -> str:
    """1363221 -> '1 363 tkr'."""
    return f"{group(_number(value) / 1000, decimals, NBSP)}{NBSP}tkr"


def mnkr(value, decimals: int = 1) -> str:
    """40196257 -> '40,2 mnkr'."""
    return f"{group(_number(value) / 1_000_000, decimals, NBSP)}{NBSP}mnkr"


def procent(value, decimals: int | None = None) -> str:
    """0.4 -> '40 %', 0.024 -> '2,4 %'."""
    return percent(_number(value), decimals, NBSP)


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and iso_date(value) is not None:
        return iso_date(value).date()
    raise ValueError(f"{value!r} is not a date (in the workbook, type dates as dates, or as text like 2027-04-30)")


def datum(value) -> str:
    """A date as ISO 8601: '2027-04-30'."""
    return _date(value).isoformat()


def datum_lang(value) -> str:
    """A date for running text: '30 april 2027'."""
    d = _date(value)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def svsort(items, attribute: str | None = None):
    """Sort in Swedish order (… Z Å Ä Ö), optionally by an attribute or key of each item."""
    def key(item):
        value = item
        if attribute:
            value = item[attribute] if isinstance(item, dict) else getattr(item, attribute)
        return sort_key(str(value))

    return sorted(items, key=key)


def _strict(filter_):
    """Let an undefined value raise Jinja's own 'is undefined' error, naming the variable; a missing fact prints its marker."""

    @wraps(filter_)
    def checked(value, *args, **kwargs):
        if isinstance(value, MissingFact):
            return value.marker
        if isinstance(value, Undefined):
            value._fail_with_undefined_error()
        return filter_(value, *args, **kwargs)

    return checked


FILTERS = {
    name: _strict(f)
    for name, f in {
        "belopp": belopp, "kr": kr, "kronor": kronor, "tkr": tkr, "mnkr": mnkr, "procent": procent,
        "datum": datum, "datum_lang": datum_lang, "svsort": svsort,
    }.items()
}
