"""Real workbooks saved by Microsoft Excel, with formulas and the values Excel cached.

They come from the source distribution of xlcalculator 0.5.0 on PyPI (MIT licence), whose tests
ship one small workbook per Excel function, saved by Excel 16 (docProps/app.xml says
"Microsoft Excel"). Nothing third-party is committed: the pinned sdist (verified by its sha256)
is downloaded with pip into the cache folder once and its .xlsx/.xlsm files are extracted there.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "xlcalculator"
VERSION = "0.5.0"
SDIST = f"{PACKAGE}-{VERSION}.tar.gz"
SDIST_SHA256 = "5ea7337c3a86b0efcc1508d96345bf417387181344428be0a745e80a1fe9d1fc"
PREFIX = f"{PACKAGE}-{VERSION}/"
DOWNLOAD_TIMEOUT = 300  # seconds


class ExcelFilesUnavailable(RuntimeError):
    """The pinned sdist could not be downloaded, verified or extracted."""


def excel_saved_files(cache: Path) -> Path:
    """Return the folder that holds the sdist's workbooks (`tests/resources/*.xlsx`, `examples/...`).

    Downloads and extracts on first use; later calls only check that the extraction is complete.
    """
    cache = Path(cache)
    root = cache / f"{PACKAGE}-{VERSION}"
    stamp = root / ".complete"
    if stamp.is_file() and stamp.read_text() == SDIST_SHA256:
        return root
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the suite's workers (pytest-xdist) fill the cache one at a time
        if stamp.is_file() and stamp.read_text() == SDIST_SHA256:
            return root
        sdist = cache / SDIST
        if not (sdist.is_file() and _sha256(sdist) == SDIST_SHA256):
            _download(cache, sdist)
        _extract(sdist, root)
        stamp.write_text(SDIST_SHA256)
    return root


def _download(cache: Path, sdist: Path) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".download-", dir=cache) as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text(f"{PACKAGE}=={VERSION} --hash=sha256:{SDIST_SHA256}\n")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "--require-hashes",
               "--disable-pip-version-check", "--quiet", "-r", str(requirements), "-d", tmp]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ExcelFilesUnavailable(
                f"downloading {SDIST} from PyPI did not finish within {DOWNLOAD_TIMEOUT} s; "
                "the Excel-saved test workbooks come from that sdist"
            ) from None
        got = Path(tmp) / SDIST
        if done.returncode != 0 or not got.is_file():
            raise ExcelFilesUnavailable(
                f"could not download {SDIST} from PyPI with pip (exit {done.returncode}); the Excel-saved test "
                f"workbooks come from that sdist. pip said:\n{(done.stderr or done.stdout).strip()[-2000:]}"
            )
        if _sha256(got) != SDIST_SHA256:
            raise ExcelFilesUnavailable(f"{SDIST} does not have the pinned sha256 {SDIST_SHA256}")
        os.replace(got, sdist)


def _extract(sdist: Path, root: Path) -> None:
    """Extract only the workbooks, each to a name checked to stay inside `root`."""
    try:
        with tarfile.open(sdist, "r:gz") as tar:
            for member in tar.getmembers():
                name = member.name
                if not (member.isfile() and name.startswith(PREFIX) and name.endswith((".xlsx", ".xlsm"))):
                    continue
                relative = Path(name[len(PREFIX):])
                if relative.is_absolute() or ".." in relative.parts:
                    continue
                target = root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                data = tar.extractfile(member).read()
                partial = target.with_name(target.name + ".part")
                partial.write_bytes(data)
                os.replace(partial, target)
    except (tarfile.TarError, OSError) as exc:
        raise ExcelFilesUnavailable(f"could not extract the workbooks from {sdist}: {exc}") from None


def saved_by(path: Path) -> str:
    """Return the <Application> of docProps/app.xml: which program last saved the workbook."""
    with zipfile.ZipFile(path) as zf:
        text = zf.read("docProps/app.xml").decode("utf-8")
    start = text.find("<Application>")
    end = text.find("</Application>")
    return text[start + len("<Application>"):end] if start >= 0 and end > start else ""


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
