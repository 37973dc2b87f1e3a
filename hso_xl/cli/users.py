"""hso-xl users: who may log in to the web page when it listens on more than this computer."""

from __future__ import annotations

import click

from ..i18n import _
from .common import Group, friendly_errors, main, project_folder
from .speak import NAME, argument


@main.group(cls=Group, help=_("Add or remove the users who may log in to hso-xl serve (password hashes in hso-users.txt)."))
def users() -> None:
    pass


@users.command(help=_("Add the user NAME, or give NAME a new password (asked for twice, not shown)."))
@argument("name", metavar=NAME)
def add(name: str) -> None:
    with friendly_errors(False):
        from ..users import check_name, set_user, users_file

        check_name(name)
        password = click.prompt(_("Password for {name}", name=name), hide_input=True,
                                confirmation_prompt=_("Repeat the password"))
        new = set_user(project_folder(), name, password)
        shown = users_file(project_folder())
        click.echo(_("Added {name} to {file}.", name=name, file=shown) if new else
                   _("Gave {name} a new password in {file}.", name=name, file=shown))


@users.command(help=_("Remove the user NAME."))
@argument("name", metavar=NAME)
def remove(name: str) -> None:
    with friendly_errors(False):
        import sys

        from ..errors import EXIT_UNUSABLE
        from ..users import remove_user

        if not remove_user(project_folder(), name):
            click.echo(_("Error: {paragraph}", paragraph=_("there is no user {name}.", name=name)), err=True)
            sys.exit(EXIT_UNUSABLE)
        click.echo(_("Removed {name}.", name=name))
