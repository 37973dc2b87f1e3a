"""Read a worksheet's rows as the common writers write them, with one regular expression instead of an XML tree.

Excel, LibreOffice, openpyxl and xlsxwriter write `<c r="B2" s="3" t="s"><v>4</v></c>`: a start tag with r first and
double-quoted attributes, then at most an `<f>` and a `<v>`. Reading those rows by a regular expression is several
times faster than building an element for every cell, and gives the same cells: they go through the same
SheetReader.make_cell. The sheet's other parts (columns, merged ranges, whatever follows the rows) are read as a
tree by sheet_xml.py, from a copy of the part without its rows.

Only what is understood exactly is read here: any other form in the rows (rich text, a cell without r,
single quotes, a comment, an entity other than XML's own, a carriage return, a control character) makes
`read_plain_rows` give up (False) before the caller has used anything, and the sheet is read as a tree.
"""

from __future__ import annotations

import re
from typing import Callable, IO

from .book import Cell
from .cellnames import column_index_from_string
from .damage import cell_number
from .sheet_xml import COLUMN, MERGE, SheetReader, excel_unescaped, is_true
from .xml_parts import XmlError, parse

CHUNK = 1 << 20  # bytes read at a time; rows are read up to the last complete one
MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NAME = rb"[A-Za-z_][\w.:-]*"
_ATTRIBUTES = rb'(?: ' + _NAME + rb'="[^"<&\t\n\r]*+")*+'
# A cell (column letters, row digits, attributes, <f> attributes, <f> text, <v> text, <is>, its text), or a row's start
# or end tag; whitespace between them as pretty printers leave it. (Possessive: what a part takes it never gives back,
# since what follows could not match it anyway; the expression is the same, a little faster.)
_TOKEN = re.compile(
    rb'[ \n\t]*+(?:<c r="([A-Z]{1,3})([0-9]{1,7})"(' + _ATTRIBUTES + rb')[ \n\t]*+(?:/>|>'
    rb'(?:<f(' + _ATTRIBUTES + rb')[ \n\t]*+(?:/>|>([^<]*+)</f>))?(?:<v>([^<]*+)</v>|<v/>)?'
    rb'(<is>(?:<t(?: xml:space="preserve")?>([^<]*+)</t>|<t/>)</is>)?</c>)'
    rb'|(<row' + _ATTRIBUTES + rb'[ \n\t]*+/?>|</row>))')
_GROUPS = 9
_ATTRIBUTE = re.compile(rb'(' + _NAME + rb')="([^"]*)"')
# What an XML parser would turn into something else, or refuse, is left to it: control characters, U+FFFE and
# U+FFFF, carriage returns (read as line feeds), comments, CDATA, processing instructions, "]]>" in text.
_CONTROL = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0e, 0x20))
_DECLARED = re.compile(rb"""\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*["']([^"'<]*)["']""")
_NCNAME = re.compile(r"[A-Za-z_][\w.-]*", re.ASCII)
XML_NS = "http://www.w3.org/XML/1998/namespace"
_FORMULA_KINDS = ("shared", "dataTable", "array")  # what SheetReader._formula reads otherwise than its text
_ROW_NUMBER = re.compile(rb' r="([^"]*)"')
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


class NotPlain(Exception):
    """The rows hold a form this reader does not read: the sheet is read as a tree instead."""


class _Formula:
    """The <f> of a cell, as SheetReader._formula reads an element: get() and text."""

    __slots__ = ("attributes", "text")

    def __init__(self, attributes: dict[str, str], text: str | None) -> None:
        self.attributes = attributes
        self.text = text

    def get(self, name: str, default=None):
        return self.attributes.get(name, default)


def read_plain_rows(reader: SheetReader, open_part: Callable[[], IO[bytes]]) -> bool:
    """Read the worksheet part into `reader`'s sheet; False (the sheet untouched by use) when it is not plain."""
    with open_part() as source:
        try:
            return _Rows(reader).read(source)
        except (NotPlain, UnicodeDecodeError):
            return False


