"""Every command reads settings and computes the printed figures through one entry point.

With `[rounding] costs = "Personal"` in hso.toml, Personal absorbs 2028's rounding: 6 583 120
instead of 6 583 121. check, explain, diff, build (and so watch, which builds) must all say so.
"""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from hso_xl.cli import main

from .conftest import ROOT, SAMPLE

pytestmark = [pytest.mark.slow]

NBSP = "\u00a0"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hso.toml").write_text(f'templates = "{ROOT / "templates"}"\n[rounding]\ncosts = "Personal"\n',
                                       encoding="utf-8")
    return tmp_path


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_prints_personal_2028_as_hso_toml_rounds_it(project):
    assert "Personal: 6 428 829 (B4)  6 583 120 (C4)" in run("check", str(SAMPLE), "--map")
    assert run("explain", "budget.kostnader.Personal.ar.2028", str(SAMPLE)).splitlines()[1].startswith(
        "budget.kostnader.Personal.ar.2028 = 6 583 120")
    other = project / "other.xlsx"
    shutil.copy(SAMPLE, other)
    wb = openpyxl.load_workbook(other)
    wb["Budget"]["B7"] = 1_950_000  # Externa tjänster 2027: any change, so diff has something to say
    wb.save(other)
    figures = {f["name"]: f["old"] for f in json.loads(run("diff", str(SAMPLE), str(other), "--json"))["figures"]}
    assert "Kostnad: Personal 2028" not in figures  # the same under both
    data = json.loads(run("diff", str(other), str(SAMPLE), "--json"))
    assert {f["name"] for f in data["figures"]} >= {"Kostnad: Externa tjänster 2027"}
    run("build", str(SAMPLE), "--out", str(project / "output"))
    appendix = Document(str(project / "output" / "projekt" / "Budgetbilaga Tillväxtverket.docx"))
    cells = [c.text for t in appendix.tables for row in t.rows if row.cells[0].text == "Personal" for c in row.cells]
    assert f"6{NBSP}583{NBSP}120" in cells and f"6{NBSP}583{NBSP}121" not in cells
    run("templates", "--check", "--workbook", str(SAMPLE))


def test_without_the_setting_the_row_named_in_the_workbook_absorbs_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert "Personal: 6 428 829 (B4)  6 583 121 (C4)" in run("check", str(SAMPLE), "--map")
