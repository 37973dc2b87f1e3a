"""`hso-xl outbox`: one folder per recipient with what it must get, and an e-mail draft to send it with.

`output/utskick/<recipient>/` holds the recipient's documents (and their PDFs when the build made
them) and `<recipient>.eml`: a draft (`X-Unsent: 1`, so Outlook and Thunderbird open it as
unsent) addressed from the facts (the municipality's 'E-post'), with a Subject, a short Swedish
text of what changed since the recipient's last version and the documents attached. hso-xl never
sends e-mail: the administrator sends the draft, then records it with `hso-xl sent`.
"""

from __future__ import annotations

import mimetypes
import shutil
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from ..i18n import _, n_, speaking
from ..output.atomic import write_bytes
from .pending import RecipientPending, current_snapshot, outstanding
from .register import open_register
from .sent import OUTBOX, built_files, outbox_folder
from .words import DOCUMENT_LANGUAGE, _show


@dataclass
class Package:
    """One recipient's folder in the outbox."""

    recipient: str
    folder: Path
    draft: Path  # the .eml
    email: str | None  # the address the draft is to, None when the facts give none
    documents: list[str]  # paths in the output folder
    is_municipality: bool  # whether an 'E-post' column on the Kommuner sheet would address it


def write_outbox(out: Path, recipients: list[str] | None = None, aliases: dict[str, str] | None = None,
                 addresses: dict[str, str] | None = None) -> list[Package]:
    """Write `out`/utskick/<recipient>/ for every recipient with something to send (or the named ones).

    Each folder is written anew (what an earlier outbox left there is removed first); folders of
    recipients with nothing left to send are removed too. `addresses` (hso.toml's [mottagare."NAME"] epost)
    address the recipients the facts give no e-mail address (Region Västernorrland, Tillväxtverket). Returns the
    packages written.
    """
    from .sent import match_recipients

    out = Path(out)
    new = current_snapshot(out)
    if new is None:
        return []
    with open_register(out, create=False) as register:
        pending = outstanding(register, new)
    _address(pending, addresses or {}, aliases)
    if recipients is not None:
        chosen = set(match_recipients(recipients, pending, aliases))
        pending = [p for p in pending if p.recipient in chosen]
    elif (out / OUTBOX).is_dir():
        shutil.rmtree(out / OUTBOX)  # nothing stale: every recipient with something to send is written below
    manifest = built_files(out)
    packages = []
    for p in pending:
        folder = outbox_folder(out, p.recipient)
        if folder.exists():
            shutil.rmtree(folder)
        attachments = []
        for doc in p.documents:
            for path in (doc.path, manifest["pdfs"].get(doc.path)):
                if path is not None and (out / path).is_file():
                    data = (out / path).read_bytes()
                    write_bytes(folder / Path(path).name, data)
                    attachments.append((Path(path).name, data))
        entry = new.documents[p.documents[0].path]
        draft = folder / f"{folder.name}.eml"
        write_bytes(draft, draft_message(p, entry.get("project"), attachments).as_bytes())
        packages.append(Package(p.recipient, folder, draft, p.email, [d.path for d in p.documents],
                                _is_municipality(new, p)))
    return packages


def _address(pending: list[RecipientPending], addresses: dict[str, str], aliases: dict[str, str] | None) -> None:
    """Give each recipient without an address from the facts the one hso.toml gives it (the facts win)."""
    from .sent import recipient_named

    for name, address in addresses.items():
        found = recipient_named(name, pending, aliases)
        for p in pending:
            if p.recipient == found and not p.email:
                p.email = address


def draft_message(pending: RecipientPending, project: str | None, attachments: list[tuple[str, bytes]]
                  ) -> EmailMessage:
    """The e-mail draft of one recipient's package (always Swedish: it is a document)."""
    with speaking(DOCUMENT_LANGUAGE):
        message = EmailMessage(policy=SMTP)
        message["X-Unsent"] = "1"
        if pending.email:
            message["To"] = pending.email
        count = len(pending.documents)
        subject = n_("{project}: {n} document to {recipient}", "{project}: {n} documents to {recipient}", count,
                     project=project or _("the project"), recipient=pending.recipient)
        message["Subject"] = str(subject)
        message.set_content(_body(pending, project))
        for name, data in attachments:
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            main, sub = kind.split("/", 1)
            message.add_attachment(data, maintype=main, subtype=sub, filename=name)
        return message


def _body(pending: RecipientPending, project: str | None) -> str:
    lines = [str(_("Hello,")), "",
             str(_("Attached are the documents of {project} for {recipient}:", project=project or _("the project"),
                   recipient=pending.recipient)), ""]
    for doc in pending.documents:
        name = Path(doc.path).stem
        if doc.sent is not None:
            lines.append(f"- {name}: " + str(_("replaces the version you received {date}; {what}",
                                               date=doc.sent.at[:10], what=_what(doc.reasons))))
        elif doc.status == "changed":
            lines.append(f"- {name}: " + str(_("revised: {what}", what=_what(doc.reasons))))
        else:
            lines.append(f"- {name}")
    lines += ["", str(_("Best regards,")), ""]
    return "\n".join(lines)


def _what(reasons: list[tuple]) -> str:
    """What changed, in a reader's words: the facts and amounts by their labels, never a cell address."""
    parts = []
    for kind, *rest in reasons:
        if kind == "inputs":
            shown = [f"{label.split(' · ', 1)[-1]}: {_show(old)} → {_show(new)}" for _a, label, old, new in rest[0][:4]]
            parts.append(", ".join(shown) + (" …" if len(rest[0]) > 4 else ""))
        elif kind == "figures":
            parts.append(str(n_("{n} amount computed from them", "{n} amounts computed from them", len(rest[0])))
                         if parts else str(n_("{n} amount changed", "{n} amounts changed", len(rest[0]))))
        elif kind in ("rows_added", "rows_removed", "renamed", "order"):
            parts.append(str(_("rows of its tables changed: {rows}", rows=", ".join(rest[0]))))
        elif kind == "template":
            parts.append(str(_("its text was revised")))
        elif kind == "date":
            parts.append(str(_("new date {date}", date=rest[1])))
        elif kind == "settings":
            parts.append(str(_("the way amounts are rounded changed")))
        else:
            parts.append(str(_("its content changed")))
    return "; ".join(parts)


def _is_municipality(new, pending: RecipientPending) -> bool:
    """Whether the recipient is one of the workbook's municipalities (its decision draft is among the documents)."""
    return any(path.startswith("kommuner/") and new.documents[path].get("recipient") == pending.recipient
               for path in new.documents)
