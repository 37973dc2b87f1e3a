"""Parse a package's small XML parts (the workbook, relationships, styles, shared strings, what stands around a
sheet's rows) with the standard library's parser, for reading only.

lxml builds large trees faster, but loading it cost every `hso-xl recalc` more (15 ms of CPU) than reading
these parts does; the rows, where a workbook's size is, are read by sheet_rows.py's regular expression.
lxml is imported only where a part is rewritten (normalise.py, write.py), a sheet is read as a tree, or a
workbook has Excel tables (tables.py).

Safe as the lxml parsers are: workbook/safety.py has refused every part with a DTD or an entity declaration
before anything here reads, and this module refuses one again (`XmlError`) whatever reached it, so no entity can
be declared; expat (the standard library's parser) fetches nothing from a network or a disk.
"""

from __future__ import annotations

import codecs
from typing import IO, Iterator
from xml.etree.ElementTree import Element, ParseError, XMLParser, XMLPullParser

CHUNK = 1 << 16
XmlError = ParseError  # what a part that is not well-formed XML (or holds a DTD) raises
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


def parse(data: bytes) -> Element:
    """The root element of the XML document `data`; XmlError when it is not well-formed or declares a DTD."""
    _Declarations(data).scan(data)
    parser = XMLParser()
    parser.feed(data)
    return parser.close()


def parse_file(source: IO[bytes]) -> Element:
    with source:
        return parse(source.read())


def iter_elements(source: IO[bytes], tag: str) -> Iterator[Element]:
    """Each `tag` element of the document in `source` when it ends, read a chunk at a time (a part of many MB,
    such as the shared strings, is never held whole); the caller clears what it has read."""
    parser = XMLPullParser(events=("end",))
    declarations = None
    with source:
        while chunk := source.read(CHUNK):
            declarations = declarations or _Declarations(chunk)
            declarations.scan(chunk)
            parser.feed(chunk)
            yield from (element for _event, element in parser.read_events() if element.tag == tag)
        parser.close()
        yield from (element for _event, element in parser.read_events() if element.tag == tag)


def utf16_encoding(data: bytes) -> str | None:
    """The codec of an XML part in UTF-16: with a byte-order mark, or without one and '<' as its first
    character after white space (a NUL in one of its first two bytes tells which order); else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if len(data) >= 2 and (data[0] == 0) != (data[1] == 0):
        encoding = "utf-16-be" if data[0] == 0 else "utf-16-le"
        if data[:64].decode(encoding, "ignore").lstrip(" \t\r\n").startswith("<"):
            return encoding
    return None


class Declaration(ParseError):
    """A DTD or an entity declaration: no part Excel writes holds one (safety.py refuses it first, in its words)."""


class _Declarations:
    """Refuse a DTD or an entity declaration in a document read a chunk at a time (UTF-16 decoded first)."""

    def __init__(self, first: bytes) -> None:
        encoding = utf16_encoding(first)
        self.decoder = codecs.getincrementaldecoder(encoding)("replace") if encoding else None
        self.carry = b""

    def scan(self, chunk: bytes) -> None:
        if self.decoder is not None:
            chunk = self.decoder.decode(chunk).encode("utf-8", "replace")
        window = self.carry + chunk
        self.carry = window[-16:]
        if b"<!" in window and any(marker in window.upper() for marker in _DECLARATIONS):
            raise Declaration()
