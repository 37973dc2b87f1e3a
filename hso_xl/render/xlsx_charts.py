"""Charts in Excel templates: a native Excel chart over the rendered cells, so it stays live.

A template asks for a chart with a tag in the cell where the chart's top-left corner goes:

    {%diagram stapel A5:D6 titel="Kostnader per år" %}

KIND is `stapel` (columns), `liggande` (horizontal bars), `cirkel` (pie) or `ring` (donut).
RANGE is the table the chart shows, written as in the template: its first row holds the series'
titles, its first column the categories, each further column one series (`per=rad`: each row
one series, the first row the categories). A range over a `{%row for %}` loop row grows with the
loop, as a formula's range does (`A5:D6` over a loop on row 6 with four items becomes `A5:D9`).
Options: `titel="…"` (may hold `{{ … }}` tags), `bredd=16` and `hojd=8` (cm), `per=rad`.

The chart refers to the cells, so a reader who changes a number sees the chart follow. Its alt
text (Excel: *Alt Text*) names the kind, title and the cells it shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import TemplateProblem
from ..i18n import _
from ..workbook.book import ref as cell_ref
from .charts import KINDS
from ..text import short

_TAG = re.compile(r"\{%-?\s*diagram\b(.*?)-?%\}", re.S)
_OPTION = re.compile(r"""(\w+)=("[^"]*"|'[^']*'|\S+)""")
_RANGE = re.compile(r"(?:'?[^'!]+'?!)?\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+")
OPTIONS = {"titel", "bredd", "hojd", "per"}


@dataclass
class ChartTag:
    sheet: str
    row: int
    col: int
    kind: str
    area: str  # as written in the template
    options: dict = field(default_factory=dict)
    where: str = ""
    text: str = ""  # the cell's text, for error messages
    moved: str = ""  # the range in the filled-in sheet
    alt: str = ""


def take_chart_tags(book, template) -> list[ChartTag]:
    """Remove every `{%diagram … %}` tag from the template's cells and return them, checked."""
    tags = []
    for ws in book.worksheets:
        for (r, c), cell in sorted(ws._cells.items()):
            if not (isinstance(cell.value, str) and cell.data_type == "s" and "diagram" in cell.value):
                continue
            text = cell.value
            for m in _TAG.finditer(text):
                tags.append(_parse(m.group(1), ws.title, r, c, text, template))
            rest = _TAG.sub("", text).strip()
            if rest != text.strip():
                cell.value = rest or None
    return tags


def _parse(body: str, sheet: str, row: int, col: int, text: str, template) -> ChartTag:
    where = cell_ref(sheet, row, col)

    def problem(what) -> TemplateProblem:
        return TemplateProblem(_('{what} in the cell "{content}"', what=what, content=short(text)), file=template,
                               location=where, hint=_('Write the tag as {%diagram stapel A5:D6 titel="…" %}; '
                                                      'docs/templates.md lists the kinds and options'))

    words = body.split(None, 2)
    if len(words) < 2:
        raise problem(_("a chart tag needs a kind and a range"))
    kind, area = words[0], words[1]
    if kind not in KINDS:
        raise problem(_("'{kind}' is not a kind of chart (use {kinds})", kind=kind, kinds=", ".join(KINDS)))
    if not _RANGE.fullmatch(area):
        raise problem(_("'{area}' is not a range of cells like A5:D6", area=area))
    options = {}
    for name, value in _OPTION.findall(words[2] if len(words) > 2 else ""):
        if name not in OPTIONS:
            raise problem(_("unknown chart option '{name}'", name=name))
        options[name] = value[1:-1] if value[:1] in "\"'" else value
    return ChartTag(sheet, row, col, kind, area, options, where, text)


