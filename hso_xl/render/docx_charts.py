"""Charts in Word templates: the `diagram` filter puts a chart picture and its data table in the document.

In a template, on a paragraph of its own:

    {{p rapportdata.foretagsstod|diagram('liggande', etikett='foretag', varde='belopp', titel='Största ärenden') }}

gives a paragraph holding the chart (a PNG drawn by render/charts.py, with the alt text and title
Word shows under *Alt Text*), followed by a table with the same labels and numbers (a header
row that repeats on every page), so a reader who cannot see the picture, or wants the exact
figures, has them. `{{p … }}` (docxtpl's paragraph tag) is needed because a picture paragraph
and a table cannot stand inside another paragraph.

The picture is added to the document being rendered; render/reusable_docx.py removes it again
before the template's next document.
"""

from __future__ import annotations

import contextlib
import io
from contextvars import ContextVar
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from ..i18n import _
from .charts import Chart, alt_text, amount, check_chart, png

EMU_PER_CM = 360_000
TWIPS_PER_CM = 567
HEAD_FILL = "DCE6F1"
BORDER = "8C8C8C"
_NS = {
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}

_rendering: ContextVar = ContextVar("hso_docx_template", default=None)


@contextlib.contextmanager
def rendering_into(template):
    """Let charts in the template's tags add their pictures to `template` (a DocxTemplate) while rendering."""
    token = _rendering.set(template)
    try:
        yield template
    finally:
        _rendering.reset(token)


def diagram(items, kind: str = "liggande", etikett: str | None = None, varde: str | None = None, titel: str = "",
            enhet: str = "kr", etiketter=None, etikett_rubrik: str | None = None, varde_rubrik: str | None = None,
            bredd: float = 16.0, hojd: float | None = None, tabell: bool = True) -> "DocxChart":
    """Return a chart of `items` for `{{p … }}`: records with `etikett` and `varde` keys, or numbers with `etiketter`.

    kind: 'liggande' (horizontal bars, the first item on top), 'stapel' (columns, e.g. per year),
    'cirkel' (pie) or 'ring' (donut). `enhet` is printed after the figures ('kr', 'st', '' for
    none); `bredd` and `hojd` are the picture's size in cm; `tabell=False` leaves out the data table.
    """
    items = list(items)
    if etikett is not None or varde is not None:
        if etikett is None or varde is None:
            raise ValueError(_("diagram needs both etikett= and varde= (the keys of each record's label and number)"))
        labels = [str(_key(item, etikett)) for item in items]
        values = [_key(item, varde) for item in items]
    else:
        if etiketter is None:
            raise ValueError(_("diagram needs etikett= and varde= for records, or etiketter= for a list of numbers"))
        labels, values = [str(x) for x in etiketter], items
    values = [Decimal(str(v)) if isinstance(v, float) else v for v in values]
    chart = Chart(kind, str(titel), tuple(labels), tuple(values), str(enhet),
                  etikett_rubrik or (etikett or "").replace("_", " ").capitalize() or "Namn",
                  varde_rubrik or (varde or "").replace("_", " ").capitalize() or "Värde",
                  float(bredd), float(hojd) if hojd else None)
    check_chart(chart)
    return DocxChart(chart, bool(tabell))


def _key(item, key: str):
    try:
        return item[key]
    except (KeyError, TypeError, IndexError):
        error = item._missing_key(key) if callable(getattr(item, "_missing_key", None)) else None
        if error is not None:  # a data-workbook record: name its sheet and columns
            raise error from None
        has = ", ".join(map(str, item)) if isinstance(item, dict) else type(item).__name__
        raise ValueError(_("a chart item has no '{key}' (it has {keys})", key=key, keys=has)) from None


