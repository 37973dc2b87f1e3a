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


def swedish(monkeypatch, *args: str):
    """`hso-xl explain` as a Swedish administrator runs it."""
    from hso_xl.i18n import speaking

    monkeypatch.setenv("LANGUAGE", "sv")
    with speaking("sv"):
        return CliRunner().invoke(main, ["explain", *args])


def test_the_tree_speaks_swedish(monkeypatch):
    result = swedish(monkeypatch, "kommuner.Ånge.totalt", str(SAMPLE))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == "kommuner.Ånge.totalt = 1 363 221: summan av Finansiering!D9:F9, i hela kronor"
    assert "Finansiering!D9 = 454 407  [Ånge kommun · 2027]  inmatat" in lines
    assert "└── Finansiering!E9 = 454 407  [Ånge kommun · 2028]  (visas ovan)" in lines
    rounding = swedish(monkeypatch, "budget.kostnader.OH (indirekta kostnader).ar.2028", str(SAMPLE))
    assert rounding.output.splitlines()[1] == (
        "budget.kostnader.OH (indirekta kostnader).ar.2028 = 1 428 101: värdet i Budget!C5, 1 428 101,53 skrivs ut "
        "som 1 428 101, inte 1 428 102: den här raden tar avrundningen så att den utskrivna tabellen går ihop; se "
        "'Printed rounding' i docs/workbook.md")


def test_an_unknown_reference_is_explained_in_swedish(monkeypatch):
    result = swedish(monkeypatch, "kommun.totalt", str(SAMPLE))
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        "'kommun.totalt' är en siffra för en enskild kommun. Säg vilken, till exempel: hso-xl explain kommun.totalt "
        "--kommun Ånge.")


@pytest.mark.parametrize("ref", ["kommuner.Ånge.totalt", "eu.andel", "Finansiering!G9", "kommun.totalt"])
def test_the_json_is_the_same_in_both_languages(monkeypatch, ref):
    english = explain(ref, "--json").stdout  # an error's paragraph goes to stderr, in the user's language
    assert json.loads(english)
    assert swedish(monkeypatch, ref, "--json", str(SAMPLE)).stdout == english


@pytest.mark.parametrize("lang, line", [("en", "└── … and 1 more cell"), ("sv", "└── … och 1 cell till")])
def test_a_long_range_says_how_many_cells_are_left_out(lang, line):
    from hso_xl.explain import Explanation, Node, render_text
    from hso_xl.i18n import speaking
    from hso_xl.workbook.refs import CellRef

    children = [Node(CellRef("Blad", row, 1), row, None, "") for row in range(2, 14)]
    root = Node(CellRef("Blad", 14, 1), 90, "=SUM(A1:A13)", "Summa", children, more=1)
    with speaking(lang):
        lines = render_text(Explanation("Blad!A14", "", 90, [root])).splitlines()
    assert lines[-1] == line
    assert lines[2] == ("├── Blad!A2 = 2  typed in" if lang == "en" else "├── Blad!A2 = 2  inmatat")
