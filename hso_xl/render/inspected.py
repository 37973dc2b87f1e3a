"""What a template was found to hold (its texts, its Jinja source), kept by the sha256 of its bytes.

`hso-xl check` reads every template for the facts it uses, and the web page and `watch` check again on
every change; opening a Word file with python-docx costs more than the whole check of the workbook. The
answer depends only on the template's bytes and on the code that reads them, so it is kept in the user's
cache folder under both: a changed template (or a changed hso_xl, python-docx, docxtpl, openpyxl, jinja2
or lxml) is read again. Only answers are kept, never errors, and a cache that cannot be read or written is skipped.
The folder is the one chart pictures are kept in (HSO_XL_CACHE names another, HSO_XL_CACHE=off keeps
nothing); at most KEPT entries, the least recently used removed first.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Callable

from .chart_cache import cache_folder

KEPT = 500  # entries kept; the oldest go first (each is a few kilobytes)
_LIBRARIES = ("docx", "docxtpl", "openpyxl", "jinja2", "lxml")  # what reads a template beside hso_xl's own code


def folder() -> Path | None:
    """The cache folder: `templates` beside the chart pictures' (render/chart_cache.py), or None when it is off."""
    charts = cache_folder()
    return None if charts is None else charts.parent / "templates"


@lru_cache(maxsize=None)
def code_key() -> str:
    """A digest of the code that reads templates: every module of hso_xl and the libraries' installed files.

    Files are told by path, size and time of change (stat, not their bytes: 150 files cost under 1 ms),
    so an edited, reinstalled or checked-out module is a new key.
    """
    lines = sorted(_modules(Path(__file__).resolve().parents[1]))
    for name in _LIBRARIES:
        spec = find_spec(name)
        origin = spec.origin if spec is not None and spec.origin else ""
        lines.append(f"{name}\0{_stamp(origin) if origin else ''}")
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _modules(folder: Path) -> list[str]:
    with os.scandir(folder) as items:
        found = list(items)
    stamps = []
    for item in found:
        if item.is_dir(follow_symlinks=False) and item.name != "__pycache__":
            stamps += _modules(Path(item.path))
        elif item.name.endswith(".py"):
            stamps.append(_stamp(item.path))
    return stamps


def _stamp(path: str) -> str:
    stat = os.stat(path)
    return f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\0{stat.st_ino}"


def kept(kind: str, template: Path, read: Callable[[Path], object]):
    """Return `read(template)`, from the cache when the template's bytes were read before by the same code."""
    try:
        where = folder()
    except RuntimeError:  # no home folder to keep a cache in
        where = None
    try:
        before = os.stat(template)
        data = Path(template).read_bytes()
    except OSError:
        return read(template)  # the reader says what is wrong, in its words
    try:
        entry = None if where is None else where / f"{hashlib.sha256(data).hexdigest()}-{kind}-{code_key()}.json"
    except (OSError, ValueError):  # hso_xl's own files unreadable (a frozen install): no cache
        entry = None
    if entry is not None:
        try:
            answer = json.loads(entry.read_text(encoding="utf-8"))["answer"]
            if isinstance(answer, str) or isinstance(answer, list) and all(isinstance(t, str) for t in answer):
                os.utime(entry)  # recently used: removed last
                return answer
        except (OSError, ValueError, KeyError, TypeError):
            pass
    answer = read(template)
    try:
        after = os.stat(template)
    except OSError:
        return answer
    # kept only when the file read is the one hashed: unchanged while it was read
    if entry is not None and _same(before, after):
        _store(entry, answer)
    return answer


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_mtime_ns, a.st_size, a.st_ino, a.st_ctime_ns) == (b.st_mtime_ns, b.st_size, b.st_ino, b.st_ctime_ns)


def _store(entry: Path, answer) -> None:
    """Write the entry whole (a temporary file renamed), then forget the oldest beyond KEPT; never raises."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"answer": answer}, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, entry)
        entries = [p for p in entry.parent.glob("*.json")]
        if len(entries) > KEPT:
            entries.sort(key=lambda p: p.stat().st_mtime_ns)
            for old in entries[: len(entries) - KEPT]:
                old.unlink(missing_ok=True)
    except (OSError, ValueError, TypeError):
        return
