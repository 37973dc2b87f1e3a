"""Read a workbook's cells, formulas, cached values and defined names in one streaming pass.

The package's XML is read directly, each worksheet streamed row by row (sheet_rows.py, or as a tree by
sheet_xml.py), so memory stays flat and a 100 000-formula workbook loads in about a second. The result is
what openpyxl would give when loading the file twice (formulas, then cached values): the
equivalence is tested against openpyxl itself (tests/test_load.py). Two deliberate differences:
the cells an array formula or a data table fills beside its first cell carry its formula (Excel
shows it there, and their values are its results, not typed-in amounts), and a data table's
formula reads `=TABLE(,B1)` as Excel shows it.

This module reads the package (its parts, sheets, names, strings, styles); sheet_xml.py streams each sheet.
"""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import tempfile
import weakref
import zipfile
from pathlib import Path

from .. import scratch
from ..errors import HsoError, WorkbookUnusable
from .book import Sheet, Workbook
from .damage import (SHEET_STATES, DamagedTable, DamagedValue, damaged, damaged_sheet, damaged_value,
                     odd_sheet_state, unlinked_sheet)
from .normalise import engine_dates, normalised_copy, with_positions
from .safety import ensure_safe_workbook
from .sheet_rows import read_plain_rows
from .sheet_xml import MAIN, SheetReader, Styles, text_of
from .xml_parts import XmlError, iter_elements, parse_file

REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
EXTENDED = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
ODS = ".ods"  # an OpenDocument spreadsheet, read through LibreOffice (ods.py, imported only for one)
WORKSHEET_REL = "/worksheet"  # relationship types end so; chartsheets and macro sheets hold no cells


def load_workbook(path: Path) -> Workbook:
    """Return the workbook at `path`: typed-in values, formulas, and the values Excel cached.

    The file is read once: everything, the calculation engine and `Workbook.sha256` (what manifest.json
    records) included, reads a private copy of those same bytes, so a workbook saved again while a
    command runs cannot give documents from one version and a record of the other. It is checked by
    `ensure_safe_workbook` first and never written.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        ensure_safe_workbook(path)  # says what is wrong: missing, a folder, not readable
        raise
    folder = Path(tempfile.mkdtemp(prefix=scratch.prefix("read")))
    copy = folder / f"workbook{path.suffix.lower()}"
    try:
        copy.write_bytes(data)
        workbook = _load(copy)
    except BaseException as exc:
        shutil.rmtree(folder, ignore_errors=True)
        if isinstance(exc, HsoError) and (exc.file is None or exc.file == copy):
            exc.file = path  # messages name the user's file, not the copy
        raise
    workbook.path = path
    workbook.read_copy = copy
    workbook.keep_copy = weakref.finalize(workbook, shutil.rmtree, folder, True)
    return workbook


def _load(path: Path) -> Workbook:
    if path.suffix.lower() == ODS:
        from .ods import converted_copy  # (LibreOffice: only for an .ods)

        ensure_safe_workbook(path, opendocument=True)
        converted, folder = converted_copy(path)
        try:
            workbook = _load(converted)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        workbook.path = path
        workbook.keep = weakref.finalize(workbook, shutil.rmtree, folder, True)  # the copy lives as long as the workbook
        return workbook
    parts = ensure_safe_workbook(path, keep_parts=True)  # (unpacked once: normalise.py and the reader read them)
    folder = Path(tempfile.mkdtemp(prefix=scratch.prefix("package")))
    try:
        workbook, reader = _read(path, folder, parts)
        if reader.without_positions:  # a row or cell without r: given one, for the engine and the recomputed copy
            workbook.package = workbook.engine_package = with_positions(workbook.package, folder)
        if workbook.tables:
            _resolve_structured_references(workbook, reader.sheet_parts)
        dated = engine_dates(workbook.engine_package, folder) if reader.iso_dates else None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if dated is not None:
        workbook.engine_package = dated
    if any(folder.iterdir()):  # the copies normalise.py wrote live as long as the workbook
        workbook.keep_package = weakref.finalize(workbook, shutil.rmtree, folder, True)
    else:
        folder.rmdir()
    return workbook


def _read(path: Path, folder: Path, parts: dict[str, bytes] | None = None) -> tuple[Workbook, _PackageReader]:
    """Read the package at `path` (through the copy normalise.py writes when it needs one), its `parts` as
    safety.py unpacked them when it kept them."""
    reader = None
    try:
        copy = normalised_copy(path, folder, parts)
        package = copy or path
        with zipfile.ZipFile(package) as opened:
            reader = _PackageReader(path, opened, parts if copy is None else None)
            workbook = reader.workbook()
            reader.current = "xl/tables/"
            workbook.tables = _tables(opened, reader.members)
    except WorkbookUnusable:
        raise
    except DamagedTable as exc:
        raise damaged(path, exc, exc.part) from None
    except Exception as exc:  # damaged XML or a part missing: the file cannot be trusted
        raise damaged(path, exc, reader.current if reader else None) from None
    workbook.package = workbook.engine_package = package
    return workbook, reader


def _tables(package: zipfile.ZipFile, members: set[str]):
    """The package's Excel tables (tables.py, imported only for a workbook that has one)."""
    if not any(member.startswith("xl/tables/") for member in members):
        return []
    from .tables import read_tables

    return read_tables(package)


