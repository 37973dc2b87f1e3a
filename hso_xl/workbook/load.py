"""Read a workbook's cells, formulas, cached values and defined names in one streaming pass.

The package's XML is read directly with lxml, each worksheet streamed row by row and cleared as it
goes, so memory stays flat and a 100 000-formula workbook loads in about a second. The result is
what openpyxl would give when loading the file twice (formulas, then cached values): the
equivalence is tested against openpyxl itself (tests/test_load.py). Two deliberate differences:
the cells an array formula or a data table fills beside its first cell carry its formula (Excel
shows it there, and their values are its results, not typed-in amounts), and a data table's
formula reads `=TABLE(,B1)` as Excel shows it.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import shutil
import tempfile
import weakref
import zipfile
from pathlib import Path

from lxml import etree

from .. import scratch
from ..errors import HsoError, WorkbookUnusable
from .book import Cell, ExcelError, Sheet, Workbook
from .damage import (SHEET_STATES, DamagedValue, cell_number, damaged, damaged_sheet, damaged_value,
                     odd_sheet_state, unlinked_sheet)
from .formats import builtin_code
from .normalise import engine_dates, normalised_copy
from .ods import converted_copy, is_ods
from .safety import ensure_safe_workbook
from .tables import DamagedTable, engine_copy, read_tables

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
EXTENDED = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
WORKSHEET_REL = "/worksheet"  # relationship types end so; chartsheets and macro sheets hold no cells

ROW, CELL, MERGE, COLUMN = MAIN + "row", MAIN + "c", MAIN + "mergeCell", MAIN + "col"
VALUE, FORMULA, INLINE = MAIN + "v", MAIN + "f", MAIN + "is"
TEXT, RUN = MAIN + "t", MAIN + "r"
# Excel escapes characters XML cannot carry as _xHHHH_ (and a literal "_x" as _x005F_x).
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
MAX_SPAN = 100_000  # cells of one array formula or data table made up for when the file leaves them out
_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)


def load_workbook(path: Path) -> Workbook:
    """Return the workbook at `path`: typed-in values, formulas, and the values Excel cached.

    The file is read once: its bytes are hashed (`Workbook.sha256`, what manifest.json records) and
    everything else, the calculation engine included, reads a private copy of those same bytes, so a
    workbook saved again while a command runs cannot give documents from one version and a record
    of the other. It is checked by `ensure_safe_workbook` first and never written.
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
    workbook.sha256 = hashlib.sha256(data).hexdigest()
    workbook.keep_copy = weakref.finalize(workbook, shutil.rmtree, folder, True)
    return workbook


def _load(path: Path) -> Workbook:
    if is_ods(path):
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
    ensure_safe_workbook(path)
    folder = Path(tempfile.mkdtemp(prefix=scratch.prefix("package")))
    try:
        workbook, reader = _read(path, folder)
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


def _read(path: Path, folder: Path) -> tuple[Workbook, _PackageReader]:
    """Read the package at `path` (through the copy normalise.py writes when it needs one)."""
    reader = None
    try:
        package = normalised_copy(path, folder) or path
        with zipfile.ZipFile(package) as opened:
            reader = _PackageReader(path, opened)
            workbook = reader.workbook()
            reader.current = "xl/tables/"
            workbook.tables = read_tables(opened)
    except WorkbookUnusable:
        raise
    except DamagedTable as exc:
        raise damaged(path, exc, exc.part) from None
    except Exception as exc:  # damaged XML or a part missing: the file cannot be trusted
        raise damaged(path, exc, reader.current if reader else None) from None
    workbook.package = workbook.engine_package = package
    return workbook, reader


def _resolve_structured_references(workbook: Workbook, sheet_parts: dict[str, str]) -> None:
    """Give the engine a copy whose structured references are A1 ranges (workbook/tables.py says why)."""
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
    def __init__(self, path: Path, package: zipfile.ZipFile) -> None:
        self.path = path
        self.package = package
        self.members = {info.filename for info in package.infolist()}
        self.current: str | None = None  # the part being read, for messages
        self.sheet_parts: dict[str, str] = {}  # sheet name -> its worksheet part
        self.iso_dates = False  # a cell holds an ISO date (t="d"), which the engine gets as a number (normalise.py)

    def workbook(self) -> Workbook:
        root = self._parse("xl/workbook.xml")
        targets = self._relationships("xl/workbook.xml")
        properties = root.find(MAIN + "workbookPr")
        date1904 = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
        styles = _Styles(self._parse("xl/styles.xml") if "xl/styles.xml" in self.members else None, date1904)
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
            sheet = Sheet(name=name, index=len(sheets), state=element.get("state", "visible"))
            self.sheet_parts[name] = target
            try:
                sheet_reader = _SheetReader(sheet, strings, styles)
                sheet_reader.read(self._open(target))
                self.iso_dates |= sheet_reader.iso_dates
            except etree.XMLSyntaxError:
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
        except etree.XMLSyntaxError:
            return ""  # the properties are no part of the calculation
        return (root.findtext(EXTENDED + "Application") or "").strip()

    def _shared_strings(self, targets: dict[str, tuple[str, str]]) -> list[str]:
        part = next((t for kind, t in targets.values() if kind.endswith("/sharedStrings")), None)
        if part is None or part not in self.members:
            return []
        strings = []
        for _event, element in etree.iterparse(self._open(part), tag=MAIN + "si", **_PARSER_OPTIONS):
            strings.append(_text_of(element))
            element.clear(keep_tail=False)
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
        return self.package.open(member)

    def _parse(self, member: str):
        with self._open(member) as fh:
            return etree.parse(fh, etree.XMLParser(**_PARSER_OPTIONS)).getroot()


