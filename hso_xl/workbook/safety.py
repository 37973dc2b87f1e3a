"""Refuse files that are not safe or not possible to parse, before any parser sees them.

Everything here reads the file as bytes and streams zip members with hard caps, so a hostile
file (zip bomb, XML entity bomb, external entity) is refused in well under a second and no
XML parser is ever handed a DTD.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import WorkbookUnusable
from ..i18n import Message, _, n_

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """Caps on what a workbook may unpack to. A real budget workbook is far below all of them."""

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
# What Python's zip reader says of a package whose table of contents it cannot read, shown in the user's language.
ZIP_READER_WORDS = {
    "File is not a zip file": _("File is not a zip file"),
    "Bad offset for central directory": _("Bad offset for central directory"),
    "Truncated central directory": _("Truncated central directory"),
    "Bad magic number for central directory": _("Bad magic number for central directory"),
    "zipfiles that span multiple disks are not supported": _("zipfiles that span multiple disks are not supported"),
}


def ensure_safe_workbook(path: Path, limits: Limits = DEFAULT_LIMITS, opendocument: bool = False) -> None:
    """Raise WorkbookUnusable unless `path` is an .xlsx/.xlsm zip (or, with `opendocument`, an .ods) safe to parse."""
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
            _check_members(path, zf, limits, opendocument)
    except zipfile.BadZipFile as exc:
        raise _cut_off(path, ZIP_READER_WORDS.get(str(exc), str(exc))) from None
    except (EOFError, OSError, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise WorkbookUnusable(
            _("the file is damaged or uses an unsupported zip feature ({detail})", detail=str(exc)),
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


def _check_members(path: Path, zf: zipfile.ZipFile, limits: Limits, opendocument: bool = False) -> None:
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
        total += _stream_member(path, zf, info, limits)
        if total > limits.max_total_uncompressed:
            raise _bomb(path, _("it unpacks to more than its size allows"))


def _stream_member(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> int:
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
    if size != info.file_size or crc != info.CRC:
        raise WorkbookUnusable(
            _("the part {part} is damaged (its size or checksum does not match)", part=info.filename),
            file=path,
            hint=CUT_OFF_HINT,
        )
    return size


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
    """Refuse DTDs and entity declarations anywhere in a part that is XML, whatever its name."""

    MARKERS = (b"<!DOCTYPE", b"<!ENTITY")

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        self.first = True
        self.is_xml = False
        self.carry = b""

    def feed(self, chunk: bytes) -> None:
        if self.first:
            self.first = False
            start = chunk.lstrip()
            if start.startswith((b"\xff\xfe", b"\xfe\xff")) or start[:2] in (b"<\x00", b"\x00<"):
                raise WorkbookUnusable(
                    _("the part {part} is XML in UTF-16, which Excel never writes; the file may be crafted "
                      "to attack the reader, so it was not parsed", part=self.name),
                    file=self.path,
                    hint=RESAVE_OR_ASK,
                )
            self.is_xml = start.startswith((b"<", b"\xef\xbb\xbf<"))
        if not self.is_xml:
            return
        window = self.carry + chunk
        if any(marker in window.upper() for marker in self.MARKERS):
            raise WorkbookUnusable(
                _("the part {part} declares a DTD or XML entities, which Excel never writes; "
                  "the file may be crafted to attack the reader, so it was not parsed", part=self.name),
                file=self.path,
                hint=RESAVE_OR_ASK,
            )
        self.carry = window[-16:]


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
