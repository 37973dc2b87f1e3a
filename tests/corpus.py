"""The corpus of bad inputs: each generator writes one bad file into a folder and returns its path.

Everything is built at test time from a valid workbook that `build_sample` writes (the same code
that writes the shipped sample), so every file is a real one of its kind: a really encrypted
.xlsx (msoffcrypto-tool), a real legacy .xls (xlwt), real zip bombs, XML parts carrying a real
DTD, and workbooks edited with openpyxl the way an administrator edits them in Excel (openpyxl
drops the cached values on saving, which does not matter: hso-xl recomputes every formula).

The valid workbook is built once per process and kept as bytes; generators never touch the
shipped sample in input/.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import tempfile
import warnings
import zipfile
import zlib
from pathlib import Path

import openpyxl

from hso_xl.sample import SampleSpec, build_sample

MIB = 1 << 20
WORKBOOK_NAME = "HSO_finansiering_2027-2029.xlsx"
PASSWORD = "Hemligt-2027"
PASSWD = Path("/etc/passwd")


# -- the valid starting point ---------------------------------------------------------------------

@functools.cache
def valid_bytes() -> bytes:
    """The bytes of a valid sample workbook (built once per process by hso_xl's own generator)."""
    with tempfile.TemporaryDirectory() as tmp:
        return build_sample(Path(tmp) / WORKBOOK_NAME, SampleSpec()).read_bytes()


def valid_workbook(folder: Path, name: str = WORKBOOK_NAME) -> Path:
    """A valid workbook: the control every bad file is made from."""
    path = Path(folder) / name
    path.write_bytes(valid_bytes())
    return path


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def _rezip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def _replace_part(folder: Path, name: str, part: str, edit) -> Path:
    """The valid workbook with one zip part rewritten by `edit(bytes) -> bytes`."""
    members = _members(valid_bytes())
    assert part in dict(members), part
    return _rezip(Path(folder) / name, [(n, edit(d) if n == part else d) for n, d in members])


def _edited(folder: Path, name: str, change) -> Path:
    """The valid workbook loaded with openpyxl, changed by `change(wb)`, and saved (as Excel would)."""
    path = Path(folder) / name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(valid_bytes()))
        change(wb)
        wb.save(path)
    return path


def _set(**cells):
    """A `change` that sets cells given as Sheet_A1=value (Sheet!A1 in Excel terms)."""

    def change(wb):
        for key, value in cells.items():
            sheet, cell = key.split("_")
            wb[sheet][cell] = value

    return change


# -- raw zip writing, for bombs whose headers are made on purpose -------------------------------

def _deflate(data: bytes) -> bytes:
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush()


@functools.cache
def _zero_segment() -> bytes:
    """One MiB of zeros as raw deflate blocks that end byte-aligned with no back-references out.

    A full flush resets the compressor, so the segment can be repeated any number of times to make
    a valid stream of N MiB of zeros without compressing N MiB (about 1 KiB per MiB).
    """
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    return co.compress(bytes(MIB)) + co.flush(zlib.Z_FULL_FLUSH)


_FINAL_EMPTY_BLOCK = b"\x03\x00"  # a final, empty fixed-Huffman block


@functools.cache
def zeros_payload(mib: int) -> bytes:
    """A raw deflate stream of `mib` MiB of zeros."""
    return _zero_segment() * mib + _FINAL_EMPTY_BLOCK


@functools.cache
def zeros_crc(mib: int) -> int:
    """The CRC-32 of `mib` MiB of zeros."""
    crc = 0
    block = bytes(MIB)
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    return crc


def _write_raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """Write a zip whose members are (name, raw deflate payload, CRC-32, declared uncompressed size)."""
    body = bytearray()
    central = bytearray()
    for name, payload, crc, size in members:
        raw_name = name.encode()
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(payload), size, len(raw_name), 0)
        body += raw_name + payload
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(payload), size, len(raw_name), 0, 0, 0, 0, 0,
            offset,
        )
        central += raw_name
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(body), 0)
    path.write_bytes(bytes(body) + bytes(central) + eocd)
    return path


def _valid_raw_members() -> list[tuple[str, bytes, int, int]]:
    return [(name, _deflate(data), zlib.crc32(data), len(data)) for name, data in _members(valid_bytes())]


# -- not a workbook at all ---------------------------------------------------------------------------

def not_a_zip(folder: Path) -> Path:
    """A CSV export that someone renamed to .xlsx."""
    path = Path(folder) / "budget-export.xlsx"
    path.write_text("Kostnadsslag;2027;2028;2029\nPersonal;6428829;6583121;6741116\n", encoding="utf-8")
    return path


