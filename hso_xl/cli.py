"""The command line: click commands only. Library errors become one paragraph and an exit code.

Exit codes: 0 all is well; 1 the check found errors; 2 the workbook (or the command line) cannot
be used. Heavy modules are imported inside the commands so that `hso-xl --help` stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_UNUSABLE, HsoError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hso-xl")
def main() -> None:
    """Reports from the HSO master financing workbook, with every formula recomputed.

    Drop the workbook in input/, then run `hso-xl check` to see its totals and findings.
    """


def _emit_json(data: dict) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@contextmanager
def friendly_errors(as_json: bool):
    """Turn an HsoError (or any unexpected failure) into one paragraph on stderr and exit code 2."""
    try:
        yield
    except HsoError as exc:
        _fail(exc, as_json)
    except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException):
        raise
    except Exception as exc:  # a bug, or an input we never imagined: still no traceback
        if os.environ.get("HSO_XL_DEBUG"):
            raise
        _fail(HsoError(f"unexpected problem ({type(exc).__name__}: {exc})",
                       hint="This is a bug in hso-xl; set HSO_XL_DEBUG=1 for details and report it with the workbook"),
              as_json)


def _fail(exc: HsoError, as_json: bool) -> None:
    if as_json:
        _emit_json({"error": exc.to_json(), "exit_code": exc.exit_code})
    click.echo(f"Error: {exc.paragraph()}", err=True)
    sys.exit(exc.exit_code)


def _settings():
    from .settings import load_settings

    return load_settings(Path("."))


def _resolve_workbook(workbook: Path | None, input_dir: Path | None) -> tuple[Path, Path | None]:
    """Return the workbook to use and, when it was picked from the input folder, that folder."""
    if workbook is not None:
        return workbook, None
    from .discover import newest_workbook

    input_dir = input_dir or _settings().input
    return newest_workbook(input_dir), input_dir


@main.command()
@click.argument("workbook", required=False, type=click.Path(path_type=Path))
@click.option("--input-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder searched for the newest workbook when none is named [default: input, or hso.toml].")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object (see README).")
@click.option("--map", "show_map", is_flag=True,
              help="Also list every figure and fact the documents use beside the cell it came from.")
def check(workbook: Path | None, input_dir: Path, as_json: bool, show_map: bool) -> None:
    """Recompute WORKBOOK, check its budget and print totals and findings.

    With no WORKBOOK, the newest .xlsx/.xlsm/.ods in the input folder is used. It says which layout
    it recognised and where it found each table. Exit code 0: no error; 1: the check found errors;
    2: the workbook cannot be used.
    """
    with friendly_errors(as_json):
        from .build import check_for_documents
        from .report import check_json, check_text, exit_code

        settings = _settings()
        path, chosen_from = _resolve_workbook(workbook, input_dir)
        if chosen_from is not None and as_json:
            click.echo(f"Using {path} (the newest workbook in {chosen_from}/)", err=True)
        checked, _ = check_for_documents(path, settings)
        if as_json:
            _emit_json(check_json(checked, chosen_from))
        else:
            click.echo(check_text(checked, chosen_from))
            if show_map:
                from .report import map_text

                click.echo(map_text(checked))
        sys.exit(exit_code(checked.findings))


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write the recomputed copy (never the input itself).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object (see README).")
@click.option("--strict", is_flag=True, help="Write nothing when any formula cannot be computed (exit 2).")
def recalc(workbook: Path, out: Path, as_json: bool, strict: bool) -> None:
    """Write a copy of WORKBOOK whose cached values are the recomputed ones, and report on every formula.

    Formulas, styles and every other part of the file are kept as they were. Each formula cell is
    reported as agreeing with its cached value, differing from it, not computed (with why: an
    unsupported function, a circular reference, a cell it reads) or without a cached value. Cells
    that could not be computed keep the value the file cached. Exit 0: every formula computed;
    1: some could not be computed, or give an error value; 2: the workbook cannot be read, or
    --strict and a formula could not be computed (then nothing is written).
    """
    with friendly_errors(as_json):
        from .errors import EXIT_FINDINGS, EXIT_OK
        from .report import recalc_json, recalc_text
        from .workbook.recalc import recompute_file
        from .workbook.write import write_recomputed

        recomputed = recompute_file(workbook)
        book, engine, verification = recomputed.workbook, recomputed.engine, recomputed.verification
        refused = strict and not verification.computable
        if not refused:
            write_recomputed(book, out, keep=set(verification.problems))
        written = None if refused else out
        if refused:
            code = EXIT_UNUSABLE
        else:
            code = EXIT_FINDINGS if verification.problems or verification.error_values else EXIT_OK
        if as_json:
            _emit_json(recalc_json(workbook, written, engine, verification, code))
        else:
            click.echo(recalc_text(workbook, written, engine, verification))
        sys.exit(code)


@main.command()
@click.argument("ref")
@click.argument("workbook", required=False, type=click.Path(path_type=Path))
@click.option("--input-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder searched for the newest workbook when none is named [default: input, or hso.toml].")
@click.option("--kommun", "municipality", default=None, metavar="NAME",
              help="For a figure as a municipality's template writes it (kommun.totalt): which municipality.")
@click.option("--json", "as_json", is_flag=True, help="Print the tree as one JSON object.")
def explain(ref: str, workbook: Path | None, input_dir: Path, municipality: str | None, as_json: bool) -> None:
    """Show where a figure comes from: how it is made, and the cells it depends on.

    REF is a figure as a template writes it (kommun.totalt --kommun Ånge, eu.andel,
    budget.summa_projektkostnad.ar.2028, kommuner.Ånge.totalt), a cell (Finansiering!G9) or a
    defined name (OH_sats). The tree goes down to the typed-in inputs, each with its value and
    its row and column labels.
    """
    with friendly_errors(as_json):
        from .explain import explain as run_explain
        from .explain import render_text
        from .model.checked import check_recomputed
        from .workbook.recalc import recompute_file

        settings = _settings()
        path, _ = _resolve_workbook(workbook, input_dir)
        recomputed = recompute_file(path)  # a figure needs the budget too, built from the same recompute
        result = run_explain(recomputed.workbook, ref, lambda: check_recomputed(recomputed, settings), municipality)
        if as_json:
            _emit_json(result.to_json())
        else:
            click.echo(f"Workbook: {path}")
            click.echo(render_text(result))


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Templates used to tell which documents must be sent again [default: templates].")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as one JSON object.")
def diff(old: Path, new: Path, templates_dir: Path, as_json: bool) -> None:
    """Show what changed from workbook OLD to NEW: inputs, key figures, documents to send again.

    Inputs are the typed-in cells (Sheet!A1, old -> new); key figures are each municipality's and
    financier's yearly and total amounts, the totals per year and the EU support rate, as printed;
    a document must be sent again when a workbook cell its figures come from has changed.
    """
    with friendly_errors(as_json):
        from .build import check_for_documents
        from .changes import compare, render_summary, snapshot

        settings = _settings()
        templates_dir = templates_dir or settings.templates
        snapshots = []
        for path in (old, new):
            checked, plan = check_for_documents(path, settings, templates_dir)
            snapshots.append(snapshot(checked, _render_in_memory(plan.jobs), plan.report_data))
        report = compare(*snapshots)
        if as_json:
            _emit_json(report.to_json())
        else:
            click.echo(render_summary(report, f"No changes between {old} and {new}."))


def _render_in_memory(jobs) -> list:
    """Render every planned document without writing (to compare them and learn their source cells)."""
    from .build import render_jobs

    return render_jobs(jobs)


@main.command()
@click.option("--input-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder to watch [default: input, or hso.toml].")
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder the documents are written to [default: output, or hso.toml].")
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder holding kommun/, projekt/, finansiar/ [default: templates, or hso.toml].")
@click.option("--settle", type=float, default=1.0, show_default=True,
              help="Seconds a file must stay unchanged before it is built.")
@click.option("--grace", type=float, default=10.0, show_default=True,
              help="Further seconds an unreadable file is given before its error is reported.")
def watch(input_dir: Path | None, out: Path | None, templates_dir: Path | None, settle: float, grace: float) -> None:
    """Wait for a workbook to land or change in the input folder, and rebuild each time.

    A file is built once it is completely written (its size is stable and it opens). Each run
    prints one line: the documents written, or the error; a bad workbook does not stop the
    watcher. Ctrl-C ends it.
    """
    import datetime as dt

    from .build import build as run_build

    settings = _settings_or_exit()
    folder = input_dir or settings.input
    out = out or settings.output
    templates_dir = templates_dir or settings.templates
    if not folder.is_dir():
        click.echo(f"Error: {folder}: the input folder does not exist. Create it, or give --input-dir.", err=True)
        sys.exit(EXIT_UNUSABLE)

    def on_ready(path: Path) -> None:
        from .discover import companion_kind, newest_workbook

        stamp = dt.datetime.now().strftime("%H:%M:%S")
        try:
            if companion_kind(path.name) is not None:  # a changed data workbook: rebuild from the master
                path = newest_workbook(folder)
            result = run_build(path, out, templates_dir, (), False, None, settings)
        except HsoError as exc:
            click.echo(f"{stamp} {path.name}: Error: {exc.paragraph()}")
            return
        except Exception as exc:  # keep watching whatever happens to one file
            click.echo(f"{stamp} {path.name}: Error: unexpected problem ({type(exc).__name__}: {exc})")
            return
        changes = result.changes
        what = ("no changes" if changes is None or changes.empty else
                f"{len(changes.inputs)} inputs and {len(changes.figures)} figures changed, "
                f"{len(changes.documents)} documents to send again (see {out / 'ÄNDRINGAR.md'})")
        click.echo(f"{stamp} {path.name}: wrote {len(result.documents)} documents to {out}/; {what}")

    click.echo(f"Watching {folder}/ for workbooks (Ctrl-C to stop) ...")
    try:
        from .watch import watch as run_watch

        run_watch(folder, on_ready, settle=settle, grace=grace)
    except KeyboardInterrupt:
        pass
    click.echo("Stopped watching.")


def _settings_or_exit():
    try:
        return _settings()
    except HsoError as exc:
        _fail(exc, False)


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
            click.echo(f"rendering {done}/{total}: {label}", err=True)

    def done(self) -> None:
        if self.tty:
            click.echo("\r\033[K", err=True, nl=False)


@main.command()
@click.argument("workbook", required=False, type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder the documents are written to, replaced as a whole [default: output, or hso.toml].")
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Folder holding kommun/, projekt/, finansiar/ [default: templates, or hso.toml].")
@click.option("--input-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder searched for the newest workbook when none is named [default: input, or hso.toml].")
@click.option("--only", multiple=True, metavar="NAME",
              help="Only documents whose name, subject or template contains NAME (repeatable).")
@click.option("--pdf", is_flag=True, help="Also convert every document to PDF with LibreOffice.")
def build(workbook: Path | None, out: Path, templates_dir: Path, input_dir: Path, only: tuple[str, ...],
          pdf: bool) -> None:
    """Check WORKBOOK and render every template into the output folder.

    An error finding stops the build before anything is written. Documents, a report
    (rapport.txt) and manifest.json replace the previous output folder only when all are written.
    """
    with friendly_errors(False):
        from .build import build as run_build

        settings = _settings()
        out = out or settings.output
        templates_dir = templates_dir or settings.templates
        path, chosen_from = _resolve_workbook(workbook, input_dir)
        if chosen_from is not None:
            click.echo(f"Using {path} (the newest workbook in {chosen_from}/)")
        progress = _Progress()
        try:
            result = run_build(path, out, templates_dir, only, pdf, progress, settings)
        finally:
            progress.done()
        checked = result.checked
        counts = {sev: sum(1 for f in checked.findings if f.severity.value == sev) for sev in ("warning", "info")}
        click.echo(f"Checked {path}: {checked.verification.formula_count} formulas recomputed, no errors, "
                   f"{counts['warning']} warnings, {counts['info']} notes (see {out / 'rapport.txt'}).")
        for doc in result.documents:
            click.echo(f"  {out / doc.job.output}")
        for pdf_path in result.pdfs:
            click.echo(f"  {out / pdf_path.relative_to(pdf_path.parents[1])}")
        for finding in result.warnings:
            click.echo(f"  {finding.line()}")
        if result.changes is not None:
            from .changes import render_summary

            click.echo(render_summary(result.changes))
        if result.archived is not None:
            click.echo(f"The previous documents were kept in {out / result.archived}/")
        click.echo(f"Wrote {len(result.documents)} documents"
                   + (f" and {len(result.pdfs)} PDFs" if result.pdfs else "") + f" to {out}/ (see manifest.json)")


@main.command()
@click.option("--check", "check_", is_flag=True,
              help="Also render every template against the workbook in memory and report any error.")
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Folder holding kommun/, projekt/, finansiar/, rapport/ [default: templates, or hso.toml].")
@click.option("--workbook", type=click.Path(path_type=Path, dir_okay=False),
              help="Workbook to check against (default: the newest in the input folder).")
@click.option("--input-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder searched for the newest workbook [default: input, or hso.toml].")
def templates(check_: bool, templates_dir: Path, workbook: Path | None, input_dir: Path) -> None:
    """List the templates and the variables each uses; with --check, render each in memory.

    With --check, an unknown variable or a Jinja syntax error is reported with the template's name
    and the text of the paragraph that holds the tag (exit 2); nothing is written.
    """
    with friendly_errors(False):
        from .build import find_templates
        from .render.docx import template_problem
        from .render.inspect import TemplateSyntaxError, template_source, used_variables

        settings = _settings()
        templates_dir = templates_dir or settings.templates
        found = find_templates(templates_dir)
        if not found:
            click.echo(f"No templates in {templates_dir}/ (kommun/, projekt/, finansiar/).")
        for kind, path in found:
            once = {"kommun": "municipality", "finansiar": "co-financier", "projekt": "project",
                    "rapport": "municipality with report data"}[kind]
            click.echo(f"{path}  (once per {once})")
            try:
                names = used_variables(template_source(path))
            except TemplateSyntaxError as exc:
                raise template_problem(path, exc) from None
            for name in names:
                click.echo(f"    {name}")
        if check_:
            from .build import check_for_documents

            path, _ = _resolve_workbook(workbook, input_dir)
            documents = _render_in_memory(check_for_documents(path, settings, templates_dir)[1].jobs)
            click.echo(f"All {len(found)} templates render against {path} ({len(documents)} documents).")


if __name__ == "__main__":  # pragma: no cover
    main()
