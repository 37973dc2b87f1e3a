"""The change round: what changed since a version, and which documents each recipient must get again.

Modules, each importing only those listed before it:
  snapshot.py  what a version holds (typed-in rows by meaning, key figures, each document's reading)
  rows.py      which rows of two versions are the same row, and what changed in them
  reasons.py   compare two snapshots: changed inputs and figures, each changed document with why
  words.py     ÄNDRINGAR.md (always Swedish) and the console's summary
"""

from __future__ import annotations

from .reasons import REASON_KINDS, ChangeReport, Resend, compare
from .rows import Change, RowMatch, compare_rows, match_rows
from .snapshot import (SNAPSHOT_VERSION, Snapshot, content_hash, document_entry, fingerprints, key_figures,
                       reading_hash, reads_differently, snapshot)
from .words import first_build_markdown, no_comparison, render_markdown, render_summary

__all__ = ["REASON_KINDS", "SNAPSHOT_VERSION", "Change", "ChangeReport", "Resend", "RowMatch", "Snapshot", "compare",
           "compare_rows", "content_hash", "document_entry", "fingerprints", "first_build_markdown", "key_figures",
           "match_rows", "no_comparison", "reading_hash", "reads_differently", "render_markdown", "render_summary",
           "snapshot"]
