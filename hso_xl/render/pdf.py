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


def pdf_name(doc: Path, documents: list[Path]) -> Path:
    """Return the PDF's path beside `doc`; 'X (xlsx).pdf' when a 'X.docx' would take 'X.pdf' too."""
    twins = [d for d in documents if d != doc and d.parent == doc.parent and d.stem == doc.stem]
    if twins and doc.suffix.lower() != ".docx":
        return doc.with_name(f"{doc.stem} ({doc.suffix.lstrip('.').lower()}).pdf")
    return doc.with_suffix(".pdf")


def _offline_copies(docs: list[Path], folder: Path) -> list[Path]:
    """Copies for LibreOffice to convert, with links to outside resources cut: LibreOffice would
    fetch a linked picture while converting, and hso-xl never fetches anything (render/links.py)."""
    from .links import external_links, without_external_links

    folder.mkdir()
    copies = []
    for doc in docs:
        data = doc.read_bytes()
        copy = folder / doc.name
        copy.write_bytes(without_external_links(data) if external_links(data) else data)
        copies.append(copy)
    return copies


def convert_to_pdf(documents: list[Path], out_root: Path) -> list[Path]:
    """Write a PDF beside each document; return their paths. Raises OutputProblem on failure."""
    program = soffice()
    pdfs: list[Path] = []
    # One batch per kind of document, each into its own folder, so equal names cannot collide.
    batches: dict[tuple[str, Path], list[Path]] = {}
    for doc in documents:
        batches.setdefault((doc.suffix.lower(), doc.parent), []).append(doc)
    with tempfile.TemporaryDirectory(prefix="hso-lo-profile-") as profile:
        for docs in batches.values():
            folder = Path(tempfile.mkdtemp(prefix="pdf-", dir=profile))
            copies = _offline_copies(docs, folder / "in")
            cmd = [program, f"-env:UserInstallation={Path(profile).as_uri()}/user", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "pdf", "--outdir", str(folder), *map(str, copies)]
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                                      env={**os.environ, "HOME": profile})
            except subprocess.TimeoutExpired:
                raise OutputProblem(f"LibreOffice did not finish converting to PDF within {TIMEOUT_SECONDS} s",
                                    file=docs[0].parent, hint="Close other LibreOffice windows and try again") from None
            for doc in docs:
                made = folder / f"{doc.stem}.pdf"
                if proc.returncode != 0 or not made.exists():
                    raise OutputProblem(
                        f"LibreOffice could not convert the document to PDF ({(proc.stderr or proc.stdout).strip()[:300]})",
                        file=doc.relative_to(out_root) if doc.is_relative_to(out_root) else doc,
                        hint="Open the template in Word to check it, or build without --pdf",
                    )
                pdf = pdf_name(doc, documents)
                shutil.move(str(made), pdf)
                pdfs.append(pdf)
    return pdfs
