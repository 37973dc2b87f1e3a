"""The change round in words: ÄNDRINGAR.md (a document, always Swedish) and the console's summary.

One set of messages says it both ways: render_markdown speaks Swedish, render_summary the user's language.
"""

from __future__ import annotations

from decimal import Decimal

from ..i18n import _, n_, speaking
from ..swedish import group
from .reasons import ChangeReport, Resend
from .rows import Change

MAX_SUMMARY_LINES = 12
DOCUMENT_LANGUAGE = "sv"


def _show(value, decimals: int | None = None):
    """A value as the report shows it: '1 363 221', '0,024' (as many decimals as it has, or `decimals`)."""
    if isinstance(value, dict) and "formula" in value:  # a formula and the value it gave (typed over, or put back)
        return f"{value['formula']} ({_show(value.get('value'), decimals)})"
    if value is None:
        return _("(empty)")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return group(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        if decimals is None:  # every decimal typed in (0,024 is not 0,02), at most ten
            decimals = min(10, max(0, -number.normalize().as_tuple().exponent))
        return group(number, decimals)
    return str(value)


def _row_values(cells: dict):
    return ", ".join(f"{column} {_show(value)}" for column, value in cells.items()) or _("no values")


def _input_line(change: Change) -> str:
    if change.kind == "changed":
        return f"{change.name} [{change.label}]: {_old_new(change)}"
    if change.kind == "renamed":
        return f"{change.name}: {_('row renamed')} {change.label}"
    what = _("new row") if change.kind == "added" else _("removed row")
    return f"{change.name}: {what} '{change.label}' ({_row_values(change.cells)})"


def _shown_old(change: Change) -> str:
    if change.formula and change.formula[0] == "old":
        return f"{change.formula[1]} ({_show(change.old)})"
    return str(_show(change.old))


def _shown_new(change: Change) -> str:
    if change.formula and change.formula[0] == "new":
        return f"{change.formula[1]} ({_show(change.new)})"
    return str(_show(change.new))


def _old_new(change: Change) -> str:
    """'454 407 → 500 000'; a number typed over a formula: '=D9 (454 407) → 500 000 (a number typed over …)'."""
    said = f"{_shown_old(change)} → {_shown_new(change)}"
    if change.formula and change.formula[0] == "old":
        said += f" ({_('a number typed over the formula')})"
    elif change.formula:
        said += f" ({_('the formula put back')})"
    return said


def _why(resend: Resend, limit: int = 6) -> str:
    """Why a document is to be sent again, every reason, at most `limit` changed inputs named.

    The typed-in cells it shows come first (a cause the administrator typed), then the figures
    computed from changed inputs (with `limit` below 3, on the terminal, only counted).
    """
    if resend.why == "new":
        return str(_("new document"))
    if resend.why == "gone":
        return str(_("no longer produced"))
    parts = []
    shown_inputs = any(kind == "inputs" for kind, *_rest in resend.reasons)
    for kind, *rest in resend.reasons:
        if kind == "inputs":
            listed = [f"{a} [{lab}] {_show(o)} → {_show(n)}" + (f" ({_('a number typed over the formula')})"
                                                                 if isinstance(o, dict) else "")
                      for a, lab, o, n in rest[0][:limit]]
            if len(rest[0]) > limit:
                listed.append(str(_("… {n} more", n=len(rest[0]) - limit)))
            parts.append(_("shows changed inputs: {inputs}", inputs="; ".join(listed)))
        elif kind == "figures" and limit < 3:
            parts.append(n_("{n} figure computed from changed inputs", "{n} figures computed from changed inputs",
                            len(rest[0])))
        elif kind == "figures":
            listed = [f"{a} [{lab}] {_show(o, 2)} → {_show(n, 2)}" for a, lab, o, n in rest[0][:limit]]
            if len(rest[0]) > limit:
                listed.append(str(_("… {n} more", n=len(rest[0]) - limit)))
            what = _("figures computed from them: {figures}", figures="; ".join(listed)) if shown_inputs else \
                _("shows figures computed from changed inputs: {figures}", figures="; ".join(listed))
            parts.append(what)
        elif kind == "rows_added":
            parts.append(_("shows new rows: {rows}", rows=", ".join(f"'{r}'" for r in rest[0])))
        elif kind == "rows_removed":
            parts.append(_("no longer shows removed rows: {rows}", rows=", ".join(f"'{r}'" for r in rest[0])))
        elif kind == "renamed":
            parts.append(_("shows renamed rows: {rows}", rows=", ".join(rest[0])))
        elif kind == "order":
            parts.append(_("shows rows that stand in another order in the workbook: {rows}",
                           rows=", ".join(f"'{r}'" for r in rest[0])))
        elif kind == "settings":
            parts.append(_("the settings in hso.toml changed: {what}", what=", ".join(rest[0])))
        elif kind == "date":
            parts.append(_("the document date changed from {old} to {new}", old=rest[0], new=rest[1]))
        elif kind == "template":
            parts.append(_("the template changed"))
        elif kind == "decision":
            parts.append(_("the proposed decision changed"))
        else:
            parts.append(_("its content changed"))
    return "; ".join(str(part) for part in parts)


def no_comparison(why: str | None):
    """Why a build has nothing to compare with, in words: None for a first build in an empty folder.

    `why` is 'no_manifest' (documents in the folder, no manifest.json of an earlier build) or
    'old_manifest' (a manifest.json hso-xl cannot compare with: written by an older version or damaged).
    """
    if why == "no_manifest":
        return _("The output folder holds documents but no manifest.json of an earlier build, so there is nothing to "
                 "compare with: treat every document as new.")
    if why == "old_manifest":
        return _("The output folder's manifest.json was written by an older hso-xl (or is damaged), so there is "
                 "nothing to compare with: treat every document as new; the next build compares as usual.")
    return None


def first_build_markdown(why: str | None = None) -> str:
    """Return ÄNDRINGAR.md of a first build, when there is nothing earlier to compare with (in Swedish)."""
    with speaking(DOCUMENT_LANGUAGE):
        said = no_comparison(why) or _("The first build in this folder: there is nothing earlier to compare with.")
        return "\n".join([f"# {_('Changes')}", "", str(said), ""])


def render_markdown(report: ChangeReport) -> str:
    """Return ÄNDRINGAR.md: changed inputs, changed key figures, documents to send again (in Swedish)."""
    with speaking(DOCUMENT_LANGUAGE):
        return _markdown(report)


def _markdown(report: ChangeReport) -> str:
    workbook = _("Workbook: {old} → {new}", old=report.old, new=report.new)
    lines = [f"# {_('Changes since the previous run')}", "", str(workbook), ""]
    if report.empty:
        lines += [str(_("No changes: the same inputs, the same key figures, no documents to send again.")), ""]
        lines += _unsent_section(report)
        return "\n".join(lines)
    lines += [f"## {_('Documents to send again')}", ""]
    if report.documents:
        for recipient, documents in _by_recipient(report.documents):
            if recipient is not None:
                lines += [f"### {recipient}", "", f"{_since(documents)}", ""]
            lines += [f"- {d.path} ({_why(d, limit=40)})" for d in documents]
            if recipient is not None:
                lines.append("")
    else:
        lines.append(str(_("None: no document looks different to a reader.")))
    notes = [_note(note) for note in report.notes]
    if notes:
        lines += [""] + [f"- {note}" for note in notes]
    lines += _unsent_section(report)
    lines += ["", f"## {_('Changed inputs')}", ""]
    cells = [c for c in report.inputs if c.kind == "changed"]
    rows = [c for c in report.inputs if c.kind != "changed"]
    before, after = _("before"), _("after")
    if cells:
        lines += [f"| {_('cell')} | {_('row and column')} | {before} | {after} |", "|---|---|---:|---:|"]
        lines += [f"| {c.name} | {c.label} | {_shown_old(c)} | {_shown_new(c)} |" for c in cells]
        lines += [f"- {c.name}: {_('a number typed over the formula')} {c.formula[1]}" for c in cells
                  if c.formula and c.formula[0] == "old"]
    for change in rows:
        lines.append(f"- {_input_line(change)}")
    if not report.inputs:
        lines.append(str(_("None.")))
    lines += ["", f"## {_('Changed key figures (kr, as printed)')}", ""]
    if report.figures:
        lines += [f"| {_('key figure')} | {before} | {after} |", "|---|---:|---:|"]
        lines += [f"| {c.name} | {_show(c.old)} | {_show(c.new)} |" for c in report.figures]
    else:
        lines.append(str(_("None.")))
    lines.append("")
    return "\n".join(lines)


def _by_recipient(documents: list[Resend]) -> list[tuple[str | None, list[Resend]]]:
    """The documents grouped by recipient, in the order they come (already in Swedish order of recipients)."""
    groups: dict[str | None, list[Resend]] = {}
    for doc in documents:
        groups.setdefault(doc.recipient, []).append(doc)
    return list(groups.items())


def _since(documents: list[Resend]) -> str:
    """What a recipient's documents are compared with: the version last recorded as sent, or the first build."""
    sent = [d.since[1] for d in documents if d.since and d.since[0] == "sent"]
    if sent:
        last = max(sent, key=lambda row: row.id)
        return str(_("Last recorded as sent {at} by {by} ({how}); listed: what reads differently from the version "
                     "it received.", at=last.at.replace("T", " "), by=last.by, how=last.how))
    first = next((d.since[1] for d in documents if d.since and d.since[0] == "first_build"), None)
    if first is not None:
        return str(_("Nothing recorded as sent; listed: what reads differently from the first build ({at}), and what "
                     "is new.", at=str(first).replace("T", " ")))
    return str(_("Nothing recorded as sent: new documents."))


def _unsent_section(report: ChangeReport) -> list[str]:
    """The documents never recorded as sent that read as in the first build, counted per recipient."""
    if not report.unsent:
        return []
    counts: dict[str, int] = {}
    for recipient, _path in report.unsent:
        counts[recipient] = counts.get(recipient, 0) + 1
    who = ", ".join(f"{r} ({n})" for r, n in counts.items())
    return ["", f"## {_('Never recorded as sent')}", "",
            str(n_("{n} document reads as in the first build but has never been recorded as sent: {who}. Once sent, "
                   "record it with 'hso-xl sent NAME' or 'hso-xl sent --all' ('hso-xl outbox' writes the e-mails).",
                   "{n} documents read as in the first build but have never been recorded as sent: {who}. Once sent, "
                   "record them with 'hso-xl sent NAME' or 'hso-xl sent --all' ('hso-xl outbox' writes the e-mails).",
                   len(report.unsent), who=who)), ""]


def _resend_lines(documents: list[Resend], lines: list[str], prefix: str, full: str) -> None:
    """The documents to send again, per recipient (a line naming it and what its documents are compared with), one
    a line; documents of a recipient sent again for the same reason share one line saying why."""
    shown = documents[:MAX_SUMMARY_LINES]
    inner = " " * len(prefix) + "  "
    for recipient, group in _by_recipient(shown):
        if recipient is None:
            _same_why_lines(group, lines, prefix)
            continue
        lines.append(f"{prefix}{_recipient_line(recipient, group)}")
        _same_why_lines(group, lines, inner)
    if len(documents) > MAX_SUMMARY_LINES:
        n = len(documents) - MAX_SUMMARY_LINES
        lines.append("  " + str(n_("… and {n} more document (see {file})", "… and {n} more documents (see {file})", n,
                                   file=full)))


def _recipient_line(recipient: str, documents: list[Resend]) -> str:
    """'Kramfors kommun (compared with the version recorded as sent 2026-12-07 15:03):'"""
    sent = [d.since[1] for d in documents if d.since and d.since[0] == "sent"]
    first = next((d.since[1] for d in documents if d.since and d.since[0] == "first_build"), None)
    if sent:
        at = max(sent, key=lambda row: row.id).at.replace("T", " ")[:16]
        return str(_("{recipient} (compared with the version recorded as sent {at}):", recipient=recipient, at=at))
    if first is not None:
        return str(_("{recipient} (nothing recorded as sent: compared with the first build {at}):",
                     recipient=recipient, at=str(first).replace("T", " ")[:16]))
    return f"{recipient}:"


def _same_why_lines(documents: list[Resend], lines: list[str], prefix: str) -> None:
    i = 0
    while i < len(documents):
        why = _why(documents[i], limit=2)
        j = i
        while j + 1 < len(documents) and _why(documents[j + 1], limit=2) == why:
            j += 1
        if j == i:
            lines.append(f"{prefix}{documents[i].path} ({why})")
        else:
            lines.extend(f"{prefix}{d.path}" for d in documents[i:j + 1])
            lines.append(" " * len(prefix) + str(_("(the {n} above: {why})", n=j - i + 1, why=why)))
        i = j + 1


def _note(note: tuple, limit: int = 40) -> str:
    """A note of the report in words; at most `limit` items of a long list named (the console's fewer)."""
    kind, *rest = note
    if kind == "pdfs_new":
        return str(n_("The previous build wrote no PDFs; this one wrote {n} (--pdf): the documents read the same, "
                      "none to send again for that.",
                      "The previous build wrote no PDFs; this one wrote {n} (--pdf): the documents read the same, "
                      "none to send again for that.", rest[0]))
    if kind == "pdfs_gone":
        return str(n_("The previous build wrote {n} PDF; this one wrote none (built without --pdf), so it is no "
                      "longer in the output folder (the previous set is kept in arkiv/).",
                      "The previous build wrote {n} PDFs; this one wrote none (built without --pdf), so they are no "
                      "longer in the output folder (the previous set is kept in arkiv/).", rest[0]))
    if kind == "kept_date":
        return str(n_("{n} document to send again keeps the date {date}: Dokumentdatum ({cell}) dates every document. "
                      "If the revised version is to carry a new date, change Dokumentdatum and build again.",
                      "{n} documents to send again keep the date {date}: Dokumentdatum ({cell}) dates every document. "
                      "If the revised versions are to carry a new date, change Dokumentdatum and build again.",
                      len(rest[2]), date=rest[0], cell=rest[1]))
    if kind == "kept_dnr":
        paths = {path for _dnr, _cell, listed in rest[0] for path in listed}
        shown = ", ".join(f"{dnr} ({cell})" for dnr, cell, _paths in rest[0][:limit])
        if len(rest[0]) > limit:
            shown += " " + str(_("… {n} more", n=len(rest[0]) - limit))
        return str(n_("{n} document to send again keeps the Dnr of the version it replaces: {dnr}. The Dnr comes "
                      "from that cell; if the revised version needs a new Dnr, change it there and build again.",
                      "{n} documents to send again keep the Dnr of the version they replace: {dnr}. Each Dnr comes "
                      "from the cell named; if a revised version needs a new Dnr, change it there and build again.",
                      len(paths), dnr=shown))
    if kind == "new_output":
        return str(_("The output folder held no earlier build (it is new, or was emptied or moved), but the send "
                     "register knows earlier builds: this build is compared with the last of them ({at}), and each "
                     "recipient's documents with what it last received.", at=rest[0].replace("T", " ")))
    if kind == "restored":
        return str(n_("{paths} was no longer in the output folder and was written again; it reads as in the previous "
                      "build, so it is not to send again.",
                      "{paths} were no longer in the output folder and were written again; they read as in the "
                      "previous build, so they are not to send again.", len(rest[0]), paths=", ".join(rest[0])))
    if kind == "template_reads_same":
        return str(n_("The template {template} changed, but the {n} document made from it reads the same (the same "
                      "text, tables, emphasis and pictures): not to send again.",
                      "The template {template} changed, but the {n} documents made from it read the same (the same "
                      "text, tables, emphasis and pictures): none to send again.", len(rest[1]), template=rest[0]))
    return str(kind)


def render_summary(report: ChangeReport, nothing=None, full: str = "ÄNDRINGAR.md") -> str:
    """Return a short summary for the terminal (at most a screen), in the user's language; the whole list is in
    ÄNDRINGAR.md. `nothing` is what to say when nothing changed."""
    unsent = [f"  {_unsent_line(report)}"] if report.unsent else []
    if report.empty:
        return "\n".join([str(nothing if nothing is not None else _("No changes since the previous build.")), *unsent])
    lines = [str(_("Changes from {old} to {new}:", old=report.old, new=report.new))]
    kinds = {"input": _("input"), "figure": _("figure"), "resend": _("resend")}
    width = max(len(str(word)) for word in kinds.values())

    def some(items, kind, render, more):
        for item in items[:MAX_SUMMARY_LINES]:
            lines.append(f"  {str(kinds[kind]).ljust(width)} {render(item)}")
        if len(items) > MAX_SUMMARY_LINES:
            lines.append(f"  {more(len(items) - MAX_SUMMARY_LINES)}")

    some(report.inputs, "input", _input_line,
         lambda n: n_("… and {n} more input (see {file})", "… and {n} more inputs (see {file})", n, file=full))
    some(report.figures, "figure", lambda c: f"{c.name}: {_show(c.old)} → {_show(c.new)}",
         lambda n: n_("… and {n} more figure (see {file})", "… and {n} more figures (see {file})", n, file=full))
    _resend_lines(report.documents, lines, f"  {str(kinds['resend']).ljust(width)} ", full)
    for note in report.notes:
        lines.append(f"  {_note(note, limit=4)}")
    if not report.documents:
        lines.append(f"  {_('No document looks different to a reader: none to send again.')}")
    return "\n".join(lines + unsent)


def _unsent_line(report: ChangeReport) -> str:
    recipients = len({r for r, _p in report.unsent})
    return str(n_("{n} document has never been recorded as sent ({recipients}); 'hso-xl outbox' writes the e-mails, "
                  "'hso-xl sent --all' records them once sent",
                  "{n} documents have never been recorded as sent ({recipients}); 'hso-xl outbox' writes the e-mails, "
                  "'hso-xl sent --all' records them once sent", len(report.unsent),
                  recipients=n_("{n} recipient", "{n} recipients", recipients)))
