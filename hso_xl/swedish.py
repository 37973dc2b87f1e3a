"""Swedish conventions: numbers `1 363 221`, `13 279 868,40`, `40,0 %`, and the sort order … X Y Z Å Ä Ö."""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"


def whole_kronor(value: Decimal) -> int:
    """Round to whole kronor the way Excel's ROUND does: halves away from zero."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def group(value: Decimal | int | float, decimals: int = 0, sep: str = " ") -> str:
    """Return `value` with a thousands separator and a decimal comma: group(1363221) == '1 363 221'."""
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # no "-0"
    sign = "−" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = sep.join(groups)
    return sign + text + ("," + fraction if decimals else "")


def percent(value: Decimal | float, decimals: int | None = None, sep: str = " ") -> str:
    """Return a share as a Swedish percentage: percent(0.4) == '40 %', percent(0.024) == '2,4 %'.

    With `decimals` None, as many decimals as the share has, at most two.
    """
    hundred = Decimal(str(value)) * 100
    if decimals is None:
        decimals = next(d for d in range(3) if hundred == hundred.quantize(Decimal(1).scaleb(-d)) or d == 2)
    return f"{group(hundred, decimals, sep)}{sep}%"


# After z come å, ä, ö; letters Swedish sorts as others (é as e, ü as y, æ as ä, ø as ö) go with them.
_LAST = {"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}"}
_AS = {"ü": "y", "é": "e", "è": "e", "á": "a", "à": "a"}


def sort_key(text: str) -> str:
    """Return a key that sorts Swedish text: sorted(names, key=sort_key) puts Ånge after Timrå."""
    out = []
    for ch in unicodedata.normalize("NFC", text).casefold():
        ch = _AS.get(ch, ch)
        out.append(_LAST.get(ch, ch))
    return "".join(out)
