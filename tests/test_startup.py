"""`hso-xl --help` and `hso-xl check` start fast: they do not import what they do not use (issue 25)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def loaded_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_help_loads_neither_openpyxl_nor_the_word_stack():
    loaded = loaded_after("import hso_xl.cli")
    assert not loaded & {"numpy", "openpyxl", "docx", "jinja2", "matplotlib", "lxml.etree", "ironcalc"}


def test_the_check_stack_loads_neither_openpyxl_nor_numpy():
    # reading a workbook uses hso_xl's copies of openpyxl's cell-name and date helpers (workbook/cellnames.py)
    loaded = loaded_after("import hso_xl.model.checked, hso_xl.workbook.recalc")
    assert not loaded & {"openpyxl", "numpy", "matplotlib", "PIL"}


def test_numpy_still_loads_for_those_that_use_it():
    # matplotlib (charts) imports numpy after openpyxl: that import is an ordinary one
    loaded = loaded_after("import hso_xl, openpyxl, numpy; assert numpy.float64(1.5) + 1 == 2.5;"
                          " assert not openpyxl.NUMPY")
    assert "numpy" in loaded


CHECK = """
import atexit, sys
atexit.register(lambda: open(sys.argv[1], "w").write(" ".join(sorted(sys.modules))))
from hso_xl.cli import main
main(["check", "input/HSO_finansiering_2027-2029.xlsx"])
"""
ROOT = Path(__file__).resolve().parents[1]


def _check_loads(tmp_path, name: str) -> tuple[set[str], str]:
    """The modules `hso-xl check` on the sample imported, and what it printed (templates inspected once before)."""
    dump = tmp_path / name
    done = subprocess.run([sys.executable, "-c", CHECK, str(dump)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "HSO_XL_CACHE": str(tmp_path / "cache"), "LANGUAGE": "en"})
    assert done.returncode in (0, 1), done.stderr
    return set(dump.read_text().split()), done.stdout


@pytest.mark.slow
def test_check_loads_neither_the_word_stack_nor_numpy(tmp_path):
    first, printed = _check_loads(tmp_path, "first")
    assert not first & {"numpy", "matplotlib"}  # the first reads the templates with python-docx (PIL with it)
    again, printed_again = _check_loads(tmp_path, "again")  # the templates' texts kept since the first
    assert printed_again == printed and "Result" in printed
    assert not again & {"numpy", "matplotlib", "openpyxl", "PIL", "docx", "docxtpl", "hso_xl.build", "hso_xl.build_render",
                        "hso_xl.changes", "hso_xl.render.environment", "xml.sax.saxutils", "urllib.request"}


RECALC = """
import atexit, sys
atexit.register(lambda: open(sys.argv[1], "w").write(" ".join(sorted(sys.modules))))
from hso_xl.cli import main
main(["recalc", "input/HSO_finansiering_2027-2029.xlsx", "-o", sys.argv[2]])
"""


def test_recalc_of_a_plain_workbook_loads_no_lxml_tables_settings_or_libreoffice(tmp_path):
    """lxml is for sheets read as trees and parts rewritten; tables.py for a workbook with tables; settings for a
    project with an hso.toml (there is none here); LibreOffice for an .ods; findings and decimal for --json; hashlib (OpenSSL) for a manifest or a document."""
    dump, out = tmp_path / "modules", tmp_path / "out.xlsx"
    done = subprocess.run([sys.executable, "-c", RECALC, str(dump), str(out)], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "LANGUAGE": "en"})
    assert done.returncode == 0, done.stderr
    assert "Recomputed 91 formulas" in done.stdout and out.is_file()
    loaded = set(dump.read_text().split())
    assert "ironcalc" in loaded and "hso_xl.workbook.sheet_rows" in loaded  # (what it does use)
    assert not loaded & {"lxml", "lxml.etree", "hso_xl.workbook.tables", "hso_xl.settings", "hso_xl.libreoffice",
                         "hso_xl.workbook.ods", "openpyxl", "numpy", "hso_xl.findings", "decimal", "json", "hashlib"}
