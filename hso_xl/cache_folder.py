"""hso-xl's cache folder: what is worked out again and again at every start or build (chart pictures, templates'
inspection and compiled code, the parsed message catalogs) is kept there between runs.

The user's cache folder (`HSO_XL_CACHE` names another, `HSO_XL_CACHE=off` keeps nothing). A folder that cannot
be read or written only costs the work again: nothing is said, and what is made is the same.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def cache_root() -> Path | None:
    """hso-xl's cache folder (HSO_XL_CACHE names another; off: none)."""
    chosen = os.environ.get("HSO_XL_CACHE", "").strip()
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "hso-xl"


def keep(path: Path, data: bytes, limit: int) -> None:
    """Write `data` whole to `path` (a temporary file renamed), then forget the oldest of its kind beyond `limit`.

    Never raises: a folder that cannot be written only means nothing is kept.
    """
    import tempfile  # (only when something is kept: reading what is kept needs none of it)

    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)  # whole or not at all, also with builds running side by side
        except OSError:
            Path(temporary).unlink(missing_ok=True)
            raise
        kept = list(folder.glob("*" + path.suffix))
        if len(kept) > limit:
            kept.sort(key=lambda p: p.stat().st_mtime)
            for old in kept[:len(kept) - limit]:
                old.unlink(missing_ok=True)
    except OSError:
        pass
