"""The DTD scan of workbook/safety.py refuses a part exactly when its text, upper-cased, holds "<!DOCTYPE" or
"<!ENTITY", at the chunk that completes it, however the part is cut into chunks: its look for "<!" first (to skip
the decoding of a chunk without one) changes nothing of that."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hso_xl.errors import WorkbookUnusable
from hso_xl.workbook.safety import _XmlScanner

PIECES = ["<", "!", "<!", "<!D", "DOC", "TYPE", "doctype", "DocType", "<!doctype", "ENTITY", "Entity", "ENT", "ITY",
          "<!ENTITY", "ß", "ÿ", "µ", "x", " ", ">", "<c r=\"A1\"><v>1</v></c>", "<!-- n -->", "é"]


def refused_at(chunks: list[bytes]) -> int | None:
    scanner = _XmlScanner(Path("workbook.xlsx"), "xl/worksheets/sheet1.xml")
    for index, chunk in enumerate(chunks):
        try:
            scanner.feed(chunk)
        except WorkbookUnusable:
            return index
    return None


def careful(chunks: list[bytes]) -> int | None:
    """The first chunk by which the text read so far, upper-cased, holds a marker."""
    for index in range(len(chunks)):
        text = b"".join(chunks[:index + 1]).decode("latin-1").upper()
        if "<!DOCTYPE" in text or "<!ENTITY" in text:
            return index
    return None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.lists(st.integers(0, 400), max_size=12))
def test_a_marker_is_found_at_the_chunk_that_completes_it_however_the_part_is_cut(pieces, cuts):
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?><worksheet>' + "".join(pieces)).encode("latin-1")
    bounds = sorted({0, len(data), *(cut % (len(data) + 1) for cut in cuts)})
    chunks = [data[a:b] for a, b in zip(bounds, bounds[1:])]
    assert refused_at(chunks) == careful(chunks)


@pytest.mark.parametrize("cut", range(1, 12))
def test_a_doctype_cut_anywhere_between_two_chunks_is_refused(cut):
    data = b"<worksheet>" + b"x" * 70000 + b"<!doctype worksheet>"
    at = len(data) - 20 + cut
    assert refused_at([data[:at], data[at:]]) == (0 if cut >= len("<!doctype") else 1)
