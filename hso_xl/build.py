"""`hso-xl build`: check the workbook, render every template, write the set atomically with a manifest.

Order: check (an error finding stops here) -> plan one job per template and subject (build_plan.py)
-> render every job in memory, so a template error writes nothing (build_render.py) -> write into
a staging folder -> optional PDFs -> manifest -> swap the staging folder into place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# what other modules take from `hso_xl.build`, wherever it is made
from .build_plan import (TEMPLATE_KINDS, TEMPLATE_SUFFIXES, Job, Plan, check_for_documents,  # noqa: F401
                         find_templates, plan_build, plan_jobs, safe_name)
from .build_render import (Document, blank_findings, dated_documents, render_job, render_jobs,  # noqa: F401
                           template_findings)
from .changes import Snapshot, compare, first_build_markdown, no_comparison, render_markdown, snapshot
from .changes.pending import apply_to_report, last_registered_build, outstanding
from .changes.register import open_register
from .errors import BuildStopped, TemplateProblem
from .findings import SEVERITY_WORDS, Finding, Severity
from .i18n import _, n_
from .longpaths import check_lengths
from .model.checked import Checked
from .output.archive import archive_previous
from .output.atomic import carry_over, cleaned_up, staged_output, write_bytes
from .output.folder import check_output_folder, foreign_files
from .output.lock import build_lock
from .output.manifest import check_written, manifest, previous_snapshot
from .render.context import fixed_document_date
from .settings import Settings

CHANGES_FILE = "ÄNDRINGAR.md"


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
        registered = last_registered_build(out) if previous is None else None  # output/ deleted: the register knows
        previous = registered[1] if registered is not None else previous
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
            if restored and registered is None:  # the user deleted them from the output folder: say they came back
                result.changes.notes.append(("restored", restored))
            if registered is not None:
                result.changes.notes.append(("new_output", registered[0]))
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
