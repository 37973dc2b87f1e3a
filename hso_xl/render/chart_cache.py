"""Chart pictures drawn before, kept on disk: a rebuild of unchanged figures neither draws nor loads matplotlib.

Drawing a chart at print resolution takes about 0,2 s, and loading matplotlib to draw it 0,5 s, while
`build`, `watch` and the web page make the same regional reports again and again. A picture is kept
under a key made of all that decides its bytes: the chart (kind, title, labels, exact values, size),
the drawing code (hso-xl's modules), the installed matplotlib, Pillow and NumPy, and any matplotlibrc. So a
kept picture is the very bytes drawing it again gives; a changed figure is a new key.

The folder is hso-xl's cache folder (cache_folder.py; `HSO_XL_CACHE=off` keeps nothing). It holds at most
MAX_PICTURES, the least recently used removed first. A cache that cannot be read or written only costs the
drawing: nothing is said, the document is the same.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import Callable

from ..cache_folder import cache_root, keep

CACHE_VERSION = b"1"
MAX_PICTURES = 1000  # a few hundred municipalities' reports (~80 KB each)
_PNG = b"\x89PNG\r\n\x1a\n"
_LIBRARIES = (("matplotlib", "_version.py"), ("PIL", "_version.py"), ("numpy", "version.py"))


def kept_or_drawn(chart, draw: Callable[[object], bytes], code: str) -> bytes:
    """The chart's picture as kept from an earlier drawing, else `draw(chart)`, kept for the next time.

    `code` tells the drawing code apart (render/inspected.code_key: every module of hso-xl, charts.py and
    the Swedish number formats it prints).
    """
    folder = cache_folder()
    if folder is None:
        return draw(chart)
    path = folder / (hashlib.sha256(_environment(code) + repr(chart).encode("utf-8")).hexdigest() + ".png")
    try:
        data = path.read_bytes()
        if data.startswith(_PNG):
            os.utime(path)  # recently used: removed last
            return data
    except OSError:
        pass
    data = draw(chart)
    keep(path, data, MAX_PICTURES)
    return data


def cache_folder() -> Path | None:
    """Where chart pictures are kept (None: not kept)."""
    root = cache_root()
    return None if root is None else root / "charts"


@lru_cache(maxsize=4)
def _environment(code: str) -> bytes:
    """What besides the chart decides a picture's bytes: hso-xl's code, the libraries and any matplotlibrc."""
    digest = hashlib.sha256(CACHE_VERSION + code.encode())
    for package, version_file in _LIBRARIES:  # found without importing them (that import is what is saved)
        spec = importlib.util.find_spec(package)
        origin = Path(spec.origin).parent / version_file if spec and spec.origin else None
        digest.update(package.encode() + (origin.read_bytes() if origin and origin.is_file() else b"?"))
    config = os.environ.get("MPLCONFIGDIR") or str(Path.home() / ".config" / "matplotlib")
    for rc in (os.environ.get("MATPLOTLIBRC"), "matplotlibrc", str(Path(config) / "matplotlibrc")):
        if rc and Path(rc).is_file():  # a user's matplotlib settings fill in what charts.py does not set
            digest.update(Path(rc).read_bytes())
    return digest.digest()
