"""Render an Excel template (.xlsx with Jinja tags in its cells) into a workbook, deterministically.

The template is an ordinary workbook edited in Excel. Its styles, number formats, column widths,
row heights, merged cells, freeze panes, print settings and defined names are kept; its cells are
filled in with the same sandboxed Jinja environment and filters as the Word templates:

- A cell whose text is exactly one `{{ expression }}` gets the value itself, typed: a number stays
  a number (the cell's number format applies), a date becomes an Excel date (formatted yyyy-mm-dd
  if the cell has no date format), text becomes a text cell. A filter that makes text
  (`{{ x|kr }}`) gives text.
- Any other text with tags (`Budget {{ period }}`, `{% if … %}…{% endif %}`) renders to a text cell;
  text that renders to nothing leaves the cell empty.
- Text from the workbook is always written as text, never as a formula, even if it starts with
  `=`, `+`, `-` or `@` (no formula injection).
- Row loop: a row whose first filled cell starts with `{%row for VAR in EXPR %}` is repeated once
  per item; VAR is available in every cell of that row, the tag itself is removed and the rest of
  the cell renders as usual. Rows below move down.
- Column loop: a cell whose text starts with `{%col for VAR in EXPR %}` repeats its column once per
  item, in every row of the sheet (put the tag in the header cell of each table that has the
  column; the tags of one column must be the same). Columns to the right move right.
- A loop with no items keeps its row (column) once, emptied but styled, so totals over it give 0.
- Formulas stay formulas and are rewritten for the loops, as Excel would when inserting rows:
  a reference inside the repeated row from a formula in that same row follows each copy
  (`=SUM(D6:F6)` in row 6 becomes `=SUM(D7:F7)` in the second copy); a reference into a repeated
  row from anywhere else covers all copies (`=SUM(B6:B6)` or `=SUM(B6)` below a loop on row 6
  becomes `=SUM(B6:B9)` for four items, a range ending on the loop row is extended); references
  further down (right) move with their cells. Columns alike. References from other sheets,
  defined names, print areas and titles, merged cells, conditional-formatting and
  data-validation ranges are moved by the same rules. Refer to repeated rows from outside only
  inside functions that take ranges (SUM, SUMIFS, …).

Every formula is then computed by hso_xl's own engine and the result is written into the file as
its cached value, so a reader that does not recalculate still sees the figures; Excel and
LibreOffice recalculate the same formulas to the same values.

Not supported in templates: images, charts and shapes (openpyxl cannot keep them, so a template
with a drawing is refused rather than silently stripped); tags in page headers and footers;
loops of several rows or columns at once; formulas inside conditional-formatting rules are kept
as written.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import tempfile
import warnings
import zipfile
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError, Undefined
from jinja2.sandbox import SecurityError
from openpyxl.utils.cell import column_index_from_string, get_column_letter

from ..errors import FormulaProblem, HsoError, TemplateProblem, WorkbookUnusable
from ..output.package import deterministic_zip
from ..workbook.book import ref as cell_ref
from .environment import describe_error, make_environment

MAX_ROW, MAX_COL = 1_048_576, 16_384
MAX_TEXT = 32_767
_LOOP = re.compile(r"\{%-?\s*(row|col)\s+for\s+(.+?)\s+in\s+(.+?)\s*-?%\}", re.S)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SINGLE = re.compile(r"\s*\{\{(.*)\}\}\s*", re.S)
_CELL = r"(\$?)([A-Za-z]{1,3})(\$?)([0-9]{1,7})"
_AREA = re.compile(rf"{_CELL}(?::{_CELL})?")
_COLS = re.compile(r"(\$?)([A-Za-z]{1,3}):(\$?)([A-Za-z]{1,3})")
_ROWS = re.compile(r"(\$?)([0-9]{1,7}):(\$?)([0-9]{1,7})")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_RELS = re.compile(r"xl/(worksheets|chartsheets)/_rels/[^/]+\.rels")
_CATCH = (TemplateError, SecurityError, TypeError, ValueError, ArithmeticError, LookupError)


def render_xlsx(template: Path, context: dict, when: dt.datetime) -> bytes:
    """Return the rendered workbook as bytes; raise TemplateProblem naming template, cell and text."""
    template = Path(template)
    book = _open_template(template)
    renderer = _Renderer(template, context)
    renderer.render(book)
    book.properties.creator = str((context.get("projekt") or {}).get("agare") or "hso-xl")
    book.properties.lastModifiedBy = "hso-xl"
    book.properties.lastPrinted = None
    buffer = io.BytesIO()
    book.save(buffer)
    data = fixed_package(buffer.getvalue(), book, when)
    return _with_cached_values(template, data, renderer.origin)


def fixed_package(data: bytes, book, when: dt.datetime) -> bytes:
    """Return the package `data` as openpyxl saved it, made deterministic and readable by every reader.

    - docProps/core.xml gets created = modified = `when` (openpyxl stamps `modified` with the time
      of saving; the same input must give the same bytes);
    - a worksheet's relationships point to their parts relatively (`../comments/comment1.xml`), as
      Excel writes them: openpyxl writes absolute targets, which IronCalc 0.9 cannot follow;
    - zip timestamps and attributes are fixed (`deterministic_zip`).
    """
    from openpyxl.xml.functions import tostring

    book.properties.created = when
    book.properties.modified = when
    core = tostring(book.properties.to_tree())
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            member = zin.read(info)
            if info.filename == "docProps/core.xml":
                member = core
            elif _SHEET_RELS.fullmatch(info.filename):
                member = member.replace(b'Target="/xl/', b'Target="../')
            zout.writestr(info, member)
    return deterministic_zip(out.getvalue())


# --------------------------------------------------------------------------------------------
# Loading the template
# --------------------------------------------------------------------------------------------


def _open_template(template: Path):
    import openpyxl

    from ..workbook.safety import ensure_safe_workbook

    try:
        ensure_safe_workbook(template)
        with zipfile.ZipFile(template) as zf:
            drawings = [n for n in zf.namelist() if n.startswith("xl/drawings/") and n.endswith(".xml")
                        and "/_rels/" not in n]
    except WorkbookUnusable as exc:
        raise TemplateProblem(exc.message, file=template, hint=exc.hint) from None
    if drawings:
        raise TemplateProblem(
            "the template holds images, charts or shapes, which the generated workbook cannot keep",
            file=template,
            hint="Remove them from the template (a logo can go in the page header as text), or use a Word template",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # extensions openpyxl does not model; they do not hold values
            with template.open("rb") as fh:
                return openpyxl.load_workbook(fh, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged parts
        raise TemplateProblem(
            f"the template cannot be read as a workbook ({type(exc).__name__}: {exc})",
            file=template,
            hint="Open it in Excel, check that it opens without a repair prompt, and save it again",
        ) from None


# --------------------------------------------------------------------------------------------
# Where template rows and columns go
# --------------------------------------------------------------------------------------------


@dataclass
class Loop:
    var: str
    expr: str
    where: str  # the cell of its tag, for messages
    items: list = field(default_factory=list)
    cell_text: str = ""  # the text of that cell, for messages

    @property
    def copies(self) -> int:
        return max(1, len(self.items))  # no items: the row stays once, emptied


class Axis:
    """Template rows (or columns) -> output rows (columns): a loop's index becomes one per item."""

    def __init__(self, loops: dict[int, Loop] | None = None):
        self.loops = dict(loops or {})
        self._extra = sorted((i, loop.copies - 1) for i, loop in self.loops.items())

    def copies(self, index: int) -> int:
        loop = self.loops.get(index)
        return loop.copies if loop else 1

    def start(self, index: int) -> int:
        return index + sum(extra for i, extra in self._extra if i < index)

    def last(self, index: int) -> int:
        return self.start(index) + self.copies(index) - 1

    def outputs(self, index: int) -> range:
        return range(self.start(index), self.last(index) + 1)

    def span(self, lo: int, hi: int, here: tuple[int, int] | None = None) -> tuple[int, int]:
        """Map the template span lo..hi; `here` = (template index, copy) of the formula that refers.

        An end on the formula's own repeated row follows the formula's copy; otherwise the span
        starts at the first copy of `lo` and ends at the last copy of `hi`.
        """
        def end(index: int, first: bool) -> int:
            if here is not None and index == here[0] and index in self.loops:
                return self.start(index) + here[1]
            return self.start(index) if first else self.last(index)

        lo, hi = min(lo, hi), max(lo, hi)
        return end(lo, True), end(hi, False)

    def spans(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """A merged range: one per copy if it lies on one repeated index, else the whole extended span."""
        if lo == hi and lo in self.loops:
            return [(o, o) for o in self.outputs(lo)]
        return [self.span(lo, hi)]


@dataclass
class Layout:
    rows: Axis
    cols: Axis


@dataclass(frozen=True)
class Here:
    """The formula being rewritten: its sheet and, per axis, (template index, copy)."""

    sheet: str
    row: tuple[int, int]
    col: tuple[int, int]


def rewrite_formula(formula: str, sheet: str | None, layouts: dict[str, Layout], here: Here | None = None) -> str:
    """Return `formula` with every cell and range reference moved to where its cells went.

    `layouts` maps sheet names (case-folded) to their Layout; `sheet` is the sheet that holds the
    formula (for references without a sheet name), None for a workbook-level defined name.
    Raises ValueError if the formula cannot be parsed.
    """
    from openpyxl.formula.tokenizer import Token, Tokenizer

    if not formula.startswith("="):
        return formula
    tokens = Tokenizer(formula)
    for token in tokens.items:
        if token.type == Token.OPERAND and token.subtype == Token.RANGE:
            token.value = _move_reference(token.value, sheet, layouts, here)
    return tokens.render()


def _move_reference(text: str, sheet: str | None, layouts: dict[str, Layout], here: Here | None) -> str:
    prefix, bang, area = text.rpartition("!")
    if bang:
        if "[" in prefix:  # another workbook
            return text
        name = prefix[1:-1].replace("''", "'") if len(prefix) > 1 and prefix[0] == prefix[-1] == "'" else prefix
        if ":" in name:  # a 3-D reference over several sheets
            return text
    elif sheet is None:
        return text
    else:
        name = sheet
    layout = layouts.get(name.casefold())
    if layout is None:
        return text
    own = here is not None and name.casefold() == here.sheet.casefold()
    here_row = here.row if own else None
    here_col = here.col if own else None

    if m := _AREA.fullmatch(area):
        c1d, c1, r1d, r1, c2d, c2, r2d, r2 = m.groups()
        single = c2 is None
        if single:
            c2d, c2, r2d, r2 = c1d, c1, r1d, r1
        cols = [_column(c1), _column(c2)]
        rows = [int(r1), int(r2)]
        if None in cols or not all(1 <= r <= MAX_ROW for r in rows):
            return text  # a name that looks almost like a cell
        top, bottom = layout.rows.span(rows[0], rows[1], here_row)
        left, right = layout.cols.span(cols[0], cols[1], here_col)
        first = f"{c1d}{get_column_letter(left)}{r1d}{top}"
        if single and top == bottom and left == right:
            moved = first
        else:
            moved = f"{first}:{c2d}{get_column_letter(right)}{r2d}{bottom}"
    elif m := _COLS.fullmatch(area):
        c1d, c1, c2d, c2 = m.groups()
        if _column(c1) is None or _column(c2) is None:
            return text
        left, right = layout.cols.span(_column(c1), _column(c2), here_col)
        moved = f"{c1d}{get_column_letter(left)}:{c2d}{get_column_letter(right)}"
    elif m := _ROWS.fullmatch(area):
        r1d, r1, r2d, r2 = m.groups()
        top, bottom = layout.rows.span(int(r1), int(r2), here_row)
        moved = f"{r1d}{top}:{r2d}{bottom}"
    else:
        return text  # a defined name, TRUE, an error value
    return f"{prefix}{bang}{moved}"


def _column(letters: str) -> int | None:
    try:
        index = column_index_from_string(letters.upper())
    except ValueError:
        return None
    return index if index <= MAX_COL else None


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


@dataclass
class _Tagged:
    """A template cell's text with its loop tags removed."""

    text: str | None
    row: Loop | None = None
    col: Loop | None = None


class _Renderer:
    def __init__(self, template: Path, context: dict):
        self.template = template
        self.context = context
        self.env = make_environment()
        self.layouts: dict[str, Layout] = {}
        self.origin: dict[str, str] = {}  # output cell (Sheet!A1) -> template cell, for formula errors
        self._compiled: dict[str, object] = {}

    # -- errors -----------------------------------------------------------------------------

    def problem(self, exc: Exception, where: str, text: str) -> TemplateProblem:
        what, hint, _ = describe_error(exc, "Excel")
        return TemplateProblem(f'{what} in the cell "{_short(text)}"', file=self.template, location=where,
                               hint=hint)

    # -- the whole workbook ------------------------------------------------------------------

    def render(self, book) -> None:
        tagged = {}
        for ws in book.worksheets:
            tagged[ws.title], rows, cols = self.find_loops(ws)
            self.layouts[ws.title.casefold()] = Layout(Axis(rows), Axis(cols))
        for ws in book.worksheets:
            self.render_sheet(ws, tagged[ws.title])
        self.move_names(book)

    def find_loops(self, ws) -> tuple[dict, dict[int, Loop], dict[int, Loop]]:
        """Return each tagged cell's text without its loop tags, and the row and column loops."""
        rows: dict[int, Loop] = {}
        cols: dict[int, Loop] = {}
        tagged: dict[tuple[int, int], _Tagged] = {}
        first_filled: dict[int, int] = {}
        for (r, c), cell in sorted(ws._cells.items()):
            if cell.value is not None and r not in first_filled:
                first_filled[r] = c
            if not (isinstance(cell.value, str) and cell.data_type == "s" and "{%" in cell.value):
                continue
            where = cell_ref(ws.title, r, c)
            text = cell.value
            entry = _Tagged(text)
            while (m := _LOOP.match(text.lstrip())) is not None:
                kind, var, expr = m.group(1), m.group(2).strip(), " ".join(m.group(3).split())
                if not _NAME.fullmatch(var):
                    raise self.problem(TemplateSyntaxError(f"'{var}' is not a variable name", 1), where, cell.value)
                loop = Loop(var, expr, where, cell_text=cell.value)
                if kind == "row":
                    if first_filled[r] != c:
                        raise TemplateProblem(
                            f'a row loop tag must be in the first filled cell of its row, in the cell "{_short(cell.value)}"',
                            file=self.template, location=where,
                            hint="Move the {%row for … %} tag to column A (or the first cell of the row that has text)")
                    rows[r] = entry.row = loop
                else:
                    known = cols.get(c)
                    if known and (known.var, known.expr) != (var, expr):
                        raise TemplateProblem(
                            f"the column has two different loop tags ({known.where} and {where})",
                            file=self.template, location=where,
                            hint="Use the same {%col for … %} tag in every cell of the column, or only one")
                    cols[c] = entry.col = known or loop
                text = text.lstrip()[m.end():]
            entry.text = text or None
            if entry.row or entry.col:
                tagged[(r, c)] = entry
        for loop in [*rows.values(), *{id(l): l for l in cols.values()}.values()]:
            loop.items = self.items(loop)
        return tagged, rows, cols

    def items(self, loop: Loop) -> list:
        try:
            value = self.env.compile_expression(loop.expr, undefined_to_none=False)(self.context)
            if isinstance(value, Undefined):
                value._fail_with_undefined_error()
            if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
                raise TypeError(f"'{loop.expr}' is not a list (it is {type(value).__name__})")
            return list(value)
        except _CATCH as exc:
            raise self.problem(exc, loop.where, loop.cell_text) from None

    # -- one sheet ---------------------------------------------------------------------------

    def render_sheet(self, ws, tagged: dict) -> None:
        from openpyxl.cell.cell import Cell, MergedCell

        layout = self.layouts[ws.title.casefold()]
        rows, cols = layout.rows, layout.cols
        template_cells = sorted(ws._cells.items())
        if template_cells:
            max_r = max(r for (r, _), _ in template_cells)
            max_c = max(c for (_, c), _ in template_cells)
            if rows.last(max_r) > MAX_ROW or cols.last(max_c) > MAX_COL:
                raise TemplateProblem("the loops make the sheet larger than Excel allows", file=self.template,
                                      location=ws.title)
        ws._cells = {}
        for (r, c), old in template_cells:
            row_loop, col_loop = rows.loops.get(r), cols.loops.get(c)
            where = cell_ref(ws.title, r, c)
            entry = tagged.get((r, c))
            for i, out_r in enumerate(rows.outputs(r)):
                for j, out_c in enumerate(cols.outputs(c)):
                    new = MergedCell(ws, out_r, out_c) if isinstance(old, MergedCell) else Cell(ws, out_r, out_c)
                    new._style = copy(old._style)
                    ws._cells[(out_r, out_c)] = new
                    self.origin[cell_ref(ws.title, out_r, out_c)] = where
                    if isinstance(old, MergedCell):
                        continue
                    if old.hyperlink is not None:
                        link = copy(old.hyperlink)
                        link.ref = new.coordinate
                        new._hyperlink = link
                    if old.comment is not None:
                        new.comment = copy(old.comment)
                    empty = (row_loop is not None and not row_loop.items) or (col_loop is not None and not col_loop.items)
                    if empty:
                        continue
                    extra = {}
                    if row_loop is not None:
                        extra[row_loop.var] = row_loop.items[i]
                    if col_loop is not None:
                        extra[col_loop.var] = col_loop.items[j]
                    here = Here(ws.title, (r, i), (c, j))
                    self.fill(new, old, entry, extra, here, where)
        self.move_sheet_parts(ws, layout)

    def fill(self, new, old, entry: _Tagged | None, extra: dict, here: Here, where: str) -> None:
        from openpyxl.worksheet.formula import ArrayFormula

        value = old._value
        if old.data_type == "f":
            try:
                if isinstance(value, ArrayFormula):
                    moved = ArrayFormula(rewrite_formula("=" + value.ref, here.sheet, self.layouts, here)[1:],
                                         rewrite_formula(value.text, here.sheet, self.layouts, here))
                    new.value = moved
                elif isinstance(value, str):
                    new.value = rewrite_formula(value, here.sheet, self.layouts, here)
                else:
                    new._value, new.data_type = value, old.data_type
            except Exception as exc:  # openpyxl's TokenizerError and friends
                raise TemplateProblem(f'the formula "{_short(str(getattr(value, "text", value)))}" cannot be read '
                                      f"({exc})", file=self.template, location=where,
                                      hint="Correct the formula in Excel") from None
            return
        if old.data_type == "s" and isinstance(value, str):
            text = entry.text if entry is not None else value
            if text is None:
                return
            if "{{" in text or "{%" in text or "{#" in text:
                try:
                    rendered = self.evaluate(text, {**self.context, **extra})
                except _CATCH as exc:
                    raise self.problem(exc, where, old._value) from None
                _put(new, rendered)
            else:
                _put(new, text)
            return
        new._value, new.data_type = value, old.data_type  # numbers, dates, booleans, error values

    def evaluate(self, text: str, context: dict):
        """Return a lone `{{ expression }}` as its typed value, anything else as rendered text."""
        compiled = self._compiled.get(text)
        if compiled is None:
            m = _SINGLE.fullmatch(text)
            inner = m.group(1) if m else None
            if inner is not None and not any(t in inner for t in ("{{", "}}", "{%", "%}", "{#")):
                compiled = ("expr", self.env.compile_expression(inner, undefined_to_none=False))
            else:
                compiled = ("text", self.env.from_string(text))
            self._compiled[text] = compiled
        kind, code = compiled
        if kind == "expr":
            value = code(context)
            if isinstance(value, Undefined):
                value._fail_with_undefined_error()
            return _typed(value)
        return code.render(context) or None

    # -- what else refers to cells -------------------------------------------------------------

    def move_sheet_parts(self, ws, layout: Layout) -> None:
        from openpyxl.formatting.formatting import ConditionalFormattingList
        from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
        from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder, RowDimension
        from openpyxl.worksheet.merge import MergedCellRange

        rows, cols = layout.rows, layout.cols

        def ranges(cr: CellRange) -> list[str]:
            out = []
            for top, bottom in rows.spans(cr.min_row, cr.max_row):
                for left, right in cols.spans(cr.min_col, cr.max_col):
                    out.append(CellRange(min_col=left, min_row=top, max_col=right, max_row=bottom).coord)
            return out

        def extended(cr: CellRange) -> str:
            top, bottom = rows.span(cr.min_row, cr.max_row)
            left, right = cols.span(cr.min_col, cr.max_col)
            return CellRange(min_col=left, min_row=top, max_col=right, max_row=bottom).coord

        merged = list(ws.merged_cells.ranges)
        ws.merged_cells = MultiCellRange()
        for mcr in merged:
            for coord in ranges(mcr):
                ws.merged_cells.add(MergedCellRange(ws, coord))

        old_rows = dict(ws.row_dimensions)
        ws.row_dimensions = DimensionHolder(worksheet=ws, default_factory=ws._add_row)
        for index, dim in old_rows.items():
            for out in rows.outputs(index):
                new = RowDimension(ws, index=out, ht=dim.ht, customHeight=dim.customHeight, hidden=dim.hidden,
                                   outlineLevel=dim.outlineLevel, collapsed=dim.collapsed,
                                   thickBot=dim.thickBot, thickTop=dim.thickTop)
                new._style = copy(dim._style)
                ws.row_dimensions[out] = new

        old_cols = list(ws.column_dimensions.values())
        ws.column_dimensions = DimensionHolder(worksheet=ws, default_factory=ws._add_column)
        for dim in old_cols:
            dim.reindex()
            first, last = cols.start(dim.min), min(cols.last(dim.max), MAX_COL)
            letter = get_column_letter(first)
            new = ColumnDimension(ws, index=letter, width=dim.width, bestFit=dim.bestFit, hidden=dim.hidden,
                                  outlineLevel=dim.outlineLevel, collapsed=dim.collapsed, min=first, max=last)
            new._style = copy(dim._style)
            ws.column_dimensions[letter] = new

        if ws.freeze_panes:
            cr = CellRange(ws.freeze_panes)
            ws.freeze_panes = f"{get_column_letter(cols.start(cr.min_col))}{rows.start(cr.min_row)}"
        if ws.print_area:
            ws.print_area = self.move_text(ws.print_area, ws.title)
        if ws.print_title_rows:
            lo, _, hi = ws.print_title_rows.replace("$", "").partition(":")
            top, bottom = rows.span(int(lo), int(hi or lo))
            ws.print_title_rows = f"{top}:{bottom}"
        if ws.print_title_cols:
            lo, _, hi = ws.print_title_cols.replace("$", "").partition(":")
            left, right = cols.span(column_index_from_string(lo), column_index_from_string(hi or lo))
            ws.print_title_cols = f"{get_column_letter(left)}:{get_column_letter(right)}"
        for breaks, axis in ((ws.row_breaks, rows), (ws.col_breaks, cols)):
            for brk in breaks.brk:  # a break after row (column) `id`: after its last copy
                brk.id = axis.last(brk.id)
        if ws.auto_filter.ref:
            ws.auto_filter.ref = extended(CellRange(ws.auto_filter.ref))

        old_cf = ws.conditional_formatting
        ws.conditional_formatting = ConditionalFormattingList()
        for cf in old_cf:
            sqref = " ".join(extended(cr) for cr in cf.sqref.ranges)
            for rule in cf.rules:
                ws.conditional_formatting.add(sqref, rule)
        for dv in ws.data_validations.dataValidation:
            dv.sqref = MultiCellRange(" ".join(extended(cr) for cr in dv.sqref.ranges))
        for name in list(ws.defined_names):
            defn = ws.defined_names[name]
            defn.attr_text = self.move_text(defn.attr_text, ws.title)

    def move_names(self, book) -> None:
        for name in list(book.defined_names):
            defn = book.defined_names[name]
            if defn.attr_text:
                defn.attr_text = self.move_text(defn.attr_text, None)

    def move_text(self, text: str, sheet: str | None) -> str:
        try:
            return rewrite_formula("=" + text, sheet, self.layouts)[1:]
        except Exception:  # not a formula the tokenizer reads: keep it as written
            return text


def template_source(template: Path) -> str:
    """Return the Jinja source of an .xlsx template, for listing the variables it uses.

    Each row loop becomes a `{% for %}` around its whole row and each column loop one around each
    of its cells, so loop variables are not reported as context variables. A cell with a Jinja
    syntax error raises TemplateProblem naming that cell.
    """
    book = _open_template(Path(template))
    renderer = _Renderer(Path(template), {})
    renderer.items = lambda loop: []  # only the tags are wanted here, not their items
    lines = []
    for ws in book.worksheets:
        tagged, rows, cols = renderer.find_loops(ws)
        by_row: dict[int, list[str]] = {}
        for (r, c), cell in sorted(ws._cells.items()):
            if cell.data_type != "s" or not isinstance(cell.value, str):
                continue
            entry = tagged.get((r, c))
            text = entry.text if entry is not None else cell.value
            if not text or not any(t in text for t in ("{{", "{%", "{#")):
                continue
            try:
                renderer.env.parse(text)
            except TemplateSyntaxError as exc:
                raise renderer.problem(exc, cell_ref(ws.title, r, c), cell.value) from None
            if c in cols:
                text = f"{{% for {cols[c].var} in {cols[c].expr} %}}{text}{{% endfor %}}"
            by_row.setdefault(r, []).append(text)
        for r, texts in by_row.items():
            body = "\n".join(texts)
            if r in rows:
                body = f"{{% for {rows[r].var} in {rows[r].expr} %}}{body}{{% endfor %}}"
            lines.append(body)
    return "\n".join(lines)


def _typed(value):
    """Return a template value as a cell value: numbers as numbers, dates as dates, the rest as text."""
    if value is None or isinstance(value, (bool, int, str, dt.date, dt.time)):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        return value if not isinstance(value, str) else str(value)  # Markup -> str
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a number Excel can hold")
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a number Excel can hold")
        return value
    return str(value)


def _put(cell, value) -> None:
    """Write a value; text always as a text cell (never a formula or an error value)."""
    if isinstance(value, str):
        text = _ILLEGAL.sub("", value)[:MAX_TEXT]
        if text:
            cell._value = text
            cell.data_type = "s"
        return
    cell.value = value


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# Cached values
# --------------------------------------------------------------------------------------------


def _with_cached_values(template: Path, data: bytes, origin: dict[str, str]) -> bytes:
    """Compute every formula with hso_xl's engine and write the results into the file as cached values."""
    from ..workbook.engine import recompute
    from ..workbook.load import load_workbook
    from ..workbook.verify import verify
    from ..workbook.write import write_recomputed

    with tempfile.TemporaryDirectory(prefix="hso-xlsx-") as tmp:
        raw = Path(tmp) / "rendered.xlsx"
        raw.write_bytes(data)
        done = Path(tmp) / "recomputed.xlsx"
        try:
            workbook = load_workbook(raw)
            verify(workbook, recompute(workbook)).raise_if_unusable(workbook)
            write_recomputed(workbook, done)
        except FormulaProblem as exc:
            source = origin.get(exc.location or "")
            where = f"{exc.location} (from the template's {source})" if source and source != exc.location else exc.location
            raise TemplateProblem(f"a formula of the filled-in workbook cannot be computed: {exc.message}",
                                  file=template, location=where, hint=exc.hint) from None
        except HsoError as exc:
            raise TemplateProblem(f"the filled-in workbook cannot be computed: {exc.message}", file=template,
                                  hint=exc.hint) from None
        return deterministic_zip(done.read_bytes())
