"""Convert documents to PDF with LibreOffice headless: PDF/A-2b, tagged, Swedish, the same bytes every build.

Every LibreOffice runs with a private profile that sets the Swedish locale (so Calc prints
`6 428 829` and `40,00 %`, and the document language is sv-SE) and converts with the PDF
filter's options for archives and accessibility (`EXPORT_OPTIONS`): PDF/A-2b, tagged, fonts
embedded, bookmarks from the headings. LibreOffice structures Writer documents (headings, lists,
tables with header cells) well enough for PDF/UA; Calc's export holds paragraphs only, so a PDF
made from an Excel document does not claim PDF/UA (render/pdf_stamp.py takes the claim out).
Finally each PDF gets the document's own date and an ID made from its content instead of
LibreOffice's clock and random numbers, so two builds of the same input give the same PDF bytes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .. import scratch
from .. import libreoffice
from ..errors import OutputProblem
from ..i18n import _

TIMEOUT_SECONDS = 600
DOCUMENTS_PER_LIBREOFFICE = 4  # fewer per process, and a second LibreOffice's start-up costs more than it saves
LOCALE = "sv-SE"

# LibreOffice's PDF export filter options (filter/source/pdf/pdfexport.cxx): PDF/A-2b, tagged, PDF/UA
# checks, bookmarks from headings, every font embedded (PDF/A requires it; so do the standard 14);
# pictures kept lossless at their own resolution, so a chart's figures stay sharp (JPEG blurs text).
EXPORT_OPTIONS = {
    "SelectPdfVersion": ("long", 2),
    "UseTaggedPDF": ("boolean", True),
    "PDFUACompliance": ("boolean", True),
    "ExportBookmarks": ("boolean", True),
    "EmbedStandardFonts": ("boolean", True),
    "ExportNotes": ("boolean", False),
    "ExportFormFields": ("boolean", False),
    "UseLosslessCompression": ("boolean", True),
    "ReduceImageResolution": ("boolean", False),
}
PLAIN = "plain"  # HSO_XL_PDF_EXPORT=plain: LibreOffice's defaults, as before PDF/A (bench/run.py compares)

# Beside the safe settings every private profile has (hso_xl/libreoffice.py: macros off, links never
# updated): the Swedish locale for number formats and the default document language.
SWEDISH = f"""<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{LOCALE}</value></prop></item>
<item oor:path="/org.openoffice.Office.Linguistic/General"><prop oor:name="DefaultLocale" oor:op="fuse"><value>{LOCALE}</value></prop></item>"""


def soffice() -> str:
    """Return the LibreOffice program, or raise OutputProblem saying how to install it."""
    found = libreoffice.program()
    if found:
        return found
    raise OutputProblem(
        _("LibreOffice is needed for --pdf but was not found"),
        hint=_("{install}; or build without --pdf", install=libreoffice.install_hint()),
    )


def export_mode() -> str:
    """Return 'archive' (PDF/A, tagged, Swedish, deterministic) or 'plain' (bench comparison only)."""
    return PLAIN if os.environ.get("HSO_XL_PDF_EXPORT", "").strip().lower() == PLAIN else "archive"


def convert_spec(mode: str) -> str:
    """Return the --convert-to argument: the PDF filter with its options as JSON (LibreOffice 7.4+)."""
    if mode == PLAIN:
        return "pdf"
    options = {name: {"type": kind, "value": str(value).lower() if kind == "boolean" else str(value)}
               for name, (kind, value) in EXPORT_OPTIONS.items()}
    return "pdf:writer_pdf_Export:" + json.dumps(options, separators=(",", ":"))


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
    own private profile: one LibreOffice converts one document at a time. The PDFs are then
    stamped (render/pdf_stamp.py) on every core.
    """
    from ..parallel import map_ordered, worker_count

    program = soffice()
    mode = export_mode()
    with tempfile.TemporaryDirectory(prefix=scratch.prefix("pdf")) as work:
        work_dir = Path(work)
        (work_dir / "in").mkdir()
        copies = []
        for number, doc in enumerate(documents):
            copy = work_dir / "in" / f"{number:05d}{doc.suffix.lower()}"
            _offline_copy(doc, copy)
            copies.append(copy)
        made = _convert(program, copies, work_dir / "first", mode)
        missing = [copy for copy in copies if not made[copy][0].exists()]
        if missing:  # in a batch of hundreds, LibreOffice now and then drops one; a fresh one converts it
            made.update(_convert(program, missing, work_dir / "again", mode))
        jobs = []
        for doc, copy in zip(documents, copies):
            pdf_made, output = made[copy]
            where = doc.relative_to(out_root) if doc.is_relative_to(out_root) else doc
            if not pdf_made.exists():
                raise OutputProblem(
                    _("LibreOffice could not convert the document to PDF ({output})", output=output.strip()[:300]),
                    file=where, hint=_("Open the template in Word to check it, or build without --pdf"),
                )
            jobs.append((doc, pdf_made, pdf_name(doc, documents), where))
        if mode == PLAIN:
            for _doc, pdf_made, pdf, _where in jobs:
                shutil.move(str(pdf_made), pdf)
        else:
            map_ordered(_stamp, jobs, workers=worker_count(len(jobs), per_worker=DOCUMENTS_PER_LIBREOFFICE))
    return [pdf for _doc, _made, pdf, _where in jobs]


