"""`hso-xl build`: check the workbook, render every template, write the set atomically with a manifest.

Order: check (an error finding stops here) -> plan one job per template and subject -> render
every job in memory (so a template error writes nothing) -> write into a staging folder ->
optional PDFs -> manifest -> swap the staging folder into place.
"""

from __future__ import annotations

import datetime as dt
import errno
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from .changes import (Snapshot, compare, content_hash, first_build_markdown, no_comparison, reading_hash,
                      render_markdown, snapshot)
from .changes.pending import apply_to_report, outstanding
from .changes.register import open_register
from .errors import BuildStopped, TemplateProblem
from .findings import SEVERITY_WORDS, Finding, Severity
from .i18n import _, n_
from .longpaths import check_lengths
from .missing import missing_fact_findings
from .model.checked import Checked, check_workbook
from .output.archive import archive_previous
from .output.atomic import carry_over, cleaned_up, staged_output, write_bytes
from .output.folder import check_output_folder, foreign_files
from .output.names import clean_part, collision_findings, safe_file_name
from .output.lock import build_lock
from .output.manifest import check_written, manifest, previous_snapshot
from .parallel import map_ordered, worker_count
from .processes import memory_bound
from .render.context import build_context, document_date, fixed_document_date
from .render.tracking import Recorder
from .settings import Settings
from .swedish import sort_key
from .workbook.book import cell_order

CHANGES_FILE = "ÄNDRINGAR.md"
TEMPLATE_KINDS = {"kommun": "kommuner", "projekt": "projekt", "finansiar": "finansiarer", "rapport": "rapporter"}
ZERO_FINANCIER = ("municipality.zero", "financier.zero")  # model/checks.py: documents for them are not built
RENDER_MEMORY = 1024 * 1024 * 1024  # what one document may take to render, beyond what the process holds
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024  # a real document is at most a few MB
SUBJECT_PLACEHOLDER = "{kommun}"  # in a template's file name: where the municipality's name goes
TEMPLATE_SUFFIXES = (".docx", ".xlsx")


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
    reading: str | None = None  # what a reader sees (changes.reading_hash), computed where it was rendered
    blanks: tuple = ()  # (cell, column title) of each empty data-workbook cell the document printed as nothing


@dataclass
class BuildResult:
    checked: Checked
    out: Path
    documents: list[Document]
    pdfs: list[Path] = field(default_factory=list)
    archived: Path | None = None  # where the previous set was archived (relative to out), if it was
    snapshot: object = None  # changes.Snapshot of this build
    changes: object = None  # changes.ChangeReport against the previous build, if there was one
    no_comparison: str | None = None  # why there is no ChangeReport though the folder held something (see changes)
    template_findings: list[Finding] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # files in the output folder hso-xl did not write, kept in place
    pending: list = field(default_factory=list)  # changes.pending.RecipientPending: what each recipient must get

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.checked.findings if f.severity is not Severity.INFO] + self.template_findings


def check_for_documents(workbook: Path, settings: Settings, templates_dir: Path | None = None,
                        only: tuple[str, ...] = ()) -> tuple[Checked, "Plan"]:
    """Check `workbook` the one way every command does, and plan the documents its templates make.

    The findings include the facts templates need that the workbook lacks (missing.py).
    """
    checked = check_workbook(workbook, settings)
    templates_dir = settings.templates if templates_dir is None else templates_dir
    if Path(templates_dir).is_dir():
        plan = plan_build(checked, templates_dir, only)
    else:
        plan = Plan([])
        # Without templates nothing says which facts the documents need: said, so that "OK" is not read as more.
        checked.findings.append(Finding(
            Severity.INFO, "templates.not_found",
            _("there is no templates folder {folder} here, so this check could not tell which facts the documents "
              "need or which sentences they would leave out. Run hso-xl in the project folder (the one with "
              "templates/), or set templates in hso.toml", folder=str(templates_dir))))
    checked.findings.extend(missing_fact_findings(checked, plan.jobs))
    checked.findings.extend(collision_findings([(job.output, job.subject or job.template.name) for job in plan.jobs],
                                               str(templates_dir)))
    return checked, plan


