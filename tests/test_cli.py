"""The CLI end to end: CliRunner for the details, a real subprocess as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import CliRunner

from hso_xl.cli import main

from .conftest import ROOT, SAMPLE, sha256


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hso_xl", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_check_sample_subprocess():
    before = sha256(SAMPLE)
    proc = run("check", str(SAMPLE))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Recomputed 91 formulas with IronCalc" in out
    assert "Summa projektkostnad       14 179 668    13 001 909    13 014 680     40 196 257" in out
    assert "Summa bokförd kostnad      13 279 868    12 102 109    12 114 880     37 496 857" in out
    assert "Ånge kommun              454 407 / 454 407 / 454 407  total 1 363 221" in out
    assert "Sundsvalls kommun        661 270 / 661 270 / 661 270  total 1 983 810" in out
    assert "Result: OK" in out
    assert sha256(SAMPLE) == before


def test_check_municipalities_in_swedish_order():
    out = CliRunner().invoke(main, ["check", str(SAMPLE)]).output
    names = ["Härnösands", "Kramfors", "Sollefteå", "Sundsvalls", "Timrå", "Ånge", "Örnsköldsviks"]
    positions = [out.index(f"  {n} kommun") for n in names]
    assert positions == sorted(positions)


def test_check_json():
    result = CliRunner().invoke(main, ["check", str(SAMPLE), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["exit_code"] == 0
    assert data["years"] == [2027, 2028, 2029]
    assert data["totals"]["project_cost"]["printed"] == {"2027": 14179668, "2028": 13001909, "2029": 13014680,
                                                         "total": 40196257}
    assert data["totals"]["booked_cost"]["exact"]["2028"] == "12102109.3936"
    ange = next(m for m in data["municipalities"] if m["name"] == "Ånge kommun")
    assert ange["per_year"] == {"2027": 454407, "2028": 454407, "2029": 454407} and ange["total"] == 1363221
    assert ange["cells"] == ["Finansiering!D9", "Finansiering!E9", "Finansiering!F9"]
    assert data["eu_support"]["financiers"] == ["Tillväxtverket"]
    assert data["counts"]["error"] == 0


def test_check_without_argument_takes_newest_workbook(tmp_path):
    inbox = tmp_path / "input"
    inbox.mkdir()
    old = inbox / "gammal.xlsx"
    new = inbox / "ny.xlsx"
    shutil.copy(SAMPLE, old)
    shutil.copy(SAMPLE, new)
    lock = inbox / "~$ny.xlsx"
    lock.write_bytes(b"lock")
    now = time.time()
    os.utime(old, (now - 100, now - 100))
    os.utime(new, (now - 50, now - 50))
    os.utime(lock, (now, now))
    proc = run("check", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Workbook: input/ny.xlsx (the newest workbook in input/)" in proc.stdout


def test_check_without_workbook_in_input(tmp_path):
    (tmp_path / "input").mkdir()
    proc = run("check", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: input: no workbook (.xlsx, .xlsm or .ods) was found in the input folder.")
    assert "Traceback" not in proc.stderr


def test_check_exit_1_on_error_findings(sample):
    wb = openpyxl.load_workbook(sample)
    wb["Budget"]["C7"] = -5000
    wb.save(sample)
    result = CliRunner().invoke(main, ["check", str(sample)])
    assert result.exit_code == 1
    assert "error: Budget!C7: 'Externa tjänster' 2028 is negative" in result.output
    assert "Result: errors found" in result.output


def all_commands() -> list[str]:
    return sorted(main.commands)


@pytest.mark.parametrize("command", all_commands())
def test_every_command_has_help_and_is_in_readme(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert len(main.commands[command].help or "") > 40
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"hso-xl {command}" in readme


def test_main_help_lists_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in all_commands():
        assert command in result.output
    assert isinstance(main, click.Group)


def default_language(monkeypatch) -> None:
    """The environment of a user who has named no language: hso-xl's own default applies."""
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(key, raising=False)


def test_readme_shows_what_check_prints(monkeypatch):
    default_language(monkeypatch)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("input/HSO_finansiering_2027-2029.xlsx` prints:\n\n```\n", 1)[1].split("```", 1)[0]
    proc = run("check", "input/HSO_finansiering_2027-2029.xlsx")
    assert proc.stdout == block

@pytest.mark.slow

def test_readme_shows_what_make_run_prints(tmp_path, monkeypatch):
    default_language(monkeypatch)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("`make run` prints:\n\n```\n", 1)[1].split("```", 1)[0]
    shutil.copytree(ROOT / "input", tmp_path / "input")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    proc = run("build", cwd=tmp_path)  # what make run runs: the newest workbook in input/
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == block
