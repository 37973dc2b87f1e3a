"""hso-xl serve: the web page, a second face on the library beside the command line (see app.py, pages.py)."""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