def empty_file(folder: Path) -> Path:
    path = Path(folder) / "tom.xlsx"
    path.write_bytes(b"")
    return path


def truncated(folder: Path) -> Path:
    """The valid workbook cut off halfway, as an interrupted copy or e-mail leaves it."""
    data = valid_bytes()
    path = Path(folder) / "avbruten.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def _xls_bytes() -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Budget")
    for col, text in enumerate(["Kostnadsslag", 2027, 2028, 2029, "Totalt"]):
        sheet.write(2, col, text)
    sheet.write(3, 0, "Personal")
    for col, value in enumerate([6_428_829, 6_583_121, 6_741_116], start=1):
        sheet.write(3, col, value)
    sheet.write(3, 4, xlwt.Formula("SUM(B4:D4)"))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def legacy_xls(folder: Path) -> Path:
    """A real Excel 97-2003 workbook (BIFF8, written by xlwt)."""
    path = Path(folder) / "budget.xls"
    path.write_bytes(_xls_bytes())
    return path


def legacy_xls_renamed(folder: Path) -> Path:
    """The same .xls renamed to .xlsx, as users do to get past a file picker."""
    path = Path(folder) / "budget-gammal.xlsx"
    path.write_bytes(_xls_bytes())
    return path


def password_protected(folder: Path) -> Path:
    """The valid workbook really encrypted with a password (ECMA-376 agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    path = Path(folder) / "losenord.xlsx"
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(valid_bytes())).encrypt(PASSWORD, out)
    path.write_bytes(out.getvalue())
    return path


def _docx_members() -> list[tuple[str, bytes]]:
    """The parts Word writes for a one-paragraph document."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    return [
        ("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>").encode()),
        ("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>").encode()),
        ("word/document.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{w}"><w:body>'
            "<w:p><w:r><w:t>Budget HSO 2027–2029: se bifogad arbetsbok.</w:t></w:r></w:p>"
            "</w:body></w:document>").encode()),
        ("docProps/app.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>Microsoft Office Word</Application></Properties>").encode()),
    ]


def docx_renamed(folder: Path) -> Path:
    """A Word document renamed to .xlsx."""
    return _rezip(Path(folder) / "budget-beslut.xlsx", _docx_members())


def word_document(folder: Path) -> Path:
    """A Word-saved zip (.docx) given where the workbook belongs."""
    return _rezip(Path(folder) / "Beslutsunderlag HSO.docx", _docx_members())


def zipped_workbook(folder: Path) -> Path:
    """A zip archive holding the workbook ('Send to > Compressed folder'), not the workbook itself."""
    return _rezip(Path(folder) / "HSO_finansiering.zip", [(WORKBOOK_NAME, valid_bytes())])


def directory(folder: Path) -> Path:
    """A folder whose name ends in .xlsx."""
    path = Path(folder) / "HSO_finansiering.xlsx"
    path.mkdir()
    return path


def nonexistent(folder: Path) -> Path:
    return Path(folder) / "finns-inte.xlsx"


# -- zip bombs ---------------------------------------------------------------------------------------

def zip_bomb_one_part(folder: Path) -> Path:
    """The valid workbook plus one part that honestly declares 300 MiB of zeros (about 300 KiB packed):
    under the limits on total and declared size, so only its expansion ratio gives it away."""
    members = _valid_raw_members() + [("xl/media/image1.png", zeros_payload(300), zeros_crc(300), 300 * MIB)]
    return _write_raw_zip(Path(folder) / "bomb-en-del.xlsx", members)


def zip_bomb_huge_part(folder: Path) -> Path:
    """The valid workbook plus one part of 1 GiB of zeros (about 1 MiB packed)."""
    members = _valid_raw_members() + [("xl/media/image1.png", zeros_payload(1024), zeros_crc(1024), 1024 * MIB)]
    return _write_raw_zip(Path(folder) / "bomb-stor-del.xlsx", members)


def zip_bomb_many_parts(folder: Path) -> Path:
    """The valid workbook plus 200 parts of 4 MiB of zeros each: no part exceeds the ratio threshold,
    but together they unpack to 800 MiB."""
    extra = [(f"xl/media/image{i}.png", zeros_payload(4), zeros_crc(4), 4 * MIB) for i in range(1, 201)]
    return _write_raw_zip(Path(folder) / "bomb-manga-delar.xlsx", _valid_raw_members() + extra)


