"""`hso-xl build`: check the workbook, render every template, write the set atomically with a manifest.

Order: check (an error finding stops here) -> plan one job per template and subject -> render
every job in memory (so a template error writes nothing) -> write into a staging folder ->
optional PDFs -> manifest -> swap the staging folder into place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__
from .errors import HsoError, TemplateProblem
from .findings import Finding, Severity
from .output.archive import archive_previous
from .output.atomic import build_lock, staged_output, write_bytes
from .parallel import map_ordered
from .pipeline import Checked, check_workbook
from .render.context import build_context
from .render.tracking import Recorder
from .settings import Settings
from .swedish import sort_key

CHANGES_FILE = "ÄNDRINGAR.md"
TEMPLATE_KINDS = {"kommun": "kommuner", "projekt": "projekt", "finansiar": "finansiarer"}
TEMPLATE_SUFFIXES = (".docx", ".xlsx")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


class BuildStopped(HsoError):
    """The check found errors, so no document was produced."""

    exit_code = 1

    def __init__(self, checked: Checked, strict: bool = False):
        stopping = (Severity.ERROR, Severity.WARNING) if strict else (Severity.ERROR,)
        errors = [f for f in checked.findings if f.severity in stopping]
        what = "error(s) or warning(s) (strict = true in hso.toml)" if strict else "error(s)"
        super().__init__(
            f"the check found {len(errors)} {what}, so no document was written; first: {errors[0].line()}",
            file=checked.workbook.path,
            hint="Run 'hso-xl check' for all findings, fix the workbook and build again",
        )
        self.checked = checked


@dataclass
class Job:
    template: Path
    kind: str
    subject: str | None
    output: Path  # relative to the output folder
    context: dict


@dataclass
class Document:
    job: Job
    data: bytes
    cells: list[str]


@dataclass
class BuildResult:
    checked: Checked
    out: Path
    documents: list[Document]
    pdfs: list[Path] = field(default_factory=list)
    archived: Path | None = None  # where the previous set was archived (relative to out), if it was
    snapshot: object = None  # changes.Snapshot of this build
    changes: object = None  # changes.ChangeReport against the previous build, if there was one
    template_findings: list[Finding] = field(default_factory=list)

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.checked.findings if f.severity is not Severity.INFO] + self.template_findings


def safe_name(text: str) -> str:
    """Return `text` usable as a file name on Windows, macOS and Linux (no / \\ : * ? " < > |)."""
    cleaned = _UNSAFE.sub("-", text).strip(" .")
    return cleaned or "namnlös"


def find_templates(templates_dir: Path) -> list[tuple[str, Path]]:
    """Return (kind, path) of every template, in a stable order; Word's ~$ lock files skipped."""
    found = []
    for kind in TEMPLATE_KINDS:
        folder = templates_dir / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir(), key=lambda p: sort_key(p.name)):
            if path.suffix.lower() in TEMPLATE_SUFFIXES and not path.name.startswith(("~$", ".")):
                found.append((kind, path))
    return found


def document_date(checked: Checked) -> dt.date:
    """The date printed on documents: Projekt's 'Dokumentdatum' if given, else when the workbook was saved."""
    fact = checked.budget.project.get("dokumentdatum")
    if fact and isinstance(fact.value, (dt.date, dt.datetime)):
        return fact.value.date() if isinstance(fact.value, dt.datetime) else fact.value
    try:
        with zipfile.ZipFile(checked.workbook.path) as zf:
            core = zf.read("docProps/core.xml").decode("utf-8", "replace")
        match = re.search(r"<dcterms:modified[^>]*>(\d{4}-\d{2}-\d{2})", core)
        if match:
            return dt.date.fromisoformat(match.group(1))
    except (KeyError, OSError, zipfile.BadZipFile, ValueError):
        pass
    return dt.date.today()


def plan_jobs(checked: Checked, templates_dir: Path, only: tuple[str, ...] = ()) -> list[Job]:
    """Return one job per template and subject (municipality, co-financier), filtered by `only`."""
    base = build_context(checked, document_date(checked))
    jobs: list[Job] = []
    financiers = [r for r in base["finansiering"]["kontant"] if not r["eu_stod"]]
    municipalities = {m["namn"]: m for m in base["kommuner"]}
    for kind, template in find_templates(templates_dir):
        folder = Path(TEMPLATE_KINDS[kind])
        stem, suffix = template.stem, template.suffix.lower()
        if kind == "projekt":
            jobs.append(Job(template, kind, None, folder / f"{safe_name(stem)}{suffix}", base))
        elif kind == "kommun":
            for m in base["kommuner"]:
                jobs.append(Job(template, kind, m["namn"], folder / f"{safe_name(m['namn'])} – {safe_name(stem)}{suffix}",
                                {**base, "kommun": m}))
        else:
            for row in sorted(financiers, key=lambda r: sort_key(r["namn"])):
                subject = {**row, "kommun": municipalities.get(row["namn"])}
                jobs.append(Job(template, kind, row["namn"],
                                folder / f"{safe_name(row['namn'])} – {safe_name(stem)}{suffix}",
                                {**base, "finansiar": subject}))
    if only:
        wanted = [w.casefold() for w in only]
        jobs = [j for j in jobs if any(w in str(j.output).casefold() or w in (j.subject or "").casefold()
                                       or w == j.template.stem.casefold() for w in wanted)]
    return jobs


def render_job(job: Job, when: dt.datetime) -> Document:
    recorder = Recorder()
    context = recorder.wrap(job.context)
    if job.template.suffix.lower() == ".xlsx":
        from .render.xlsx import render_xlsx

        data = render_xlsx(job.template, context, when)
    else:
        from .render.docx import render_docx

        data = render_docx(job.template, context, when)
    return Document(job, data, sorted(recorder.cells, key=_cell_order))


