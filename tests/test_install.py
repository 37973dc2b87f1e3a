"""The wheel as an administrator installs it: built from the sdist, installed into a fresh venv outside the
repository, a project folder made by `hso-xl init`, then `check` and `build` there, reading as the
repository's own build does. And what the package metadata refuses at install time.

Slow (about a minute): pip installs hso-xl's dependencies into the new venv from its cache or the index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from hso_xl.build import build
from hso_xl.output.reading import reading_hash

from .conftest import ROOT, SAMPLE

pytestmark = pytest.mark.slow

SOURCE = ("setup.py", "setup.cfg", "pyproject.toml", "MANIFEST.in", "README.md")


def _run(*cmd, cwd: Path, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                            env={**os.environ, "LANG": "C.UTF-8", "LANGUAGE": "", "LC_ALL": "", **(env or {})})
    if check:
        assert result.returncode == 0, f"{cmd}: {result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The sdist and the wheel built from it, from a copy of the sources (nothing written in the repository)."""
    work = tmp_path_factory.mktemp("dist")
    source = work / "source"
    shutil.copytree(ROOT / "hso_xl", source / "hso_xl", ignore=shutil.ignore_patterns("__pycache__", "skeleton"))
    shutil.copytree(ROOT / "templates", source / "templates")
    for name in SOURCE + ("input/HSO_finansiering_2027-2029.xlsx", "input/Rapportdata_2025.xlsx"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    (source / "input" / "mitt_utkast.xlsx").write_bytes(SAMPLE.read_bytes())  # a developer's own: stays out
    _run(sys.executable, "-c", "from setuptools import build_meta as b; b.build_sdist('../out')", cwd=source)
    [sdist] = (work / "out").glob("hso*.tar.gz")
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", sdist, "-w", work / "out", cwd=work)
    return work / "out"


@pytest.fixture(scope="module")
def wheel(dist) -> Path:
    [found] = dist.glob("hso_xl-*-py3-none-any.whl")
    return found


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> Path:
    """A fresh venv outside the repository with the wheel installed; its bin (Scripts) folder."""
    folder = tmp_path_factory.mktemp("venv") / "hso"
    _run(sys.executable, "-m", "venv", folder, cwd=folder.parent)
    bin_dir = folder / ("Scripts" if os.name == "nt" else "bin")
    _run(bin_dir / "python", "-m", "pip", "install", "--quiet", wheel, cwd=folder.parent)
    return bin_dir


def test_the_wheel_carries_the_sample_project_and_the_catalogs_and_nothing_of_the_developers(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*") if p.is_file()}
    shipped |= {"input/HSO_finansiering_2027-2029.xlsx", "input/Rapportdata_2025.xlsx"}
    assert {f"hso_xl/skeleton/{name}" for name in shipped} <= names
    assert {f"hso_xl/locale/sv/{p.name}" for p in (ROOT / "hso_xl/locale/sv").glob("*.po")} <= names
    assert {"hso_xl/locale/click/sv.po", "hso_xl/model/organisations.toml", "hso_xl/project_files/hso.toml",
            "hso_xl/project_files/lasmig.md"} <= names
    assert not any("mitt_utkast" in name or name.startswith(("tests/", "input/", "templates/")) for name in names)


@pytest.fixture(scope="module")
def made(venv, tmp_path_factory) -> Path:
    """A project folder made by the installed `hso-xl init`, in a folder of its own outside the repository."""
    where = tmp_path_factory.mktemp("admin")
    made = _run(venv / "hso-xl", "init", "HSO projekt", cwd=where)
    assert "Skapade projektmappen HSO projekt" in made.stdout
    return where / "HSO projekt"


def test_installed_wheel_builds_the_documents_in_a_folder_made_by_init(venv, made, tmp_path):
    where = _run(venv / "python", "-c", "import hso_xl; print(hso_xl.__file__)", cwd=tmp_path).stdout
    assert Path(where.strip()).is_relative_to(venv.parent) and not Path(where.strip()).is_relative_to(ROOT)
    folder = made
    assert (folder / "input" / SAMPLE.name).is_file()

    check = _run(venv / "hso-xl", "check", cwd=folder)
    assert "Resultat: OK" in check.stdout and "Härnösands kommun" in check.stdout

    built = _run(venv / "hso-xl", "build", cwd=folder)
    assert "Skrev 24 dokument till output/" in built.stdout

    again = _run(venv / "hso-xl", "init", "HSO projekt", cwd=folder.parent, check=False)
    assert again.returncode == 2 and "finns redan" in again.stderr and "Traceback" not in again.stderr

    # From another folder with --project: the same project, its own input/ and output/
    elsewhere = _run(venv / "hso-xl", "--project", folder, "check", cwd=tmp_path)
    assert "Resultat: OK" in elsewhere.stdout
    assert not (tmp_path / "output").exists()

    ours = tmp_path / "repository-build"
    build(SAMPLE, ours, ROOT / "templates")
    theirs = folder / "output"
    documents = sorted(p.relative_to(ours) for p in ours.rglob("*.*x") if "arkiv" not in p.parts)
    assert len(documents) == 24
    assert sorted(p.relative_to(theirs) for p in theirs.rglob("*.*x") if "arkiv" not in p.parts) == documents
    for document in documents:
        assert reading_hash((theirs / document).read_bytes()) == reading_hash((ours / document).read_bytes()), \
            document


# hso-xl as Windows runs it, as far as Linux can: none of the POSIX-only modules Windows lacks (no fcntl, and no
# msvcrt either, so the lock is the exclusive lock file alone; no resource, so no memory bound)
WITHOUT_FCNTL = ("import sys\nfor name in ('fcntl', 'resource', 'pwd', 'grp', 'termios'): sys.modules[name] = None\n"
                 "from hso_xl.cli import main; main(prog_name='hso-xl')")


def test_installed_wheel_builds_without_fcntl(venv, made):
    blocked = _run(venv / "python", "-c", "import sys; sys.modules['fcntl'] = None; import fcntl", cwd=made,
                   check=False)
    assert blocked.returncode == 1 and "ModuleNotFoundError" in blocked.stderr  # the block works
    first = _run(venv / "python", "-c", WITHOUT_FCNTL, "build", cwd=made)
    second = _run(venv / "python", "-c", WITHOUT_FCNTL, "build", cwd=made)
    assert "Skrev 24 dokument till output/" in first.stdout and "Skrev 24 dokument till output/" in second.stdout
    assert "Traceback" not in first.stderr + second.stderr
    assert not [p for p in made.iterdir() if p.name.startswith(".output")]  # no lock or staging folder left


def test_installed_wheel_serves_the_web_page(venv, made):
    import urllib.error
    import urllib.request

    server = subprocess.Popen([venv / "hso-xl", "serve", "--no-browser"], cwd=made, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, encoding="utf-8",
                              env={**os.environ, "LANG": "C.UTF-8", "LANGUAGE": "", "LC_ALL": ""})
    try:
        line = server.stdout.readline()
        url = line[line.index("http://"):].split()[0]
        for _attempt in range(60):  # the line comes as the socket is bound, just before it listens
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    page = response.read().decode("utf-8")
                break
            except urllib.error.URLError:
                time.sleep(0.5)
        assert response.status == 200 and "HSO_finansiering_2027-2029.xlsx" in page
        with urllib.request.urlopen(url + "static/style.css", timeout=30) as response:  # package data of the web
            assert response.status == 200 and response.read()
    finally:
        server.terminate()
        server.communicate(timeout=60)  # waits, and closes the pipes


@pytest.mark.parametrize("where, says", [
    (["--python-version", "3.10"], "requires a different Python"),
    (["--python-version", "3.15"], "requires a different Python"),
    (["--platform", "win_arm64", "--python-version", "3.12"], "No matching distribution found for ironcalc==0.9.1"),
    (["--platform", "musllinux_1_2_x86_64", "--python-version", "3.12"],
     "No matching distribution found for ironcalc==0.9.1"),
])
def test_a_platform_without_ironcalc_is_refused_at_install(wheel, tmp_path, where, says):
    result = _run(sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--only-binary=:all:",
                  "--target", tmp_path / "t", *where, wheel, cwd=tmp_path, check=False)
    assert result.returncode != 0 and says in result.stderr, result.stderr