def zip_bomb_member_count(folder: Path) -> Path:
    """The valid workbook plus 20 000 tiny parts."""
    members = _members(valid_bytes()) + [(f"customXml/item{i}.xml", b"<a/>") for i in range(20_000)]
    return _rezip(Path(folder) / "bomb-tusentals-delar.xlsx", members)


# Small enough for a test machine if a reader does inflate it all; a real attack makes it gigabytes (1 MiB per GiB).
LYING_TAIL_MIB = 256


def _lying(folder: Path, name: str, part: str) -> Path:
    """The valid workbook where `part` declares its true size and CRC, but its deflate stream goes on
    with LYING_TAIL_MIB MiB of zeros after the XML. A reader that checks the header sees a small valid
    part; a reader that inflates the whole stream before cutting it to the declared size unpacks it all."""
    data = dict(_members(valid_bytes()))[part]
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = co.compress(data) + co.flush(zlib.Z_FULL_FLUSH)
    out = []
    for member, payload, crc, size in _valid_raw_members():
        if member == part:
            payload = head + zeros_payload(LYING_TAIL_MIB)
        out.append((member, payload, crc, size))
    return _write_raw_zip(Path(folder) / name, out)


def zip_bomb_lying_sizes(folder: Path) -> Path:
    """xl/workbook.xml with a hidden tail of zeros beyond its declared size."""
    return _lying(folder, "bomb-ljugande-storlek.xlsx", "xl/workbook.xml")


def zip_bomb_lying_content_types(folder: Path) -> Path:
    """[Content_Types].xml with a hidden tail of zeros beyond its declared size."""
    return _lying(folder, "bomb-ljugande-typer.xlsx", "[Content_Types].xml")


# -- XML entity attacks ------------------------------------------------------------------------------

_XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'

BILLION_LAUGHS_DTD = (
    b'<!DOCTYPE sst [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    + b"]>"
)


def _with_dtd(data: bytes, dtd: bytes, first_text: bytes | None = None, padding: bytes = b"") -> bytes:
    assert data.startswith(_XML_DECL), data[:80]
    body = data[len(_XML_DECL):]
    if first_text is not None:
        start = body.index(b"<t>") + 3
        end = body.index(b"</t>", start)
        body = body[:start] + first_text + body[end:]
    return _XML_DECL + b"\n" + padding + dtd + body


def billion_laughs(folder: Path) -> Path:
    """The classic nested-entity bomb in xl/sharedStrings.xml, used in the first string."""
    return _replace_part(
        folder, "laughs.xlsx", "xl/sharedStrings.xml", lambda d: _with_dtd(d, BILLION_LAUGHS_DTD, b"&lol9;")
    )


def billion_laughs_after_comment(folder: Path) -> Path:
    """The same bomb, but in a sheet and after an 8 KiB comment, which XML allows before the DOCTYPE."""
    dtd = BILLION_LAUGHS_DTD.replace(b"DOCTYPE sst", b"DOCTYPE worksheet")
    padding = b"<!-- " + b"x" * (8 * 1024) + b" -->\n"

    def edit(data: bytes) -> bytes:
        data = _with_dtd(data, dtd, padding=padding)
        # the first sheet (Projekt) holds only shared strings and numbers: put the bomb in a cell
        return data.replace(b"<sheetData>", b'<sheetData><row r="30"><c r="A30" t="inlineStr"><is><t>&lol9;</t></is></c></row>', 1)

    return _replace_part(folder, "laughs-comment.xlsx", "xl/worksheets/sheet1.xml", edit)


XXE_DTD = b'<!DOCTYPE sst [\n <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>'


def external_entity(folder: Path) -> Path:
    """An external entity (XXE) reading /etc/passwd into the first shared string."""
    return _replace_part(folder, "xxe.xlsx", "xl/sharedStrings.xml", lambda d: _with_dtd(d, XXE_DTD, b"&xxe;"))


def external_entity_utf16(folder: Path) -> Path:
    """The same XXE in a part encoded as UTF-16, which XML allows, so '<!DOCTYPE' is not in its bytes as ASCII."""

    def edit(data: bytes) -> bytes:
        text = _with_dtd(data, XXE_DTD, b"&xxe;").decode("utf-8")
        text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
        return text.encode("utf-16")  # with a byte-order mark

    return _replace_part(folder, "xxe-utf16.xlsx", "xl/sharedStrings.xml", edit)


