"""Excel's date serials and which number formats show dates: what openpyxl decides, without importing it.

Copied from openpyxl 3.1's utils/datetime.py and styles/numbers.py (MIT licence, (c) 2010-2024 openpyxl)
so that reading a workbook does not import openpyxl (its package import alone costs about 0,13 s).
tests/test_cellnames.py holds these equal to openpyxl's own.
"""

from __future__ import annotations

import datetime
import re

WINDOWS_EPOCH = datetime.datetime(1899, 12, 30)  # the 1900 date system (Excel for Windows' default)
MAC_EPOCH = datetime.datetime(1904, 1, 1)  # the 1904 date system
SECONDS_PER_DAY = 86400

BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)', 6: '"$"#,##0_);[Red]("$"#,##0)', 7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)', 9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
    14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM",
    20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)", 38: "#,##0_);[Red](#,##0)", 39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}
# Quoted text and [brackets] other than elapsed hours, minutes and seconds say nothing about dates.
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_ELAPSED = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
_ISO = re.compile(r"""
(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))?T?
(?P<time>(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(?P<microsecond>\.\d{1,3})?)?)?Z?""", re.VERBOSE)
_ISO_DURATION = re.compile(r"PT((?P<hours>\d+)H)?((?P<minutes>\d+)M)?((?P<seconds>\d+(\.\d{1,3})?)S)?")


def is_date_format(code: str | None) -> bool:
    """Whether a number format shows a date or time (its first section has d, m, h, y or s outside quotes)."""
    if code is None:
        return False
    return _DATE_LETTER.search(_STRIP.sub("", code.split(";")[0])) is not None


def is_timedelta_format(code: str | None) -> bool:
    """Whether a number format shows elapsed time ([h]:mm:ss)."""
    if code is None:
        return False
    return _ELAPSED.search(code.split(";")[0]) is not None


def from_excel(value, epoch: datetime.datetime = WINDOWS_EPOCH, timedelta: bool = False):
    """The date, time or duration an Excel serial stands for (1900: serials below 60 count Excel's 1900-02-29)."""
    if value is None:
        return None
    if timedelta:
        delta = datetime.timedelta(days=value)
        if delta.microseconds:  # to the millisecond
            delta = datetime.timedelta(seconds=delta.total_seconds() // 1, microseconds=round(delta.microseconds, -3))
        return delta
    day, fraction = divmod(value, 1)
    diff = datetime.timedelta(milliseconds=round(fraction * SECONDS_PER_DAY * 1000))
    if 0 <= value < 1 and diff.days == 0:
        minutes, seconds = divmod(diff.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return datetime.time(hours, minutes, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1
    return epoch + datetime.timedelta(days=day) + diff


def to_excel(value, epoch: datetime.datetime = WINDOWS_EPOCH):
    """The Excel serial of a date, datetime, time or duration."""
    if isinstance(value, datetime.time):
        return _time_to_days(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds() / SECONDS_PER_DAY
    if not hasattr(value, "date"):
        value = datetime.datetime.combine(value, datetime.time())
    days = (value - epoch).days
    if 0 < days <= 60 and epoch == WINDOWS_EPOCH:
        days -= 1
    return days + _time_to_days(value)


def _time_to_days(value) -> float:
    return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 10**6) / SECONDS_PER_DAY


def from_ISO8601(text: str):  # noqa: N802 (openpyxl's name)
    """The date, time, datetime or duration an ISO 8601 text (a cell of type d) stands for; ValueError if none."""
    if not text:
        return None
    match = _ISO.match(text)
    if match and any(match.groups()):
        parts = match.groupdict(0)
        for key in ("year", "month", "day", "hour", "minute", "second"):
            if parts[key]:
                parts[key] = int(parts[key])
        if parts["microsecond"]:
            parts["microsecond"] = int(float(parts["microsecond"]) * 1_000_000)
        if not parts["date"]:
            return datetime.time(parts["hour"], parts["minute"], parts["second"], parts["microsecond"])
        if not parts["time"]:
            return datetime.date(parts["year"], parts["month"], parts["day"])
        del parts["time"], parts["date"]
        return datetime.datetime(**parts)
    match = _ISO_DURATION.match(text)
    if match and any(match.groups()):
        parts = {key: float(value) if value else value for key, value in match.groupdict(0).items()}
        return datetime.timedelta(**parts)
    raise ValueError(text)
