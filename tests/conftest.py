"""Shared fixtures: the shipped sample workbook and a way to build variants of it."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from hso_xl.sample import SampleSpec, build_sample

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "input" / "HSO_finansiering_2027-2029.xlsx"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A private copy of the shipped sample workbook."""
    copy = tmp_path / SAMPLE.name
    shutil.copy2(SAMPLE, copy)
    return copy


@pytest.fixture
def make_workbook(tmp_path: Path):
    """Build a sample variant: make_workbook(years=4, ...) -> path."""
    counter = iter(range(1000))

    def build(name: str | None = None, **changes) -> Path:
        path = tmp_path / (name or f"variant-{next(counter)}.xlsx")
        return build_sample(path, SampleSpec().with_(**changes))

    return build


@pytest.fixture(scope="session")
def sample_pdf_build(tmp_path_factory) -> Path:
    """The output folder of `hso-xl build --pdf` of the shipped sample: made once for the whole run. Read it only.

    Several files check its PDFs (layout, PDF/A, LibreOffice opening every document). Under pytest-xdist
    the first worker to ask builds it into the run's shared temporary folder; the others wait and reuse it.
    """
    from click.testing import CliRunner

    from hso_xl.cli import main

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out, done = shared / "sample-pdf-build" / "output", shared / "sample-pdf-build.done"
    with open(shared / "sample-pdf-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(out.parent, ignore_errors=True)  # a worker that failed midway
            result = CliRunner().invoke(main, ["build", str(SAMPLE), "--templates", str(ROOT / "templates"),
                                               "--out", str(out), "--pdf"])
            assert result.exit_code == 0, result.output
            done.touch()
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


_OWN_CACHE: list[Path] = []


def pytest_configure(config):
    """hso-xl's cache (chart pictures, compiled templates) lives in a folder of this run, not the user's home.

    Made once by the process that starts the run; pytest-xdist's workers and every hso-xl a test starts inherit
    it, so the run's builds still share it (its writes are whole files renamed into place). A test of the cache
    itself sets HSO_XL_CACHE on its own.
    """
    if "HSO_XL_CACHE" not in os.environ:
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="hso-xl-test-cache-"))
        _OWN_CACHE.append(folder)
        os.environ["HSO_XL_CACHE"] = str(folder)


def pytest_unconfigure(config):
    for folder in _OWN_CACHE:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop("HSO_XL_CACHE", None)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite the golden files in tests/golden/ from the current output (then review the diff).")


LIBREOFFICE_PROGRAMS = {"soffice", "libreoffice"}


@pytest.fixture(autouse=True)
def _libreoffice_only_when_marked(request, monkeypatch):
    """A test that starts LibreOffice must be marked `libreoffice`, so `make test-fast` can leave it out.

    Without the marker, looking LibreOffice up fails the test with a message saying so.
    """
    if request.node.get_closest_marker("libreoffice") is not None:
        return
    real_which = shutil.which

    def which(name, *args, **kwargs):
        if Path(str(name)).name in LIBREOFFICE_PROGRAMS:
            pytest.fail("this test starts LibreOffice: mark it @pytest.mark.libreoffice", pytrace=False)
        return real_which(name, *args, **kwargs)

    monkeypatch.setattr(shutil, "which", which)


@pytest.fixture(autouse=True)
def _english_unless_a_test_asks(monkeypatch):
    """Tests read messages in English (the language the code is written in); tests of Swedish ask for it.

    hso-xl speaks Swedish by default; LANGUAGE=en reaches the commands a test runs in-process and the
    processes it starts.
    """
    from hso_xl.i18n import speaking

    monkeypatch.setenv("LANGUAGE", "en")
    with speaking("en"):
        yield
