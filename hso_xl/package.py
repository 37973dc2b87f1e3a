"""The one zip writer: Office packages written deterministically, the same content giving the same bytes.

Every package hso-xl writes (documents, the recomputed copy of a workbook, the offline copies
LibreOffice converts) goes through `write_package`: fixed timestamps (1980-01-01), fixed
attributes, one compression policy (deflate, level 6), `[Content_Types].xml` first.

Most parts of a generated document are the template's own, unchanged (styles, theme, fonts): a
Word template's styles alone are ~800 KB of XML. Each distinct part is deflated once per process
and its compressed bytes reused for every later document, so a build of hundreds of documents
compresses only what differs between them.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import BinaryIO, Callable, Iterable

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1  # 1980-01-01, time 00:00:00
_LEVEL = DOCUMENT_LEVEL = 6
FAST_LEVEL = 1  # hso-xl recalc's copy of a workbook: deflating at 6 took a fifth of the command's time
_UTF8_NAMES = 0x800
_CACHE_LIMIT = 64 * 1024 * 1024  # bytes of compressed parts kept; a build's templates fit many times over

_deflated: dict[bytes, tuple[int, bytes]] = {}  # sha1 of a part -> (crc32, deflated bytes)
_deflated_size = 0
# The package last written or read and its members: a document's fingerprints (reading, content, decision)
# read the package just rendered, three times; recognised by identity, so never another package's members.
_last: tuple[bytes, list[tuple[str, bytes]]] | None = None
_REMEMBERED_LIMIT = 16 * 1024 * 1024  # bytes of parts; a document's are a few MB at most


def write_package(members: list[tuple[str, bytes]]) -> bytes:
    """Return a zip of `members` (name, data) with fixed timestamps and attributes.

    `[Content_Types].xml` goes first, as Office expects; the order of the others is kept.
    """
    ordered = sorted(members, key=lambda m: m[0] != "[Content_Types].xml")
    out = io.BytesIO()
    central = []
    for name, data in ordered:
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else _UTF8_NAMES
        crc, deflated = _deflate(data)
        offset = out.tell()
        fields = (20, flags, zipfile.ZIP_DEFLATED, 0, _DOS_DATE, crc, len(deflated), len(data), len(encoded))
        out.write(struct.pack("<4s5HL2L2H", b"PK\x03\x04", *fields, 0))
        out.write(encoded)
        out.write(deflated)
        central.append(struct.pack("<4s6HL2L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0o600 << 16, offset)
                       + encoded)
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))
    data = out.getvalue()
    _remember(data, [(name, bytes(member)) for name, member in ordered])
    return data


def write_package_to(fh: BinaryIO, members: Iterable[tuple[str, Iterable[bytes]]], level: int = _LEVEL) -> None:
    """Write to the seekable `fh` the same zip `write_package` returns, each member's data given as chunks.

    For a large part (a worksheet of many MB): neither the part nor its deflated bytes are held whole,
    so the memory used does not grow with the part. The caller puts `[Content_Types].xml` first.
    `level`: FAST_LEVEL for hso-xl recalc's copy, deflated four times faster into a file about a fifth larger.
    """
    central = []
    base = fh.tell()
    for name, chunks in members:
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else _UTF8_NAMES
        offset = fh.tell() - base
        fh.write(b"\0" * (30 + len(encoded)))  # the local header, written once the sizes are known
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        crc = size = deflated = 0
        for chunk in chunks:
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            out = compressor.compress(chunk)
            deflated += len(out)
            fh.write(out)
        out = compressor.flush()
        deflated += len(out)
        fh.write(out)
        end = fh.tell()
        fields = (20, flags, zipfile.ZIP_DEFLATED, 0, _DOS_DATE, crc, deflated, size, len(encoded))
        fh.seek(base + offset)
        fh.write(struct.pack("<4s5HL2L2H", b"PK\x03\x04", *fields, 0) + encoded)
        fh.seek(end)
        central.append(struct.pack("<4s6HL2L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0o600 << 16, offset)
                       + encoded)
    start = fh.tell() - base
    for record in central:
        fh.write(record)
    size = fh.tell() - base - start
    fh.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))


def read_members(data: bytes) -> list[tuple[str, bytes]]:
    """Return the (name, data) members of the zip package `data`, in their order."""
    last = _last
    if last is not None and last[0] is data:
        return list(last[1])
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        members = [(info.filename, zin.read(info)) for info in zin.infolist()]
    _remember(data, members)
    return list(members)


def _remember(data: bytes, members: list[tuple[str, bytes]]) -> None:
    """Keep a document-sized package's members (never a large workbook's: they would stay in memory)."""
    global _last
    small = isinstance(data, bytes) and sum(len(member) for _name, member in members) <= _REMEMBERED_LIMIT
    _last = (data, members) if small else None


def rewrite_package(data: bytes, change: Callable[[str, bytes], bytes] | None = None) -> bytes:
    """Return the package `data` written by `write_package`, each member passed through `change`."""
    members = read_members(data)
    if change is not None:
        members = [(name, change(name, member)) for name, member in members]
    return write_package(members)


def deterministic_zip(data: bytes) -> bytes:
    """Return the zip package `data` rewritten by `write_package` (members in the same order)."""
    return rewrite_package(data)


def _deflate(data: bytes) -> tuple[int, bytes]:
    global _deflated_size
    import hashlib  # here: hso-xl recalc writes its copy with write_package_to, and OpenSSL takes ~2 ms to load

    key = hashlib.sha1(data).digest()
    found = _deflated.get(key)
    if found is not None:
        return found
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
    result = (zlib.crc32(data), compressor.compress(data) + compressor.flush())
    if _deflated_size + len(result[1]) > _CACHE_LIMIT:
        _deflated.clear()
        _deflated_size = 0
    _deflated[key] = result
    _deflated_size += len(result[1])
    return result