def stop_if_not_buildable(checked: Checked) -> None:
    """Raise BuildStopped when the check found errors (or warnings, with strict = true in hso.toml)."""
    strict = checked.settings.strict
    stopping = (Severity.ERROR, Severity.WARNING) if strict else (Severity.ERROR,)
    errors = [f for f in checked.findings if f.severity in stopping]
    if not errors:
        return
    first = errors[0]
    # the first finding as Finding.line() shows it, kept a message so that it follows the language
    shown = {"severity": SEVERITY_WORDS[first.severity], "where": f"{first.location}: " if first.location else "",
             "message": first.message}
    if strict:
        what = n_("the check found {n} error or warning (strict = true in hso.toml), so no document was written; "
                  "first: {severity}: {where}{message}",
                  "the check found {n} errors or warnings (strict = true in hso.toml), so no document was written; "
                  "first: {severity}: {where}{message}", len(errors), **shown)
    else:
        what = n_("the check found {n} error, so no document was written; first: {severity}: {where}{message}",
                  "the check found {n} errors, so no document was written; first: {severity}: {where}{message}",
                  len(errors), **shown)
    raise BuildStopped(what, file=checked.workbook.path,
                       hint=_("Run 'hso-xl check' for all findings, fix the workbook and build again"))


def safe_name(text: str) -> str:
    """Return `text` usable as part of a file name on Windows, macOS and Linux (no / \\ : * ? " < > |)."""
    return clean_part(text)


def document_name(folder: Path, *parts: str, suffix: str) -> Path:
    """The path of a document: its name's parts joined by ' – ', safe on every system (output/names.py)."""
    return folder / safe_file_name(" – ".join(clean_part(p) for p in parts) + suffix)


def find_templates(templates_dir: Path) -> list[tuple[str, Path]]:
    """Return (kind, path) of every template, in a stable order; Word's ~$ lock files skipped.

    Each is checked before any reader opens it (zip and entity bombs: render/template_safety.py).
    """
    from .render.template_safety import ensure_safe_template

    found = []
    for kind in TEMPLATE_KINDS:
        folder = templates_dir / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir(), key=lambda p: sort_key(p.name)):
            if path.suffix.lower() in TEMPLATE_SUFFIXES and not path.name.startswith(("~$", ".")):
                ensure_safe_template(path)
                found.append((kind, path))
    return found


@dataclass
class Plan:
    jobs: list[Job]
    notes: list[Finding] = field(default_factory=list)  # what was left out and why, for the user
    report_data: object = None  # model.records.ReportData, when a report template needed it


def plan_jobs(checked: Checked, templates_dir: Path, only: tuple[str, ...] = ()) -> list[Job]:
    """Return one job per template and subject (municipality, co-financier), filtered by `only`."""
    return plan_build(checked, templates_dir, only).jobs