class _Styles:
    """Which cell styles show a number as a date, as openpyxl decides it."""

    def __init__(self, root, date1904: bool) -> None:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.dates: set[int] = set()
        self.durations: set[int] = set()
        self.codes: dict[int, str] = {}  # style index -> its number format, when not General (workbook/formats.py)
        if root is None:
            return
        custom = {int(f.get("numFmtId")): f.get("formatCode", "") for f in root.iter(MAIN + "numFmt")}
        cell_xfs = root.find(MAIN + "cellXfs")
        for index, xf in enumerate(cell_xfs if cell_xfs is not None else ()):
            number_format = int(xf.get("numFmtId", 0))
            code = custom.get(number_format) or builtin_code(number_format, BUILTIN_FORMATS.get(number_format, "General"))
            if code != "General":
                self.codes[index] = code
            if is_date_format(code):
                self.dates.add(index)
            if is_timedelta_format(code):
                self.durations.add(index)

    def as_date(self, serial: float | int):
        from openpyxl.utils.datetime import from_excel

        return from_excel(serial, self.epoch)

    def as_duration(self, serial: float | int):
        from openpyxl.utils.datetime import from_excel

        return from_excel(serial, self.epoch, timedelta=True)


class _SheetReader:
    """Stream one worksheet part into `sheet`: cells row by row, then its merged ranges."""

    def __init__(self, sheet: Sheet, strings: list[str], styles: _Styles) -> None:
        self.sheet = sheet
        self.strings = strings
        self.styles = styles
        self.shared: dict[str, object] = {}  # shared formula index -> Translator of its first cell
        self.spans: list[tuple] = []  # array formulas and data tables over more than one cell (see _span)
        self.cell = (0, 0)  # the cell being read, for messages
        self.iso_dates = False

    def read(self, source) -> None:
        row_number = 0
        cells = self.sheet.cells
        with source:
            for _event, element in etree.iterparse(source, tag=(ROW, MERGE, COLUMN), **_PARSER_OPTIONS):
                if element.tag == MERGE:
                    self.sheet.merged.append(element.get("ref"))
                    continue
                if element.tag == COLUMN:
                    if _is_true(element.get("hidden")) and (element.get("min") or "").isdigit():
                        last = int(element.get("max") or element.get("min"))
                        self.sheet.hidden_cols.update(range(int(element.get("min")), min(last, 16384) + 1))
                    continue
                r = element.get("r")
                row_number = int(r) if r else row_number + 1
                if _is_true(element.get("hidden")):
                    self.sheet.hidden_rows.add(row_number)
                column = 0
                for c in element.iterchildren(CELL):
                    coordinate = c.get("r")
                    if coordinate:
                        row, column = _split(coordinate)
                    else:
                        row, column = row_number, column + 1
                    cell = self._cell(c, row, column, coordinate)
                    if cell is not None:
                        cells[(row, column)] = cell
                element.clear(keep_tail=False)
                parent = element.getparent()
                while element.getprevious() is not None:  # rows already read: free them
                    del parent[0]
        for r1, c1, r2, c2, formula, table in self.spans:
            if (r2 - r1 + 1) * (c2 - c1 + 1) > MAX_SPAN:
                continue
            for row in range(r1, r2 + 1):  # cells of the span the file leaves out (openpyxl writes only the first)
                for column in range(c1, c2 + 1):
                    if (row, column) not in cells:
                        cells[(row, column)] = Cell(row=row, col=column, value=None, formula=formula)
                        self.sheet.array_members.add((row, column))
                        if table:
                            self.sheet.data_tables.append((row, column))

    def _cell(self, c, row: int, column: int, coordinate: str | None) -> Cell | None:
        self.cell = (row, column)
        kind = c.get("t", "n")
        style = c.get("s")
        value_text = formula = None
        inline = None
        for child in c:
            tag = child.tag
            if tag == VALUE:
                value_text = child.text or None
            elif tag == FORMULA:
                formula = self._formula(child, coordinate or _coordinate(row, column))
            elif tag == INLINE:
                inline = child
        style_index = int(style) if style else 0
        if kind == "inlineStr":
            value = _text_of(inline) if inline is not None else None
        else:
            value = self._value(value_text, kind, style_index)
        if formula is None and self.spans:
            formula = self._member_of(row, column)
        number_format = self.styles.codes.get(style_index, "")
        if formula is not None:
            return Cell(row=row, col=column, value=None, formula=formula, cached=value, number_format=number_format)
        if value is None:
            return None
        is_date = kind == "d" or (kind == "n" and style_index in self.styles.dates)
        return Cell(row=row, col=column, value=value, is_date=is_date, number_format=number_format)

    def _value(self, text: str | None, kind: str, style: int):
        if text is None:
            return None
        if kind == "n":
            number = cell_number(text, self.cell)
            if style in self.styles.dates:
                try:
                    if style in self.styles.durations:
                        return self.styles.as_duration(number)
                    return self.styles.as_date(number)
                except (OverflowError, ValueError):
                    return ExcelError("#VALUE!")  # a date style on a number no date can have
            return number
        if kind == "s":
            if not text.strip().isdigit():
                raise DamagedValue(self.cell, text)
            if int(text) >= len(self.strings):
                raise DamagedValue(self.cell, text.strip(), text_index=True)
            return self.strings[int(text)]
        if kind == "str":
            return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text
        if kind == "b":
            if text.strip() not in ("0", "1"):
                raise DamagedValue(self.cell, text)
            return text.strip() == "1"
        if kind == "e":
            return ExcelError(text)
        if kind == "d":
            self.iso_dates = True
            from openpyxl.utils.datetime import from_ISO8601

            try:
                return from_ISO8601(text)
            except ValueError:
                raise DamagedValue(self.cell, text) from None
        return text

    def _formula(self, f, coordinate: str) -> str:
        kind = f.get("t")
        text = "=" + (f.text or "")
        if kind == "shared":
            index = f.get("si")
            translator = self.shared.get(index)
            if translator is not None:
                return translator.translate_formula(coordinate)
            if text != "=":
                from openpyxl.formula.translate import Translator

                self.shared[index] = Translator(text, coordinate)
        elif kind == "dataTable":
            text = _data_table(f)
            self._span(f.get("ref"), coordinate, text, True)
            self.sheet.data_tables.append(_split(coordinate))
        elif kind == "array":
            self._span(f.get("ref"), coordinate, text, False)
        return text

    def _span(self, ref: str | None, coordinate: str, formula: str, table: bool) -> None:
        """Remember the cells an array formula or a data table fills beside its first one: Excel shows its
        formula in each, and their values are its results, not typed-in amounts."""
        if not ref or ":" not in ref:
            return
        first, _colon, last = ref.partition(":")
        try:
            (r1, c1), (r2, c2) = _split(first.replace("$", "")), _split(last.replace("$", ""))
        except (IndexError, ValueError):
            return
        if (r1, c1) != _split(coordinate):
            return
        self.spans.append((r1, c1, r2, c2, formula, table))

    def _member_of(self, row: int, column: int) -> str | None:
        for r1, c1, r2, c2, formula, table in self.spans:
            if r1 <= row <= r2 and c1 <= column <= c2:
                if table:
                    self.sheet.data_tables.append((row, column))
                self.sheet.array_members.add((row, column))
                return formula
        return None


