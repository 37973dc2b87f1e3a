"""`hso-xl sent`: record what was sent to whom, so the next round lists only what each recipient lacks.

Recipients are named as in the documents, matched with the rules the workbook's names are
(model/names.py: case, spacing, Unicode form, a genitive s, 'Kramfors' for Kramfors kommun, the
aliases of organisations.toml and hso.toml). The bytes recorded are those in the recipient's
outbox folder when `hso-xl outbox` wrote one (what was attached), else the document in the output
folder.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from pathlib import Path

from ..errors import OutputProblem
from ..i18n import _
from ..model.names import Names, Organisation
from ..output.folder import OUTBOX
from ..output.names import clean_part
from .pending import RecipientPending, current_snapshot, outstanding
from .register import NewSent, SentRow, open_register
from .snapshot import reading_hash



def outbox_folder(out: Path, recipient: str) -> Path:
    """The folder `hso-xl outbox` writes a recipient's package to."""
    return Path(out) / OUTBOX / clean_part(recipient)


def recipient_named(name: str, pending: list[RecipientPending], aliases: dict[str, str] | None = None) -> str | None:
    """The recipient of `pending` that `name` stands for (by the rules match_recipients uses), or None."""
    try:
        return match_recipients([name], pending, aliases)[0]
    except OutputProblem:
        return None


def match_recipients(names: list[str], pending: list[RecipientPending], aliases: dict[str, str] | None = None
                     ) -> list[str]:
    """The official names of the recipients `names` stand for; an error naming those that match none."""
    known = Names.shipped()
    for p in pending:
        known.add(Organisation(p.recipient))
    for alias, official in (aliases or {}).items():
        known.add_alias(alias, official, "hso.toml")
    wanted = {p.recipient for p in pending}
    found, unknown = [], []
    for name in names:
        match = known.match(name)
        if match is not None and match.organisation.name in wanted:
            found.append(match.organisation.name)
        else:
            unknown.append(name)
    if unknown:
        listed = ", ".join(p.recipient for p in pending) or _("none")
        raise OutputProblem(
            _("{names}: no recipient by that name has anything to send (those that have: {listed})",
              names=", ".join(f"'{n}'" for n in unknown), listed=listed),
            hint=_("Write the name as the documents do (or its short form, 'Kramfors'); 'hso-xl sent --all' "
                   "records every recipient's documents"))
    return list(dict.fromkeys(found))


def record_sent(out: Path, recipients: list[str] | None = None, by: str | None = None, how: str = "e-post",
                aliases: dict[str, str] | None = None) -> list[SentRow]:
    """Record as sent every document the named recipients (None: all of them) must get after the last build.

    `by` defaults to the OS user. Returns the rows recorded (none when nothing is outstanding).
    Raises OutputProblem when `out` holds no build, or a name matches no recipient with something to send.
    """
    out = Path(out)
    new = current_snapshot(out)
    if new is None:
        raise OutputProblem(_("the output folder holds no build to record as sent"), file=out,
                            hint=_("Run 'hso-xl build' first"))
    manifest = built_files(out)
    with open_register(out) as register:
        pending = outstanding(register, new)
        chosen = [p.recipient for p in pending] if recipients is None else match_recipients(recipients, pending,
                                                                                              aliases)
        rows = []
        built = new.to_json()
        for p in pending:
            if p.recipient not in chosen:
                continue
            for doc in p.documents:
                data, pdf = _sent_bytes(out, p.recipient, doc.path, manifest)
                reading = new.documents[doc.path].get("reading")
                if hashlib.sha256(data).hexdigest() != manifest["documents"].get(doc.path):
                    reading = reading_hash(data)  # edited after the build: the recipient has this version
                rows.append(NewSent(p.recipient, doc.path, reading, data, built, pdf))
        return register.record_sent(rows, by or _os_user(), how)


def _sent_bytes(out: Path, recipient: str, path: str, manifest: dict) -> tuple[bytes, bytes | None]:
    """The bytes of a document (and its PDF) as attached in the outbox, else as built."""
    built = out / path
    packed = outbox_folder(out, recipient) / built.name
    source = packed if packed.is_file() else built
    try:
        data = source.read_bytes()
    except OSError:
        raise OutputProblem(_("the document to record as sent is missing"), file=source,
                            hint=_("Run 'hso-xl build' again, then record it")) from None
    pdf_path = manifest["pdfs"].get(path)
    pdf = None
    if pdf_path is not None:
        packed_pdf = outbox_folder(out, recipient) / Path(pdf_path).name
        source_pdf = packed_pdf if packed_pdf.is_file() else out / pdf_path
        pdf = source_pdf.read_bytes() if source_pdf.is_file() else None
    return data, pdf


def built_files(out: Path) -> dict:
    """The built documents' sha256 by path, and each document's PDF (if built) by the document's path."""
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    documents = {d["path"]: d["sha256"] for d in data.get("documents", [])}
    pdfs = {p["path"] for p in data.get("pdfs", [])}
    by_document = {}
    for path in documents:
        own = Path(path).with_suffix(".pdf").as_posix()
        shared = Path(path).with_name(f"{Path(path).stem} (xlsx).pdf").as_posix()
        if path.endswith(".xlsx") and shared in pdfs:
            by_document[path] = shared
        elif own in pdfs:
            by_document[path] = own
    return {"documents": documents, "pdfs": by_document}


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "?"