def dtd_in_workbook_xml(folder: Path) -> Path:
    """A DOCTYPE with an external entity injected into xl/workbook.xml, used in a defined name."""
    dtd = b'<!DOCTYPE workbook [\n <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>'

    def edit(data: bytes) -> bytes:
        data = _with_dtd(data, dtd)
        assert b"</definedNames>" in data
        return data.replace(b"</definedNames>", b'<definedName name="Hemlig">"&xxe;"</definedName></definedNames>', 1)

    return _replace_part(folder, "xxe-workbook.xlsx", "xl/workbook.xml", edit)


def dtd_in_part_with_other_name(folder: Path) -> Path:
    """The billion laughs in the first sheet, stored as xl/worksheets/sheet1.dat: a package may name its
    parts freely ([Content_Types].xml and the relationships say what they are)."""
    dtd = BILLION_LAUGHS_DTD.replace(b"DOCTYPE sst", b"DOCTYPE worksheet")
    out = []
    for name, data in _members(valid_bytes()):
        if name == "xl/worksheets/sheet1.xml":
            name = "xl/worksheets/sheet1.dat"
            data = _with_dtd(data, dtd).replace(
                b"<sheetData>", b'<sheetData><row r="30"><c r="A30" t="inlineStr"><is><t>&lol9;</t></is></c></row>', 1
            )
        elif name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
            assert b"worksheets/sheet1.xml" in data
            data = data.replace(b"worksheets/sheet1.xml", b"worksheets/sheet1.dat")
        out.append((name, data))
    return _rezip(Path(folder) / "laughs-dat.xlsx", out)


# -- formulas that cannot be computed ----------------------------------------------------------------

def circular_reference(folder: Path) -> Path:
    """Externa tjänster 2027 (Budget!B7) refers to the cost total that sums it."""
    return _edited(folder, "cirkel.xlsx", _set(Budget_B7="=B11-B4"))


def ref_error(folder: Path) -> Path:
    """A formula left with #REF! after the row it pointed at was deleted."""
    return _edited(folder, "ref-fel.xlsx", _set(Budget_B7="=#REF!*2"))


def unknown_function(folder: Path) -> Path:
    """A function from an Excel add-in (Euro Currency Tools) that the engine does not know."""
    return _edited(folder, "okand-funktion.xlsx", _set(Budget_B7='=EUROCONVERT(1960000,"SEK","EUR")'))


def unknown_function_non_ascii(folder: Path) -> Path:
    """A user-defined (VBA) function with a Swedish name, as in a macro workbook."""
    return _edited(folder, "egen-funktion.xlsx", _set(Budget_B7="=BUDGETRÄKNARE(1960000)"))


def unimplemented_function(folder: Path) -> Path:
    """A real Excel function (FORECAST.ETS, stored as _xlfn.FORECAST.ETS) that the engine knows by
    name but does not compute."""
    return _edited(folder, "prognos.xlsx", _set(Budget_B7="=_xlfn.FORECAST.ETS(2027,B8:D8,B3:D3)"))


def external_workbook_reference(folder: Path) -> Path:
    """A formula referring to a cell of another workbook, as Excel stores it: [1]Budget!A1."""
    return _edited(folder, "extern-lank.xlsx", _set(Budget_B7="=[1]Budget!B7"))


# -- the workbook contract -----------------------------------------------------------------------------

def missing_sheet(folder: Path) -> Path:
    """The cost table's header 'Kostnadsslag' (Budget!A3) retyped as a word no layout heads its costs with."""
    return _edited(folder, "utan-budget.xlsx", _set(Budget_A3="Poster"))


def missing_header_label(folder: Path) -> Path:
    """The financing table's header 'Finansiär' (Finansiering!A3) deleted."""
    return _edited(folder, "utan-rubrik.xlsx", _set(Finansiering_A3=None))


def missing_total_label(folder: Path) -> Path:
    """The label 'Summa projektkostnad' (Budget!A19) deleted."""
    return _edited(folder, "utan-summa.xlsx", _set(Budget_A19=None))


def missing_required_value(folder: Path) -> Path:
    """Projektnamn (Projekt!B4) left empty."""
    return _edited(folder, "utan-projektnamn.xlsx", _set(Projekt_B4=None))


def text_amount(folder: Path) -> Path:
    """Ånge kommun's 2027 amount (Finansiering!D9) typed as text, the way it is written in a letter."""
    return _edited(folder, "text-belopp.xlsx", _set(Finansiering_D9="454 407 kr"))


