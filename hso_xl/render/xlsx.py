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

Printing: the print area and the rows to repeat move with the loops; the row breaks are set after
filling in, before each section that would not fit on the page (render/xlsx_print.py). Opening the
template and finishing the document's package are render/xlsx_package.py's.

Charts: a `{%diagram KIND RANGE … %}` tag in a cell adds a native Excel chart there, over the
range as the loops moved it (render/xlsx_charts.py). Not supported in templates: images, charts
and shapes drawn in the template itself (openpyxl cannot keep them, so a template with a drawing
is refused rather than silently stripped); tags in page headers and footers;
loops of several rows or columns at once; formulas inside conditional-formatting rules are kept
as written.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from jinja2 import TemplateSyntaxError, Undefined

from ..errors import TemplateProblem
from ..i18n import _
from ..package import rewrite_package
from ..workbook.book import ref as cell_ref
from .environment import TEMPLATE_ERRORS, describe_error, make_environment
from ..text import short
from .missing import MissingFact
from .properties import app_xml
from .xlsx_layout import MAX_COL, MAX_ROW, Axis, Here, Layout, Loop, rewrite_formula
from .xlsx_package import fix_properties, fixed_package, open_template, with_cached_values
from .xlsx_print import set_page_breaks
from .xlsx_sheet_parts import move_names, move_sheet_parts

MAX_TEXT = 32_767
_LOOP = re.compile(r"\{%-?\s*(row|col)\s+for\s+(.+?)\s+in\s+(.+?)\s*-?%\}", re.S)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SINGLE = re.compile(r"\s*\{\{(.*)\}\}\s*", re.S)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def render_xlsx(template: Path, context: dict, when: dt.datetime) -> bytes:
    """Return the rendered workbook as bytes; raise TemplateProblem naming template, cell and text."""
    template = Path(template)
    book = open_template(template)
    renderer = Renderer(template, context)
    renderer.render(book)
    set_page_breaks(book)  # once the loops have made the tables as long as they are
    meta = fix_properties(book, context)
    buffer = io.BytesIO()
    book.save(buffer)
    data = fixed_package(buffer.getvalue(), book, when, app_xml(meta), order_fonts=True)
    if renderer.charts:
        data = rewrite_package(data, renderer.chart_alt_texts())
    return with_cached_values(template, data, renderer.origin)


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


@dataclass
class _Tagged:
    """A template cell's text with its loop tags removed."""

    text: str | None
    row: Loop | None = None
    col: Loop | None = None


