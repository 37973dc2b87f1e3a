"""The group every command belongs to, and what the commands share: --lang, the error handler, settings.

Exit codes: 0 all is well; 1 the check found errors; 2 the workbook (or the command line) cannot
be used. Heavy modules are imported inside the commands so that `hso-xl --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from .. import __version__
from ..errors import EXIT_INTERRUPTED, HsoError, environment_problem
from ..i18n import LANGUAGES, SOURCE, _, from_environment, set_language, speaking
from .speak import FOLDER, Command, Option, PathType, click_gettext, option, translated_help_option


class Group(click.Group):
    command_class = Command

    def main(self, *args, **kwargs):
        from ..console import use_utf8

        use_utf8()  # a redirected Windows console writes cp1252 otherwise, and stops at the first '→'
        return super().main(*args, **kwargs)

    def make_context(self, info_name, args, parent=None, **extra):
        # A mistake on the command line is reported before --lang's callback runs: speak the
        # language hso.toml or the environment asks for (else Swedish) from the start.
        if parent is None:  # a group of commands inside (hso-xl users) keeps what --lang said
            set_language(_settings_language() or from_environment() or "sv")
        return super().make_context(info_name, args, parent, **extra)

    def get_help_option(self, ctx):
        return translated_help_option(self, ctx)

    def collect_usage_pieces(self, ctx) -> list[str]:
        return [click_gettext(piece) for piece in super().collect_usage_pieces(ctx)]


def _choose_language(ctx, param, value):
    """--lang, else hso.toml's language, else the environment's, else Swedish (eager: before --help)."""
    lang = value or _settings_language() or from_environment() or "sv"
    set_language(lang)
    return lang


def _settings_language() -> str | None:
    if not (Path(_project or ".") / SETTINGS_FILE).is_file():  # the defaults: nothing to read (nor to import)
        return None
    try:
        return project_settings().language
    except HsoError:  # a broken hso.toml is reported by the command itself
        return None


_project: Path | None = None  # --project, for this invocation
SETTINGS_FILE = "hso.toml"  # settings.FILE_NAME, named here so that a project without one imports no settings


def _choose_project(ctx, param, value):
    """--project FOLDER: the project folder every command works on (eager: its hso.toml may set the language)."""
    global _project
    _project = value
    if value is not None:
        from ..project import folder

        try:
            folder(value)
        except HsoError as exc:
            fail(exc, False)
    return value


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]},
             help=_("Reports from the HSO master financing workbook, with every formula recomputed.\n\n"
                    "Drop the workbook in input/, then run `hso-xl check` to see its totals and findings."))
@option("--lang", type=click.Choice(LANGUAGES), default=None, is_eager=True, expose_value=False,
              callback=_choose_language,
              help=_("The language of messages: sv (Swedish, the default) or en (English)."))
@option("--project", type=PathType(path_type=Path, file_okay=False), default=None, is_eager=True, expose_value=False,
        callback=_choose_project, metavar=FOLDER,
        help=_("The project folder (input/, templates/, output/, hso.toml) [default: the working folder]."))
@click.version_option(__version__, prog_name="hso-xl", cls=Option, help=_("Show the version and exit."))
def main() -> None:
    pass


def emit_json(data) -> None:
    """Print JSON: machine-readable output is the same whatever the language (messages in English)."""
    import json  # (only --json: the other outputs need no json module)

    with speaking(SOURCE):
        data = data() if callable(data) else data
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def friendly_errors(as_json: bool):
    """Turn an HsoError (or any unexpected failure) into one paragraph on stderr and exit code 2."""
    try:
        yield
    except HsoError as exc:
        fail(exc, as_json)
    except KeyboardInterrupt:  # Ctrl-C: what was being written is dropped, the previous documents stay
        click.echo(_("Stopped (Ctrl-C); nothing was written and the previous documents are in place"), err=True)
        sys.exit(EXIT_INTERRUPTED)
    except (click.exceptions.Exit, click.ClickException):
        raise
    except BrokenPipeError:  # the reader stopped reading (`hso-xl check --map | head`): no more to say
        _stop_writing()
    except Exception as exc:  # a bug, or an input we never imagined: still no traceback
        if os.environ.get("HSO_XL_DEBUG"):
            raise
        if environment_problem(exc) is not None:  # a full disk, a file deleted meanwhile: not a bug
            fail(environment_problem(exc), as_json)
        fail(HsoError(_("unexpected problem ({kind}: {details})", kind=type(exc).__name__, details=exc),
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


def fail(exc: HsoError, as_json: bool) -> None:
    if as_json:
        emit_json({"error": exc.to_json(), "exit_code": exc.exit_code})
    click.echo(_("Error: {paragraph}", paragraph=exc.paragraph()), err=True)
    sys.exit(exc.exit_code)


def project_folder() -> Path:
    """The project folder: --project, else the working folder."""
    from ..project import folder

    return folder(_project)


def project_settings():
    """The settings of the project folder (--project, else the working folder); LibreOffice as they name it."""
    from ..project import folder
    from ..settings import load_settings

    settings = load_settings(folder(_project))
    if settings.libreoffice is not None or "hso_xl.libreoffice" in sys.modules:  # (else nothing to say to it)
        from .. import libreoffice

        libreoffice.use(settings)
    return settings


def using_line(path: Path, folder: Path):
    return _("Using {path} (the newest workbook in {folder}/)", path=path, folder=folder)


def resolve_workbook(workbook: Path | None, input_dir: Path | None) -> tuple[Path, Path | None]:
    """Return the workbook to use and, when it was picked from the input folder, that folder."""
    if workbook is not None:
        return workbook, None
    from ..discover import newest_workbook

    input_dir = input_dir or project_settings().input
    return newest_workbook(input_dir), input_dir


def settings_or_exit():
    try:
        return project_settings()
    except HsoError as exc:
        fail(exc, False)