def add_charts(book, tags: list[ChartTag], layouts: dict, render_text, template) -> None:
    """Add each chart to its sheet, over its range as the loops moved it, anchored where its tag was."""
    from openpyxl.chart import BarChart, DoughnutChart, PieChart, Reference
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    from .xlsx_layout import Here, rewrite_formula

    for tag in tags:
        ws = book[tag.sheet]
        layout = layouts[tag.sheet.casefold()]
        here = Here(tag.sheet, (tag.row, 0), (tag.col, 0))
        try:
            moved = rewrite_formula("=" + tag.area, tag.sheet, layouts, here)[1:]
        except ValueError as exc:
            raise TemplateProblem(_("the chart's range '{area}' cannot be read ({reason})", area=tag.area,
                                    reason=str(exc)), file=template, location=tag.where) from None
        sheet_part, _bang, area = moved.rpartition("!")
        source = book[sheet_part.strip("'").replace("''", "'")] if sheet_part else ws
        min_col, min_row, max_col, max_row = range_boundaries(area.replace("$", ""))
        if max_col - min_col < 1 or max_row - min_row < 1:
            raise TemplateProblem(_("the chart's range {area} needs a row of titles and a column of categories "
                                    "besides the numbers", area=tag.area), file=template, location=tag.where)
        by_rows = tag.options.get("per") == "rad"
        chart = {"cirkel": PieChart, "ring": DoughnutChart}.get(tag.kind, BarChart)()
        if tag.kind in ("stapel", "liggande"):
            chart.type = "bar" if tag.kind == "liggande" else "col"
            chart.x_axis.delete = False  # openpyxl hides both axes unless told
            chart.y_axis.delete = False
            if tag.kind == "liggande":
                chart.x_axis.scaling.orientation = "maxMin"  # the first category on top, as in the table
            chart.legend.position = "b"
        if by_rows:
            data = Reference(source, min_col=min_col, min_row=min_row + 1, max_col=max_col, max_row=max_row)
            categories = Reference(source, min_col=min_col + 1, min_row=min_row, max_col=max_col, max_row=min_row)
        else:
            data = Reference(source, min_col=min_col + 1, min_row=min_row, max_col=max_col, max_row=max_row)
            categories = Reference(source, min_col=min_col, min_row=min_row + 1, max_col=min_col, max_row=max_row)
        chart.add_data(data, titles_from_data=True, from_rows=by_rows)
        chart.set_categories(categories)
        title = render_text(tag.options.get("titel", ""), tag)
        if title:
            chart.title = title
        chart.width = _cm(tag, "bredd", 16.0, template)
        chart.height = _cm(tag, "hojd", 8.0, template)
        anchor_row = layout.rows.outputs(tag.row)[0]
        anchor_col = layout.cols.outputs(tag.col)[0]
        ws.add_chart(chart, f"{get_column_letter(anchor_col)}{anchor_row}")
        tag.moved = moved if sheet_part else f"{cell_ref(tag.sheet, min_row, min_col).split('!')[0]}!{area}"
        tag.alt = f"{KINDS[tag.kind].capitalize()}{': ' + title if title else ''} (siffrorna i {tag.moved})"


def _cm(tag: ChartTag, name: str, default: float, template) -> float:
    try:
        value = float(tag.options.get(name, default))
    except ValueError:
        raise TemplateProblem(_("the chart option {name}={value} is not a number of cm", name=name,
                                value=tag.options[name]), file=template, location=tag.where) from None
    if not 1 <= value <= 60:
        raise TemplateProblem(_("the chart option {name}={value} should be between 1 and 60 cm", name=name,
                                value=f"{value:g}"), file=template, location=tag.where)
    return value


_FRAME = re.compile(rb'(<(?:xdr:)?cNvPr id="\d+" name="[^"]*")(/?>)')


def with_alt_texts(name: str, member: bytes, tags: list[ChartTag], drawing_charts: dict[str, list[int]]) -> bytes:
    """Give each chart frame of a drawing part its alt text (`descr`), in the order the charts were added."""
    indexes = drawing_charts.get(name)
    if not indexes:
        return member
    from xml.sax.saxutils import quoteattr

    texts = iter([tags[i].alt for i in indexes])

    def put(m: re.Match) -> bytes:
        alt = next(texts, None)
        return m.group(1) + (b" descr=" + quoteattr(alt).encode("utf-8") if alt else b"") + m.group(2)

    return _FRAME.sub(put, member)
