"""Text for one-line messages and labels."""

from __future__ import annotations


def short(text, limit: int = 160) -> str:
    """Return `text` on one line, cut to `limit` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class LazyPattern:
    """A regular expression compiled the first time it is used.

    For patterns of paths most workbooks never take: compiling one with Unicode classes or IGNORECASE costs
    several milliseconds, paid by every command at start-up when it is compiled as the module is imported.
    """

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled = None

    def __getattr__(self, name: str):
        if self._compiled is None:
            import re

            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)
