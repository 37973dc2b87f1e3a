"""The package just written is read back from memory (package.py), as the same members a zip reader gives."""

from __future__ import annotations

import io
import zipfile

from hso_xl.package import read_members, write_package


def _unzipped(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        return [(info.filename, zin.read(info)) for info in zin.infolist()]


def test_members_read_back_are_what_a_zip_reader_finds():
    members = [("word/document.xml", b"<w:document>Kramfors kommun</w:document>"),
               ("[Content_Types].xml", b"<Types/>"), ("word/media/image1.png", bytes(range(256)) * 40)]
    first = write_package(members)
    other = write_package([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")])
    assert read_members(first) == _unzipped(first) == [members[1], members[0], members[2]]
    assert read_members(other) == _unzipped(other)
    copy = bytes(bytearray(first))  # equal bytes, another object: read from the zip
    assert read_members(copy) == read_members(first) == _unzipped(first)
    listed = read_members(first)
    listed.clear()  # the caller's list: the package still reads whole
    assert read_members(first) == _unzipped(first)
