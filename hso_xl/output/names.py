"""File names that work on Windows, macOS and Linux, and that stay apart on all three.

Windows refuses < > : " / \\ | ? * and control characters in a name, drops trailing dots and spaces,
and reserves CON, PRN, AUX, NUL, COM1-9 and LPT1-9 (with any extension). Windows and macOS do not
tell upper from lower case, and macOS stores names decomposed (å as a + ring), so two names equal
after case folding and Unicode normalisation are one file there: `name_key` is what must differ.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

from ..findings import Finding, Severity
from ..i18n import _
from ..model.characters import printable

_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME = 200  # characters of one name: Windows allows 255, and a path at most 260 in all
EMPTY = "namnlös"


def safe_file_name(text: str) -> str:
    """Return `text` usable as one file or folder name on Windows, macOS and Linux.

    Forbidden characters become '-', leading and trailing dots and spaces go, a reserved name gets a
    '_' ('CON.docx' -> 'CON_.docx'), and a long name is shortened, keeping its extension.
    """
    cleaned = clean_part(text)
    base, dot, rest = cleaned.partition(".")
    if base.rstrip(" ").upper() in RESERVED:
        cleaned = base.rstrip(" ") + "_" + dot + rest
    if len(cleaned) > MAX_NAME:
        stem, dot, suffix = cleaned.rpartition(".")
        keep = dot + suffix if stem and len(suffix) <= 8 else ""
        cleaned = cleaned[: MAX_NAME - len(keep)].rstrip(" .") + keep
    return cleaned


def clean_part(text: str) -> str:
    """Return `text` as part of a file name: forbidden characters as '-', no dots or spaces at its ends."""
    return _FORBIDDEN.sub("-", printable(unicodedata.normalize("NFC", str(text)))).strip(" .") or EMPTY


def name_key(path) -> str:
    """What decides whether two paths are one file on Windows or macOS: case and Unicode form ignored."""
    return unicodedata.normalize("NFC", PurePosixPath(path).as_posix()).casefold()


def collisions(named: list[tuple[object, str]]) -> list[tuple[str, str, str]]:
    """Return (first subject, second subject, path) for each path two items would both be written to.

    `named` holds (path, subject) pairs: the subject names who the document is for.
    """
    seen: dict[str, tuple[str, str]] = {}
    found = []
    for path, subject in named:
        key = name_key(path)
        if key in seen:
            found.append((seen[key][1], subject, seen[key][0]))
        else:
            seen[key] = (PurePosixPath(path).as_posix(), subject)
    return found


def collision_findings(named: list[tuple[object, str]], source: str | None = None) -> list[Finding]:
    """An error finding for each document whose file name another document's takes (see `collisions`)."""
    return [Finding(
        Severity.ERROR, "documents.same_file_name",
        _("the documents for '{first}' and '{second}' would both be written to {path} (file names are the same once "
          "the characters Windows does not allow are replaced and upper and lower case are not told apart), so one "
          "would overwrite the other. Make the names differ in more than such characters in the workbook",
          first=first, second=second, path=path), source, {"path": path, "subjects": [first, second]})
        for first, second, path in collisions(named)]
