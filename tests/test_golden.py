"""Golden files: the shipped templates rendered from the sample, compared XML member by XML member.

A change to a template, the context or the renderer shows here; when it is intended, run
`pytest tests/test_golden.py --update-golden` and review the diff of tests/golden/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hso_xl.cli import main

from .conftest import ROOT, SAMPLE
from .helpers.ooxml import differences

GOLDEN = Path(__file__).parent / "golden"
DOCUMENTS = [
    "kommuner/Ånge kommun – Beslutsunderlag.docx",
    "projekt/Budgetbilaga Tillväxtverket.docx",
    "finansiarer/Sundsvalls kommun – Medfinansieringsintyg.docx",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "output"
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--templates", str(ROOT / "templates"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("document", DOCUMENTS)
def test_document_matches_golden(built, document, request):
    got = built / document
    want = GOLDEN / Path(document).name
    if request.config.getoption("--update-golden"):
        shutil.copyfile(got, want)
    assert want.exists(), f"no golden file {want}; run pytest --update-golden"
    assert differences(got, want) == []


def test_comparison_sees_a_different_figure(built):
    """The comparison is not blind: Sundsvall's draft differs from Ånge's golden in its body."""
    got = built / "kommuner" / "Sundsvalls kommun – Beslutsunderlag.docx"
    assert "word/document.xml" in differences(got, GOLDEN / "Ånge kommun – Beslutsunderlag.docx")
