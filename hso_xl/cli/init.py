"""hso-xl init: a new project folder anywhere, with the sample workbooks, the templates and hso.toml."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _, n_
from .common import friendly_errors, main
from .speak import FOLDER, PathType, argument


@main.command(help=_('Create the project folder FOLDER: input/ with the sample workbooks, templates/, a commented '
                     'hso.toml and LÄSMIG.md.\n\n'
                     'Then put the project\'s own workbook in FOLDER/input/ and run hso-xl build in FOLDER (or hso-xl '
                     '--project FOLDER build from anywhere). An existing folder that is not empty is left as it is '
                     '(exit 2).'))
@argument("folder", type=PathType(path_type=Path), metavar=FOLDER)
def init(folder: Path) -> None:
    with friendly_errors(False):
        from ..errors import ProjectProblem
        from ..output.names import safe_file_name
        from ..project import init as make_project, quoted

        name = folder.absolute().name
        if safe_file_name(name) != name:  # a folder on a shared drive is opened from Windows too
            raise ProjectProblem(_("the folder name cannot be opened on Windows (it has a character or a form Windows "
                                   "refuses: < > : \" | ? *, a dot or space at the end, or a name such as CON)"),
                                 file=folder, hint=_("Name it for example {name}", name=quoted(safe_file_name(name))))
        made = make_project(folder)
        templates = sum(1 for p in made if p.parts[0] == "templates")
        workbooks = sum(1 for p in made if p.parts[0] == "input")
        click.echo(_("Created the project folder {folder}: input/ with {workbooks}, templates/ with {templates}, "
                     "hso.toml (settings, all optional) and LÄSMIG.md.", folder=folder,
                     workbooks=n_("{n} sample workbook", "{n} sample workbooks", workbooks),
                     templates=n_("{n} template", "{n} templates", templates)))
        click.echo(_("Put the project's workbook in {input}/ and run hso-xl build in {folder} (or hso-xl --project "
                     "{folder} build); the documents appear in {output}/.", folder=quoted(folder),
                     input=folder / "input", output=folder / "output"))