def plan_build(checked: Checked, templates_dir: Path, only: tuple[str, ...] = ()) -> Plan:
    """Return the jobs (see plan_jobs), the notes on documents not made, and the report data read."""
    base = build_context(checked, document_date(checked))
    jobs: list[Job] = []
    templates = find_templates(templates_dir)
    reports = [t for kind, t in templates if kind == "rapport"]
    plan = Plan(jobs)
    if reports:
        from .reports import read_for_build

        plan.report_data, subjects, plan.notes = read_for_build(checked, base, reports)
    financiers = [r for r in base["finansiering"]["kontant"] if not r["eu_stod"]]
    municipalities = {m["namn"]: m for m in base["kommuner"]}
    skipped: dict[str, list[Path]] = {}
    for kind, template in templates:
        folder = Path(TEMPLATE_KINDS[kind])
        stem, suffix = template.stem, template.suffix.lower()
        if kind == "projekt":
            jobs.append(Job(template, kind, None, document_name(folder, stem, suffix=suffix), base))
        elif kind == "rapport":
            for subject, context in subjects:
                jobs.append(Job(template, kind, subject, _report_name(template, subject), context))
        elif kind == "kommun":
            for m in base["kommuner"]:
                output = document_name(folder, m["namn"], stem, suffix=suffix)
                if not any(m["per_ar"]):  # a 0 kr draft is never built (checks.py warns, naming it)
                    skipped.setdefault(m["namn"], []).append(output)
                    continue
                jobs.append(Job(template, kind, m["namn"], output, {**base, "kommun": m}))
        else:
            for row in sorted(financiers, key=lambda r: sort_key(r["namn"])):
                subject = {**row, "kommun": municipalities.get(row["namn"])}
                output = document_name(folder, row["namn"], stem, suffix=suffix)
                if not any(row["per_ar"]):  # nor a 0 kr certificate
                    skipped.setdefault(row["namn"], []).append(output)
                    continue
                jobs.append(Job(template, kind, row["namn"], output, {**base, "finansiar": subject}))
    _name_skipped(checked, skipped)
    if only:
        wanted = [w.casefold() for w in only]
        plan.jobs = [j for j in jobs if any(w in str(j.output).casefold() or w in (j.subject or "").casefold()
                                            or w == j.template.stem.casefold() for w in wanted)]
    return plan


def _name_skipped(checked: Checked, skipped: dict[str, list[Path]]) -> None:
    """Name, in the check's finding about a financier at 0 kr, the documents not built for it."""
    for i, finding in enumerate(checked.findings):
        documents = skipped.get(finding.details.get("name")) if finding.code in ZERO_FINANCIER else None
        if documents and not finding.details["documents"]:
            paths = [p.as_posix() for p in documents]
            checked.findings[i] = replace(finding, message=_("{message} (not built: {documents})",
                                                             message=finding.message, documents=", ".join(paths)),
                                          details={**finding.details, "documents": paths})


def _report_name(template: Path, subject: str) -> Path:
    """The output path of a report: the template's name with {kommun} replaced, else 'Subject – Name'."""
    stem, suffix = template.stem, template.suffix.lower()
    name = stem.replace(SUBJECT_PLACEHOLDER, subject) if SUBJECT_PLACEHOLDER in stem else f"{subject} – {stem}"
    return document_name(Path(TEMPLATE_KINDS["rapport"]), name, suffix=suffix)


def render_job(job: Job, when: dt.datetime) -> Document:
    from .render.environment import PRINTED_BLANKS

    if not job.template.is_file():  # moved or deleted since the build began: said as such (errors.environment_problem)
        raise FileNotFoundError(errno.ENOENT, "template gone", str(job.template))
    recorder = Recorder()
    context = recorder.wrap(job.context)
    PRINTED_BLANKS.clear()
    try:
        with memory_bound(RENDER_MEMORY):
            if job.template.suffix.lower() == ".xlsx":
                from .render.xlsx import render_xlsx

                data = render_xlsx(job.template, context, when)
            else:
                from .render.docx import render_docx

                data = render_docx(job.template, context, when)
    except MemoryError:
        raise _too_big(job) from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _too_big(job)
    blanks = tuple(dict.fromkeys((blank.cell, blank.column) for blank in PRINTED_BLANKS))
    return Document(job, data, sorted(recorder.cells, key=cell_order), blanks=blanks)


