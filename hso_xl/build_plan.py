"""The build's plan: which templates there are, and one job (template, subject, output path, context) each.

A municipality or co-financier at 0 kr gets no document: the check's finding about it names the
documents left out (model/checks.py says why; _name_skipped says which).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .findings import Finding, Severity
from .i18n import _
from .missing import missing_fact_findings
from .model.checked import Checked, check_workbook
from .output.names import clean_part, collision_findings, safe_file_name
from .render.context import build_context, document_date
from .settings import Settings
from .swedish import sort_key

TEMPLATE_KINDS = {"kommun": "kommuner", "projekt": "projekt", "finansiar": "finansiarer", "rapport": "rapporter"}
ZERO_FINANCIER = ("municipality.zero", "financier.zero")  # model/checks.py: documents for them are not built
SUBJECT_PLACEHOLDER = "{kommun}"  # in a template's file name: where the municipality's name goes
TEMPLATE_SUFFIXES = (".docx", ".xlsx")


@dataclass
class Job:
    template: Path
    kind: str
    subject: str | None
    output: Path  # relative to the output folder
    context: dict



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
