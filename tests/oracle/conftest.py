"""Fixtures of the oracle tests: LibreOffice headless, and workbooks saved by Microsoft Excel.

Neither ever skips. A machine without soffice, or without access to PyPI for the Excel files,
fails these tests with a message that says what is missing: CI must not pass without its oracles.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

import pytest

from ..helpers import libreoffice
from ..helpers.excel_files import ExcelFilesUnavailable, excel_saved_files

ROOT = Path(__file__).resolve().parents[2]
EXCEL_CACHE = ROOT / ".cache" / "excel-fixtures"  # gitignored; filled once by the first run


@pytest.fixture(scope="session")
def soffice() -> str:
    """The soffice executable; fails (never skips) when LibreOffice is not installed."""
    try:
        return libreoffice.soffice_path()
    except libreoffice.LibreOfficeMissing as exc:
        message = str(exc)
    pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def libreoffice_values(soffice) -> Callable[..., dict[Path, libreoffice.CellValues]]:
    """recalc(paths, out_dir=None) -> {resolved path: {(sheet, cell): value}}, one soffice run per call."""

    def recalc(paths: Iterable[Path], out_dir: Path | None = None) -> dict[Path, libreoffice.CellValues]:
        try:
            return libreoffice.recalculated_values(paths, out_dir=out_dir)
        except libreoffice.LibreOfficeError as exc:
            message = f"LibreOffice could not recalculate the oracle workbooks: {exc}"
        pytest.fail(message, pytrace=False)

    return recalc


@pytest.fixture(scope="session")
def excel_files() -> Path:
    """The folder of the extracted xlcalculator sdist, whose test workbooks were saved by Excel."""
    try:
        return excel_saved_files(EXCEL_CACHE)
    except ExcelFilesUnavailable as exc:
        message = str(exc)
    pytest.fail(message, pytrace=False)
