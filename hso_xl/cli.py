"""The command line: click commands only. Library errors become one paragraph and an exit code.

Exit codes: 0 all is well; 1 the check found errors; 2 the workbook (or the command line) cannot
be used. Heavy modules are imported inside the commands so that `hso-xl --help` stays fast.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_UNUSABLE, HsoError
from .i18n import LANGUAGES, SOURCE, Message, _, from_environment, language, n_, read_po, set_language, speaking

# -- click in the user's language ----------------------------------------------------------------
# click writes its own texts (Usage:, Options, "No such option", "Missing argument" …) in English
# through gettext, and turns a parameter's help into a str when the command is defined, before
# --lang is known. Its gettext hooks are pointed at locale/click/<lang>.po (read as it is), and the
# parameters below keep their help and metavar as messages, translated each time they are shown.
_CLICK_CATALOGS = Path(__file__).with_name("locale") / "click"


@functools.lru_cache(maxsize=None)
def _click_catalog(lang: str) -> dict:
    path = _CLICK_CATALOGS / f"{lang}.po"
    return read_po(path.read_text(encoding="utf-8")) if path.exists() else {}


def _click_gettext(text: str) -> str:
    return _click_catalog(language()).get(text, text)


def _click_ngettext(singular: str, plural: str, count: int) -> str:
    forms = _click_catalog(language()).get((singular, plural))
    index = 0 if count == 1 else 1
    return forms[index] if forms else (singular, plural)[index]


def _speak_to_click() -> None:
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui,
                   click.types):
        if hasattr(module, "_"):
            module._ = _click_gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _click_ngettext


class _Option(click.Option):
    """An option whose help and metavar are messages, shown in the language of the moment."""

    def __init__(self, *args, help=None, metavar=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._help_message, self._metavar_message = help, metavar

    def get_help_record(self, ctx):
        if self._help_message is not None:
            self.help = inspect.cleandoc(str(self._help_message))
        return super().get_help_record(ctx)

    def make_metavar(self, ctx) -> str:
        if self._metavar_message is not None:
            return str(self._metavar_message)
        return super().make_metavar(ctx)


class _Argument(click.Argument):
    """An argument whose name in usage lines and errors (WORKBOOK, ARBETSBOK) is a message."""

    def __init__(self, *args, metavar=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._metavar_message = metavar

    def make_metavar(self, ctx) -> str:
        if self._metavar_message is None:
            return super().make_metavar(ctx)
        name = str(self._metavar_message)
        return name if self.required else f"[{name}]"


def _translated_help_option(command: click.Command, ctx):
    option = click.Command.get_help_option(command, ctx)
    if option is not None and not isinstance(option, _Option):
        # click builds -h/--help itself with an English (or import-time) help text: make it a message
        option.__class__ = _Option
        option._help_message, option._metavar_message = _("Show this message and exit."), None
    return option


class _Command(click.Command):
    def get_help_option(self, ctx):
        return _translated_help_option(self, ctx)

    def collect_usage_pieces(self, ctx) -> list[str]:
        return [_click_gettext(piece) for piece in super().collect_usage_pieces(ctx)]


class _Group(click.Group):
    command_class = _Command

    def make_context(self, info_name, args, parent=None, **extra):
        # A mistake on the command line is reported before --lang's callback runs: speak the
        # language hso.toml or the environment asks for (else Swedish) from the start.
        set_language(_settings_language() or from_environment() or "sv")
        return super().make_context(info_name, args, parent, **extra)

    def get_help_option(self, ctx):
        return _translated_help_option(self, ctx)

    def collect_usage_pieces(self, ctx) -> list[str]:
        return [_click_gettext(piece) for piece in super().collect_usage_pieces(ctx)]


class _Path(click.Path):
    """click's Path, naming itself ('file', 'directory') in the language of the moment in its errors."""

    @property
    def name(self) -> str:
        return _click_gettext(self._english_name)

    @name.setter
    def name(self, value: str) -> None:
        self._english_name = value


option = functools.partial(click.option, cls=_Option)
argument = functools.partial(click.argument, cls=_Argument)
WORKBOOK = _("WORKBOOK")
FOLDER = _("FOLDER")
FILE = _("FILE")
NAME = _("NAME")
SECONDS = _("SECONDS")


