"""What is damaged in a package, said in the administrator's words: the part, the sheet by its name, the cell.

Never what the XML parser, the zip reader or Python says ("line 2, column 3491", KeyError,
InvalidOperation): those name nothing the administrator can find in Excel.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import WorkbookUnusable
from ..i18n import Message, _

SHEET_STATES = ("visible", "hidden", "veryHidden")


def damaged(path: Path, exc: Exception, part: str | None) -> WorkbookUnusable:
    """Say in the administrator's words which part of the package is missing or damaged."""
    hint = RESAVE_HINT
    if isinstance(exc, DamagedTable) and exc.missing:
        return WorkbookUnusable(_("the part {part} is missing from the file ({what})", part=part,
                                  what=_what_part(part)), file=path, hint=hint)
    if isinstance(exc, KeyError):
        missing = re.search(r"named '([^']+)'", str(exc))
        name = missing.group(1) if missing else part
        return WorkbookUnusable(_("the part {part} is missing from the file ({what})", part=name,
                                  what=_what_part(name)), file=path, hint=hint)
    if part:
        return WorkbookUnusable(_("the workbook is damaged: the part {part} ({what}) cannot be read", part=part,
                                  what=_what_part(part)), file=path, hint=hint)
    return WorkbookUnusable(_("the workbook is damaged: its structure cannot be read"), file=path, hint=hint)


def damaged_sheet(path: Path, sheet: str, part: str) -> WorkbookUnusable:
    """The sheet's part is not well-formed XML (what the XML parser says is no help to the administrator)."""
    return WorkbookUnusable(_("the sheet '{sheet}' ({part}) is damaged", sheet=sheet, part=part), file=path,
                            hint=RESAVE_OR_RESTORE)


class DamagedTable(Exception):
    """A table part that cannot be read (its range or name is missing or not a range), or is not in the package."""

    def __init__(self, part: str, missing: bool = False) -> None:
        super().__init__(part)
        self.part = part
        self.missing = missing


class DamagedValue(Exception):
    """A cell whose value is not what its type says (a number cell holding '1.2.3'); `damaged_value` names it."""

    def __init__(self, cell: tuple[int, int], text: str, text_index: bool = False) -> None:
        super().__init__(text)
        self.cell, self.text, self.text_index = cell, text, text_index


RESAVE_HINT = _("Open it in Excel, check that it opens without a repair prompt, and save it again")
RESAVE_OR_RESTORE = _("Open it in Excel and save it again (Excel repairs what it can), or restore a copy saved "
                      "before it was damaged")
# A number as the file format writes one (xsd:double); Python's float() would also take ' 1_0', 'nan', 'inf'.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_LARGEST = 1.7976931348623157e308
_PARTS = {"xl/workbook.xml": _("the list of sheets"), "xl/styles.xml": _("the cell formats"),
          "xl/sharedStrings.xml": _("the texts of the cells")}


def _what_part(name: str | None) -> Message:
    if name and "worksheets/" in name:
        return _("one of the sheets")
    if name and name.startswith("xl/tables/"):
        return _("the definition of an Excel table, made with Insert > Table")
    return _PARTS[name] if name in _PARTS else _("a part of the workbook")


def damaged_value(path: Path, cell: str, exc: DamagedValue) -> WorkbookUnusable:
    return WorkbookUnusable(
        _("the cell refers to text number {n}, which the file's list of texts (xl/sharedStrings.xml) "
          "does not hold: the file is damaged", n=exc.text) if exc.text_index else
        _("the cell holds '{text}' where the file must hold a number: the file is damaged", text=exc.text[:40]),
        file=path, location=cell,
        hint=_("Type the value in the cell again in Excel and save the workbook, or restore a copy "
               "saved before it was damaged"),
    )


def unlinked_sheet(path: Path, sheet: str) -> WorkbookUnusable:
    return WorkbookUnusable(
        _("the sheet '{sheet}' is in the workbook's list of sheets (xl/workbook.xml), but the file "
          "does not say which part holds it", sheet=sheet), file=path, hint=RESAVE_HINT)


def odd_sheet_state(path: Path, sheet: str, state: str) -> WorkbookUnusable:
    return WorkbookUnusable(
        _("the sheet '{sheet}' is marked '{state}' in the workbook's list of sheets (xl/workbook.xml), "
          "neither visible nor hidden: the list is damaged", sheet=sheet, state=state[:20]),
        file=path, hint=RESAVE_HINT)


def cell_number(text: str, cell: tuple[int, int]) -> float | int:
    """The number a value cell holds; DamagedValue for anything else ('1.2.3', 'NaN', '1e400')."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        raise DamagedValue(cell, text)
    number = float(text)
    if not abs(number) <= _LARGEST:
        raise DamagedValue(cell, text)
    return number if ("." in text or "E" in text or "e" in text) else int(text)
