"""hso-xl explain: where a figure comes from, down to the typed-in cells."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _
from .common import emit_json, friendly_errors, main, project_settings, resolve_workbook
from .speak import FOLDER, NAME, WORKBOOK, PathType, argument, option


@main.command(help=_('Show where a figure comes from: how it is made, and the cells it depends on.\n\n'
                     'REF is a figure as a template writes it (kommun.totalt --kommun Ånge, eu.andel, '
                     'budget.summa_projektkostnad.ar.2028, kommuner.Ånge.totalt), a cell (Finansiering!G9) or a '
                     'defined name (OH_sats). The tree goes down to the typed-in inputs, each with its value and its '
                     'row and column labels.'))
@argument("ref", metavar=_("REF"))
@argument("workbook", required=False, type=PathType(path_type=Path), metavar=WORKBOOK)
@option("--input-dir", type=PathType(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder searched for the newest workbook when none is named [default: input, or hso.toml]."))
@option("--kommun", "municipality", default=None, metavar=NAME,
              help=_("For a figure as a municipality's template writes it (kommun.totalt): which municipality."))
@option("--json", "as_json", is_flag=True, help=_("Print the tree as one JSON object."))
def explain(ref: str, workbook: Path | None, input_dir: Path, municipality: str | None, as_json: bool) -> None:
    with friendly_errors(as_json):
        from ..explain import explain_workbook, render_text

        path, _folder = resolve_workbook(workbook, input_dir)
        result = explain_workbook(path, ref, project_settings(), municipality)
        if as_json:
            emit_json(result.to_json)
        else:
            click.echo(_("Workbook: {path}", path=path))
            click.echo(render_text(result))