def _stamp(job: tuple[Path, Path, Path, Path]) -> None:
    """Write the stamped PDF of one document (render/pdf_stamp.py); PDF/UA claimed for Word documents only."""
    from .pdf_stamp import stamp

    doc, pdf_made, pdf, where = job
    pdf.write_bytes(stamp(pdf_made.read_bytes(), doc.read_bytes(), claim_ua=doc.suffix.lower() == ".docx",
                          file=where))


def _convert(program: str, copies: list[Path], folder: Path, mode: str = "archive") -> dict[Path, tuple[Path, str]]:
    """Convert `copies` on one LibreOffice per core; return copy -> (where its PDF is, LibreOffice's output)."""
    from concurrent.futures import ThreadPoolExecutor

    from ..parallel import worker_count

    workers = worker_count(len(copies), per_worker=DOCUMENTS_PER_LIBREOFFICE)
    chunks = [copies[k::workers] for k in range(workers)]
    for k in range(workers):
        _profile(folder / f"lo{k}", mode)
    with ThreadPoolExecutor(workers) as pool:
        runs = list(pool.map(lambda k: _run_libreoffice(program, chunks[k], folder / f"lo{k}"), range(workers)))
    return {copy: (out / f"{copy.stem}.pdf", output) for out, chunk, output in runs for copy in chunk}


def _profile(folder: Path, mode: str) -> None:
    """Write the private profile (Swedish unless `mode` is the bench's plain one) and the --convert-to argument."""
    libreoffice.write_profile(folder / "user", extra="" if mode == PLAIN else SWEDISH)
    (folder / "convert-to").write_text(convert_spec(mode), encoding="utf-8")


def _run_libreoffice(program: str, copies: list[Path], folder: Path) -> tuple[Path, list[Path], str]:
    """Convert `copies` into `folder/out` with a LibreOffice of its own; return (out, copies, its output)."""
    out = folder / "out"
    spec_file = folder / "convert-to"
    spec = spec_file.read_text(encoding="utf-8") if spec_file.exists() else convert_spec(export_mode())
    if not (folder / "user").is_dir():
        libreoffice.write_profile(folder / "user", extra=SWEDISH)
    try:
        output = libreoffice.convert(program, copies, spec, out, folder / "user", timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise OutputProblem(_("LibreOffice did not finish converting to PDF within {seconds} s",
                              seconds=TIMEOUT_SECONDS),
                            hint=_("Close other LibreOffice windows and try again")) from None
    return out, copies, output
