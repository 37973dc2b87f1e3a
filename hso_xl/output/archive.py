"""Keep the previous set of documents when a rebuild replaces them: output/arkiv/<time>/.

Administrators sometimes edit a generated draft by hand; a rebuild must not silently lose that.
The previous set is archived whenever a document of it would change or disappear; the newest
`keep` archived sets are kept, older ones are removed.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

ARCHIVE = "arkiv"
DEFAULT_KEEP = 10
DOCUMENT_SUFFIXES = (".docx", ".xlsx", ".pdf")


def archive_previous(out: Path, staging: Path, new_files: dict[str, bytes], keep: int = DEFAULT_KEEP,
                     skip: set[str] = frozenset()) -> Path | None:
    """Carry `out/arkiv` into `staging`, add the previous set if it differs, prune; return the new archive.

    `skip`: files of `out` that are not part of the set (the user's own, kept in place).
    """
    if (out / ARCHIVE).is_dir():
        shutil.copytree(out / ARCHIVE, staging / ARCHIVE, dirs_exist_ok=True)
    previous = {rel: path for rel, path in _documents(out).items() if rel not in skip}
    added = None
    # Reports (manifest, rapport, ÄNDRINGAR) always differ; only the documents decide.
    changed = any(new_files.get(rel) != path.read_bytes() for rel, path in previous.items()
                  if path.suffix.lower() in DOCUMENT_SUFFIXES)
    if previous and changed:
        stamp = dt.datetime.fromtimestamp(_built_at(out, previous)).strftime("%Y-%m-%d_%H%M%S")
        added = staging / ARCHIVE / stamp
        for rel, path in previous.items():
            target = added / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    _prune(staging / ARCHIVE, keep)
    return added


def _documents(out: Path) -> dict[str, Path]:
    if not out.is_dir():
        return {}
    found = {}
    for path in out.rglob("*"):
        rel = path.relative_to(out)
        if path.is_file() and rel.parts[0] != ARCHIVE and not rel.name.startswith((".", "~$")):
            found[rel.as_posix()] = path
    return found


def _built_at(out: Path, previous: dict[str, Path]) -> float:
    manifest = out / "manifest.json"
    return (manifest if manifest.exists() else next(iter(previous.values()))).stat().st_mtime


def _prune(archive: Path, keep: int) -> None:
    if not archive.is_dir():
        return
    sets = sorted((p for p in archive.iterdir() if p.is_dir()), key=lambda p: p.name)
    for old in sets[: max(0, len(sets) - keep)]:
        shutil.rmtree(old)
