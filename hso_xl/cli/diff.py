"""hso-xl diff: what changed from one workbook to another, and which documents to send again."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _
from .common import emit_json, friendly_errors, main, project_settings
from .speak import FOLDER, PathType, argument, option


@main.command(help=_('Show what changed from workbook OLD to NEW: inputs, key figures, documents to send again.\n\n'
                     "Inputs are the typed-in cells (Sheet!A1, old -> new); key figures are each municipality's and "
                     "financier's yearly and total amounts, the totals per year and the EU support rate, as printed; a"
                     ' document must be sent again when a workbook cell its figures come from has changed.'))
@argument("old", type=PathType(path_type=Path), metavar=_("OLD"))
@argument("new", type=PathType(path_type=Path), metavar=_("NEW"))
@option("--templates", "templates_dir", type=PathType(path_type=Path, file_okay=False), metavar=FOLDER,
              default=None, help=_("Templates used to tell which documents must be sent again [default: templates]."))
@option("--out", "-o", "out", type=PathType(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
        help=_("The output folder whose send register says what each recipient has [default: output, or hso.toml]."))
@option("--json", "as_json", is_flag=True, help=_("Print the changes as one JSON object."))
def diff(old: Path, new: Path, templates_dir: Path, out: Path | None, as_json: bool) -> None:
    with friendly_errors(as_json):
        from ..build import check_for_documents, render_jobs
        from ..changes import compare, render_summary, snapshot

        settings = project_settings()
        templates_dir = templates_dir or settings.templates
        snapshots = []
        for path in (old, new):
            checked, plan = check_for_documents(path, settings, templates_dir)
            snapshots.append(snapshot(checked, render_jobs(plan.jobs), plan.report_data))
        report = compare(*snapshots)
        register = against_register(report, snapshots[1], out or settings.output)
        if as_json:
            emit_json(report.to_json)
            return
        if register is not None:
            click.echo(_("Documents to send: what reads differently in {new} from what each recipient last received "
                         "(the send register {register}).", new=new, register=register))
        click.echo(render_summary(report, _("No changes between {old} and {new}.", old=old, new=new)))


def against_register(report, new, out: Path) -> Path | None:
    """List in `report`, as a build does, what each recipient must get of `new` (a Snapshot) by the project's send
    register; the register's path, or None when there is none yet (then the documents are those changed from OLD)."""
    from ..changes.pending import apply_to_report, outstanding
    from ..changes.register import open_register

    with open_register(Path(out), create=False) as register:
        first = register.first_build() if register is not None else None
        if first is None:
            return None
        apply_to_report(report, outstanding(register, new), first[0])
        return register.path
