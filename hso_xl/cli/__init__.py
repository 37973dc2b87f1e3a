"""The command line: click commands only, one module each. Library errors become one paragraph and an exit code.

`main` (the group, in common.py) is the entry point; importing a command's module adds it to the group.
"""

from __future__ import annotations

from . import (build, check, diff, explain, init, outbox, recalc, serve, templates, users,  # noqa: F401
               watch)  # each adds its command
from .common import main
from .speak import _click_catalog, speak_to_click

__all__ = ["main", "_click_catalog"]

speak_to_click()  # after the commands are defined, so click's types keep their English names to translate


if __name__ == "__main__":  # pragma: no cover
    main()
