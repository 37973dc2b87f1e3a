"""Refuse files that are not safe or not possible to parse, before any parser sees them.

Everything here reads the file as bytes and streams zip members with hard caps, so a hostile
file (zip bomb, XML entity bomb, external entity) is refused in well under a second and no
XML parser is ever handed a DTD.
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import NamedTuple

from ..errors import WorkbookUnusable
from ..i18n import Message, _, n_
from .xml_parts import utf16_encoding

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 16
KEEP_PARTS_UP_TO = 64 * 1024 * 1024  # unpacked bytes kept for the reader (`keep_parts`); a larger file is read again


class Limits(NamedTuple):
    """Caps on what a workbook may unpack to. A real budget workbook is far below all of them. (A named tuple, not
    a frozen dataclass: defining one cost every start about 0,6 ms.)"""

    max_total_uncompressed: int = 512 * 1024 * 1024
    max_member_uncompressed: int = 256 * 1024 * 1024
    # XML compresses 5-20x; a ratio far above that in a large member is a bomb.
    max_ratio: int = 200
    ratio_applies_above: int = 4 * 1024 * 1024
    max_members: int = 10_000


DEFAULT_LIMITS = Limits()


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

SAVE_AS_XLSX = _("Open it in Excel and save it as 'Excel Workbook (*.xlsx)'")
CUT_OFF_HINT = _("It may have been cut off while copying or e-mailing; save it again from Excel")
RESAVE_OR_ASK = _("Open the workbook in Excel and save it again, or ask the sender for the original")

def ensure_safe_workbook(path: Path, limits: Limits = DEFAULT_LIMITS, opendocument: bool = False,
                         keep_parts: bool = False) -> dict[str, bytes] | None:
    """Raise WorkbookUnusable unless `path` is an .xlsx/.xlsm zip (or, with `opendocument`, an .ods) safe to parse.

    With `keep_parts`, return every part's bytes as checked here (name -> bytes, what zipfile would read of
    it), so that the reader need not unpack them again; None when they unpack to more than KEEP_PARTS_UP_TO."""
    if not path.exists():
        raise WorkbookUnusable(_("the file does not exist"), file=path, hint=_("Check the path and try again"))
    if not path.is_file():
        raise WorkbookUnusable(_("this is not a file"), file=path, hint=_("Give the path of an .xlsx workbook"))
    if path.stat().st_size == 0:
        raise WorkbookUnusable(
            _("the file is empty (0 bytes)"),
            file=path,
            hint=_("It was probably not saved or copied completely; save the workbook again from Excel (.xlsx)"),
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise WorkbookUnusable(_("the file cannot be read ({reason})", reason=exc.strerror), file=path) from None
    if head.startswith(OLE_MAGIC):
        _refuse_ole(path)
    if not head.startswith(ZIP_MAGIC):
        raise WorkbookUnusable(
            _("this is not an Excel workbook (.xlsx): the file is not a zip package"),
            file=path,
            hint=SAVE_AS_XLSX,
        )
    try:
        with zipfile.ZipFile(path) as zf:
            return _check_members(path, zf, limits, opendocument, keep_parts)
    except zipfile.BadZipFile:  # its table of contents cannot be read: what zipfile says of it is no help
        raise WorkbookUnusable(_("the file is damaged or incomplete: its table of contents cannot be read"),
                               file=path, hint=CUT_OFF_HINT) from None
    except (EOFError, OSError, zipfile.LargeZipFile, NotImplementedError):
        raise WorkbookUnusable(
            _("the file is damaged or uses a zip feature Excel never writes"),
            file=path,
            hint=_("Save it again from Excel as 'Excel Workbook (*.xlsx)'"),
        ) from None


def _refuse_ole(path: Path) -> None:
    """Explain the two OLE containers users meet: encrypted .xlsx and legacy .xls."""
    with path.open("rb") as fh:
        blob = fh.read(1 << 20)
    if "EncryptionInfo".encode("utf-16-le") in blob or "EncryptedPackage".encode("utf-16-le") in blob:
        raise WorkbookUnusable(
            _("the workbook is password-protected (encrypted), so its contents cannot be read"),
            file=path,
            hint=_("Open it in Excel, remove the password under File > Info > Protect Workbook, and save it"),
        )
    raise WorkbookUnusable(
        _("this is a legacy Excel 97-2003 file (.xls), which hso-xl does not read"),
        file=path,
        hint=SAVE_AS_XLSX,
    )


def _check_members(path: Path, zf: zipfile.ZipFile, limits: Limits, opendocument: bool = False,
                   keep_parts: bool = False) -> dict[str, bytes] | None:
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise _bomb(path, n_("it holds {n} part", "it holds {n} parts", len(infos)))
    names = {info.filename for info in infos}
    if "xl/workbook.bin" in names:
        raise WorkbookUnusable(
            _("this is a binary Excel workbook (.xlsb), which hso-xl does not read"),
            file=path,
            hint=_("Save it from Excel as 'Excel Workbook (*.xlsx)'"),
        )
    if opendocument:
        if "mimetype" not in names or zf.open("mimetype").read(100).strip() != ODS_MIMETYPE or "content.xml" not in names:
            raise WorkbookUnusable(
                _("this is not an OpenDocument spreadsheet (.ods): the parts of one are missing"),
                file=path,
                hint=_("Save the workbook from LibreOffice Calc or Excel again"),
            )
    elif "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookUnusable(
            _("this is not an Excel workbook: it is a Word document without the parts of an .xlsx")
            if "word/document.xml" in names else
            _("this is not an Excel workbook: it is a zip file without the parts of an .xlsx"),
            file=path,
            hint=_("Give the path of the workbook, saved as .xlsx"),
        )
    declared_total = sum(info.file_size for info in infos)
    if declared_total > limits.max_total_uncompressed:
        raise _bomb(path, _("it would unpack to {size} MiB", size=declared_total // (1024 * 1024)))
    total = 0
    parts = {} if keep_parts and declared_total <= KEEP_PARTS_UP_TO else None
    for info in infos:
        if info.flag_bits & 0x1:
            raise WorkbookUnusable(
                _("the workbook has encrypted parts and cannot be read"),
                file=path,
                hint=_("Save an unprotected copy from Excel"),
            )
        if info.file_size > limits.ratio_applies_above and info.compress_size:
            if info.file_size / info.compress_size > limits.max_ratio:
                raise _bomb(path, _("its part {part} expands {ratio}x", part=info.filename,
                                    ratio=info.file_size // info.compress_size))
        if parts is not None and not _opened_alike(zf, info):
            parts = None  # zipfile would refuse to open the part: the reader meets that refusal as before
        chunks = [] if parts is not None else None
        total += _stream_member(path, zf, info, limits, chunks)
        if total > limits.max_total_uncompressed:
            raise _bomb(path, _("it unpacks to more than its size allows"))
        if chunks is not None:
            parts[info.filename] = b"".join(chunks)  # (a name twice: the last, as zipfile reads it)
    return parts


def _stream_member(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits,
                   chunks: list[bytes] | None = None) -> int:
    """Unpack one member with hard caps, check its size and CRC, and refuse DTDs in XML.

    The raw compressed bytes are inflated here, not by zipfile, because zipfile (and so openpyxl)
    trusts the declared size: a part may declare 1 KiB and inflate to gigabytes.
    """
    cap = min(info.file_size, limits.max_member_uncompressed)
    if info.file_size > limits.max_member_uncompressed:
        raise _bomb(path, _("its part {part} unpacks to more than the allowed size", part=info.filename))
    scanner = _XmlScanner(path, info.filename)
    size = 0
    crc = 0
    for chunk in _inflate(path, zf, info, cap):
        size += len(chunk)
        crc = zlib.crc32(chunk, crc)
        scanner.feed(chunk)
        if chunks is not None:
            chunks.append(chunk)
    if size != info.file_size or crc != info.CRC:
        raise WorkbookUnusable(
            _("the part {part} is damaged (its size or checksum does not match)", part=info.filename),
            file=path,
            hint=CUT_OFF_HINT,
        )
    return size


def _opened_alike(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """zipfile.open(info) would open the part: its local header names it alike, no flag zipfile refuses."""
    if info.flag_bits & 0x60:  # compressed patched data, strong encryption
        return False
    zf.fp.seek(info.header_offset)
    header = zf.fp.read(zipfile.sizeFileHeader)
    if len(header) != zipfile.sizeFileHeader or header[:4] != ZIP_MAGIC:
        return False
    flags, = struct.unpack("<H", header[6:8])
    name_len, = struct.unpack("<H", header[26:28])
    try:
        name = zf.fp.read(name_len).decode("utf-8" if flags & 0x800 else zf.metadata_encoding or "cp437")
    except UnicodeDecodeError:
        return False
    return name == info.orig_filename


def _inflate(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int):
    """Yield the member's uncompressed bytes; refuse it as soon as it yields more than `cap`."""
    raw = _raw_reader(path, zf, info)
    if info.compress_type == zipfile.ZIP_STORED:
        yield from raw
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise WorkbookUnusable(
            _("the part {part} uses a compression Excel never writes", part=info.filename),
            file=path,
            hint=_("Save the workbook again from Excel"),
        )
    inflater = zlib.decompressobj(-15)
    produced = 0
    for compressed in raw:
        while compressed:
            try:
                chunk = inflater.decompress(compressed, CHUNK)
            except zlib.error:
                raise WorkbookUnusable(_("the part {part} is damaged", part=info.filename), file=path,
                                       hint=_("Save the workbook again from Excel")) from None
            compressed = inflater.unconsumed_tail
            produced += len(chunk)
            if produced > cap:
                raise _bomb(path, _("its part {part} unpacks to more than it declares", part=info.filename))
            if chunk:
                yield chunk
            if inflater.eof:
                if compressed or inflater.unused_data:
                    raise _bomb(path, _("its part {part} hides data after its end", part=info.filename))
                break
            if not chunk and not compressed:
                break
    tail = inflater.flush()
    if len(tail) + produced > cap:
        raise _bomb(path, _("its part {part} unpacks to more than it declares", part=info.filename))
    if tail:
        yield tail