def _choose_language(ctx, param, value):
    """--lang, else hso.toml's language, else the environment's, else Swedish (eager: before --help)."""
    lang = value or _settings_language() or from_environment() or "sv"
    set_language(lang)
    return lang


def _settings_language() -> str | None:
    try:
        return _settings().language
    except HsoError:  # a broken hso.toml is reported by the command itself
        return None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]},
             help=_("Reports from the HSO master financing workbook, with every formula recomputed.\n\n"
                    "Drop the workbook in input/, then run `hso-xl check` to see its totals and findings."))
@option("--lang", type=click.Choice(LANGUAGES), default=None, is_eager=True, expose_value=False,
              callback=_choose_language,
              help=_("The language of messages: sv (Swedish, the default) or en (English)."))
@click.version_option(__version__, prog_name="hso-xl", cls=_Option, help=_("Show the version and exit."))
def main() -> None:
    pass


def _emit_json(data) -> None:
    """Print JSON: machine-readable output is the same whatever the language (messages in English)."""
    with speaking(SOURCE):
        data = data() if callable(data) else data
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def friendly_errors(as_json: bool):
    """Turn an HsoError (or any unexpected failure) into one paragraph on stderr and exit code 2."""
    try:
        yield
    except HsoError as exc:
        _fail(exc, as_json)
    except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException):
        raise
    except BrokenPipeError:  # the reader stopped reading (`hso-xl check --map | head`): no more to say
        _stop_writing()
    except Exception as exc:  # a bug, or an input we never imagined: still no traceback
        if os.environ.get("HSO_XL_DEBUG"):
            raise
        _fail(HsoError(_("unexpected problem ({kind}: {details})", kind=type(exc).__name__, details=exc),
                       hint=_("This is a bug in hso-xl; set HSO_XL_DEBUG=1 for details and report it with the "
                              "workbook")),
              as_json)


