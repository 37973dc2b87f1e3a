"""Compare Office packages (.docx/.xlsx) XML member by XML member, volatile parts stripped."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

# Parts or elements that change without the content changing.
VOLATILE_MEMBERS = {"docProps/app.xml"}
VOLATILE_PATTERNS = [
    re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>"),
    re.compile(rb"<cp:lastPrinted>[^<]*</cp:lastPrinted>"),
    re.compile(rb'\sw:rsid\w*="[0-9A-F]+"'),
]


def canonical(data: bytes) -> bytes:
    for pattern in VOLATILE_PATTERNS:
        data = pattern.sub(b"", data)
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    return etree.tostring(etree.fromstring(data, parser), method="c14n")


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        out = {}
        for name in zf.namelist():
            if name in VOLATILE_MEMBERS:
                continue
            data = zf.read(name)
            out[name] = canonical(data) if name.endswith((".xml", ".rels")) else data
        return out


def differences(got: Path, want: Path) -> list[str]:
    """Return the names of members that differ (or exist in only one package)."""
    a, b = members(got), members(want)
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))
