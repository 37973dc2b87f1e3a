"""Characters a document cannot carry: control characters (NUL, …) pasted into a name or a fact.

XML 1.0, which Word and Excel files are made of, has no way to hold them, so documents leave them
out (render/environment.py) and the check says where they are, so that nothing changes unsaid.
"""

from __future__ import annotations

import re

from ..findings import Finding, Severity
from ..i18n import _
from .budget import Budget

UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` without the characters a document cannot carry."""
    return UNPRINTABLE.sub("", text)


def unprintable_findings(budget: Budget) -> list[Finding]:
    """A warning for each name or fact holding a character no document can carry, naming its cell."""
    texts = [(line.label, line.label_cell) for line in [*budget.costs, *budget.direct_costs, *budget.financing]]
    texts += [(fact.value, fact.cell) for fact in budget.project.values()]
    for municipality in budget.municipalities:
        texts.append((municipality.official_name, municipality.row_cell))
        texts += [(fact.value, fact.cell) for fact in getattr(municipality, "facts", {}).values()]
    findings, seen = [], set()
    for text, cell in texts:
        if not isinstance(text, str) or not UNPRINTABLE.search(text) or (text, cell) in seen:
            continue
        seen.add((text, cell))
        codes = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in UNPRINTABLE.findall(text)))
        findings.append(Finding(
            Severity.WARNING, "text.unprintable",
            _("'{text}' holds a control character ({codes}) that no document can carry, so documents leave it out. "
              "Type the text again in Excel", text=printable(text), codes=codes), cell))
    return findings