def _stop_writing() -> None:
    """Leave quietly when stdout is a pipe whose reader has gone, as a Unix command does (exit 128 + SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit would fail on the closed pipe again
    except (OSError, ValueError):  # no real file descriptor (a test runner's stdout)
        pass
    sys.exit(141)


def _fail(exc: HsoError, as_json: bool) -> None:
    if as_json:
        _emit_json({"error": exc.to_json(), "exit_code": exc.exit_code})
    click.echo(_("Error: {paragraph}", paragraph=exc.paragraph()), err=True)
    sys.exit(exc.exit_code)


def _settings():
    from .settings import load_settings

    return load_settings(Path("."))


def _using(path: Path, folder: Path):
    return _("Using {path} (the newest workbook in {folder}/)", path=path, folder=folder)


def _resolve_workbook(workbook: Path | None, input_dir: Path | None) -> tuple[Path, Path | None]:
    """Return the workbook to use and, when it was picked from the input folder, that folder."""
    if workbook is not None:
        return workbook, None
    from .discover import newest_workbook

    input_dir = input_dir or _settings().input
    return newest_workbook(input_dir), input_dir


@main.command(help=_('Recompute WORKBOOK, check its budget and print totals and findings.\n\n'
                     'With no WORKBOOK, the newest .xlsx/.xlsm/.ods in the input folder is used. It says which layout '
                     'it recognised and where it found each table. Exit code 0: no error; 1: the check found errors; '
                     '2: the workbook cannot be used.'))
@argument("workbook", required=False, type=_Path(path_type=Path), metavar=WORKBOOK)
@option("--input-dir", type=_Path(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder searched for the newest workbook when none is named [default: input, or hso.toml]."))
@option("--json", "as_json", is_flag=True, help=_("Print the result as one JSON object (see README)."))
@option("--map", "show_map", is_flag=True,
              help=_("Also list every figure and fact the documents use beside the cell it came from."))
def check(workbook: Path | None, input_dir: Path, as_json: bool, show_map: bool) -> None:
    with friendly_errors(as_json):
        from .build import check_for_documents
        from .report import check_json, check_text, exit_code

        settings = _settings()
        path, chosen_from = _resolve_workbook(workbook, input_dir)
        if chosen_from is not None and as_json:
            click.echo(_using(path, chosen_from), err=True)
        checked, _plan = check_for_documents(path, settings)
        if as_json:
            _emit_json(lambda: check_json(checked, chosen_from))
        else:
            click.echo(check_text(checked, chosen_from))
            if show_map:
                from .report import map_text

                click.echo(map_text(checked))
        sys.exit(exit_code(checked.findings))


@main.command(help=_('Write a copy of WORKBOOK whose cached values are the recomputed ones, and report on every '
                     'formula.\n\n'
                     'Formulas, styles and every other part of the file are kept as they were. Each formula cell is '
                     'reported as agreeing with its cached value, differing from it, not computed (with why: an '
                     'unsupported function, a circular reference, a cell it reads) or without a cached value. Cells '
                     'that could not be computed keep the value the file cached. Exit 0: every formula computed; 1: '
                     'some could not be computed, or give an error value; 2: the workbook cannot be read, or --strict '
                     'and a formula could not be computed (then nothing is written).'))
@argument("workbook", type=_Path(path_type=Path), metavar=WORKBOOK)
@option("-o", "--output", "out", required=True, type=_Path(path_type=Path, dir_okay=False), metavar=FILE,
              help=_("Where to write the recomputed copy (never the input itself)."))
@option("--json", "as_json", is_flag=True, help=_("Print the report as one JSON object (see README)."))
@option("--strict", is_flag=True, help=_("Write nothing when any formula cannot be computed (exit 2)."))
def recalc(workbook: Path, out: Path, as_json: bool, strict: bool) -> None:
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
            _emit_json(lambda: recalc_json(workbook, written, engine, verification, code))
        else:
            click.echo(recalc_text(workbook, written, engine, verification))
        sys.exit(code)


@main.command(help=_('Show where a figure comes from: how it is made, and the cells it depends on.\n\n'
                     'REF is a figure as a template writes it (kommun.totalt --kommun Ånge, eu.andel, '
                     'budget.summa_projektkostnad.ar.2028, kommuner.Ånge.totalt), a cell (Finansiering!G9) or a '
                     'defined name (OH_sats). The tree goes down to the typed-in inputs, each with its value and its '
                     'row and column labels.'))
@argument("ref", metavar=_("REF"))
@argument("workbook", required=False, type=_Path(path_type=Path), metavar=WORKBOOK)
@option("--input-dir", type=_Path(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder searched for the newest workbook when none is named [default: input, or hso.toml]."))
@option("--kommun", "municipality", default=None, metavar=NAME,
              help=_("For a figure as a municipality's template writes it (kommun.totalt): which municipality."))
@option("--json", "as_json", is_flag=True, help=_("Print the tree as one JSON object."))
def explain(ref: str, workbook: Path | None, input_dir: Path, municipality: str | None, as_json: bool) -> None:
    with friendly_errors(as_json):
        from .explain import explain as run_explain
        from .explain import render_text
        from .model.checked import check_recomputed
        from .workbook.recalc import recompute_file

        settings = _settings()
        path, _folder = _resolve_workbook(workbook, input_dir)
        recomputed = recompute_file(path)  # a figure needs the budget too, built from the same recompute
        result = run_explain(recomputed.workbook, ref, lambda: check_recomputed(recomputed, settings), municipality)
        if as_json:
            _emit_json(result.to_json)
        else:
            click.echo(_("Workbook: {path}", path=path))
            click.echo(render_text(result))


@main.command(help=_('Show what changed from workbook OLD to NEW: inputs, key figures, documents to send again.\n\n'
                     "Inputs are the typed-in cells (Sheet!A1, old -> new); key figures are each municipality's and "
                     "financier's yearly and total amounts, the totals per year and the EU support rate, as printed; a"
                     ' document must be sent again when a workbook cell its figures come from has changed.'))
@argument("old", type=_Path(path_type=Path), metavar=_("OLD"))
@argument("new", type=_Path(path_type=Path), metavar=_("NEW"))
@option("--templates", "templates_dir", type=_Path(path_type=Path, file_okay=False), metavar=FOLDER,
              default=None, help=_("Templates used to tell which documents must be sent again [default: templates]."))
@option("--json", "as_json", is_flag=True, help=_("Print the changes as one JSON object."))
def diff(old: Path, new: Path, templates_dir: Path, as_json: bool) -> None:
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
            _emit_json(report.to_json)
        else:
            click.echo(render_summary(report, _("No changes between {old} and {new}.", old=old, new=new)))


def _render_in_memory(jobs) -> list:
    """Render every planned document without writing (to compare them and learn their source cells)."""
    from .build import render_jobs

    return render_jobs(jobs)


@main.command(help=_('Wait for a workbook to land or change in the input folder, and rebuild each time.\n\n'
                     'A file is built once it is completely written (its size is stable and it opens). Each run prints'
                     ' one line: the documents written, or the error; a bad workbook does not stop the watcher. Ctrl-C'
                     ' ends it.'))
@option("--input-dir", type=_Path(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder to watch [default: input, or hso.toml]."))
@option("--out", "-o", "out", type=_Path(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder the documents are written to [default: output, or hso.toml]."))
@option("--templates", "templates_dir", type=_Path(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder holding kommun/, projekt/, finansiar/ [default: templates, or hso.toml]."))
@option("--settle", type=float, metavar=SECONDS, default=1.0, show_default=True,
              help=_("Seconds a file must stay unchanged before it is built."))
@option("--grace", type=float, metavar=SECONDS, default=10.0, show_default=True,
              help=_("Further seconds an unreadable file is given before its error is reported."))
def watch(input_dir: Path | None, out: Path | None, templates_dir: Path | None, settle: float, grace: float) -> None:
    import datetime as dt

    from .build import build as run_build

    settings = _settings_or_exit()
    folder = input_dir or settings.input
    out = out or settings.output
    templates_dir = templates_dir or settings.templates
    if not folder.is_dir():
        click.echo(_("Error: {folder}: the input folder does not exist. Create it, or give --input-dir.",
                     folder=folder), err=True)
        sys.exit(EXIT_UNUSABLE)

    def on_ready(path: Path) -> None:
        from .discover import companion_kind, newest_workbook

        stamp = dt.datetime.now().strftime("%H:%M:%S")
        try:
            if companion_kind(path.name) is not None:  # a changed data workbook: rebuild from the master
                path = newest_workbook(folder)
            result = run_build(path, out, templates_dir, (), False, None, settings)
        except HsoError as exc:
            click.echo(_("{time} {file}: Error: {paragraph}", time=stamp, file=path.name, paragraph=exc.paragraph()))
            return
        except Exception as exc:  # keep watching whatever happens to one file
            click.echo(_("{time} {file}: Error: unexpected problem ({kind}: {details})", time=stamp, file=path.name,
                         kind=type(exc).__name__, details=exc))
            return
        changes = result.changes
        if changes is None or changes.empty:
            what = _("no changes")
        else:
            what = _("{inputs}, {figures} changed, {documents} to send again (see {report})",
                     inputs=n_("{n} input", "{n} inputs", len(changes.inputs)),
                     figures=n_("{n} figure", "{n} figures", len(changes.figures)),
                     documents=n_("{n} document", "{n} documents", len(changes.documents)),
                     report=out / "ÄNDRINGAR.md")
        click.echo(_("{time} {file}: wrote {documents} to {out}/; {what}", time=stamp, file=path.name,
                     documents=n_("{n} document", "{n} documents", len(result.documents)), out=out, what=what))

    click.echo(_("Watching {folder}/ for workbooks (Ctrl-C to stop) ...", folder=folder))
    try:
        from .watch import watch as run_watch

        run_watch(folder, on_ready, settle=settle, grace=grace)
    except KeyboardInterrupt:
        pass
    click.echo(_("Stopped watching."))


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
            click.echo(_("rendering {done}/{total}: {label}", done=done, total=total, label=label), err=True)

    def done(self) -> None:
        if self.tty:
            click.echo("\r\033[K", err=True, nl=False)


@main.command(help=_('Check WORKBOOK and render every template into the output folder.\n\n'
                     'An error finding stops the build before anything is written. Documents, a report (rapport.txt) '
                     'and manifest.json replace the previous output folder only when all are written.'))
@argument("workbook", required=False, type=_Path(path_type=Path), metavar=WORKBOOK)
@option("--out", "-o", "out", type=_Path(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder the documents are written to, replaced as a whole [default: output, or hso.toml]."))
@option("--templates", "templates_dir", type=_Path(path_type=Path, file_okay=False), metavar=FOLDER,
              default=None, help=_("Folder holding kommun/, projekt/, finansiar/ [default: templates, or hso.toml]."))
@option("--input-dir", type=_Path(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder searched for the newest workbook when none is named [default: input, or hso.toml]."))
@option("--only", multiple=True, metavar=NAME,
              help=_("Only documents whose name, subject or template contains NAME (repeatable)."))
@option("--pdf", is_flag=True, help=_("Also convert every document to PDF with LibreOffice."))
def build(workbook: Path | None, out: Path, templates_dir: Path, input_dir: Path, only: tuple[str, ...],
          pdf: bool) -> None:
    with friendly_errors(False):
        from .build import build as run_build

        settings = _settings()
        out = out or settings.output
        templates_dir = templates_dir or settings.templates
        path, chosen_from = _resolve_workbook(workbook, input_dir)
        if chosen_from is not None:
            click.echo(_using(path, chosen_from))
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
            from .changes import render_summary

            click.echo(render_summary(result.changes))
        elif result.no_comparison is not None:
            from .build import first_build_line

            click.echo(first_build_line(result))
        if result.archived is not None:
            click.echo(_("The previous documents were kept in {folder}/", folder=out / result.archived))
        documents = n_("{n} document", "{n} documents", len(result.documents))
        if result.pdfs:
            click.echo(_("Wrote {documents} and {pdfs} to {out}/ (see manifest.json)", documents=documents,
                         pdfs=n_("{n} PDF", "{n} PDFs", len(result.pdfs)), out=out))
        else:
            click.echo(_("Wrote {documents} to {out}/ (see manifest.json)", documents=documents, out=out))


@main.command(help=_('List the templates and the variables each uses; with --check, render each in memory.\n\n'
                     "With --check, an unknown variable or a Jinja syntax error is reported with the template's name "
                     'and the text of the paragraph that holds the tag (exit 2); nothing is written.'))
@option("--check", "check_", is_flag=True,
              help=_("Also render every template against the workbook in memory and report any error."))
@option("--templates", "templates_dir", type=_Path(path_type=Path, file_okay=False), metavar=FOLDER,
              default=None, help=_("Folder holding kommun/, projekt/, finansiar/, rapport/ [default: templates, or hso.toml]."))
@option("--workbook", type=_Path(path_type=Path, dir_okay=False), metavar=FILE,
              help=_("Workbook to check against (default: the newest in the input folder)."))
@option("--input-dir", type=_Path(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder searched for the newest workbook [default: input, or hso.toml]."))
def templates(check_: bool, templates_dir: Path, workbook: Path | None, input_dir: Path) -> None:
    with friendly_errors(False):
        from .build import find_templates
        from .render.docx import template_problem
        from .render.inspect import TemplateSyntaxError, template_source, used_variables

        settings = _settings()
        templates_dir = templates_dir or settings.templates
        found = find_templates(templates_dir)
        if not found:
            click.echo(_("No templates in {folder}/ (kommun/, projekt/, finansiar/, rapport/).", folder=templates_dir))
        for kind, path in found:
            once = {"kommun": _("once per municipality"), "finansiar": _("once per co-financier"),
                    "projekt": _("once per project"),
                    "rapport": _("once per municipality with report data")}[kind]
            click.echo(f"{path}  ({once})")
            try:
                names = used_variables(template_source(path))
            except TemplateSyntaxError as exc:
                raise template_problem(path, exc) from None
            for name in names:
                click.echo(f"    {name}")
        if check_:
            from .build import check_for_documents

            path, _folder = _resolve_workbook(workbook, input_dir)
            documents = _render_in_memory(check_for_documents(path, settings, templates_dir)[1].jobs)
            click.echo(_("All {templates} render against {path} ({documents}).", path=path,
                         templates=n_("{n} template", "{n} templates", len(found)),
                         documents=n_("{n} document", "{n} documents", len(documents))))


_speak_to_click()  # after the definitions above, so click's types keep their English names to translate


if __name__ == "__main__":  # pragma: no cover
    main()
