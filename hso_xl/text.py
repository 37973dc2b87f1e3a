"""Text for one-line messages and labels."""

from __future__ import annotations


def short(text, limit: int = 160) -> str:
    """Return `text` on one line, cut to `limit` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
