"""Write a copy of a workbook whose cached formula values are the recomputed ones.

Only the `<v>` of formula cells (and their `t` type) change; every other part is copied byte for
byte in its order, so styles, charts and macros survive. The package is written by the one zip
writer (`hso_xl/package.py`), with its fixed timestamps.
"""

from __future__ import annotations

import io
import itertools
import os
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from ..errors import OutputProblem
from ..i18n import _
from ..package import DOCUMENT_LEVEL, FAST_LEVEL, write_package_to
from .book import ExcelError, Sheet, Value, Workbook, quote_sheet
from .cellnames import get_column_letter
from .sheet_stream import CHUNK, format_number, patch_stream, streamable, xml_text
from .xml_parts import parse

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_C = f"{{{NS_MAIN}}}c"
_F = f"{{{NS_MAIN}}}f"
_V = f"{{{NS_MAIN}}}v"


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Return sheet name -> zip member path of its worksheet XML."""
    workbook = parse(zf.read("xl/workbook.xml"))
    rels = parse(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{{{NS_PKG_REL}}}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{{{NS_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{NS_REL}}}id"))
        if target is None:
            continue
        if target.startswith("/"):
            member = target.lstrip("/")
        else:
            member = str(PurePosixPath("xl") / target)
        parts[sheet.get("name")] = _normalise(member)
    return parts


def _normalise(member: str) -> str:
    out: list[str] = []
    for piece in member.split("/"):
        if piece == "..":
            if out:
                out.pop()
        elif piece not in ("", "."):
            out.append(piece)
    return "/".join(out)


def recomputed_package(workbook: Workbook, keep: set[str] = frozenset()) -> bytes:
    """Return the package of `workbook.path` with every formula's cached value set to the recomputed one.

    Cells named in `keep` ("Sheet!A1", as `Sheet.ref` gives them) keep the value the file cached.
    """
    out = io.BytesIO()
    _write_recomputed_to(workbook, out, keep)
    return out.getvalue()


def _write_recomputed_to(workbook: Workbook, fh, keep: set[str], level: int = DOCUMENT_LEVEL) -> None:
    # Member by member and each sheet in chunks: a 50 MB sheet is never held whole, nor as an XML tree.
    with zipfile.ZipFile(workbook.package) as zin:
        parts = sheet_parts(zin)
        updates: dict[str, tuple[dict[bytes, Value], set[str]]] = {}
        for sheet in workbook.sheets:
            member = parts.get(sheet.name)
            values = _formula_values(sheet, keep)
            if member is not None and values:
                updates[member] = (values, {sheet.get(r, c).coordinate for r, c in sheet.array_members
                                            if sheet.get(r, c)})
        infos = sorted(zin.infolist(), key=lambda info: info.filename != "[Content_Types].xml")

        def members():
            for info in infos:
                if info.filename in updates:
                    yield info.filename, _patched_chunks(zin, info, *updates[info.filename])
                else:
                    yield info.filename, _chunks(zin, info)

        write_package_to(fh, members(), level)


def _formula_values(sheet: Sheet, keep: set[str]) -> dict[bytes, Value]:
    """Return the value of each formula cell of `sheet` but those named in `keep`, by its `r` (b"A1")."""
    letters = _ColumnLetters()
    values = {b"%s%d" % (letters[c.col], c.row): c.value for c in sheet.cells.values() if c.formula is not None}
    if keep:  # "Sheet!A1" as Sheet.ref gives them: the sheet's quoted name, "!", the coordinate
        prefix = quote_sheet(sheet.name) + "!"
        for ref in keep:
            if ref.startswith(prefix):
                values.pop(ref[len(prefix):].encode("utf-8"), None)
    return values


class _ColumnLetters(dict):
    """Column number -> its letters as bytes (3 -> b"C"), each computed once: a sheet has few columns."""

    def __missing__(self, col: int) -> bytes:
        letters = self[col] = get_column_letter(col).encode("ascii")
        return letters


def write_recomputed(workbook: Workbook, out: Path, keep: set[str] = frozenset()) -> None:
    """Write `recomputed_package(workbook, keep)` to `out`, atomically.

    Raises OutputProblem if `out` is the input file itself: the input is never modified.
    """
    out = Path(out)
    if out.resolve() == workbook.path.resolve():
        raise OutputProblem(
            _("the output would overwrite the input workbook"),
            file=out,
            hint=_("Give another file name with -o; hso-xl never changes the input"),
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~hso-", suffix=".xlsx", dir=out.parent)
    try:
        with os.fdopen(fd, "w+b") as fh:
            _write_recomputed_to(workbook, fh, keep, FAST_LEVEL)  # a copy for the user: speed before size
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _patched_chunks(zin: zipfile.ZipFile, info: zipfile.ZipInfo, values: dict[bytes, Value], members: set[str]):
    with zin.open(info) as fh:
        head = fh.read(CHUNK)
        if not streamable(head):  # a sheet in UTF-16 (no writer makes one, but XML allows it): as a tree
            yield _patch_sheet(head + fh.read(), {r.decode("ascii"): value for r, value in values.items()}, members)
        else:
            yield from patch_stream(itertools.chain([head], iter(lambda: fh.read(CHUNK), b"")), values,
                                    formulas_only=not members)


def _chunks(zin: zipfile.ZipFile, info: zipfile.ZipInfo):
    with zin.open(info) as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def _patch_sheet(xml: bytes, values: dict[str, Value], members: set[str] = frozenset()) -> bytes:
    from lxml import etree  # (a sheet in UTF-16 only: lxml writes it back with its prefixes as they were)

    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    if members:  # the cells an array formula fills have no <f> of their own: every cell is looked at
        cells = (c for c in root.iter(_C) if c.find(_F) is not None or c.get("r") in members)
    else:  # only a formula's cell has a value to set: found through its <f>, many times faster on a large sheet
        cells = (f.getparent() for f in root.iter(_F))
    for c in cells:
        coordinate = c.get("r")
        if coordinate in values:
            _set_cached(c, values[coordinate], etree.Element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_cached(c, value: Value, element) -> None:
    v = c.find(_V)
    if value is None:
        if v is not None:
            c.remove(v)
        c.attrib.pop("t", None)
        return
    if v is None:
        v = element(_V)
        f = c.find(_F)
        if f is not None:
            f.addnext(v)  # schema order: f, v, is, extLst
        else:  # a cell an array formula fills: its value only
            for inline in c.findall(f"{{{NS_MAIN}}}is"):
                c.remove(inline)
            c.insert(0, v)
    if type(value) is float or type(value) is int:  # the common case, first (bool and ExcelError are below)
        if "t" in c.attrib:
            del c.attrib["t"]
        v.text = format_number(value)
    elif isinstance(value, ExcelError):
        c.set("t", "e")
        v.text = str(value)
    elif isinstance(value, bool):
        c.set("t", "b")
        v.text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        c.attrib.pop("t", None)
        v.text = format_number(value)
    else:
        c.set("t", "str")
        v.text = xml_text(str(value))
