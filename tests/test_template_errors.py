"""One way to report a template mistake, in Word and in Excel: template, paragraph or cell, and the problem.

Never "unexpected problem … This is a bug in hso-xl" for a mistake in a template.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from hso_xl.cli import main

from .conftest import SAMPLE

MISTAKES = [
    ("{{ kommuner|svsort('finns_inte') }}", "svsort('finns_inte'): the items have no 'finns_inte' to sort by"),
    ("{{ kommuner[99].namn }}", "unknown variable"),
    ("{{ ar['inget år'] }}", "unknown variable"),
    ("{{ kommun.totalt|kr(decimals='två') }}", "could not be rendered"),
    ("{{ 1 / 0 }}", "division by zero"),
]


def word(folder: Path, text: str) -> Path:
    path = folder / "kommun" / "Prov.docx"
    path.parent.mkdir(parents=True)
    doc = Document()
    doc.add_paragraph("Rubrik")
    doc.add_paragraph(f"Text före {text} och efter")
    doc.save(path)
    return path


def excel(folder: Path, text: str) -> Path:
    path = folder / "kommun" / "Prov.xlsx"
    path.parent.mkdir(parents=True)
    wb = openpyxl.Workbook()
    wb.active.title = "Blad"
    wb.active["B2"] = text
    wb.save(path)
    return path


@pytest.mark.parametrize("make", [word, excel], ids=["word", "excel"])
@pytest.mark.parametrize("text, problem", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_template_mistake_is_one_clean_paragraph(tmp_path, make, text, problem):
    templates = tmp_path / "templates"
    template = make(templates, text)
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--templates", str(templates), "--out",
                                       str(tmp_path / "out")])
    assert result.exit_code == 2
    message = result.output.strip().splitlines()[-1]
    assert message.startswith(f"Error: {template}: ")
    assert problem in message
    assert "bug in hso-xl" not in result.output and "Traceback" not in result.output
    where = "in the paragraph \"Text före" if make is word else "Blad!B2"
    assert where in message
    assert not (tmp_path / "out").exists()


SWEDISH = [
    ("{{ kommun.namnn }}", "okänd variabel 'namnn'",
     "Rätta taggen; i docs/templates.md står alla variabler som en mall kan använda."),
    ("{{ kommuner|svsort('finns_inte') }}",
     "mallen kunde inte fyllas i: svsort('finns_inte'): posterna har inget 'finns_inte' att sortera efter",
     "Rätta taggen i {editor} och kör igen."),
    ("{{ kommun.totalt|kr }} {{ None|kr }}",
     "mallen kunde inte fyllas i: här ska det vara ett belopp, men värdet är None", "Rätta taggen i {editor} och kör igen."),
    ("{% if kommun.namn %}", "syntaxfel i en tagg (Jinja): ",
     "Kontrollera att varje {{ har sin }} och att varje {% if %} eller {% for %} har sin {% endif %} eller "
     "{% endfor %}."),
]


@pytest.mark.parametrize("make", [word, excel], ids=["word", "excel"])
@pytest.mark.parametrize("text, problem, hint", SWEDISH, ids=[m[0] for m in SWEDISH])
def test_a_template_mistake_is_explained_in_swedish(tmp_path, monkeypatch, make, text, problem, hint):
    from hso_xl.i18n import speaking

    templates = tmp_path / "templates"
    make(templates, text)
    monkeypatch.setenv("LANGUAGE", "sv")
    with speaking("sv"):
        result = CliRunner().invoke(main, ["build", str(SAMPLE), "--templates", str(templates), "--out",
                                           str(tmp_path / "out")])
    assert result.exit_code == 2
    message = result.output.strip().splitlines()[-1]
    assert problem in message and message.endswith(hint.replace("{editor}", "Word" if make is word else "Excel"))
    assert not (tmp_path / "out").exists()


def test_a_number_python_cannot_name_is_a_template_mistake(tmp_path):
    templates = tmp_path / "templates"
    template = excel(templates, "{{ 1e400 }}")
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--templates", str(templates), "--out",
                                       str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(f"Error: {template}: ")
    assert "bug in hso-xl" not in result.output