def _raw_reader(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    """Yield the member's compressed bytes, exactly `compress_size` of them, from its local header on."""
    fp = zf.fp
    fp.seek(info.header_offset)
    header = fp.read(zipfile.sizeFileHeader)
    if len(header) != zipfile.sizeFileHeader or header[:4] != ZIP_MAGIC:
        raise _cut_off(path, _("bad local header for {part}", part=info.filename))
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + zipfile.sizeFileHeader + name_len + extra_len)
    left = info.compress_size
    while left > 0:
        data = fp.read(min(CHUNK, left))
        if not data:
            raise _cut_off(path, _("{part} is cut off", part=info.filename))
        left -= len(data)
        yield data


class _XmlScanner:
    """Refuse DTDs and entity declarations anywhere in a part that is XML, whatever its name.

    XML in UTF-16 (Excel writes a Power Query's customXml part so) is decoded as it streams and
    scanned as text; an encoding that would hide a DTD from a byte scan (UTF-32, UTF-7, EBCDIC ...)
    is refused.
    """

    MARKERS = ("<!DOCTYPE", "<!ENTITY")
    # Encodings whose text keeps "<!DOCTYPE" as its ASCII bytes, so the byte scan sees it.
    ASCII_BASED = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1", "windows-1252",
                   "cp1252", "iso-8859-15"}

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        self.first = True
        self.is_xml = False
        self.decoder = None  # for a part in UTF-16
        self.carry = ""

    def feed(self, chunk: bytes) -> None:
        if self.first:
            self.first = False
            self._start(chunk)
        if not self.is_xml:
            return
        if self.decoder is not None:
            try:
                text = self.decoder.decode(chunk)
            except UnicodeDecodeError:
                raise self._refuse(_("the part {part} claims to be UTF-16 text but is not", part=self.name)) from None
            if "\x00" in text:  # XML never holds NUL: UTF-32 read as UTF-16
                raise self._refuse(self._odd_encoding("UTF-32"))
        elif _MARKUP_DECLARATION.search(chunk) is None and "<!" not in self.carry + chunk[:1].decode("latin-1"):
            # No marker begins in this window ("<!" is in no upper-cased form of text without it): only the carry.
            self.carry = (self.carry + chunk[-16:].decode("latin-1").upper())[-16:]
            return
        else:
            text = chunk.decode("latin-1")
        window = self.carry + text.upper()
        if any(marker in window for marker in self.MARKERS):
            raise self._refuse(_("the part {part} declares a DTD or XML entities, which Excel never writes",
                                 part=self.name))
        self.carry = window[-16:]

    def _start(self, chunk: bytes) -> None:
        if chunk.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"<\x00\x00\x00", b"\x00\x00\x00<")):
            raise self._refuse(self._odd_encoding("UTF-32"))
        start = chunk.lstrip()
        encoding = utf16_encoding(chunk)
        if encoding is not None:
            self.is_xml = True
            self.decoder = codecs.getincrementaldecoder(encoding)("strict")
            head = chunk[:400].decode(encoding, "ignore")
        else:
            self.is_xml = start.startswith((b"<", b"\xef\xbb\xbf<"))
            head = start.removeprefix(b"\xef\xbb\xbf")[:400].decode("latin-1")
        declared = _DECLARED_ENCODING.match(head.lstrip("\ufeff \t\r\n"))
        if self.is_xml and declared:
            name = declared.group(1).lower()
            allowed = name.startswith("utf-16") if encoding else name in self.ASCII_BASED
            if not allowed:
                raise self._refuse(self._odd_encoding(declared.group(1)))

    def _odd_encoding(self, encoding: str) -> Message:
        return _("the part {part} is written in the text encoding {encoding}, which Excel never uses",
                 part=self.name, encoding=encoding)

    def _refuse(self, why: Message) -> WorkbookUnusable:
        return WorkbookUnusable(
            _("{why}; the file may be crafted to attack the reader, so it was not parsed", why=why),
            file=self.path,
            hint=RESAVE_OR_ASK,
        )


_MARKUP_DECLARATION = re.compile(rb"<!")  # (the expression finds it in half the time `in` takes in a sheet's XML)
_DECLARED_ENCODING = re.compile(r"""<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _bomb(path: Path, why: Message) -> WorkbookUnusable:
    return WorkbookUnusable(
        _("the file was refused because {why}, far beyond any real workbook (a 'zip bomb')", why=why),
        file=path,
        hint=_("Ask the sender for the original workbook saved from Excel"),
    )


def _cut_off(path: Path, detail: Message | str) -> WorkbookUnusable:
    """The zip package ends too early or its directory does not match its parts (zipfile's words, or ours)."""
    return WorkbookUnusable(_("the file is damaged or incomplete ({detail})", detail=detail), file=path,
                            hint=CUT_OFF_HINT)
