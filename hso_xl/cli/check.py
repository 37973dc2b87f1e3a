"""hso-xl check: the totals and findings of a workbook (--map: every figure beside its cell)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..i18n import _
from .common import emit_json, friendly_errors, main, project_settings, resolve_workbook, using_line
from .speak import FOLDER, WORKBOOK, PathType, argument, option


@main.command(help=_('Recompute WORKBOOK, check its budget and print totals and findings.\n\n'
                     'With no WORKBOOK, the newest .xlsx/.xlsm/.ods in the input folder is used. It says which layout '
                     'it recognised and where it found each table. Exit code 0: no error; 1: the check found errors; '
                     '2: the workbook cannot be used.'))
@argument("workbook", required=False, type=PathType(path_type=Path), metavar=WORKBOOK)
@option("--input-dir", type=PathType(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder searched for the newest workbook when none is named [default: input, or hso.toml]."))
@option("--json", "as_json", is_flag=True, help=_("Print the result as one JSON object (see README)."))
@option("--map", "show_map", is_flag=True,
              help=_("Also list every figure and fact the documents use beside the cell it came from."))
def check(workbook: Path | None, input_dir: Path, as_json: bool, show_map: bool) -> None:
    with friendly_errors(as_json):
        from ..build_plan import check_for_documents
        from ..report import check_json, check_text, exit_code

        settings = project_settings()
        path, chosen_from = resolve_workbook(workbook, input_dir)
        if chosen_from is not None and as_json:
            click.echo(using_line(path, chosen_from), err=True)
        checked, _plan = check_for_documents(path, settings)
        if as_json:
            emit_json(lambda: check_json(checked, chosen_from))
        else:
            click.echo(check_text(checked, chosen_from))
            if show_map:
                from ..report import map_text

                click.echo(map_text(checked))
        sys.exit(exit_code(checked.findings))
