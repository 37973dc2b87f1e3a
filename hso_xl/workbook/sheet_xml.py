"""Stream one worksheet part into a Sheet: cells row by row (cleared as they are read), merged ranges, hidden
rows and columns; shared, array and data-table formulas as Excel shows them; values by their number formats.
load.py reads the package around it.
"""

from __future__ import annotations

import re

from .book import Cell, ExcelError, Sheet
from .cellnames import get_column_letter
from .damage import DamagedValue, cell_number
from .formats import builtin_code
from .serials import (BUILTIN_FORMATS, MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601, is_date_format,
                      is_timedelta_format)
from .xml_parts import XmlError

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

ROW, CELL, MERGE, COLUMN = MAIN + "row", MAIN + "c", MAIN + "mergeCell", MAIN + "col"
VALUE, FORMULA, INLINE = MAIN + "v", MAIN + "f", MAIN + "is"
TEXT, RUN = MAIN + "t", MAIN + "r"
# Excel escapes characters XML cannot carry as _xHHHH_ (and a literal "_x" as _x005F_x).
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
MAX_SPAN = 100_000  # cells of one array formula or data table made up for when the file leaves them out
PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)


class Styles:
    """Which cell styles show a number as a date, as openpyxl decides it (serials.py)."""

    def __init__(self, root, date1904: bool) -> None:
        self.epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH
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
        return from_excel(serial, self.epoch)

    def as_duration(self, serial: float | int):
        return from_excel(serial, self.epoch, timedelta=True)


class SheetReader:
    """Stream one worksheet part into `sheet`: cells row by row, then its merged ranges."""

    def __init__(self, sheet: Sheet, strings: list[str], styles: Styles) -> None:
        self.sheet = sheet
        self.strings = strings
        self.styles = styles
        self.shared: dict[str, object] = {}  # shared formula index -> Translator of its first cell
        self.spans: list[tuple] = []  # array formulas and data tables over more than one cell (see _span)
        self.cell = (0, 0)  # the cell being read, for messages
        self.iso_dates = False
        self.without_positions = False  # a row or cell without r (load.py has the engine's copy given them)

    def read(self, source) -> None:
        """Read the worksheet part `source` (an open file) as a tree, streamed row by row. XmlError when it is
        not well-formed."""
        from lxml import etree  # (only a sheet sheet_rows.py does not read: the others need no lxml)

        try:
            self._read_tree(etree, source)
        except etree.XMLSyntaxError as exc:
            raise XmlError(str(exc)) from None

    def _read_tree(self, etree, source) -> None:
        row_number = 0
        cells = self.sheet.cells
        with source:
            for _event, element in etree.iterparse(source, tag=(ROW, MERGE, COLUMN), **PARSER_OPTIONS):
                if element.tag in (MERGE, COLUMN):
                    self.read_outside_rows(element)
                    continue
                r = element.get("r")
                row_number = int(r) if r else row_number + 1
                self.without_positions |= not r
                if is_true(element.get("hidden")):
                    self.sheet.hidden_rows.add(row_number)
                column = 0
                for c in element.iterchildren(CELL):
                    coordinate = c.get("r")
                    if coordinate:
                        row, column = _split(coordinate)
                    else:
                        row, column = row_number, column + 1
                        self.without_positions = True
                    cell = self._cell(c, row, column, coordinate)
                    if cell is not None:
                        cells[(row, column)] = cell
                element.clear(keep_tail=False)
                parent = element.getparent()
                while element.getprevious() is not None:  # rows already read: free them
                    del parent[0]
        self.fill_spans()

    def read_outside_rows(self, element) -> None:
        """A merged range (<mergeCell>) or a column's properties (<col>): hidden columns."""
        if element.tag == MERGE:
            self.sheet.merged.append(element.get("ref"))
        elif is_true(element.get("hidden")) and (element.get("min") or "").isdigit():
            last = int(element.get("max") or element.get("min"))
            self.sheet.hidden_cols.update(range(int(element.get("min")), min(last, 16384) + 1))

    def fill_spans(self) -> None:
        cells = self.sheet.cells
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
            value = text_of(inline) if inline is not None else None
        else:
            value = self._value(value_text, kind, style_index)
        return self.make_cell(row, column, kind, style_index, value, formula)

    def make_cell(self, row: int, column: int, kind: str, style_index: int, value, formula: str | None) -> Cell | None:
        """The cell of these readings (None: an empty one), whichever reader read them (sheet_rows.py too)."""
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
            number = int(text) if text.isdigit() and text.isascii() and len(text) < 300 else cell_number(text, self.cell)
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


def is_true(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true")


def text_of(element) -> str:
    """The plain text of a string item: its <t>, or its runs' <t>s, without phonetic guides."""
    parts = [element.findtext(TEXT) or ""]
    parts.extend(run.findtext(TEXT) or "" for run in element.findall(RUN))
    return excel_unescaped("".join(parts))


def excel_unescaped(text: str) -> str:
    """Text as Excel meant it: _x000D_ is a carriage return (characters XML cannot carry are written so)."""
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
    return f"{get_column_letter(column)}{row}"