class DocxChart:
    """What `diagram` returns: printed by Jinja, it adds the picture to the document and gives its XML."""

    def __init__(self, chart: Chart, table: bool) -> None:
        self.chart, self.table = chart, table

    def __html__(self) -> str:
        template = _rendering.get()
        if template is None or getattr(template, "current_rendering_part", None) is None:
            raise ValueError(_("a chart can only be drawn in a Word template (in Excel, use {%diagram … %})"))
        part = template.current_rendering_part
        rid, _image = part.get_or_add_image(io.BytesIO(png(self.chart)))
        xml = picture_paragraph(self.chart, rid)
        if self.table:
            xml += data_table(self.chart)
        return xml

    __str__ = __html__


def picture_paragraph(chart: Chart, rid: str) -> str:
    """A paragraph holding the chart picture inline, with its alt text (`descr`) and title."""
    cx, cy = int(chart.width_cm * EMU_PER_CM), int(chart.height * EMU_PER_CM)
    descr, title = quoteattr(alt_text(chart)), quoteattr(chart.title or "Diagram")
    return (
        '<w:p><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="60"/></w:pPr><w:r><w:drawing>'
        f'<wp:inline xmlns:wp="{_NS["wp"]}" distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="1" name="Diagram" descr={descr} title={title}/>'
        f'<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="{_NS["a"]}" noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        f'<a:graphic xmlns:a="{_NS["a"]}"><a:graphicData uri="{_NS["pic"]}">'
        f'<pic:pic xmlns:pic="{_NS["pic"]}"><pic:nvPicPr><pic:cNvPr id="0" name="diagram.png" descr={descr}/>'
        '<pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip xmlns:r="{_NS["r"]}" r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        '</wp:inline></w:drawing></w:r></w:p>'
    )


def data_table(chart: Chart) -> str:
    """The chart's numbers as a table under it: a header row (repeated on each page), one row per value."""
    total = int(chart.width_cm * TWIPS_PER_CM)
    value_width = int(min(5.0, chart.width_cm / 3) * TWIPS_PER_CM)
    label_width = total - value_width
    unit = f" ({chart.unit})" if chart.unit else ""
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{BORDER}"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    caption = quoteattr(f"Siffrorna i diagrammet: {chart.title}" if chart.title else "Siffrorna i diagrammet")
    rows = [_row(chart.label_title, chart.value_title + unit, header=True)]
    rows += [_row(label, amount(value, "")) for label, value in zip(chart.labels, chart.values)]
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        '</w:tblCellMar><w:tblLook w:val="0020" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        f'w:noHBand="1" w:noVBand="1"/><w:tblCaption w:val={caption}/></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="{label_width}"/><w:gridCol w:w="{value_width}"/></w:tblGrid>'
        + "".join(rows).replace("LABEL_WIDTH", str(label_width)).replace("VALUE_WIDTH", str(value_width))
        # the paragraph after the table keeps with the next one too: the chart, its numbers and the
        # caption the template writes under them stay on one page (render/pagination.py)
        + '</w:tbl><w:p><w:pPr><w:keepNext/><w:spacing w:before="0" w:after="0"/></w:pPr></w:p>'
    )


def _row(label: str, value: str, header: bool = False) -> str:
    props = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
    return f"<w:tr>{props}{_cell(label, 'LABEL_WIDTH', 'left', header)}{_cell(value, 'VALUE_WIDTH', 'right', header)}</w:tr>"


def _cell(text: str, width: str, align: str, header: bool) -> str:
    """A cell whose paragraph keeps with the next: the whole table stays with its chart and caption."""
    shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{HEAD_FILL}"/>' if header else ""
    bold = "<w:b/>" if header else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>'
            f'<w:p><w:pPr><w:keepNext/><w:spacing w:before="0" w:after="0"/><w:jc w:val="{align}"/></w:pPr>'
            f'<w:r><w:rPr>{bold}<w:sz w:val="18"/></w:rPr><w:t xml:space="preserve">{escape(str(text))}</w:t></w:r></w:p></w:tc>')
