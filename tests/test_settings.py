"""hso.toml: optional settings beside input/, with a clear error for an unknown key."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hso_xl.errors import SettingsError
from hso_xl.settings import load_settings

from .conftest import ROOT, SAMPLE


def test_defaults_without_file(tmp_path):
    settings = load_settings(tmp_path)
    assert settings.output == tmp_path / "output" and settings.keep_archives == 10 and not settings.strict
    assert (settings.input, settings.templates) == (tmp_path / "input", tmp_path / "templates")
    assert load_settings(Path(".")).output == Path("output")  # the working folder: paths print as before


def test_values_are_read_relative_to_the_file(tmp_path):
    (tmp_path / "hso.toml").write_text('output = "dokument"\nkeep_archives = 3\n[rounding]\ncosts = "Personal"\n',
                                       encoding="utf-8")
    settings = load_settings(tmp_path)
    assert settings.output == tmp_path / "dokument"
    assert settings.keep_archives == 3 and settings.rounding_costs == "Personal"


@pytest.mark.parametrize("text, says", [
    ("outptu = 'x'\n", "unknown setting 'outptu'"),
    ("[rounding]\ncost = 'OH'\n", "unknown setting 'rounding.cost'"),
    ("keep_archives = 'ten'\n", "'keep_archives' should be int"),
    ("output = \n", "not valid TOML"),
])
def test_bad_settings(tmp_path, text, says):
    (tmp_path / "hso.toml").write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings(tmp_path)
    assert says in err.value.paragraph() and "hso.toml" in err.value.paragraph()


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hso_xl", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "input").mkdir()
    shutil.copy(SAMPLE, tmp_path / "input" / SAMPLE.name)
    shutil.copytree(ROOT / "templates", tmp_path / "mallar")
    return tmp_path


def test_build_uses_settings(project):
    (project / "hso.toml").write_text('output = "dokument"\ntemplates = "mallar"\n', encoding="utf-8")
    proc = run(project, "build", "--only", "Ånge kommun – Beslutsunderlag")
    assert proc.returncode == 0, proc.stderr
    assert (project / "dokument" / "kommuner" / "Ånge kommun – Beslutsunderlag.docx").exists()
    assert not (project / "output").exists()


def test_unknown_key_stops_the_command(project):
    (project / "hso.toml").write_text('templats = "mallar"\n', encoding="utf-8")
    proc = run(project, "build")
    assert proc.returncode == 2
    assert "hso.toml: unknown setting 'templats'" in proc.stderr and "Traceback" not in proc.stderr


def test_rounding_row_from_settings(project):
    """Personal absorbs the 2028 rounding instead of OH when hso.toml says so."""
    from hso_xl.model.checked import check_workbook
    from hso_xl.settings import Settings

    checked = check_workbook(SAMPLE, Settings(rounding_costs="Personal"))
    assert checked.printed.costs.row("Personal").printed[1] == 6_583_120
    assert checked.printed.costs.row("OH (indirekta kostnader)").printed[1] == 1_428_102

@pytest.mark.slow

def test_strict_stops_on_warnings(project):
    from .test_recalc import stale

    stale(project / "input" / SAMPLE.name)  # a cached value that differs: a warning, not an error
    (project / "hso.toml").write_text('templates = "mallar"\n', encoding="utf-8")
    relaxed = run(project, "build", "--only", "Bilaga")
    assert relaxed.returncode == 0, relaxed.stderr
    assert "warning: Budget!B11: cached value 12345 differs" in relaxed.stdout
    (project / "hso.toml").write_text('strict = true\ntemplates = "mallar"\noutput = "strikt"\n', encoding="utf-8")
    strict = run(project, "build", "--only", "Bilaga")
    assert strict.returncode == 1
    assert "strict = true" in strict.stderr and "Budget!B11" in strict.stderr
    assert not (project / "strikt").exists()
