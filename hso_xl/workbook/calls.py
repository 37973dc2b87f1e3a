"""A formula's calls, read from its text: the arguments of each call of a function, and TEXT's format codes
written for Swedish Excel (which IronCalc, like English Excel, reads otherwise). divergences.py and
dynamic.py look at formulas through these."""

from __future__ import annotations

import re

from ..text import LazyPattern

STRING = re.compile(r'"(?:[^"]|"")*"')


def calls(formula: str, names) -> list[list[str]]:
    """Return the argument texts of every call of one of `names` in `formula` (string literals kept)."""
    wanted = {n.upper() for n in names}
    out = []
    masked = STRING.sub(lambda m: '"' + "_" * (len(m.group(0)) - 2) + '"', formula) if '"' in formula else formula
    for m in re.finditer(r"(?<![\w.])((?:_xlfn\.)?[A-Za-z][\w.]*)\(", masked):
        if m.group(1).upper().removeprefix("_XLFN.") not in wanted:
            continue
        out.append(_arguments(formula, masked, m.end()))
    return out


def _arguments(formula: str, masked: str, start: int) -> list[str]:
    """Split the arguments of the call whose "(" ends at `start` (depth-aware; strings from `formula`)."""
    depth, args, begin = 0, [], start
    for i in range(start, len(masked)):
        ch = masked[i]
        if ch in "({":
            depth += 1
        elif ch in ")}":
            if depth == 0:
                args.append(formula[begin:i])
                return [a.strip() for a in args]
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(formula[begin:i])
            begin = i + 1
    args.append(formula[begin:])
    return [a.strip() for a in args]


# A TEXT format code as Swedish Excel users write it: Å for years, the Swedish locale tag, or a
# decimal comma between digit placeholders in a code without a decimal point ("0,00", "# ##0,0";
# not English Excel's thousands "#,##0" or "#,#.00"). English Excel, and IronCalc, read these otherwise.
_SWEDISH_LETTERS = LazyPattern(r"[ÅåÄäÖö]|\[\$-41D\]", re.IGNORECASE)
_DECIMAL_COMMA = LazyPattern(r"[0#],[0#]{1,2}(?![0#,])|[0#],[0#]{4,}")


def swedish_format(code: str) -> bool:
    """True when a TEXT format code reads differently in Swedish Excel than in English Excel (and IronCalc)."""
    text = re.sub(r'"[^"]*"|\\.', "", code)  # quoted text and escaped characters are printed as they are
    return bool(_SWEDISH_LETTERS.search(text)) or ("." not in text and bool(_DECIMAL_COMMA.search(text)))


def swedish_text_format(formula: str) -> str | None:
    """The first format code of a TEXT call in `formula` written for Swedish Excel (a string literal), or None."""
    if "TEXT(" not in formula.upper():
        return None
    for a in calls(formula, ("TEXT",)):
        if len(a) >= 2 and a[1].startswith('"') and swedish_format(a[1][1:-1]):
            return a[1]
    return None
