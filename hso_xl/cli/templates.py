"""hso-xl templates: the templates and the facts each uses (--check: render each in memory)."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _, n_
from .common import friendly_errors, main, project_settings, resolve_workbook
from .speak import FILE, FOLDER, PathType, option


@main.command(help=_('List the templates and the variables each uses; with --check, render each in memory.\n\n'
                     "With --check, an unknown variable or a Jinja syntax error is reported with the template's name "
                     'and the text of the paragraph that holds the tag (exit 2); nothing is written.'))
@option("--check", "check_", is_flag=True,
              help=_("Also render every template against the workbook in memory and report any error."))
@option("--templates", "templates_dir", type=PathType(path_type=Path, file_okay=False), metavar=FOLDER,
              default=None, help=_("Folder holding kommun/, projekt/, finansiar/, rapport/ [default: templates, or hso.toml]."))
@option("--workbook", type=PathType(path_type=Path, dir_okay=False), metavar=FILE,
              help=_("Workbook to check against (default: the newest in the input folder)."))
@option("--input-dir", type=PathType(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
              help=_("Folder searched for the newest workbook [default: input, or hso.toml]."))
def templates(check_: bool, templates_dir: Path, workbook: Path | None, input_dir: Path) -> None:
    with friendly_errors(False):
        from ..template_list import list_templates, render_all

        settings = project_settings()
        templates_dir = templates_dir or settings.templates
        found = list_templates(templates_dir)
        if not found:
            click.echo(_("No templates in {folder}/ (kommun/, projekt/, finansiar/, rapport/).", folder=templates_dir))
        for template in found:
            click.echo(f"{template.path}  ({template.once})")
            for name in template.names:
                click.echo(f"    {name}")
        if check_:
            path, _folder = resolve_workbook(workbook, input_dir)
            documents = render_all(path, settings, templates_dir)
            click.echo(_("All {templates} render against {path} ({documents}).", path=path,
                         templates=n_("{n} template", "{n} templates", len(found)),
                         documents=n_("{n} document", "{n} documents", len(documents))))
