"""Set the cached values of a worksheet's cells in its XML as a stream of bytes, a cell at a time.

What Excel-compatible writers do: the sheet is never parsed into a tree (a 50 MB sheet makes a tree
of more than 800 MB). Each `<c>` element is found by its tags; of a cell to change, only its `t`
attribute and its `<v>` are rewritten, every other byte (attribute order and quotes, other
elements, whitespace) is kept as the file had it.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Iterable, Iterator

from ..text import LazyPattern
from .book import ExcelError, Value

CHUNK = 1 << 16  # bytes read at a time: the memory used is a few of these, whatever the sheet's size; the
# pieces _patch_rows makes of them stay in memory the interpreter reuses (1 MB chunks cost more CPU)

_NAME = rb"(?:[A-Za-z_][\w.-]*:)?"  # an element's namespace prefix, if the file uses one
# A whole cell: its start tag, then either "/>" or its content up to its own end tag (text holds no "<").
_CELL = re.compile(rb"<(" + _NAME + rb")c(?=[\s/>])([^>]*?)(/)?>(?(3)|(.*?)</\1c\s*>)", re.S)
_CELL_START = re.compile(rb"<" + _NAME + rb"c(?:[\s/>]|\Z)")
_TAG_CUT = re.compile(rb"<[^>]*\Z")
_R = re.compile(rb"""\sr\s*=\s*(["'])(.*?)\1""", re.S)
_T = re.compile(rb"""\s+t\s*=\s*(["'])(.*?)\1""", re.S)
_DECLARATION = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")
# Characters XML 1.0 cannot carry; Excel writes them as _xHHHH_, and a literal "_xHHHH_" as "_x005F_xHHHH_".
# (Compiled when a text value is first written: the first alone costs ~0,3 ms, and most sheets' values are numbers.)
_NOT_XML = LazyPattern("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_LOOKS_ESCAPED = LazyPattern(r"_(x[0-9A-Fa-f]{4}_)")


def streamable(head: bytes) -> bool:
    """Return whether a sheet starting with `head` is UTF-8 (as every writer makes them), so bytes can be patched."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    declared = _DECLARATION.match(head.lstrip(b"\xef\xbb\xbf"))
    return declared is None or declared.group(1).lower() in (b"utf-8", b"utf8")


def patch_stream(chunks: Iterable[bytes], values: dict[bytes, Value], formulas_only: bool = False) -> Iterator[bytes]:
    """Yield the sheet XML of `chunks` with the cells named in `values` (their `r` as bytes, b"A1" -> value) set.

    `formulas_only`: every cell named in `values` has an `<f>` (no array formula fills cells beside its
    first one), which lets whole rows of cells as writers write them be patched at once (_patch_rows).
    """
    pending = b""
    patch = partial(_patch_rows, numbers=_number_tails(values)) if formulas_only else _patch_complete
    for chunk in chunks:
        pending += chunk
        done, pending = patch(pending, values)
        if done:
            yield done
    done, rest = _patch_complete(pending, values)
    yield done + rest


# A formula cell as writers write it (Excel, LibreOffice, openpyxl, xlsxwriter): r first, attributes in double
# quotes, its <f> and then at most a plain <v>. Any other form is left to _patch_complete.
# Groups: the cell up to the end of its <f> (kept as it is), r, the other attributes, the rest (<v> and </c>).
# Possessive repeats (*+): what follows each cannot be what it would give back, so the other cells fail faster.
_PLAIN_FORMULA_CELL = re.compile(rb'(<c r="([A-Z]{1,3}+[0-9]{1,7}+)"((?: [A-Za-z:]++="[^"<]*+")*+)>'
                                 rb'<f(?: [A-Za-z0-9:]++="[^"<]*+")*+(?:/>|>[^<]*+</f>))((?:<v>[^<]*+</v>)?</c>)')
_FORMULA_START = re.compile(rb"<f[\s/>]")


def _number_tails(values: dict[bytes, Value]) -> dict[bytes, bytes]:
    """Return r -> `<v>number</v></c>` for the cells whose value is a float: most cells, formatted in one loop."""
    tails = {}
    for r, value in values.items():
        if type(value) is float:  # format_number's text, inline: this runs once per formula of the workbook
            if value.is_integer() and -1e15 < value < 1e15:
                tails[r] = b"<v>%d</v></c>" % value
            else:  # repr's letters (1e-07, inf, nan) in capitals, as format_number writes them
                tails[r] = (b"<v>%r</v></c>" % value).translate(_CAPITALS)
    return tails


_CAPITALS = bytes.maketrans(b"einfa", b"EINFA")


def _patch_rows(data: bytes, values: dict[bytes, Value], numbers: dict[bytes, bytes]) -> tuple[bytes, bytes]:
    """As _patch_complete, up to the last complete row, split by a regular expression and put together again.

    `numbers`: `_number_tails(values)`. When a formula cell of those rows has a form _PLAIN_FORMULA_CELL does
    not know, _patch_complete sets those rows instead."""
    end = data.rfind(b"</row>")
    if end < 0:
        return _patch_complete(data, values)
    end += len(b"</row>")
    rows = data[:end]
    # The text before the first plain formula cell, then for each: its 4 groups and the text up to the next one
    parts = _PLAIN_FORMULA_CELL.split(rows)
    if _FORMULA_START.search(b"".join(parts[0::5])):  # an <f> outside them: a formula cell in another form
        done, rest = _patch_complete(rows, values)
        return done, rest + data[end:]
    # Each cell becomes its head and a new rest, done a list at a time (a Python call per cell costs more)
    rs, attrs = parts[2::5], parts[3::5]
    tails = list(map(numbers.get, rs))
    if None in tails or b"t=" in b"|".join(attrs):  # most sheets' cells are all numbers the file had typed
        _set_others(parts, rs, attrs, tails, values)
    parts[4::5] = tails
    parts[2::5] = parts[3::5] = [b""] * len(tails)
    return b"".join(parts), data[end:]


def _set_others(parts: list[bytes], rs: list[bytes], attrs: list[bytes], tails: list[bytes | None],
                values: dict[bytes, Value]) -> None:
    """Set the tails, and the heads in `parts`, of the cells that are not a number the file had typed."""
    untyped: dict[bytes, bytes] = {}  # attributes -> the same without t (LibreOffice types every number t="n")
    for i, (r, attributes, tail) in enumerate(zip(rs, attrs, tails)):
        if tail is not None:  # a number
            if b"t=" not in attributes:
                continue
            changed = untyped.get(attributes)
            if changed is None:
                changed = untyped[attributes] = _with_type(attributes, None)
        else:
            value = values.get(r, _MISSING)
            if value is _MISSING:  # a cell to keep as it is
                tails[i] = parts[5 * i + 4]
                continue
            t, text = cached_text(value)
            tails[i] = b"</c>" if text is None else b"<v>%s</v></c>" % text
            if t is None and b"t=" not in attributes:
                continue
            changed = _with_type(attributes, t)
        head, start = parts[5 * i + 1], len(b'<c r=""') + len(r)
        parts[5 * i + 1] = head[:start] + changed + head[start + len(attributes):]


def _patch_complete(data: bytes, values: dict[str, Value]) -> tuple[bytes, bytes]:
    """Return (the patched bytes up to the last complete cell or tag, the rest to read on with)."""
    out = []
    at = 0
    for match in _CELL.finditer(data):
        r = _R.search(match.group(2))
        value = values.get(r.group(2), _MISSING) if r else _MISSING
        if value is not _MISSING:
            out.append(data[at:match.start()])
            out.append(_patch_cell(match, value))
            at = match.end()
    # A cell that began and is not complete yet, or a tag cut in two, waits for the next chunk
    last = None
    for last in _CELL_START.finditer(data, at):
        pass
    if last is not None and not _CELL.match(data, last.start()):
        cut = last.start()
    else:
        cut_tag = _TAG_CUT.search(data, last.end() if last is not None else at)
        cut = cut_tag.start() if cut_tag else len(data)
    out.append(data[at:cut])
    return b"".join(out), data[cut:]


_MISSING = object()


def _patch_cell(match: re.Match, value: Value) -> bytes:
    prefix, attrs, closed, body = match.group(1), match.group(2), match.group(3), match.group(4) or b""
    t, text = cached_text(value)
    attrs = _with_type(attrs, t)
    v = re.compile(rb"<" + re.escape(prefix) + rb"v(?=[\s/>])([^>]*?)(/)?>(?(2)|(.*?)</" + re.escape(prefix)
                   + rb"v\s*>)", re.S)
    found = v.search(body)
    if text is None:
        if found:
            body = body[:found.start()] + body[found.end():]
    else:
        element = b"<" + prefix + b"v" + (found.group(1) if found else b"") + b">" + text + b"</" + prefix + b"v>"
        if found:
            body = body[:found.start()] + element + body[found.end():]
        else:
            f = re.search(rb"<" + re.escape(prefix) + rb"f(?=[\s/>])[^>]*?(?:/>|>.*?</" + re.escape(prefix)
                          + rb"f\s*>)", body, re.S)
            if f:  # schema order: f, v, is, extLst
                body = body[:f.end()] + element + body[f.end():]
            else:  # a cell an array formula fills: its value only
                body = element + re.sub(rb"<" + re.escape(prefix) + rb"is(?=[\s/>])(?:[^>]*?/>|.*?</"
                                        + re.escape(prefix) + rb"is\s*>)", b"", body, flags=re.S)
    if not body and closed:
        return b"<" + prefix + b"c" + attrs + b"/>"
    return b"<" + prefix + b"c" + attrs + b">" + body + b"</" + prefix + b"c>"


def _with_type(attrs: bytes, t: bytes | None) -> bytes:
    found = _T.search(attrs)
    if t is None:
        return attrs[:found.start()] + attrs[found.end():] if found else attrs
    if found:
        return attrs[:found.start(2)] + t + attrs[found.end(2):]
    return attrs + b' t="' + t + b'"'


def cached_text(value: Value) -> tuple[bytes | None, bytes | None]:
    """Return (the `t` attribute, the escaped `<v>` text) a cell caching `value` has; None: none."""
    if value is None:
        return None, None
    if type(value) is float or type(value) is int:  # the common case, first (bool and ExcelError are below)
        return None, format_number(value).encode("ascii")
    if isinstance(value, ExcelError):
        return b"e", _escape(str(value))
    if isinstance(value, bool):
        return b"b", b"1" if value else b"0"
    if isinstance(value, (int, float)):
        return None, format_number(value).encode("ascii")
    return b"str", _escape(xml_text(str(value)))


def _escape(text: str) -> bytes:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
            .encode("utf-8"))


def xml_text(text: str) -> str:
    """Return `text` as Excel stores it in XML: characters XML cannot carry as _xHHHH_ (CHAR(1) -> _x0001_)."""
    if "_x" in text:
        text = _LOOKS_ESCAPED.sub(r"_x005F_\1", text)
    if _NOT_XML.search(text):
        text = _NOT_XML.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    return text


def format_number(value: float) -> str:
    """Return the shortest text that reads back as the same double, as Excel stores numbers."""
    if isinstance(value, int) or (value.is_integer() and abs(value) < 1e15):
        return str(int(value))
    return repr(float(value)).upper()
