"""What each recipient must get: every document that reads differently from the version it last received.

A document is compared with the version last recorded as sent to its recipient (register.py);
with nothing recorded, with the first build the register knows (the round everything started
from). So a change stays listed, over any number of builds, until the document is recorded as
sent, and a change reverted back to what was sent is listed no more. The reasons are told against
that version's own snapshot (inputs, facts, template), not against the previous build's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..output.manifest import previous_snapshot
from ..swedish import sort_key
from .reasons import ChangeReport, Resend, document_reasons
from .register import Register, SentRow, open_register
from .rows import match_rows
from .snapshot import Snapshot, reads_differently


@dataclass
class Outstanding:
    """One document a recipient must get."""

    path: str  # in the output folder
    status: str  # changed: reads differently from its version; new: never sent, not in the first build;
    #              unsent: never recorded as sent, reads as in the first build
    reasons: list[tuple] = field(default_factory=list)  # as reasons.document_reasons gives them
    sent: SentRow | None = None  # the version the recipient last received, if one was recorded
    kept_dnr: list[tuple[str, str]] = field(default_factory=list)  # (Dnr, cell) it shares with that version


@dataclass
class RecipientPending:
    """What one recipient must get, and what it has."""

    recipient: str
    email: str | None
    documents: list[Outstanding]
    last_sent: SentRow | None = None  # the newest row recorded for this recipient

    def to_json(self) -> dict:
        return {"recipient": self.recipient, "email": self.email,
                "last_sent": None if self.last_sent is None else {
                    "at": self.last_sent.at, "by": self.last_sent.by, "how": self.last_sent.how},
                "documents": [Resend(d.path, "new" if d.status == "new" else "changed", d.reasons, self.recipient)
                              .to_json() | {"status": d.status} for d in self.documents]}


def outstanding(register: Register | None, new: Snapshot) -> list[RecipientPending]:
    """Per recipient (in Swedish order), each document of `new` the recipient must get; recipients with none left out."""
    last = register.last_sent() if register is not None else {}
    first = register.first_build() if register is not None else None
    first_snapshot = _load(register, first[1]) if first else None
    loaded: dict[str, Snapshot | None] = {}
    matches: dict[str, object] = {}

    def reasons(before: dict, after: dict, old: Snapshot, key: str) -> list[tuple]:
        if key not in matches:
            matches[key] = match_rows(old.rows, new.rows)
        return document_reasons(before, after, old, new, matches[key])

    by_recipient: dict[str, RecipientPending] = {}
    for path, entry in new.documents.items():
        recipient = entry.get("recipient") or "?"
        pending = by_recipient.setdefault(recipient, RecipientPending(recipient, entry.get("email"), []))
        pending.email = pending.email or entry.get("email")
        sent = last.get((recipient, path))
        if sent is not None:
            if sent.reading == entry.get("reading"):
                continue
            if sent.snapshot not in loaded:
                loaded[sent.snapshot] = _load(register, sent.snapshot)
            old = loaded[sent.snapshot]
            before = old.documents.get(path) if old is not None else None
            why = reasons(before, entry, old, sent.snapshot) if before is not None else [("content",)]
            pending.documents.append(Outstanding(path, "changed", why, sent, kept_dnr(before, entry)))
        elif first_snapshot is not None and path in first_snapshot.documents:
            before = first_snapshot.documents[path]
            if reads_differently(before, entry):
                pending.documents.append(Outstanding(path, "changed", reasons(before, entry, first_snapshot,
                                                                              first[1]), kept_dnr=kept_dnr(before, entry)))
            else:
                pending.documents.append(Outstanding(path, "unsent"))
        else:
            pending.documents.append(Outstanding(path, "new" if first_snapshot is not None else "unsent"))
    for (recipient, _path), row in last.items():
        if recipient in by_recipient:
            current = by_recipient[recipient].last_sent
            by_recipient[recipient].last_sent = row if current is None or row.id > current.id else current
    out = [p for p in by_recipient.values() if p.documents]
    for p in out:
        p.documents.sort(key=lambda d: sort_key(d.path))
    return sorted(out, key=lambda p: sort_key(p.recipient))


def kept_dnr(before: dict | None, after: dict) -> list[tuple[str, str]]:
    """The Dnr a revised document carries that the version it replaces carried too: [(Dnr, its cell)]."""
    if not before or "dnr" not in before:  # a snapshot of an hso-xl that did not keep the Dnr: not known
        return []
    old = {str(value).strip() for _ref, value in before["dnr"] if value is not None and str(value).strip()}
    return [(str(value).strip(), ref) for ref, value in after.get("dnr") or ()
            if value is not None and str(value).strip() in old]


def apply_to_report(report: ChangeReport, pending: list[RecipientPending], first_at: str | None) -> None:
    """Make `report` list what each recipient must get (instead of what changed since the previous build).

    The documents no longer produced stay as the previous build's comparison found them; a
    document never recorded as sent that reads as in the first build goes to `report.unsent`.
    """
    gone = [d for d in report.documents if d.why == "gone"]
    listed: list[Resend] = []
    report.unsent = []
    for recipient in pending:
        for doc in recipient.documents:
            if doc.status == "unsent":
                report.unsent.append((recipient.recipient, doc.path))
                continue
            since = ("sent", doc.sent) if doc.sent is not None else ("first_build", first_at)
            listed.append(Resend(doc.path, "new" if doc.status == "new" else "changed", doc.reasons,
                                 recipient.recipient, since if doc.status != "new" else None))
    report.documents = listed + gone
    kept: dict[tuple[str, str], list[str]] = {}
    for recipient in pending:
        for doc in recipient.documents:
            if doc.status == "changed":
                for dnr, cell in doc.kept_dnr:
                    kept.setdefault((dnr, cell), []).append(doc.path)
    if kept:  # the administrator decides whether a revised version needs a new Dnr
        report.notes.append(("kept_dnr", [(dnr, cell, paths) for (dnr, cell), paths in kept.items()]))


def pending(out: Path) -> list[RecipientPending]:
    """What each recipient must get after the last build into the output folder `out` (for `outbox`, `sent`, a web page).

    Reads the build's snapshot from `out`/manifest.json and the project's register (without creating
    one: with none, every document is new to its recipient). Empty when `out` holds no build.
    """
    new = current_snapshot(out)
    if new is None:
        return []
    with open_register(out, create=False) as register:
        return outstanding(register, new)


def last_registered_build(out: Path) -> tuple[str, Snapshot] | None:
    """(when, snapshot) of the last build the project's register knows: what a build compares with when the output
    folder holds none (new, emptied or moved); None without a register or a build recorded in it."""
    with open_register(Path(out), create=False) as register:
        last = register.last_build() if register is not None else None
        found = _load(register, last[1]) if last else None
    return (last[0], found) if found is not None else None


def current_snapshot(out: Path) -> Snapshot | None:
    """The snapshot of the last build into `out`, or None."""
    stored = previous_snapshot(Path(out))
    return Snapshot.from_json(stored) if stored is not None else None


def _load(register: Register | None, digest: str) -> Snapshot | None:
    data = register.snapshot(digest) if register is not None else None
    return Snapshot.from_json(data) if data is not None else None
