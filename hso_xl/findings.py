"""Findings: what a check found, how serious it is, and where."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"  # the documents must not be produced from this workbook
    WARNING = "warning"  # produced, but someone should look
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str  # stable, machine-readable: "balance.year", "recalc.differs", ...
    message: str
    location: str | None = None  # "Finansiering!D9"
    details: dict = field(default_factory=dict)

    def line(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{self.severity.value}: {where}{self.message}"

    def to_json(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

