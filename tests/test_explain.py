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
    assert lines[1] == "kommuner.Ånge.totalt = 1 363 221: the sum of Finansiering!D9:F9, in whole kronor"
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
    assert "budget.summa_projektkostnad.ar.2028 = 13 001 909: the value of Budget!C19, rounded to whole kronor " \
        "from 13 001 909,39" in result.output
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


def test_a_figure_as_a_municipality_template_writes_it():
    result = CliRunner().invoke(main, ["explain", "kommun.totalt", str(SAMPLE), "--kommun", "Sundsvall"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == "kommun.totalt = 1 983 810: the sum of Finansiering!D11:F11, in whole kronor"
    asked = CliRunner().invoke(main, ["explain", "kommun.totalt", str(SAMPLE)])
    assert asked.exit_code == 2 and "--kommun Ånge" in asked.output


def test_a_share_says_how_it_is_made():
    result = CliRunner().invoke(main, ["explain", "eu.andel", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[1]
    assert first.startswith("eu.andel = 40,00 %: the EU support's share of the total project cost")
    assert "Finansiering!D6 = 5 921 580,4  [Tillväxtverket · 2027]" in result.output
    assert "Budget!B19 = 14 179 668,4  [Summa projektkostnad · 2027]" in result.output


def test_a_row_that_absorbs_rounding_says_so():
    result = CliRunner().invoke(main, ["explain", "budget.kostnader.OH (indirekta kostnader).ar.2028", str(SAMPLE)])
    assert "1 428 101,53 printed as 1 428 101, not 1 428 102: this row absorbs the rounding" in result.output
