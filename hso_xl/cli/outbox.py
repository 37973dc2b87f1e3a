"""hso-xl outbox and hso-xl sent: the packages to send, and the record of what was sent (changes/)."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _, n_
from .common import friendly_errors, main, project_settings
from .speak import FOLDER, NAME, PathType, argument, option


@main.command(help=_('Write a folder per recipient with what it must get, and an e-mail draft to send it with.\n\n'
                     'output/utskick/RECIPIENT/ holds the documents that read differently from the version the '
                     'recipient last received (or that it never received), their PDFs when built, and an .eml draft '
                     '(X-Unsent: 1) addressed from the E-post fact. hso-xl never sends e-mail: send the draft, then '
                     'run hso-xl sent.'))
@argument("recipients", nargs=-1, metavar=_("RECIPIENT..."))
@option("--out", "-o", "out", type=PathType(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
        help=_("The output folder of the build [default: output, or hso.toml]."))
def outbox(recipients: tuple[str, ...], out: Path | None) -> None:
    with friendly_errors(False):
        from ..changes.outbox import write_outbox

        settings = project_settings()
        out = out or settings.output
        packages = write_outbox(out, list(recipients) or None, settings.aliases, settings.addresses)
        if not packages:
            click.echo(_("Nothing to send: every recipient has the version of each document it reads now."))
            return
        for package in packages:
            documents = n_("{n} document", "{n} documents", len(package.documents))
            if package.email:
                click.echo(_("Wrote {folder}/ ({documents}, a draft to {email})", folder=package.folder,
                             documents=documents, email=package.email))
            elif package.is_municipality:
                click.echo(_("Wrote {folder}/ ({documents}); the facts give no e-mail address for {recipient}, so the "
                             "draft has none: add a column 'E-post' to the Kommuner sheet, or fill in To in the draft",
                             folder=package.folder, documents=documents, recipient=package.recipient))
            else:
                click.echo(_("Wrote {folder}/ ({documents}); the facts give no e-mail address for {recipient}, so the "
                             "draft has none: add it to hso.toml as [mottagare.\"{recipient}\"] with epost = "
                             "\"...\", or fill in To in the draft", folder=package.folder, documents=documents,
                             recipient=package.recipient))
        click.echo(_("Open each .eml in Outlook or Thunderbird and send it; then record it: hso-xl sent NAME (or "
                     "--all)."))


@main.command(help=_('Record what was sent: each document the named recipients must get, as the last build made it.\n\n'
                     'Names as in the documents (or their short form: Kramfors); --all records every recipient with '
                     'something to send. The register (.hso/register.sqlite beside the output folder) keeps the '
                     'bytes sent, when, by whom and how; nothing in it is ever rewritten.'))
@argument("recipients", nargs=-1, metavar=_("RECIPIENT..."))
@option("--all", "everyone", is_flag=True, help=_("Record every recipient with something to send."))
@option("--by", metavar=NAME, default=None, help=_("Who sent them [default: the user logged in]."))
@option("--how", metavar=_("HOW"), default="e-post", show_default=True, help=_("How they were sent."))
@option("--out", "-o", "out", type=PathType(path_type=Path, file_okay=False), metavar=FOLDER, default=None,
        help=_("The output folder of the build [default: output, or hso.toml]."))
def sent(recipients: tuple[str, ...], everyone: bool, by: str | None, how: str, out: Path | None) -> None:
    with friendly_errors(False):
        from ..changes.sent import record_sent
        from ..errors import OutputProblem

        if not recipients and not everyone:
            raise OutputProblem(_("name the recipients whose documents were sent, or give --all"),
                                hint=_("For example: hso-xl sent Kramfors"))
        settings = project_settings()
        out = out or settings.output
        rows = record_sent(out, None if everyone else list(recipients), by, how, settings.aliases)
        if not rows:
            click.echo(_("Nothing to record: every recipient already has the version of each document it reads now."))
            return
        by_recipient: dict[str, int] = {}
        for row in rows:
            by_recipient[row.recipient] = by_recipient.get(row.recipient, 0) + 1
        for recipient, count in by_recipient.items():
            click.echo(_("Recorded {documents} as sent to {recipient} ({at}, by {by}, {how})",
                         documents=n_("{n} document", "{n} documents", count), recipient=recipient,
                         at=rows[0].at.replace("T", " "), by=rows[0].by, how=rows[0].how))
