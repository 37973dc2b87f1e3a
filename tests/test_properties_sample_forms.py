"""Property test: random legal variations of the sample give exactly its figures, or a stop naming the cell.

Each example is the shipped sample as an office might have changed it without changing a figure:
municipality names in the forms offices write them (or, now and then, misspelt), invisible characters
pasted into labels, sheets renamed with years, the municipalities' rows in another order, the
financing table on its own sheet, beside or below the costs, with or without the Kommuner sheet;
written by openpyxl or xlsxwriter (tests/helpers/sample_books.py). `check` must then print the
sample's figures with `Result: OK`, or stop with an error naming a cell; never OK with other figures.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hso_xl.cli import main

from .helpers.field_books import S0_MUNICIPALITIES
from .helpers.sample_books import MUNICIPALITY_ROWS, SampleBook

pytestmark = [pytest.mark.slow]

# Finansiering!A7:A13 of the sample, with the short name each is written by.
ROWS = dict(zip(MUNICIPALITY_ROWS, [("Härnösands kommun", "Härnösand"), ("Kramfors kommun", "Kramfors"),
                                    ("Ånge kommun", "Ånge"), ("Sollefteå kommun", "Sollefteå"),
                                    ("Sundsvalls kommun", "Sundsvall"), ("Timrå kommun", "Timrå"),
                                    ("Örnsköldsviks kommun", "Örnsköldsvik")]))
SPACES = ["\u00a0", "\u202f"]
NO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
# Labels an office may paste over: (sheet, cell) -> the label the sample has there.
LABELS = {("Budget", "A3"): "Kostnadsslag", ("Budget", "A4"): "Personal", ("Budget", "A7"): "Externa tjänster",
          ("Budget", "A11"): "Summa bokförd kostnad", ("Budget", "A19"): "Summa projektkostnad",
          ("Finansiering", "A3"): "Finansiär", ("Finansiering", "A5"): "Region Västernorrland",
          ("Finansiering", "A14"): "Summa kontant finansiering", ("Finansiering", "C5"): "kontant",
          ("Projekt", "A4"): "Projektnamn", ("Parametrar", "A8"): "EU-finansiär"}
CELL = re.compile(r"(?:'[^']+'|[\wÅÄÖåäö–\- ]+)![A-Z]{1,3}\d+")


@st.composite
def name_forms(draw, official: str, short: str) -> str:
    """A way an office writes a municipality: certain ones, and now and then a misspelling (one in 30)."""
    certain = [official, official.upper(), official.replace(" ", "  "), official + " ", short, f"{short} kn",
               f"{short} k:n", f"{short.upper()} KN"]
    if draw(st.integers(0, 29)) == 0:
        return short[:2] + short[3:] + " kommun"  # a letter left out: resembles, never guessed
    return draw(st.sampled_from(certain))


@st.composite
def pasted(draw, text: str) -> str:
    """`text` with an invisible character: a space-like one for a space, or one without width anywhere."""
    if " " in text and draw(st.booleans()):
        spaces = [i for i, ch in enumerate(text) if ch == " "]
        i = draw(st.sampled_from(spaces))
        return text[:i] + draw(st.sampled_from(SPACES)) + text[i + 1:]
    i = draw(st.integers(0, len(text)))
    return text[:i] + draw(st.sampled_from(NO_WIDTH)) + text[i:]


@st.composite
def variants(draw):
    book = SampleBook.load()
    if not draw(st.booleans()):
        book.drop_sheet("Kommuner")
    for row, (official, short) in ROWS.items():
        text = draw(name_forms(official, short))
        if draw(st.integers(0, 4)) == 0:
            text = draw(pasted(text))
        book.set_label("Finansiering", f"A{row}", text)
    for (sheet, ref), text in draw(st.lists(st.sampled_from(sorted(LABELS.items())), max_size=4, unique=True)):
        book.set_label(sheet, ref, draw(pasted(text)))
    book.reorder_municipalities(draw(st.permutations(list(MUNICIPALITY_ROWS))))
    if draw(st.booleans()):
        book.rename_sheet("Budget", draw(st.sampled_from(["Budget 2027–2029", "Budget 2027-2029", "Kostnader"])))
    placement = draw(st.sampled_from(["sheets", "beside", "below"]))
    if placement == "sheets" and draw(st.booleans()):
        book.rename_sheet("Finansiering", draw(st.sampled_from(["Finansiering 2027–2029", "Finansiärer 2027"])))
    elif placement != "sheets":
        book.place_financing(placement)
    return book, draw(st.sampled_from(["openpyxl", "xlsxwriter"]))


def grouped(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def has_sample_figures(output: str) -> bool:
    rows = [r"^Summa bokförd kostnad\s+13 279 868\s+12 102 109\s+12 114 880\s+37 496 857$",
            r"^Summa projektkostnad\s+14 179 668\s+13 001 909\s+13 014 680\s+40 196 257$",
            r"^Summa finansiering\s+14 179 668\s+13 001 909\s+13 014 680\s+40 196 257$"]
    rows += [rf"^  {re.escape(name)}\s+{re.escape(' / '.join([grouped(a)] * 3))}  total {re.escape(grouped(a * 3))}$"
             for name, a in S0_MUNICIPALITIES.items()]
    listed = re.findall(r"^  (\S.*?kommun)\s+\d", output, re.M)
    return all(re.search(r, output, re.M) for r in rows) and sorted(listed) == sorted(S0_MUNICIPALITIES) \
        and "EU support (Tillväxtverket): 16 078 500 kr = 40,00 %" in output


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(variant=variants())
def test_a_legal_variation_of_the_sample_gives_its_figures_or_stops_naming_the_cell(variant):
    book, writer = variant
    with tempfile.TemporaryDirectory() as tmp:
        path = book.write(Path(tmp) / "budget.xlsx", writer)
        result = CliRunner().invoke(main, ["--lang", "en", "check", str(path)])
    output = result.output
    assert "Traceback" not in output
    event("Result: OK" if "Result: OK" in output else "stopped")
    if "Result: OK" in output:
        assert result.exit_code == 0
        assert has_sample_figures(output), output
    else:
        assert result.exit_code in (1, 2), output
        errors = [line for line in output.splitlines() if line.startswith(("  error: ", "Error: "))]
        assert errors and all(CELL.search(line) for line in errors), output