class _Rows:
    def __init__(self, reader: SheetReader) -> None:
        self.reader = reader
        self.cell_kinds: dict[bytes, tuple[str, int, bool, str]] = {}  # a cell's attributes -> _kind_style's
        self.parsed: dict[bytes, dict[str, str]] = {}  # attributes as written -> name: value (a few distinct ones)
        self.prefixes = {"xml": XML_NS}  # namespace prefixes the root declares (attributes may use only these)
        self.row_rests: dict[bytes, bool] = {}  # a row's attributes after its r, found well-formed -> hidden
        self.row_number = 0
        self.in_row = False

    def read(self, source) -> bool:
        data = source.read(CHUNK)
        while b"<sheetData>" not in data:
            more = source.read(CHUNK)
            if not more or len(data) > 8 * CHUNK:
                return False  # no rows (<sheetData/>), or a head no writer makes: the tree reads it
            data += more
        head, _tag, data = data.partition(b"<sheetData>")
        if not _plain_head(head):
            return False
        root = head[head.find(b"<worksheet"):]
        root = root[:root.find(b">")]
        self.prefixes.update((prefix.decode("utf-8"), uri.decode("utf-8")) for prefix, uri in _DECLARED.findall(root))
        head += b"<sheetData>"
        while True:
            end = data.find(b"</sheetData>")
            if end >= 0:
                self._rows(data[:end])
                if self.in_row:
                    raise NotPlain
                tail = data[end:] + source.read()
                break
            cut = data.rfind(b"</row>")
            if cut >= 0:
                cut += len(b"</row>")
                self._rows(data[:cut])
                data = data[cut:]
            more = source.read(CHUNK)
            if not more:
                raise NotPlain  # no end to the rows: the tree says what is damaged
            data += more
        # Columns, merged ranges and whatever follows: as a tree. Damage there is left to the tree reader, which
        # names it (or reads what expat would not: lxml's verdict, as before either parsed the rest)
        try:
            outside = parse(head + tail)
        except XmlError:
            raise NotPlain from None
        for element in outside.iter():
            if element.tag == COLUMN or element.tag == MERGE:
                self.reader.read_outside_rows(element)
        self.reader.fill_spans()
        return True

    def _rows(self, data: bytes) -> None:
        if _not_plain(data):
            raise NotPlain
        # One pass of the expression over the whole chunk, then the cells: split gives what stands between the tokens
        # (nothing, if each follows the last) and each token's groups, so nothing is used before all is understood.
        parts = _TOKEN.split(data)
        if any(parts[0:-1:_GROUPS + 1]) or parts[-1].strip():
            raise NotPlain
        reader = self.reader
        cells, spans, kinds, strings = reader.sheet.cells, reader.spans, self.cell_kinds, reader.strings
        columns = _COLUMNS
        row_digits, row = b"", 0
        in_row, row_number = self.in_row, self.row_number
        tokens = iter(parts)
        next(tokens)
        for letters, digits, attributes, f_attributes, f_text, v_text, inline, inline_text, row_tag, _between in zip(
                *(tokens,) * (_GROUPS + 1)):
            if letters is None:  # a row's start or end
                if row_tag == b"</row>":
                    if not in_row:
                        raise NotPlain
                    in_row = False
                    continue
                if in_row:
                    raise NotPlain
                empty_row = row_tag.endswith(b"/>")
                row_number = self._row(row_tag[4:-2 if empty_row else -1].rstrip(b" \n\t"), row_number)
                in_row = not empty_row
                continue
            if not in_row:
                raise NotPlain
            if digits != row_digits:  # (a row's cells share their row's number)
                row, row_digits = int(digits), digits
            column = columns.get(letters) or _column(letters)
            kind, style_index, plain, number_format = kinds.get(attributes) or self._kind_style(attributes)
            if plain and not spans:  # the common cell: a number or a formula, in a style that is no date
                if f_attributes == b"":
                    if f_text:
                        formula = "=" + f_text.decode()
                        if "&" in formula:
                            formula = _unescape(formula)
                    else:
                        formula = "="
                elif f_attributes is None:
                    formula = None
                else:
                    formula = self._formula(f_attributes, f_text, letters, digits)
                if not v_text:
                    value = None
                elif v_text.isdigit() and len(v_text) < 300:  # (bytes.isdigit: ASCII digits only)
                    value = int(v_text)
                else:
                    value = _number(v_text, row, column)
                if formula is not None:
                    cells[(row, column)] = Cell(row, column, None, formula, value, False, number_format)
                elif value is not None:
                    cells[(row, column)] = Cell(row, column, value, None, None, False, number_format)
                continue
            if (kind == "s" and f_attributes is None and not spans and v_text and v_text.isdigit() and len(v_text) < 300
                    and int(v_text) < len(strings)):  # a text of the shared strings (Excel writes every text so)
                cells[(row, column)] = Cell(row, column, strings[int(v_text)], None, None, False, number_format)
                continue
            if kind == "inlineStr" and f_attributes is None and not spans:  # a label typed into the cell
                if inline is not None:
                    value = excel_unescaped(_text(inline_text)) if inline_text else ""
                    cells[(row, column)] = Cell(row, column, value, None, None, False, number_format)
                continue
            reader.cell = (row, column)
            formula = None if f_attributes is None else self._formula(f_attributes, f_text, letters, digits)
            if kind == "inlineStr":  # a text typed into the cell itself
                value = None if inline is None else excel_unescaped(_text(inline_text)) if inline_text else ""
            else:
                value = reader._value(_text(v_text) if v_text else None, kind, style_index)
            cell = reader.make_cell(row, column, kind, style_index, value, formula)
            if cell is not None:
                cells[(row, column)] = cell
        self.in_row, self.row_number = in_row, row_number

    def _row(self, attributes: bytes, previous: int) -> int:
        """The row's number (its r, or the one after the previous row's), noting it when the row is hidden."""
        if not attributes:
            self.reader.without_positions = True
            return previous + 1
        if attributes.startswith(b' r="'):
            text = attributes[4:attributes.index(b'"', 4)]
            rest = attributes[len(text) + 5:]
            hidden = self.row_rests.get(rest)
            if hidden is None:  # (what follows the r is alike in most rows: LibreOffice writes hidden="false" in each)
                hidden = self.row_rests[rest] = bool(rest) and is_true(self._parse(attributes).get("hidden"))
        else:
            found = _ROW_NUMBER.search(attributes)
            text = found.group(1) if found else b""
            hidden = is_true(self._parse(attributes).get("hidden"))
        if not text:
            self.reader.without_positions = True
        number = int(text) if text else previous + 1  # (r="x" stops the read, as the tree's int(r) does)
        if hidden:
            self.reader.sheet.hidden_rows.add(number)
        return number

    def _formula(self, attributes: bytes, text: bytes | None, letters: bytes, digits: bytes) -> str:
        """A shared, array or data-table formula (or one with other attributes), as SheetReader reads its <f>."""
        parsed = self.parsed.get(attributes)
        if parsed is None:
            parsed = self._attributes_of(attributes)
        if parsed.get("t") not in _FORMULA_KINDS:  # (LibreOffice's aca="false"): the text, as SheetReader reads it
            return "=" + _text(text) if text else "="
        return self.reader._formula(_Formula(parsed, _text(text) if text else None), (letters + digits).decode("ascii"))

    def _kind_style(self, attributes: bytes) -> tuple[str, int, bool, str]:
        """(t, the style's index, whether the cell is a number in a style that is no date, its number format)."""
        parsed = self._attributes_of(attributes)
        style = parsed.get("s")
        kind, index = parsed.get("t", "n"), int(style) if style else 0
        styles = self.reader.styles
        found = (kind, index, kind == "n" and index not in styles.dates, styles.codes.get(index, ""))
        self.cell_kinds[attributes] = found
        return found

    def _attributes_of(self, attributes: bytes) -> dict[str, str]:
        parsed = self.parsed[attributes] = self._parse(attributes)
        return parsed

    def _parse(self, attributes: bytes) -> dict[str, str]:
        """name: value; NotPlain for what the tree refuses or reads otherwise (an attribute twice, a namespace
        prefix the root does not declare, a namespace declared here)."""
        pairs = [(name.decode("utf-8"), value.decode("utf-8")) for name, value in _ATTRIBUTE.findall(attributes)]
        parsed = dict(pairs)
        if len(parsed) != len(pairs):
            raise NotPlain  # an attribute twice: not XML, the tree says so
        if b":" in attributes or b"xmlns" in attributes:
            expanded = set()
            for name in parsed:
                prefix, colon, local = name.rpartition(":")
                if (name == "xmlns" or colon and (prefix not in self.prefixes or prefix == "xmlns"
                                                  or not _NCNAME.fullmatch(prefix) or not _NCNAME.fullmatch(local))):
                    raise NotPlain
                expanded.add((self.prefixes[prefix] if colon else "", local))
            if len(expanded) != len(parsed):
                raise NotPlain  # two prefixes of one namespace, one name: twice the same attribute
        return parsed


