"""Jinja filters for Swedish documents: amounts, percentages, dates and sort order.

In a template: `{{ kommun.totalt|kr }}` gives `1 363 221 kr` with non-breaking spaces, so a
figure is never split across lines.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from functools import wraps

from jinja2 import Undefined

from ..i18n import _
from ..model.dates import iso_date
from ..swedish import NBSP, group, percent, sort_key
from .missing import MissingFact

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")


def _number(value) -> Decimal:
    if isinstance(value, bool) or value is None or not isinstance(value, (int, float, Decimal)):
        # Text (an empty cell prints as ''), a date: Decimal would fail with its own, English, exception
        shown = _("an empty cell") if value == "" else repr(value)
        raise TypeError(_("expected an amount, got {value}", value=shown))
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or abs(number) >= 10 ** 15:
        raise ValueError(_("the number {value} is too large to print as an amount", value=f"{value:.6g}"))
    return number


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


def _millions(value, decimals: int) -> str:
    """The amount in millions with at most `decimals` decimals: 10700000 -> '10,7', 15000000 -> '15'."""
    text = group(_number(value) / 1_000_000, decimals, NBSP)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def mkr(value, decimals: int = 1) -> str:
    """10700000 -> '10,7 Mkr', 15000000 -> '15 Mkr' (as S4 writes them: no ',0')."""
    return f"{_millions(value, decimals)}{NBSP}Mkr"


def miljoner(value, decimals: int = 1) -> str:
    """10700000 -> '10,7 miljoner kronor', for running text."""
    return f"{_millions(value, decimals)}{NBSP}miljoner kronor"


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
    raise ValueError(_("{value} is not a date (in the workbook, type dates as dates, or as text like 2027-04-30)",
                       value=repr(value)))


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
            try:
                value = item[attribute] if isinstance(item, dict) else getattr(item, attribute)
            except (KeyError, AttributeError):
                raise ValueError(_("svsort('{attribute}'): the items have no '{attribute}' to sort by",
                                   attribute=attribute)) from None
        return sort_key(str(value))

    return sorted(items, key=key)


def hitta(records, **match):
    """Return the one record whose columns equal `match` (case and spaces aside); refuse two.

    With none, a NoRecord: false in `{% if bredband %}`, an error naming the match when printed.

    `{% set bredband = rapportdata.nyckeltal|hitta(matt='Bredbandsstöd') %}`.
    """
    from ..model.sheets import norm

    wanted = {key: norm(value) for key, value in match.items()}
    found = [record for record in records if all(norm(record[key]) == value for key, value in wanted.items())]
    if len(found) > 1:
        # Taking the first would silently leave the others out of the document
        cells = ", ".join(next(iter(r.get("celler", [])), "?") for r in found)
        raise ValueError(_("{n} records match {match} ({cells}); the template can print only one",
                           n=len(found), match=", ".join(f"{k}='{v}'" for k, v in match.items()), cells=cells))
    if found:
        return found[0]
    from .report_context import no_record

    return no_record(records, match)  # false in {% if %}; printed or read, an error naming the match


def stycken(text) -> list[str]:
    """Split a cell's text into paragraphs at its line breaks, dropping empty ones.

    `{%p for s in exempel.text|stycken %}{{ s }}{%p endfor %}`.
    """
    if text is None:
        return []
    return [line.strip() for line in str(text).splitlines() if line.strip()]


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
        "belopp": belopp, "kr": kr, "kronor": kronor, "tkr": tkr, "mnkr": mnkr, "mkr": mkr, "miljoner": miljoner,
        "procent": procent, "datum": datum, "datum_lang": datum_lang, "svsort": svsort, "hitta": hitta,
        "stycken": stycken,
    }.items()
}
