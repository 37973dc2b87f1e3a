"""manifest.json: what a build was made from and what it wrote, with hashes, versions and source cells."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__


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
        "workbook": {"path": checked.workbook.path.name, "sha256": sha256(checked.workbook.path)},
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