def template_findings(jobs: list[Job]) -> list[Finding]:
    """Warn about templates that link pictures or templates from outside instead of holding them."""
    from .render.links import external_links

    findings = []
    for template in dict.fromkeys(job.template for job in jobs):
        for link in external_links(template.read_bytes()):
            findings.append(Finding(
                Severity.WARNING, "template.external_link",
                f"the template links a {link.kind} from {link.target} instead of holding it; hso-xl never "
                "fetches it, so PDFs show an empty frame, and Word may fetch it when a reader opens the document. "
                "Insert it into the template instead (Insert > Pictures, without 'Link to File')",
                template.name))
    return findings


def _rendered(job: Job, when: dt.datetime) -> tuple[bytes, list[str]]:
    """What a worker process sends back: the document's bytes and cells, not the job's large context."""
    document = render_job(job, when)
    return document.data, document.cells


def _cell_order(ref: str):
    sheet, _, cell = ref.partition("!")
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit()) or "0"
    return sheet, int(digits), len(letters), letters


def build(
    workbook: Path,
    out: Path,
    templates_dir: Path,
    only: tuple[str, ...] = (),
    pdf: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    settings: Settings = Settings(),
) -> BuildResult:
    """Check `workbook` and render every template into `out`; raise before writing anything on error.

    With `settings.strict`, warnings stop the build as errors do.
    """
    checked = check_workbook(workbook, settings.rounding_costs, settings.rounding_financing)
    stopping = (Severity.ERROR, Severity.WARNING) if settings.strict else (Severity.ERROR,)
    if any(f.severity in stopping for f in checked.findings):
        raise BuildStopped(checked, strict=settings.strict)
    jobs = plan_jobs(checked, templates_dir, only)
    if not jobs:
        raise TemplateProblem(
            "there is no template to render" + (f" matching {', '.join(only)}" if only else ""),
            file=templates_dir,
            hint="Put .docx or .xlsx templates in templates/kommun, templates/projekt or templates/finansiar",
        )
    date = document_date(checked)
    when = dt.datetime(date.year, date.month, date.day, 8, 0, 0)
    # All in memory first, on every core: a template error must not leave half a set.
    rendered = map_ordered(lambda job: _rendered(job, when), jobs,
                           progress and (lambda i, job: progress(i, len(jobs), str(job.output))))
    documents = [Document(job, data, cells) for job, (data, cells) in zip(jobs, rendered)]
    result = BuildResult(checked, out, documents, template_findings=template_findings(jobs))
    from .changes import compare, snapshot

    result.snapshot = snapshot(checked, documents)
    waiting = "waiting for another build to finish"
    with build_lock(out, on_wait=lambda: progress and progress(0, 0, waiting)):
        previous = _previous_snapshot(out)
        if previous is not None:
            result.changes = compare(previous, result.snapshot)
        with staged_output(out) as staging:
            _write_set(result, staging, templates_dir, pdf, settings.keep_archives)
    return result


def _write_set(result: BuildResult, staging: Path, templates_dir: Path, pdf: bool, keep: int) -> None:
    """Write documents, PDFs, report, change report, archive and manifest into the staging folder."""
    from .changes import render_markdown

    for doc in result.documents:
        write_bytes(staging / doc.job.output, doc.data)
    if pdf:
        from .render.pdf import convert_to_pdf

        result.pdfs = convert_to_pdf([staging / d.job.output for d in result.documents], staging)
    write_bytes(staging / "rapport.txt", _report(result.checked).encode("utf-8"))
    changes_text = (render_markdown(result.changes) if result.changes is not None else
                    "# Ändringar\n\nFörsta bygget i den här mappen: det finns inget tidigare att jämföra med.\n")
    write_bytes(staging / CHANGES_FILE, changes_text.encode("utf-8"))
    new_files = {p.relative_to(staging).as_posix(): p.read_bytes() for p in staging.rglob("*") if p.is_file()}
    archived = archive_previous(result.out, staging, new_files, keep)
    result.archived = archived.relative_to(staging) if archived else None
    write_bytes(staging / "manifest.json", manifest(result, staging, templates_dir).encode("utf-8"))


def _previous_snapshot(out: Path):
    """Return the snapshot the previous build left in its manifest, or None."""
    from .changes import Snapshot

    try:
        data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return Snapshot.from_json(data["snapshot"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _report(checked: Checked) -> str:
    from .report import check_text

    return check_text(checked, None) + "\n"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def manifest(result: BuildResult, staging: Path, templates_dir: Path) -> str:
    """Return manifest.json: hashes of workbook, templates and outputs, versions, and source cells."""
    checked = result.checked
    templates = sorted({d.job.template for d in result.documents}, key=lambda p: str(p))
    data = {
        "tool": {"name": "hso-xl", "version": __version__},
        "engine": {"name": checked.engine.engine, "version": checked.engine.version},
        "workbook": {"path": checked.workbook.path.name, "sha256": sha256(checked.workbook.path)},
        "templates": [{"path": str(t.relative_to(templates_dir.parent)) if t.is_relative_to(templates_dir.parent)
                       else t.name, "sha256": sha256(t)} for t in templates],
        "documents": [
            {
                "path": str(d.job.output),
                "sha256": hashlib.sha256(d.data).hexdigest(),
                "template": d.job.template.name,
                "subject": d.job.subject,
                "cells": d.cells,
            }
            for d in result.documents
        ],
        "pdfs": [{"path": str(p.relative_to(staging)), "sha256": sha256(p)} for p in result.pdfs],
        "snapshot": result.snapshot.to_json(),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
