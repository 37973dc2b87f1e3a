"""Characters a reader cannot see in a label: pasted no-break spaces, tabs, zero-width spaces, a BOM.

A label copied from a web page, a PDF or Word often carries them ('Timrå<U+00A0>kommun',
'Ånge<U+200B> kommun'); Excel shows the label as typed, so the administrator cannot find what
differs. Every label and name read is taken as it looks (spaces as one space, the invisible ones
gone), and `invisible_findings` notes each cell of a table read where that changed the text.
"""

from __future__ import annotations

import unicodedata

from ..findings import Finding, Severity
from ..i18n import _
from ..workbook.book import Workbook
from ..workbook.cellnames import coordinate_to_tuple, range_boundaries
from .budget import Place

# Shown as a space: no-break, narrow no-break, figure and thin spaces, tabs and line breaks in a cell.
SPACES = {"\u00a0": "no-break space", "\u202f": "narrow no-break space", "\u2007": "figure space",
          "\u2009": "thin space", "\t": "tab", "\n": "line break", "\r": "line break"}
# Not shown at all: zero-width space, non-joiner, joiner, word joiner, byte order mark, soft hyphen.
GONE = {"\u200b": "zero-width space", "\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner",
        "\u2060": "word joiner", "\ufeff": "byte order mark", "\u00ad": "soft hyphen"}
_TABLE = {**{ord(c): " " for c in SPACES}, **{ord(c): None for c in GONE}}
NAMES = {"no-break space": _("a no-break space"), "narrow no-break space": _("a narrow no-break space"),
         "figure space": _("a figure space"), "thin space": _("a thin space"), "tab": _("a tab"),
         "line break": _("a line break"), "zero-width space": _("a zero-width space"),
         "zero-width non-joiner": _("a zero-width non-joiner"), "zero-width joiner": _("a zero-width joiner"),
         "word joiner": _("a word joiner"), "byte order mark": _("a byte order mark"), "soft hyphen": _("a soft hyphen")}
# Where a fact table's labels are (its first column and header row): its values are printed as typed.
FACT_PLACES = ("project facts", "parameters", "municipality facts")


def visible(text) -> str:
    """Return `text` as a reader sees it: NFC, invisible characters gone, runs of spaces as one, trimmed."""
    if text is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(text)).translate(_TABLE).split())


def hidden_characters(text) -> list[str]:
    """Return the names of the invisible characters in `text`, in order of first appearance (English keys)."""
    seen: list[str] = []
    for char in str(text):
        name = SPACES.get(char) or GONE.get(char)
        if name and name not in seen and not (char in "\n\r" and "line break" in seen):
            seen.append(name)
    return seen


def invisible_findings(places: list[Place], workbooks: list[Workbook], extra_cells: list[str] = ()) -> list[Finding]:
    """A note for each label cell in the tables read (and each sheet name) whose text holds an invisible character.

    Tables of amounts are scanned whole (every text there is a label, a heading or a header word);
    fact tables only in their header row and first column, and the `extra_cells` (municipality names).
    """
    out: list[Finding] = []
    seen: set[str] = set()

    def note(text: str, where: str) -> None:
        names = hidden_characters(text)
        if not names or where in seen:
            return
        seen.add(where)
        out.append(Finding(Severity.INFO, "text.invisible",
                           _("'{text}' holds {what}, which Excel does not show; it is read as typed with plain spaces "
                             "(retype the text to be rid of this note)", text=visible(text),
                             what=", ".join(str(NAMES[n]) for n in names)),
                           where))

    for place in places:
        workbook = next((w for w in workbooks if place.workbook and w.path.name == place.workbook), workbooks[0])
        sheet = next((s for s in workbook.sheets if s.name == place.sheet), None)
        if sheet is None:
            continue
        prefix = f"[{place.workbook}]" if place.workbook else ""
        note(sheet.name, prefix + sheet.name)
        first_col, first_row, last_col, last_row = range_boundaries(place.range)
        for (row, col), cell in sorted(sheet.cells.items()):
            if not (first_row <= row <= last_row and first_col <= col <= last_col) or not isinstance(cell.value, str):
                continue
            if place.what in FACT_PLACES and row != first_row and col != first_col:
                continue
            note(cell.value, prefix + sheet.ref(row, col))
    for ref in extra_cells:
        sheet_name, _sep, coordinate = ref.rpartition("!")
        workbook = workbooks[0]
        if sheet_name.startswith("["):
            name, _sep, sheet_name = sheet_name[1:].partition("]")
            workbook = next((w for w in workbooks if w.path.name == name), workbooks[0])
        sheet = next((s for s in workbook.sheets if s.name == sheet_name.strip("'").replace("''", "'")), None)
        if sheet is not None:
            row, col = coordinate_to_tuple(coordinate)
            if isinstance(sheet.value(row, col), str):
                note(sheet.value(row, col), ref)
    return out