def _too_big(job: Job) -> TemplateProblem:
    return TemplateProblem(
        _("the document for {subject} would be larger than {mib} MiB (or need more memory than that to make), far "
          "beyond any real document, so nothing was written", subject=job.subject or job.output.name,
          mib=max(RENDER_MEMORY, MAX_DOCUMENT_BYTES) // (1024 * 1024)),
        file=job.template,
        hint=_("Look in the template for a loop or an expression that repeats text many times, and correct it"))


def blank_findings(documents: list[Document]) -> list[Finding]:
    """Warn, once per template and column, about documents that print an empty data-workbook cell as nothing."""
    by_column: dict[tuple[Path, str], list[tuple[Document, str]]] = {}
    for doc in documents:
        for cell, column in doc.blanks:
            by_column.setdefault((doc.job.template, column), []).append((doc, cell))
    findings = []
    for (template, column), found in by_column.items():
        cells = list(dict.fromkeys(cell for _doc, cell in found))
        shown = ", ".join(cells[:3]) + (f" …(+{len(cells) - 3})" if len(cells) > 3 else "")
        findings.append(Finding(
            Severity.WARNING, "report_data.blank_printed",
            n_("prints nothing where '{column}' goes, because the cell is empty ({cells}), in {n} document. "
               "Fill in the cell in the data workbook, or put the tag inside {{% if %}} in the template",
               "prints nothing where '{column}' goes, because the cell is empty ({cells}), in {n} documents. "
               "Fill in the cells in the data workbook, or put the tag inside {{% if %}} in the template",
               len(found), column=column, cells=shown),
            str(template), {"column": column, "cells": cells, "documents": [str(d.job.output) for d, _c in found]}))
    return findings


def template_findings(jobs: list[Job]) -> list[Finding]:
    """Warn about templates that link pictures or templates from outside instead of holding them."""
    from .render.links import external_links

    findings = []
    for template in dict.fromkeys(job.template for job in jobs):
        for link in external_links(template.read_bytes()):
            findings.append(Finding(
                Severity.WARNING, "template.external_link",
                _("the template links {what} from {target} instead of holding it; hso-xl never fetches it, so PDFs "
                  "show an empty frame, and Word may fetch it when a reader opens the document. Insert it into the "
                  "template instead (Insert > Pictures, without 'Link to File')",
                  what=_link_kind(link.kind), target=link.target),
                template.name))
    return findings


def _link_kind(kind: str):
    """What a linked resource is, in words (the relationship type's last word: image, attachedTemplate, …)."""
    known = {"image": _("a picture"), "attachedTemplate": _("a document template"), "oleObject": _("an object")}
    return known.get(kind) or _("a resource ({kind})", kind=kind)


def render_jobs(jobs: list[Job], progress: Callable[[int, int, str], None] | None = None) -> list[Document]:
    """Render every job in memory, on every core, in order; dated with each job's document date."""
    rendered = map_ordered(lambda job: _rendered(job, properties_time(job.context["dokument"]["datum"])), jobs,
                           progress and (lambda i, job: progress(i, len(jobs), str(job.output))),
                           workers=_workers(jobs))
    return [Document(job, data, cells, reading, blanks) for job, (data, cells, reading, blanks) in zip(jobs, rendered)]


def properties_time(date: dt.date) -> dt.datetime:
    """The time stamped in documents' properties: 08:00 on the document date (same input, same bytes)."""
    return dt.datetime(date.year, date.month, date.day, 8, 0, 0)


def _rendered(job: Job, when: dt.datetime) -> tuple[bytes, list[str], str]:
    """What a worker process sends back: the document's bytes, cells and reading fingerprint (made on every core),
    not the job's large context."""
    document = render_job(job, when)
    return document.data, document.cells, reading_hash(document.data), document.blanks


def build(
    workbook: Path,
    out: Path,
    templates_dir: Path,
    only: tuple[str, ...] = (),
    pdf: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    settings: Settings = Settings(),
    prepared: tuple | None = None,
) -> BuildResult:
    """Check `workbook` and render every template into `out`; raise before writing anything on error.

    With `settings.strict`, warnings stop the build as errors do. `prepared` is check_for_documents'
    answer for the same workbook, settings and templates when the caller has it already (the web page
    checked the workbook a moment ago): the build starts rendering at once.
    """
    checked, plan = prepared or check_for_documents(workbook, settings, templates_dir, only)
    stop_if_not_buildable(checked)
    if not plan.jobs:
        raise TemplateProblem(
            _("there is no template to render matching {names}", names=", ".join(only)) if only else
            _("there is no template to render"),
            file=templates_dir,
            hint=_("Put .docx or .xlsx templates in templates/kommun, templates/projekt, templates/finansiar or "
                   "templates/rapport"),
        )
    check_lengths(out, [job.output for job in plan.jobs])  # Windows: refused now, not half-way through writing
    project = Path(settings.input).parent if Path(settings.input).is_absolute() else Path.cwd()  # --project's
    check_output_folder(out, project=project,
                        guarded={_("the input folder"): settings.input, _("the templates folder"): templates_dir})
    shown, out = out, (Path(out).resolve() if Path(out).is_symlink() else Path(out))  # a symlink stays one
    waiting = _("waiting for another build to finish")
    with build_lock(out, on_wait=lambda: progress and progress(0, 0, waiting)) as lock:
        cleaned = cleaned_up(out, lock)
        if cleaned is not None and progress:
            progress(0, 0, cleaned)
        stored = previous_snapshot(out)
        previous = Snapshot.from_json(stored) if stored is not None else None
        # All in memory first, on every core: a template error must not leave half a set.
        documents = dated_documents(checked, plan.jobs, previous, progress)
        result = BuildResult(checked, out, documents, template_findings=plan.notes + template_findings(plan.jobs)
                             + blank_findings(documents))
        result.snapshot = snapshot(checked, documents, plan.report_data)
        if previous is None:
            result.no_comparison = _why_no_comparison(out, stored)
        if previous is not None:
            result.changes = compare(previous, result.snapshot)
            listed = {d.path for d in result.changes.documents}
            restored = [path for path in result.snapshot.documents if path in previous.documents
                        and path not in listed and not (out / path).exists()]
            if restored:  # the user deleted them from the output folder: say they came back, unchanged
                result.changes.notes.append(("restored", restored))
        with open_register(out) as register:
            if previous is not None and register.first_build() is None:
                # a register new to a folder built before: the previous build is where the round started
                register.record_build(previous.to_json(), previous.workbook)
            first = register.first_build()
            result.pending = outstanding(register, result.snapshot)
            if result.changes is not None:
                apply_to_report(result.changes, result.pending, first[0] if first else None)
                _note_kept_date(result)
            with staged_output(out) as staging:
                _write_set(result, staging, templates_dir, pdf, settings.keep_archives)
            register.record_build(result.snapshot.to_json(), result.snapshot.workbook)
    result.out = shown
    return result


def _note_kept_date(result: BuildResult) -> None:
    """Say which documents to send again keep the date they had, and the rule that dated them (Dokumentdatum)."""
    fixed, cell = fixed_document_date(result.checked)
    kept = [d.path for d in result.changes.documents if d.why == "changed" and d.since is not None
            and not any(reason[0] == "date" for reason in d.reasons)]
    if fixed is not None and kept:
        result.changes.notes.append(("kept_date", fixed.isoformat(), cell, kept))


def dated_documents(checked: Checked, jobs: list[Job], previous: Snapshot | None,
                    progress: Callable[[int, int, str], None] | None = None, today: dt.date | None = None
                    ) -> list[Document]:
    """Render the jobs, each dated: Dokumentdatum if the workbook gives one, else the day its content last changed.

    Without a Dokumentdatum, a document that reads the same as in the previous build keeps that
    build's date (so a change round resends only what changed, not every document with a new date),
    and a new or changed document gets today's date.
    """
    fixed, _cell = fixed_document_date(checked)
    today = today or dt.date.today()
    kept = {}
    for job in jobs:
        date = job.context.get("dokument", {}).get("eget_datum") or fixed  # a report's own date (reports.py)
        if date is None:
            before = previous.documents.get(str(job.output)) if previous is not None else None
            date = dt.date.fromisoformat(before["date"]) if before and before.get("date") else today
            if date != today:
                kept[str(job.output)] = before
        job.context = {**job.context, "dokument": {**job.context.get("dokument", {}), "datum": date}}
    documents = render_jobs(jobs, progress)
    stale = [i for i, doc in enumerate(documents) if str(doc.job.output) in kept
             and _reads_differently(kept[str(doc.job.output)], doc)]
    if stale:
        for i in stale:
            job = documents[i].job
            job.context = {**job.context, "dokument": {**job.context["dokument"], "datum": today}}
        for i, doc in zip(stale, render_jobs([documents[i].job for i in stale])):
            documents[i] = doc
    return documents


def _reads_differently(before: dict, doc: Document) -> bool:
    """Whether `doc` reads differently from the previous build's (its snapshot entry `before`)."""
    reading = doc.reading or reading_hash(doc.data)
    if before.get("reading", "").partition(":")[0] == reading.partition(":")[0]:
        return reading != before["reading"]
    return content_hash(doc.data) != before.get("content")


REPORT_WEIGHT = 8  # a regional report draws a chart: about as much work as eight other documents


def _workers(jobs: list[Job]) -> int:
    """Workers for `jobs`, counting each report as the heavier job it is; matplotlib loaded before forking."""
    reports = sum(1 for job in jobs if job.kind == "rapport")
    if reports:
        from .render.charts import preload

        preload()  # once here rather than once in every worker
    return worker_count(len(jobs) + (REPORT_WEIGHT - 1) * reports)


def _write_set(result: BuildResult, staging: Path, templates_dir: Path, pdf: bool, keep: int) -> None:
    """Write documents, PDFs, report, change report, archive and manifest into the staging folder."""
    for doc in result.documents:
        write_bytes(staging / doc.job.output, doc.data)
    if pdf:
        from .render.pdf import convert_to_pdf

        result.pdfs = convert_to_pdf([staging / d.job.output for d in result.documents], staging)
    result.snapshot.pdfs = sorted(p.relative_to(staging).as_posix() for p in result.pdfs)
    _note_pdfs(result)
    write_bytes(staging / "rapport.txt", _report(result).encode("utf-8"))
    changes_text = render_markdown(result.changes) if result.changes is not None else \
        first_build_markdown(result.no_comparison)
    write_bytes(staging / CHANGES_FILE, changes_text.encode("utf-8"))
    new_files = {p.relative_to(staging).as_posix(): p.read_bytes() for p in staging.rglob("*") if p.is_file()}
    # The user's own files stay where they are; one where this build writes a document is archived below.
    result.kept = [rel for rel in foreign_files(result.out) if rel not in new_files]
    archived = archive_previous(result.out, staging, new_files, keep, skip=set(result.kept))
    carry_over(result.out, staging, result.kept)
    result.archived = archived.relative_to(staging) if archived else None
    text = manifest(result.checked, result.documents, result.pdfs, result.snapshot.to_json(), staging, templates_dir)
    write_bytes(staging / "manifest.json", text.encode("utf-8"))
    check_written(staging, [(d.job.output, d.data) for d in result.documents])


def _why_no_comparison(out: Path, stored: dict | None) -> str | None:
    """'old_manifest', 'no_manifest' or None (an empty or new folder): see changes.no_comparison."""
    if stored is not None or (out / "manifest.json").exists():
        return "old_manifest"
    if out.is_dir() and any(p.suffix.lower() in TEMPLATE_SUFFIXES for p in out.rglob("*")
                            if "arkiv" not in p.relative_to(out).parts):
        return "no_manifest"
    return None


def first_build_line(result: BuildResult):
    """What the console says when there was nothing to compare with though the folder held something, or None."""
    return no_comparison(result.no_comparison)


def _note_pdfs(result: BuildResult) -> None:
    """Say when this build writes PDFs the previous did not, or none where the previous wrote some."""
    stored = previous_snapshot(result.out)
    before = (stored or {}).get("pdfs")
    if result.changes is None or before is None:
        return
    if result.pdfs and not before:
        result.changes.notes.append(("pdfs_new", len(result.pdfs)))
    elif before and not result.pdfs:
        result.changes.notes.append(("pdfs_gone", len(before)))


def _report(result: BuildResult) -> str:
    """rapport.txt: what check prints, then what only the build could see (templates, the documents made)."""
    from .report import check_text

    text = check_text(result.checked, None) + "\n"
    if result.template_findings:
        lines = [str(_("What the build found in the templates and documents:"))]
        lines += ["  " + f.line() for f in result.template_findings]
        text += "\n" + "\n".join(lines) + "\n"
    return text