def _number(text: bytes, row: int, column: int) -> float | int:
    """A value other than digits alone: -12, 12.5, -.5, 5. read directly, anything else as damage.py reads it."""
    body = text[1:] if text[:1] == b"-" else text
    if body.isdigit() and len(body) < 300:
        return int(text)
    if len(body) > 1 and body.count(b".") == 1 and not body.translate(None, b"0123456789.") and len(body) < 300:
        return float(text)  # what cell_number reads as a float
    return cell_number(_text(text), (row, column))


def _not_plain(data: bytes) -> bool:
    """A character or text the rows' expression would take but an XML parser reads otherwise (or refuses).

    ("<!" and "<?" need no search: the expression takes "<" only where a tag it knows begins, and any other
    "<" leaves something between its tokens. "]" and "\xef", rare in rows, are looked for first: memchr is cheap.)
    """
    return (b"\r" in data or b"]" in data and b"]]>" in data
            or b"\xef" in data and (b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data)
            or len(data.translate(None, _CONTROL)) != len(data))


def _plain_head(head: bytes) -> bool:
    """The part's root is a worksheet in SpreadsheetML's namespace without a prefix, in UTF-8."""
    start = head.find(b"<worksheet")
    if start < 0 or MAIN_NS not in head[start:head.find(b">", start)]:
        return False
    declaration = head[:start]
    return b"encoding" not in declaration or re.search(rb'encoding=["\'](?i:utf-?8)["\']', declaration) is not None


def _text(raw: bytes) -> str:
    text = raw.decode()
    if "&" in text:
        text = _unescape(text)
    return text


def _unescape(text: str) -> str:
    if "&#" not in text:  # XML's five named entities only (a formula's &gt;, &amp;): &amp; undone last
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
        if text.count("&") == text.count("&amp;"):  # (no other & is left: none stood alone or began another)
            return text.replace("&amp;", "&")
        raise NotPlain
    if text.count("&") != len(_ENTITY.findall(text)):
        raise NotPlain  # an entity XML does not define: the tree says what is wrong

    def character(match: re.Match) -> str:
        name, decimal, hexadecimal = match.groups()
        if name:
            return _NAMED[name]
        code = int(decimal) if decimal else int(hexadecimal, 16)
        if not (code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
                or 0x10000 <= code <= 0x10FFFF):
            raise NotPlain
        return chr(code)

    return _ENTITY.sub(character, text)


_COLUMNS: dict[bytes, int] = {}


def _column(letters: bytes) -> int:
    column = _COLUMNS[letters] = column_index_from_string(letters.decode("ascii"))
    return column
