"""LibreOffice headless as an independent oracle: recalculate .xlsx files and read back every value;
and as an administrator's editor: re-save a template as LibreOffice writes it (`resave`).

LibreOffice does not recalculate an .xlsx on load by default: it shows the values cached in the
file. `recalculate` therefore runs soffice with a private, throw-away user profile whose
registrymodifications.xcu sets Calc's "Recalculation on file load" for Excel 2007+ (and ODF) files
to 0 = always, converts the files to fresh .xlsx copies, and `read_values` reads the values
LibreOffice computed from those copies with openpyxl (data_only=True).

Several files go through one soffice process: starting it costs a second or two.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable

import openpyxl

from hso_xl.workbook.book import ExcelError, Value

DEFAULT_TIMEOUT = 120  # seconds for one soffice run, however many files it converts

# OOXMLRecalcMode / ODFRecalcMode: 0 = always recalculate, 1 = never (LibreOffice's default for
# .xlsx), 2 = ask. Without this, a converted copy simply carries the input's cached values.
RECALC_ALWAYS_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

INSTALL_HINT = (
    "LibreOffice headless (`soffice`) is required by the oracle tests and was not found on PATH. "
    "Install it with `make libreoffice` (Debian: apt-get install libreoffice-calc-nogui); "
    "`make test` does this on a fresh machine. These tests never skip: CI must not pass without the oracle."
)


class LibreOfficeError(RuntimeError):
    """soffice failed, timed out, or did not write an expected file."""


class LibreOfficeMissing(LibreOfficeError):
    """soffice is not installed."""


def soffice_path() -> str:
    """Return the soffice executable, or raise LibreOfficeMissing with how to install it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise LibreOfficeMissing(INSTALL_HINT)


def recalculate(paths: Iterable[Path], out_dir: Path, *, timeout: float = DEFAULT_TIMEOUT) -> dict[Path, Path]:
    """Recalculate `paths` with LibreOffice in one soffice run; return input -> recalculated .xlsx in `out_dir`.

    LibreOffice names each output after its input's stem, so the stems must be distinct.
    """
    return convert(paths, out_dir, "xlsx:Calc Office Open XML", ".xlsx", RECALC_ALWAYS_XCU, timeout=timeout)


# What an administrator's editor does on File > Save: LibreOffice's own writer of each format.
SAVE_FILTERS = {".docx": "docx:MS Word 2007 XML", ".xlsx": "xlsx:Calc Office Open XML"}


def resave(paths: Iterable[Path], out_dir: Path, *, timeout: float = DEFAULT_TIMEOUT) -> dict[Path, Path]:
    """Open each of `paths` in LibreOffice with its default settings and save it again in its own
    format (one soffice run per format); return input -> the re-saved file in `out_dir`."""
    paths = [Path(p).resolve() for p in paths]
    out: dict[Path, Path] = {}
    for suffix, convert_to in SAVE_FILTERS.items():
        chosen = [p for p in paths if p.suffix.lower() == suffix]
        out.update(convert(chosen, out_dir, convert_to, suffix, None, timeout=timeout))
    unknown = [p for p in paths if p not in out]
    if unknown:
        raise ValueError(f"resave knows .docx and .xlsx only: {unknown}")
    return out


def convert(paths: Iterable[Path], out_dir: Path, convert_to: str, suffix: str, settings_xcu: str | None,
            *, timeout: float = DEFAULT_TIMEOUT) -> dict[Path, Path]:
    """Convert `paths` in one soffice run with a private, throw-away profile (holding `settings_xcu`,
    if given); return input -> output in `out_dir`, named after the input's stem with `suffix`."""
    paths = [Path(p).resolve() for p in paths]
    out_dir = Path(out_dir).resolve()
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise ValueError(f"files to convert need distinct names (stems): {stems}")
    outputs = {p: out_dir / f"{p.stem}{suffix}" for p in paths}
    clash = [p for p, out in outputs.items() if out == p]
    if clash:
        raise ValueError(f"out_dir must not hold the inputs themselves: {clash}")
    if not paths:
        return {}
    soffice = soffice_path()
    out_dir.mkdir(parents=True, exist_ok=True)
    for out in outputs.values():
        out.unlink(missing_ok=True)

    with tempfile.TemporaryDirectory(prefix="hso-lo-profile-") as profile:
        profile_dir = Path(profile)
        (profile_dir / "user").mkdir()
        if settings_xcu is not None:
            (profile_dir / "user" / "registrymodifications.xcu").write_text(settings_xcu, encoding="utf-8")
        cmd = [
            soffice,
            f"-env:UserInstallation={profile_dir.as_uri()}",
            "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", convert_to,
            "--outdir", str(out_dir),
            *map(str, paths),
        ]
        env = dict(os.environ, HOME=str(profile_dir))  # nothing of the user's own profile is touched
        # A new session (process group), so a hung soffice and the soffice.bin it started can be killed.
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env, start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise LibreOfficeError(f"soffice did not finish within {timeout} s converting {len(paths)} file(s)") from None
    missing = [str(p) for p, out in outputs.items() if not out.is_file()]
    if proc.returncode != 0 or missing:
        raise LibreOfficeError(
            f"soffice exited {proc.returncode}; not converted: {missing or 'none'}\n"
            f"command: {' '.join(cmd)}\nstdout: {stdout.strip()}\nstderr: {stderr.strip()}"
        )
    return outputs


CellValues = dict[tuple[str, str], Value]  # (sheet name, "B7") -> value


def read_values(path: Path) -> CellValues:
    """Return every non-empty cell's value as stored in `path` (for formulas: the cached result).

    Error values come back as hso_xl's ExcelError, so they compare with `same_value` like ours do.
    """
    book = openpyxl.load_workbook(path, data_only=True)
    try:
        values: CellValues = {}
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is None:
                        continue
                    value = cell.value
                    if cell.data_type == "e" and isinstance(value, str):
                        value = ExcelError(value)
                    values[(ws.title, cell.coordinate)] = value
        return values
    finally:
        book.close()


def recalculated_values(paths: Iterable[Path], *, timeout: float = DEFAULT_TIMEOUT,
                        out_dir: Path | None = None) -> dict[Path, CellValues]:
    """Recalculate `paths` with LibreOffice (one soffice run) and return input -> its recomputed values.

    The keys are the resolved input paths. With `out_dir`, the recalculated copies are kept there.
    """
    paths = [Path(p).resolve() for p in paths]
    if out_dir is not None:
        outputs = recalculate(paths, out_dir, timeout=timeout)
        return {p: read_values(outputs[p]) for p in paths}
    with tempfile.TemporaryDirectory(prefix="hso-lo-out-") as tmp:
        outputs = recalculate(paths, Path(tmp), timeout=timeout)
        return {p: read_values(outputs[p]) for p in paths}
