"""`hso-xl --help` and `hso-xl check` start fast: they do not import what they do not use (issue 25)."""

from __future__ import annotations

import subprocess
import sys


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
