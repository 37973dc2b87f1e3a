"""hso-xl build: check a workbook and render every template into the output folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..i18n import _, n_
from .common import friendly_errors, main, project_settings, resolve_workbook, using_line
from .speak import FOLDER, NAME, WORKBOOK, PathType, argument, option


class _Progress:
    """A progress bar on a terminal; plain lines when output goes to a file or a pipe."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int, label: str) -> None:
        if not total:
            click.echo(label, err=True)
            return
        if self.tty:
            filled = round(30 * done / total)
            bar = "#" * filled + "-" * (30 - filled)
            click.echo(f"\r\033[K  [{bar}] {done}/{total} {label}"[:200], err=True, nl=False)
        else:
            click.echo(_("rendering {done}/{total}: {label}", done=done, total=total, label=label), err=True)

    def done(self) -> None:
        if self.tty:
            click.echo("\r\033[K", err=True, nl=False)


@main.command(help=_('Check WORKBOOK and render every template into the output folder.\n\n'
                     'An error finding stops the build before anything is written. Documents, a report (rapport.txt) '
                     'and manifest.json replace the previous output folder only when all are written.'))
@argument("workbook", required=False, type=PathType(path_type=Path), metavar=WORKBOOK)
@option("--out", "-o", "out", type=PathType(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder the documents are written to, replaced as a whole [default: output, or hso.toml]."))
@option("--templates", "templates_dir", type=PathType(path_type=Path, file_okay=False), metavar=FOLDER,
              default=None, help=_("Folder holding kommun/, projekt/, finansiar/ [default: templates, or hso.toml]."))
@option("--input-dir", type=PathType(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder searched for the newest workbook when none is named [default: input, or hso.toml]."))
@option("--only", multiple=True, metavar=NAME,
              help=_("Only documents whose name, subject or template contains NAME (repeatable)."))
@option("--pdf", is_flag=True, help=_("Also convert every document to PDF with LibreOffice."))
def build(workbook: Path | None, out: Path, templates_dir: Path, input_dir: Path, only: tuple[str, ...],
          pdf: bool) -> None:
    with friendly_errors(False):
        from ..build import build as run_build

        settings = project_settings()
        out = out or settings.output
        templates_dir = templates_dir or settings.templates
        path, chosen_from = resolve_workbook(workbook, input_dir)
        if chosen_from is not None:
            click.echo(using_line(path, chosen_from))
        progress = _Progress()
        try:
            result = run_build(path, out, templates_dir, only, pdf, progress, settings)
        finally:
            progress.done()
        checked = result.checked
        found = checked.findings + result.template_findings  # the check's and the build's own (templates, documents)
        counts = {sev: sum(1 for f in found if f.severity.value == sev) for sev in ("warning", "info")}
        click.echo(_("Checked {path}: {formulas} recomputed, no errors, {warnings}, {notes} (see {report}).",
                     path=path,
                     formulas=n_("{n} formula", "{n} formulas", checked.verification.formula_count),
                     warnings=n_("{n} warning", "{n} warnings", counts["warning"]),
                     notes=n_("{n} note", "{n} notes", counts["info"]), report=out / "rapport.txt"))
        for doc in result.documents:
            click.echo(f"  {out / doc.job.output}")
        for pdf_path in result.pdfs:
            click.echo(f"  {out / pdf_path.relative_to(pdf_path.parents[1])}")
        for finding in result.warnings:
            click.echo(f"  {finding.line()}")
        if result.changes is not None:
            from ..changes import render_summary

            click.echo(render_summary(result.changes))
        elif result.no_comparison is not None:
            from ..build import first_build_line

            click.echo(first_build_line(result))
        if result.archived is not None:
            click.echo(_("The previous documents were kept in {folder}/", folder=out / result.archived))
        if result.kept:
            shown = ", ".join(result.kept[:3]) + (f" …(+{len(result.kept) - 3})" if len(result.kept) > 3 else "")
            click.echo(n_("Kept {n} file hso-xl did not write where it was in {out}/: {files}",
                          "Kept {n} files hso-xl did not write where they were in {out}/: {files}",
                          len(result.kept), out=out, files=shown))
        documents = n_("{n} document", "{n} documents", len(result.documents))
        if result.pdfs:
            click.echo(_("Wrote {documents} and {pdfs} to {out}/ (see manifest.json)", documents=documents,
                         pdfs=n_("{n} PDF", "{n} PDFs", len(result.pdfs)), out=out))
        else:
            click.echo(_("Wrote {documents} to {out}/ (see manifest.json)", documents=documents, out=out))
