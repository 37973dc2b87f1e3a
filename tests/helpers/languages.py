"""Helpers for tests of the two languages."""

from __future__ import annotations

from hso_xl.findings import Finding
from hso_xl.i18n import speaking


def same_json(finding: Finding) -> dict:
    """Return the finding's JSON, asserting it is the same whether the screen speaks Swedish or English."""
    with speaking("sv"):
        swedish = finding.to_json()
    with speaking("en"):
        english = finding.to_json()
    assert swedish == english
    return english
