"""`hso-xl explain`: a figure's formula tree down to the typed-in inputs, with values and labels."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hso_xl.cli import main

from .conftest import SAMPLE


def explain(*args: str):
    return CliRunner().invoke(main, ["explain", *args, str(SAMPLE)])


def test_ange_total_down_to_inputs():
    result = explain("kommuner.Ånge.totalt")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == "kommuner.Ånge.totalt = 1 363 221  (figure of the template context (printed, whole kronor))"
    assert "Finansiering!D9 = 454 407  [Ånge kommun · 2027]  typed in" in lines
    assert "Finansiering!E9 = 454 407  [Ånge kommun · 2028]  =D9" in lines
    assert "└── Finansiering!E9 = 454 407  [Ånge kommun · 2028]  (shown above)" in lines


def test_cell_tree_reaches_parameters_through_defined_names():
    result = explain("Budget!C5")
    out = result.output
    assert "Budget!C5 = 1 428 101,5296  [OH (indirekta kostnader) · 2028]  =OH_sats*(C4+C6)" in out
    assert "├── Parametrar!B6 = 0,15  [OH-sats · Värde]  typed in" in out
    assert "│   └── Parametrar!B5 = 0,024  [Uppräkning per år · Värde]  typed in" in out


def test_year_of_a_total():
    result = explain("budget.summa_projektkostnad.ar.2028")
    assert "= 13 001 909  (figure" in result.output
    assert "Budget!C19 = 13 001 909,3936  [Summa projektkostnad · 2028]  =C11+C18" in result.output
    assert "Budget!B19" not in result.output


def test_json_tree():
    data = json.loads(explain("Finansiering!G9", "--json").output)
    assert data["value"] == 1363221
    root = data["cells"][0]
    assert root["formula"] == "=SUM(D9:F9)"
    assert [c["cell"] for c in root["children"]] == ["Finansiering!D9", "Finansiering!E9", "Finansiering!F9"]
    assert root["children"][0]["formula"] is None


@pytest.mark.parametrize("ref", ["kommuner.Ånge.foo", "Nope!A1", "okänd"])
def test_unknown_reference(ref):
    result = explain(ref)
    assert result.exit_code == 2
    assert result.output.startswith("Error: ")
