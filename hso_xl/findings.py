"""Findings: what a check found, how serious it is, and where.

A finding's message is an `i18n.Message`: shown in the user's language on the screen, in English
in `--json` (so machine-readable output does not change with the language).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .i18n import SOURCE, Message, _


class Severity(str, Enum):
    ERROR = "error"  # the documents must not be produced from this workbook
    WARNING = "warning"  # produced, but someone should look
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str  # stable, machine-readable: "balance.year", "recalc.differs", ...
    message: Message | str
    location: str | None = None  # "Finansiering!D9"
    details: dict = field(default_factory=dict)

    def line(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{SEVERITY_WORDS[self.severity]}: {where}{self.message}"

    def to_json(self) -> dict:
        message = self.message.render(SOURCE) if isinstance(self.message, Message) else str(self.message)
        return {"severity": self.severity.value, "code": self.code, "message": message, "location": self.location,
                "details": _plain(self.details)}


def _plain(value):
    """Details travel in JSON as they are, a message among them in English."""
    if isinstance(value, Message):
        return value.render(SOURCE)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


SEVERITY_WORDS = {Severity.ERROR: _("error"), Severity.WARNING: _("warning"), Severity.INFO: _("info")}


def joined(parts, separator: str = ", ") -> Message:
    """Return `parts` (messages or plain values) as one message, every part shown in the language of the whole.

    Joining rendered parts would fix their language when the finding is made, so `--json` would get
    the screen's language; this message renders them when it is shown.
    """
    parts = list(parts)
    return Message(separator.join(f"{{p{i}}}" for i in range(len(parts))), {f"p{i}": p for i, p in enumerate(parts)})


def either(parts) -> Message | str:
    """Return 'A or B or C' as one message ('A eller B eller C')."""
    parts = list(parts)
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return _("{first} or {second}", first=parts[0], second=either(parts[1:]))


def both(parts) -> Message | str:
    """Return 'A and B and C' as one message ('A och B och C')."""
    parts = list(parts)
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return _("{first} and {second}", first=parts[0], second=both(parts[1:]))

