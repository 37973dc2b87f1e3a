"""Validate Office packages against the Office Open XML schemas, with the known false positives in one place.

The validator is openxml-audit (PyPI, pinned in setup.cfg): a pure-Python port of the Open XML
SDK's validator that ships the SDK's schema data (ECMA-376 plus Office's own constraints, such
as element order inside <font>) and its semantic checks; it also predicts from Office's observed
behaviour whether Word or Excel would repair or rewrite a file. tests/test_ooxml_schema.py shows
it catching broken files. Every finding, error or warning, fails a test unless it is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# id (or description start) -> why it is not a defect. Nothing else may be ignored.
KNOWN_FALSE_POSITIVES = {
    "Excel_InlineStrCells": (
        "openpyxl 3.1 writes text cells as inline strings (<c t=\"inlineStr\"><is>), which SpreadsheetML "
        "allows (ECMA-376 Part 1, 18.3.1.4 and 18.3.1.53); Excel opens such files without a repair prompt "
        "and only moves the strings to a shared-string table when it saves the file itself"
    ),
}


@dataclass(frozen=True)
class Finding:
    severity: str
    id: str
    part: str
    path: str
    description: str

    def __str__(self) -> str:
        return f"{self.severity} {self.id or '-'} {self.part}{self.path}: {self.description[:200]}"


_validator = None


def validate(path: Path) -> list[Finding]:
    """Return every finding of the validator for the package at `path`, known false positives left out."""
    global _validator
    from openxml_audit import OpenXmlValidator

    if _validator is None:
        _validator = OpenXmlValidator()
    result = _validator.validate(str(path))
    findings = [Finding(e.severity.value, e.id or "", e.part_uri or "", e.path or "", e.description)
                for e in result.errors]
    return [f for f in findings if f.id not in KNOWN_FALSE_POSITIVES]
