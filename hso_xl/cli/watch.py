"""hso-xl watch: rebuild each time a workbook lands or changes in the input folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import EXIT_UNUSABLE, HsoError
from ..i18n import _, n_
from .common import main, settings_or_exit
from .speak import FOLDER, SECONDS, PathType, option


@main.command(help=_('Wait for a workbook to land or change in the input folder, and rebuild each time.\n\n'
                     'A file is built once it is completely written (its size is stable and it opens). Each run prints'
                     ' one line: the documents written, or the error; a bad workbook does not stop the watcher. Ctrl-C'
                     ' ends it.'))
@option("--input-dir", type=PathType(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder to watch [default: input, or hso.toml]."))
@option("--out", "-o", "out", type=PathType(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder the documents are written to [default: output, or hso.toml]."))
@option("--templates", "templates_dir", type=PathType(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder holding kommun/, projekt/, finansiar/ [default: templates, or hso.toml]."))
@option("--settle", type=float, metavar=SECONDS, default=1.0, show_default=True,
              help=_("Seconds a file must stay unchanged before it is built."))
@option("--grace", type=float, metavar=SECONDS, default=10.0, show_default=True,
              help=_("Further seconds an unreadable file is given before its error is reported."))
def watch(input_dir: Path | None, out: Path | None, templates_dir: Path | None, settle: float, grace: float) -> None:
    import datetime as dt

    from ..build import build as run_build
    from ..watch import CtrlC, stop_on_ctrl_c, watch as run_watch

    settings = settings_or_exit()
    folder = input_dir or settings.input
    out = out or settings.output
    templates_dir = templates_dir or settings.templates
    if not folder.is_dir():
        click.echo(_("Error: {folder}: the input folder does not exist. Create it, or give --input-dir.",
                     folder=folder), err=True)
        sys.exit(EXIT_UNUSABLE)

    def on_ready(path: Path, ctrl_c: CtrlC) -> None:
        from ..discover import companion_kind, newest_workbook

        stamp = dt.datetime.now().strftime("%H:%M:%S")
        try:
            if companion_kind(path.name) is not None:  # a changed data workbook: rebuild from the master
                path = newest_workbook(folder)
            with ctrl_c.building():  # left before the error is handled: its cleanup is no place for Ctrl-C
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
    with stop_on_ctrl_c() as ctrl_c:
        try:
            run_watch(folder, lambda path: on_ready(path, ctrl_c), settle=settle, grace=grace,
                      should_stop=ctrl_c.is_set)
        except KeyboardInterrupt:
            pass
    click.echo(_("Stopped watching."))
