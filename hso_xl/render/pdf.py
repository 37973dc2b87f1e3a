"""Convert documents to PDF with LibreOffice headless: one batch, a private profile, a time limit."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import OutputProblem

TIMEOUT_SECONDS = 600
DOCUMENTS_PER_LIBREOFFICE = 4  # fewer per process, and a second LibreOffice's start-up costs more than it saves


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


def _offline_copy(doc: Path, copy: Path) -> None:
    """Copy for LibreOffice to convert, with links to outside resources cut: LibreOffice would
    fetch a linked picture while converting, and hso-xl never fetches anything (render/links.py)."""
    from .links import without_external_links

    copy.write_bytes(without_external_links(doc.read_bytes()))


def convert_to_pdf(documents: list[Path], out_root: Path) -> list[Path]:
    """Write a PDF beside each document; return their paths. Raises OutputProblem on failure.

    The documents are converted from numbered copies (so equal names in different folders, or
    'X.docx' beside 'X.xlsx', cannot collide), split over one LibreOffice per core, each with its
    own private profile: one LibreOffice converts one document at a time.
    """
    program = soffice()
    with tempfile.TemporaryDirectory(prefix="hso-pdf-") as work:
        work_dir = Path(work)
        (work_dir / "in").mkdir()
        copies = []
        for number, doc in enumerate(documents):
            copy = work_dir / "in" / f"{number:05d}{doc.suffix.lower()}"
            _offline_copy(doc, copy)
            copies.append(copy)
        made = _convert(program, copies, work_dir / "first")
        missing = [copy for copy in copies if not made[copy][0].exists()]
        if missing:  # in a batch of hundreds, LibreOffice now and then drops one; a fresh one converts it
            made.update(_convert(program, missing, work_dir / "again"))
        pdfs = []
        for doc, copy in zip(documents, copies):
            pdf_made, output = made[copy]
            if not pdf_made.exists():
                raise OutputProblem(
                    f"LibreOffice could not convert the document to PDF ({output.strip()[:300]})",
                    file=doc.relative_to(out_root) if doc.is_relative_to(out_root) else doc,
                    hint="Open the template in Word to check it, or build without --pdf",
                )
            pdf = pdf_name(doc, documents)
            shutil.move(str(pdf_made), pdf)
            pdfs.append(pdf)
    return pdfs


def _convert(program: str, copies: list[Path], folder: Path) -> dict[Path, tuple[Path, str]]:
    """Convert `copies` on one LibreOffice per core; return copy -> (where its PDF is, LibreOffice's output)."""
    from concurrent.futures import ThreadPoolExecutor

    from ..parallel import worker_count

    workers = worker_count(len(copies), per_worker=DOCUMENTS_PER_LIBREOFFICE)
    chunks = [copies[k::workers] for k in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        runs = list(pool.map(lambda k: _run_libreoffice(program, chunks[k], folder / f"lo{k}"), range(workers)))
    return {copy: (out / f"{copy.stem}.pdf", output) for out, chunk, output in runs for copy in chunk}


def _run_libreoffice(program: str, copies: list[Path], folder: Path) -> tuple[Path, list[Path], str]:
    """Convert `copies` into `folder/out` with a LibreOffice of its own; return (out, copies, its output)."""
    out = folder / "out"
    out.mkdir(parents=True)
    cmd = [program, f"-env:UserInstallation={folder.as_uri()}/user", "--headless", "--norestore",
           "--nolockcheck", "--convert-to", "pdf", "--outdir", str(out), *map(str, copies)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                              env={**os.environ, "HOME": str(folder)})
    except subprocess.TimeoutExpired:
        raise OutputProblem(f"LibreOffice did not finish converting to PDF within {TIMEOUT_SECONDS} s",
                            hint="Close other LibreOffice windows and try again") from None
    return out, copies, proc.stderr or proc.stdout