def _data_table(f) -> str:
    """The formula Excel shows in a data table's cells: {=TABLE(row input, column input)}."""
    r1, r2 = f.get("r1") or "", f.get("r2") or ""
    two = f.get("dt2D", "").lower() in ("1", "true")
    row_input = f.get("dtr", "").lower() in ("1", "true")
    if two:
        return f"=TABLE({r1},{r2})"
    return f"=TABLE({r1},)" if row_input else f"=TABLE(,{r1})"


def _is_true(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true")


def _text_of(element) -> str:
    """The plain text of a string item: its <t>, or its runs' <t>s, without phonetic guides."""
    parts = [element.findtext(TEXT) or ""]
    parts.extend(run.findtext(TEXT) or "" for run in element.iterchildren(RUN))
    text = "".join(parts)
    if "_x" in text:
        text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


_COLUMNS: dict[str, int] = {}


def _split(coordinate: str) -> tuple[int, int]:
    """'AB12' -> (12, 28)."""
    i = 0
    while coordinate[i].isalpha():
        i += 1
    letters = coordinate[:i]
    column = _COLUMNS.get(letters)
    if column is None:
        column = 0
        for ch in letters.upper():
            column = column * 26 + ord(ch) - 64
        _COLUMNS[letters] = column
    return int(coordinate[i:]), column


def _coordinate(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"
