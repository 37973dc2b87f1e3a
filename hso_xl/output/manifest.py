"""manifest.json: what a build was made from and what it wrote, with hashes, versions and source cells."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__
from ..errors import OutputProblem
from ..i18n import _
from .names import name_key


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def manifest(checked, documents, pdfs: list[Path], snapshot: dict, staging: Path, templates_dir: Path) -> str:
    """Return manifest.json: hashes of workbook, templates and outputs, versions, and source cells.

    `documents` are the build's rendered documents (job, data, cells); `snapshot` is what the next
    build compares itself with (see changes/snapshot.py).
    """
    templates = sorted({d.job.template for d in documents}, key=lambda p: str(p))
    data = {
        "tool": {"name": "hso-xl", "version": __version__},
        "engine": {"name": checked.engine.engine, "version": checked.engine.version},
        "workbook": {"path": checked.workbook.path.name, "sha256": checked.workbook.sha256 or sha256(checked.workbook.path)},
        "templates": [{"path": str(t.relative_to(templates_dir.parent)) if t.is_relative_to(templates_dir.parent)
                       else t.name, "sha256": sha256(t)} for t in templates],
        "documents": [
            {
                "path": str(d.job.output),
                "sha256": hashlib.sha256(d.data).hexdigest(),
                "template": d.job.template.name,
                "subject": d.job.subject,
                "cells": d.cells,
            }
            for d in documents
        ],
        "pdfs": [{"path": str(p.relative_to(staging)), "sha256": sha256(p)} for p in pdfs],
        "snapshot": snapshot,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def previous_snapshot(out: Path) -> dict | None:
    """Return the snapshot the previous build left in `out`/manifest.json, or None."""
    try:
        data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        snapshot = data["snapshot"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return snapshot if isinstance(snapshot, dict) else None


def check_written(staging: Path, documents: list[tuple[Path, bytes]]) -> None:
    """Raise unless every document the manifest lists is in `staging` once, with the bytes rendered for it."""
    keys = [name_key(path) for path, _data in documents]
    wrong = [str(path) for path, data in documents if not (staging / path).is_file()
             or hashlib.sha256((staging / path).read_bytes()).digest() != hashlib.sha256(data).digest()]
    if wrong or len(set(keys)) != len(keys):
        raise OutputProblem(
            _("the documents written differ from the list in manifest.json ({paths}), so the previous documents were "
              "left in place", paths=", ".join(wrong[:3]) or _("a name given twice")),
            hint=_("This is a bug in hso-xl; report it with the workbook"))