def _resolve_structured_references(workbook: Workbook, sheet_parts: dict[str, str]) -> None:
    """Give the engine a copy whose structured references are A1 ranges (workbook/tables.py says why)."""
    from .tables import engine_copy

    folder = Path(tempfile.mkdtemp(prefix=scratch.prefix("tables")))
    try:
        copy = engine_copy(workbook.package, workbook.tables, sheet_parts, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if copy is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    workbook.engine_package = copy
    workbook.keep_engine = weakref.finalize(workbook, shutil.rmtree, folder, True)


class _PackageReader:
    def __init__(self, path: Path, package: zipfile.ZipFile, parts: dict[str, bytes] | None = None) -> None:
        self.path = path
        self.package = package
        self.parts = parts  # the package's parts as safety.py unpacked them (None: read from the package)
        self.members = {info.filename for info in package.infolist()}
        self.current: str | None = None  # the part being read, for messages
        self.sheet_parts: dict[str, str] = {}  # sheet name -> its worksheet part
        self.iso_dates = False  # a cell holds an ISO date (t="d"), which the engine gets as a number (normalise.py)
        self.without_positions = False  # a row or cell has no r (normalise.with_positions)

    def workbook(self) -> Workbook:
        root = self._parse("xl/workbook.xml")
        targets = self._relationships("xl/workbook.xml")
        properties = root.find(MAIN + "workbookPr")
        date1904 = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
        styles = Styles(self._parse("xl/styles.xml") if "xl/styles.xml" in self.members else None, date1904)
        strings = self._shared_strings(targets)

        sheets: list[Sheet] = []
        sheet_names: list[str] = []  # every sheet in workbook order, which localSheetId counts in
        for element in root.iter(MAIN + "sheet"):
            name = element.get("name")
            sheet_names.append(name)
            relationship = targets.get(element.get(REL + "id"))
            if relationship is None:  # Excel would repair the file; the engine stops on it
                raise unlinked_sheet(self.path, name)
            rel_type, target = relationship
            if element.get("state", "visible") not in SHEET_STATES:
                raise odd_sheet_state(self.path, name, element.get("state"))
            if not rel_type.endswith(WORKSHEET_REL):
                continue
            self.sheet_parts[name] = target
            try:
                sheet = Sheet(name=name, index=len(sheets), state=element.get("state", "visible"))
                sheet_reader = SheetReader(sheet, strings, styles)
                if not read_plain_rows(sheet_reader, lambda: self._open(target)):  # as writers write rows: fast
                    sheet = Sheet(name=name, index=len(sheets), state=element.get("state", "visible"))
                    sheet_reader = SheetReader(sheet, strings, styles)
                    sheet_reader.read(self._open(target))
                self.iso_dates |= sheet_reader.iso_dates
                self.without_positions |= sheet_reader.without_positions
            except XmlError:
                raise damaged_sheet(self.path, name, target) from None
            except DamagedValue as exc:
                raise damaged_value(self.path, sheet.ref(*exc.cell), exc) from None
            sheets.append(sheet)

        names: dict[str, str] = {}
        for element in root.iter(MAIN + "definedName"):
            name = element.get("name")
            if name.lower().startswith("_xlnm."):  # print areas, filter ranges: Excel's own, never used in formulas
                continue
            local = element.get("localSheetId")
            if local is not None:
                index = int(local)
                if not 0 <= index < len(sheet_names):
                    continue
                name = f"{sheet_names[index]}!{name}"
            names[name] = element.text or ""
        calc = root.find(MAIN + "calcPr")
        iterative = calc is not None and calc.get("iterate", "").lower() in ("1", "true")
        return Workbook(path=self.path, sheets=sheets, defined_names=names, iterative=iterative,
                        application=self._application())

    def _application(self) -> str:
        """The program that saved the file, as docProps/app.xml names it ("Microsoft Excel", "LibreOffice/7.4…")."""
        if "docProps/app.xml" not in self.members:
            return ""
        try:
            root = self._parse("docProps/app.xml")
        except XmlError:
            return ""  # the properties are no part of the calculation
        return (root.findtext(EXTENDED + "Application") or "").strip()

    def _shared_strings(self, targets: dict[str, tuple[str, str]]) -> list[str]:
        part = next((t for kind, t in targets.values() if kind.endswith("/sharedStrings")), None)
        if part is None or part not in self.members:
            return []
        strings = []
        for element in iter_elements(self._open(part), MAIN + "si"):
            strings.append(text_of(element))
            element.clear()
        return strings

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Return id -> (type, member path) for the internal relationships of `part`."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if rels not in self.members:
            return {}
        out = {}
        for rel in self._parse(rels).iter(PKG_REL + "Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id")] = (rel.get("Type", ""), member)
        return out

    def _open(self, member: str):
        self.current = member
        data = None if self.parts is None else self.parts.get(member)
        return self.package.open(member) if data is None else io.BytesIO(data)

    def _parse(self, member: str):
        return parse_file(self._open(member))
