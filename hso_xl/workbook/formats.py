"""What a cell's number format does to the number it shows: scaling commas, and the text written beside it.

Excel shows 454407 formatted `#,##0,` as `454` (each comma after the last digit placeholder divides
by 1 000) and 454 formatted `#,##0" tkr"` as `454 tkr`. This module reads a format code the way
Excel does (quoted text, `\\x` escapes, `[$kr-41D]` currency and `[$-41D]` locale prefixes,
colours and conditions, `_x` padding, `*x` fill, sections split by `;`) and says what is shown;
model/units.py decides what that means for an amount.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

DIGITS = "0#?"
# Excel's built-in currency formats (ids 5-8, 42, 44) show the locale's currency, kronor in a Swedish
# Excel; openpyxl writes them out with "$", which would read as dollars.
LOCALE_CURRENCY = {5, 6, 7, 8, 42, 44}


class Shown(NamedTuple):
    """What a number format does to a positive number."""

    code: str
    scale: int = 1  # the number shown is the value divided by this (1, 1 000, 1 000 000)
    text: str = ""  # the literal text beside the number ("tkr", "kr"), spaces and brackets removed
    percent: bool = False
    sections_differ: bool = False  # negative or zero numbers (or a [>=1000000] condition) shown with another scale or text
    sections: tuple["Shown", ...] = ()  # each section that shows digits, this one first


@lru_cache(maxsize=512)
def shown(code: str | None) -> Shown:
    """Return what the number format `code` shows (General and an empty code show the value as it is)."""
    code = code or ""
    numeric = [s for s in (_section(part) for part in _sections(code)[:3]) if s is not None]
    if not numeric:
        return Shown(code)
    first = numeric[0]
    differ = any((s.scale, s.text, s.percent) != (first.scale, first.text, first.percent) for s in numeric[1:])
    return Shown(code, first.scale, first.text, first.percent, differ, tuple(numeric))


def builtin_code(format_id: int, code: str) -> str:
    """Return the code of a built-in format as a Swedish Excel shows it (kronor for the locale's currency)."""
    return code.replace('"$"', '"kr"').replace("$", "kr") if format_id in LOCALE_CURRENCY else code


_CLOSING = {'"': '"', "[": "]"}


def _sections(code: str) -> list[str]:
    """Split a format code at the semicolons that are not inside quotes or brackets."""
    parts, current, i = [], [], 0
    while i < len(code):
        ch = code[i]
        if ch in _CLOSING:  # a quoted text or a [bracket] is kept whole: a ';' inside it splits nothing
            end = code.find(_CLOSING[ch], i + 1)
            end = len(code) - 1 if end < 0 else end
            current.append(code[i:end + 1])
            i = end + 1
            continue
        if ch == "\\" and i + 1 < len(code):
            current.append(code[i:i + 2])
            i += 2
            continue
        if ch == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _section(section: str) -> Shown | None:
    """Return what one section shows, or None when it shows no digits (a zero shown as '-', a text section)."""
    tokens: list[str] = []  # "d" digit placeholder, "." decimal point, "," comma, "t" literal text
    text: list[str] = []
    percent = False
    i = 0
    if section.strip().casefold() == "general":
        return Shown(section)
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            text.append(section[i + 1:end])
            tokens.append("t")
            i = end + 1
            continue
        if ch == "\\" and i + 1 < len(section):
            text.append(section[i + 1])
            tokens.append("t")
            i += 2
            continue
        if ch == "[":
            end = section.find("]", i + 1)
            end = len(section) if end < 0 else end
            inner = section[i + 1:end]
            if inner.startswith("$"):  # [$kr-41D]: currency 'kr' in Swedish; [$-41D]: the locale alone
                symbol = inner[1:].split("-", 1)[0]
                if symbol:
                    text.append(symbol)
                    tokens.append("t")
            i = end + 1
            continue
        if ch in "_*" and i + 1 < len(section):  # padding the width of the next character, or fill with it
            i += 2
            continue
        if section[i:i + 7].casefold() == "general":
            tokens.append("d")
            i += 7
            continue
        if ch in DIGITS:
            tokens.append("d")
        elif ch in ".,":
            tokens.append(ch)
        elif ch == "%":
            percent = True
        elif ch in "Ee" and i + 1 < len(section) and section[i + 1] in "+-":
            i += 2  # scientific notation: its exponent's digits follow
            while i < len(section) and section[i] in DIGITS:
                i += 1
            continue
        elif ch == "@":
            pass
        else:
            text.append(ch)
            tokens.append("t")
        i += 1
    if "d" not in tokens:
        return None
    return Shown(section, 1000 ** _scaling_commas(tokens), unit_text("".join(text)), percent)


def _scaling_commas(tokens: list[str]) -> int:
    """Count the commas that follow a digit placeholder with no digit placeholder after them (`#,##0,,` -> 2)."""
    count = 0
    for k, token in enumerate(tokens):
        if token != ",":
            continue
        before = next((t for t in reversed(tokens[:k]) if t != ","), None)
        after = next((t for t in tokens[k + 1:] if t != ","), None)
        if before == "d" and after != "d":
            count += 1
    return count


def unit_text(text: str) -> str:
    """Return the text beside a number as a key: case-folded, without spaces, brackets and signs (' tkr' -> 'tkr')."""
    folded = text.casefold().replace("\u00a0", " ").replace("\u202f", " ")
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "()+-–−:;/.'=")
