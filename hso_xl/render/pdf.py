"""Convert documents to PDF with LibreOffice headless: one batch, a private profile, a time limit."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import OutputProblem

TIMEOUT_SECONDS = 300


def soffice() -> str:
    """Return the LibreOffice program, or raise OutputProblem saying how to install it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise OutputProblem(
        "LibreOffice is needed for --pdf but was not found",
        hint="Install it (make test does: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui) "
             "or build without --pdf",
    )


def convert_to_pdf(documents: list[Path], out_root: Path) -> list[Path]:
    """Write a PDF beside each document; return their paths. Raises OutputProblem on failure."""
    program = soffice()
    pdfs: list[Path] = []
    by_folder: dict[Path, list[Path]] = {}
    for doc in documents:
        by_folder.setdefault(doc.parent, []).append(doc)
    with tempfile.TemporaryDirectory(prefix="hso-lo-profile-") as profile:
        for folder, docs in by_folder.items():
            cmd = [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "pdf", "--outdir", str(folder), *map(str, docs)]
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                                      env={**os.environ, "HOME": profile})
            except subprocess.TimeoutExpired:
                raise OutputProblem(f"LibreOffice did not finish converting to PDF within {TIMEOUT_SECONDS} s",
                                    file=folder, hint="Close other LibreOffice windows and try again") from None
            for doc in docs:
                pdf = doc.with_suffix(".pdf")
                if proc.returncode != 0 or not pdf.exists():
                    raise OutputProblem(
                        f"LibreOffice could not convert the document to PDF ({(proc.stderr or proc.stdout).strip()[:300]})",
                        file=doc.relative_to(out_root) if doc.is_relative_to(out_root) else doc,
                        hint="Open the template in Word to check it, or build without --pdf",
                    )
                pdfs.append(pdf)
    return pdfs