class Renderer:
    def __init__(self, template: Path, context: dict):
        self.template = template
        self.context = context
        self.env = make_environment()
        self.layouts: dict[str, Layout] = {}
        self.origin: dict[str, str] = {}  # output cell (Sheet!A1) -> template cell, for formula errors
        self._compiled: dict[str, object] = {}
        self.charts: list = []  # xlsx_charts.ChartTag, in the order they were added

    # -- errors -----------------------------------------------------------------------------

    def problem(self, exc: Exception, where: str, text: str) -> TemplateProblem:
        what, hint, _name = describe_error(exc, "Excel")
        return TemplateProblem(_('{what} in the cell "{content}"', what=what, content=short(text)), file=self.template,
                               location=where, hint=hint)

    # -- the whole workbook ------------------------------------------------------------------

    def render(self, book) -> None:
        from .xlsx_charts import add_charts, take_chart_tags

        self.charts = take_chart_tags(book, self.template)
        tagged = {}
        for ws in book.worksheets:
            tagged[ws.title], rows, cols = self.find_loops(ws)
            self.layouts[ws.title.casefold()] = Layout(Axis(rows), Axis(cols))
        for tag in self.charts:
            layout = self.layouts[tag.sheet.casefold()]
            if tag.row in layout.rows.loops or tag.col in layout.cols.loops:
                raise TemplateProblem(_("a chart tag cannot be in a repeated row or column"), file=self.template,
                                      location=tag.where,
                                      hint=_("Put the {%diagram … %} tag in a cell outside the loop"))
        for ws in book.worksheets:
            self.render_sheet(ws, tagged[ws.title])
        move_names(book, self.layouts)
        add_charts(book, self.charts, self.layouts, self._chart_title, self.template)

    def _chart_title(self, text: str, tag) -> str:
        if "{{" not in text and "{%" not in text:
            return text
        try:
            return str(self.evaluate(text, self.context) or "")
        except TEMPLATE_ERRORS as exc:
            raise self.problem(exc, tag.where, tag.text) from None

    def chart_alt_texts(self):
        """Return a package rewriter that gives every chart frame its alt text."""
        from .xlsx_charts import with_alt_texts

        order = list(dict.fromkeys(t.sheet for t in self.charts))  # sheets with charts, in the order added
        sheets = [ws for ws in self.layouts]  # case-folded names, in workbook order
        ranked = sorted(order, key=lambda name: sheets.index(name.casefold()))
        drawing_charts = {f"xl/drawings/drawing{i}.xml": [k for k, t in enumerate(self.charts) if t.sheet == name]
                          for i, name in enumerate(ranked, start=1)}
        return lambda name, member: with_alt_texts(name, member, self.charts, drawing_charts)

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
                    raise self.problem(TemplateSyntaxError(_("'{name}' is not a variable name", name=var), 1), where,
                                       cell.value)
                loop = Loop(var, expr, where, cell_text=cell.value)
                if kind == "row":
                    if first_filled[r] != c:
                        raise TemplateProblem(
                            _('a row loop tag must be in the first filled cell of its row, in the cell "{content}"',
                              content=short(cell.value)),
                            file=self.template, location=where,
                            hint=_("Move the {%row for … %} tag to column A (or the first cell of the row that "
                                   "has text)"))
                    rows[r] = entry.row = loop
                else:
                    known = cols.get(c)
                    if known and (known.var, known.expr) != (var, expr):
                        raise TemplateProblem(
                            _("the column has two different loop tags ({first} and {second})", first=known.where,
                              second=where),
                            file=self.template, location=where,
                            hint=_("Use the same {%col for … %} tag in every cell of the column, or only one"))
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
                raise TypeError(_("'{expression}' is not a list (it is {kind})", expression=loop.expr,
                                  kind=type(value).__name__))
            return list(value)
        except TEMPLATE_ERRORS as exc:
            raise self.problem(exc, loop.where, loop.cell_text) from None

    # -- one sheet ---------------------------------------------------------------------------

    def render_sheet(self, ws, tagged: dict) -> None:
        from openpyxl.cell.cell import Cell, MergedCell

        layout = self.layouts[ws.title.casefold()]
        rows, cols = layout.rows, layout.cols
        template_cells = sorted(ws._cells.items())
        if template_cells:
            max_r = max(r for (r, _c), _cell in template_cells)
            max_c = max(c for (_r, c), _cell in template_cells)
            if rows.last(max_r) > MAX_ROW or cols.last(max_c) > MAX_COL:
                raise TemplateProblem(_("the loops make the sheet larger than Excel allows"), file=self.template,
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
        move_sheet_parts(ws, layout, self.layouts)

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
            except Exception:  # openpyxl's TokenizerError and friends, whose words are no help
                raise TemplateProblem(_('the formula "{formula}" cannot be read (are its quotes and brackets '
                                        'in pairs?)', formula=short(str(getattr(value, "text", value)))),
                                      file=self.template, location=where,
                                      hint=_("Correct the formula in Excel")) from None
            return
        if old.data_type == "s" and isinstance(value, str):
            text = entry.text if entry is not None else value
            if text is None:
                return
            if "{{" in text or "{%" in text or "{#" in text:
                try:
                    rendered = self.evaluate(text, {**self.context, **extra})
                except TEMPLATE_ERRORS as exc:
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
            if isinstance(value, MissingFact):
                return value.marker  # visible in the cell, and the check has said so (hso_xl/missing.py)
            if isinstance(value, Undefined):
                value._fail_with_undefined_error()
            return _typed(value)
        return code.render(context) or None

    # -- what else refers to cells -------------------------------------------------------------


def _typed(value):
    """Return a template value as a cell value: numbers as numbers, dates as dates, the rest as text."""
    if value is None or isinstance(value, (bool, int, str, dt.date, dt.time)):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        return value if not isinstance(value, str) else str(value)  # Markup -> str
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(_("{value} is not a number Excel can hold", value=value))
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(_("{value} is not a number Excel can hold", value=value))
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
