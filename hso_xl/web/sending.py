"""What each recipient must be sent, for the page: the send register's list when there is one, else the last build's.

The send register (hso_xl/changes: pending, record_sent) remembers what each recipient last got,
over any number of builds. Where it is not installed, the page shows what the last build changed,
grouped by recipient, and cannot record a sending (it says so).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import _


@dataclass
class Item:
    path: str
    status: str  # new | changed | unsent | gone
    reasons: list[str] = field(default_factory=list)


@dataclass
class Recipient:
    name: str
    items: list[Item]
    last_sent: str | None = None


def has_register() -> bool:
    try:
        from ..changes.pending import pending  # noqa: F401
        from ..changes.sent import record_sent  # noqa: F401
    except ImportError:
        return False
    return True


def recipients(out: Path, last_changes=None) -> list[Recipient]:
    """Per recipient, the documents to send: from the register, else from `last_changes` (a ChangeReport)."""
    if has_register():
        from ..changes.pending import pending

        found = []
        for p in pending(out):
            items = [Item(d.path, d.status, [_reason_words(r) for r in d.reasons]) for d in p.documents]
            last = f"{p.last_sent.at} ({p.last_sent.by}, {p.last_sent.how})" if p.last_sent is not None else None
            found.append(Recipient(p.recipient, items, last))
        return found
    subjects = _subjects(out)
    grouped: dict[str, list[Item]] = {}
    if last_changes is not None:
        for doc in last_changes.documents:
            name = subjects.get(doc.path) or str(_("The project"))
            grouped.setdefault(name, []).append(Item(doc.path, doc.why, [_reason_words(r) for r in doc.reasons]))
    from ..swedish import sort_key

    return [Recipient(name, items) for name, items in sorted(grouped.items(), key=lambda kv: sort_key(kv[0]))]


def mark_sent(out: Path, names: list[str] | None, by: str | None, how: str) -> int:
    """Record the named recipients' documents (None: everyone's) as sent; return how many documents."""
    from ..changes.sent import record_sent

    return len(record_sent(out, names, by=by, how=how))


def _subjects(out: Path) -> dict[str, str]:
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return {d["path"]: d["subject"] for d in manifest.get("documents", []) if d.get("subject")}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


REASON_WORDS = {"template": _("the template changed"), "rows_added": _("rows added"),
                "rows_removed": _("rows removed"), "renamed": _("a row renamed"), "inputs": _("typed-in cells changed"),
                "figures": _("figures changed"), "order": _("rows in another order"),
                "settings": _("settings in hso.toml changed"), "date": _("the document date changed"),
                "content": _("the text reads differently")}


def _reason_words(reason) -> str:
    kind, *rest = reason if isinstance(reason, (tuple, list)) else (str(reason),)
    words = str(REASON_WORDS.get(kind, kind))
    if kind in ("inputs", "figures") and rest:
        cells = ", ".join(f"{cell} ({old} → {new})" for cell, _label, old, new in list(rest[0])[:6])
        return f"{words}: {cells}"
    if kind in ("rows_added", "rows_removed", "renamed", "order") and rest:
        return f"{words}: {', '.join(map(str, rest[0]))}"
    return words