def duplicate_municipality(folder: Path) -> Path:
    """Örnsköldsvik's row (Kommuner!10) pasted again below itself."""

    def change(wb):
        ws = wb["Kommuner"]
        for col in range(1, 9):
            ws.cell(11, col).value = ws.cell(10, col).value

    return _edited(folder, "dubbel-kommun.xlsx", change)


def invalid_sector(folder: Path) -> Path:
    """Ånge kommun's Offentlig/privat (Finansiering!B9) reads 'kommunal'."""
    return _edited(folder, "fel-sektor.xlsx", _set(Finansiering_B9="kommunal"))


def years_not_consecutive(folder: Path) -> Path:
    """The budget's third year (Budget!D3) jumps to 2030."""
    return _edited(folder, "ar-hopp.xlsx", _set(Budget_D3="=C3+2"))


def financing_years_differ(folder: Path) -> Path:
    """The financing table's years (Finansiering!D3:F3) typed as 2028-2030 while the budget has 2027-2029."""
    return _edited(folder, "ar-skiljer.xlsx", _set(Finansiering_D3=2028, Finansiering_E3=2029, Finansiering_F3=2030))


def openpyxl_roundtrip(folder: Path) -> Path:
    """Control: the valid workbook saved by openpyxl with no change is still valid."""
    return _edited(folder, "oforandrad.xlsx", lambda wb: None)


# -- damaged parts and values: what Excel would offer to repair ---------------------------------------
# The sample's sheets: sheet3.xml is Budget, sheet4.xml Finansiering (Finansiering!D9 holds 454407).

def _value_of_d9(folder: Path, name: str, text: bytes) -> Path:
    def edit(data: bytes) -> bytes:
        new = data.replace(b'<c r="D9" s="10"><v>454407</v></c>', b'<c r="D9" s="10"><v>' + text + b"</v></c>")
        assert new != data
        return new

    return _replace_part(folder, name, "xl/worksheets/sheet4.xml", edit)


def damaged_number(folder: Path) -> Path:
    """A number cell holding '1.2.3' (Python's Decimal once said InvalidOperation)."""
    return _value_of_d9(folder, "skadat-tal.xlsx", b"1.2.3")


def number_beyond_excel(folder: Path) -> Path:
    """A number no Excel cell can hold (1e400 is infinity to Python)."""
    return _value_of_d9(folder, "for-stort-tal.xlsx", b"1e400")


def damaged_sheet_xml(folder: Path) -> Path:
    """A sheet's XML whose tags do not match (the parser says 'line 2, column 773')."""
    return _replace_part(folder, "skadat-blad.xlsx", "xl/worksheets/sheet4.xml",
                         lambda data: data.replace(b"</row>", b"</rw>", 1))


def damaged_shared_strings(folder: Path) -> Path:
    """The list of texts cut off in the middle."""
    return _replace_part(folder, "skadade-texter.xlsx", "xl/sharedStrings.xml", lambda data: data[: len(data) // 2])


def damaged_workbook_xml(folder: Path) -> Path:
    return _replace_part(folder, "skadad-arbetsbok.xlsx", "xl/workbook.xml",
                         lambda data: data.replace(b"</sheets>", b"</shets>", 1))


def damaged_relationships(folder: Path) -> Path:
    return _replace_part(folder, "skadade-relationer.xlsx", "xl/_rels/workbook.xml.rels",
                         lambda data: data.replace(b"</Relationships>", b"", 1))


def sheet_without_relationship(folder: Path) -> Path:
    """A sheet whose r:id names no relationship (IronCalc panics: 'no entry found for key')."""
    return _replace_part(folder, "blad-utan-del.xlsx", "xl/workbook.xml",
                         lambda data: data.replace(b'r:id="rId2"', b'r:id="rId42"', 1))


def unknown_sheet_state(folder: Path) -> Path:
    return _replace_part(folder, "okant-lage.xlsx", "xl/workbook.xml",
                         lambda data: data.replace(b"<sheet ", b'<sheet state="weird" ', 1))


def text_index_out_of_range(folder: Path) -> Path:
    def edit(data: bytes) -> bytes:
        new, count = re.subn(rb'(<c r="A4"[^>]*t="s"[^>]*>)<v>\d+</v>', rb"\g<1><v>99999</v>", data, count=1)
        assert count == 1
        return new

    return _replace_part(folder, "text-saknas.xlsx", "xl/worksheets/sheet3.xml", edit)


def missing_sheet_part(folder: Path) -> Path:
    members = [(n, d) for n, d in _members(valid_bytes()) if n != "xl/worksheets/sheet4.xml"]
    return _rezip(Path(folder) / "del-saknas.xlsx", members)
