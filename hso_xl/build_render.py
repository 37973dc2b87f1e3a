"""The build's rendering: every job rendered in memory on every core, dated, bounded in size and memory.

Also what only rendering can see: templates linking pictures from outside, empty cells printed as nothing.
"""

from __future__ import annotations

import datetime as dt
import errno
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .build_plan import Job
from .changes import Snapshot, content_hash, fingerprints, reading_hash
from .errors import TemplateProblem
from .findings import Finding, Severity
from .i18n import _, n_
from .model.checked import Checked
from .parallel import map_ordered, worker_count
from .processes import memory_bound
from .render.context import fixed_document_date
from .render.tracking import Recorder
from .workbook.book import cell_order

RENDER_MEMORY = 1024 * 1024 * 1024  # what one document may take to render, beyond what the process holds
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024  # a real document is at most a few MB


@dataclass
class Document:
    job: Job
    data: bytes
    cells: list[str]
    reading: str | None = None  # what a reader sees (changes.reading_hash), computed where it was rendered
    blanks: tuple = ()  # (cell, column title) of each empty data-workbook cell the document printed as nothing
    prints: dict | None = None  # its fingerprints for the snapshot (changes.fingerprints), made where it was rendered



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
    return [Document(job, data, cells, prints["reading"], blanks, prints)
            for job, (data, cells, prints, blanks) in zip(jobs, rendered)]


def properties_time(date: dt.date) -> dt.datetime:
    """The time stamped in documents' properties: 08:00 on the document date (same input, same bytes)."""
    return dt.datetime(date.year, date.month, date.day, 8, 0, 0)


def _rendered(job: Job, when: dt.datetime) -> tuple[bytes, list[str], dict, tuple]:
    """What a worker process sends back: the document's bytes, cells and fingerprints (made on every core),
    not the job's large context."""
    document = render_job(job, when)
    return document.data, document.cells, fingerprints(document.data, str(job.output)), document.blanks


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
    """Workers for `jobs`, counting each report as the heavier job it is; what they all need loaded before forking.

    Without a chart cache, matplotlib is loaded here, once rather than once in every worker; with
    one, a worker loads it only if it has a chart to draw that no earlier build drew.
    """
    reports = sum(1 for job in jobs if job.kind == "rapport")
    count = worker_count(len(jobs) + (REPORT_WEIGHT - 1) * reports)
    if count < 2:
        return count
    if reports:
        from .render.chart_cache import cache_folder

        if cache_folder() is None:
            from .render.charts import preload

            preload()
    _open_word_templates(jobs)
    return count


def _open_word_templates(jobs: list[Job]) -> None:
    """Load the Word stack and open each Word template here, once, instead of in every worker.

    A template that cannot be opened is left to the worker rendering it, which says why in the usual words.
    """
    templates = list(dict.fromkeys(job.template for job in jobs if job.template.suffix.lower() == ".docx"))
    if not templates:
        return
    from .render.docx import render_docx  # noqa: F401
    from .render.reusable_docx import forget_templates, reusable_template

    for template in templates:
        try:
            with memory_bound(RENDER_MEMORY):
                reusable_template(template).init_docx()
        except Exception:  # said by the worker that renders it (MemoryError too), which opens it anew
            forget_templates()
