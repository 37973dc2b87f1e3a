"""Write the shipped Word templates in templates/ with python-docx, so they can be regenerated and reviewed.

Usage: .venv/bin/python scripts/make_templates.py [OUT_DIR]   (default: templates/)

Writes
  templates/kommun/Beslutsunderlag.docx                  tjänsteskrivelse to each kommunstyrelse
  templates/projekt/Budgetbilaga Tillväxtverket.docx     budget appendix to the funding application
  templates/finansiar/Medfinansieringsintyg.docx         co-financing certificate per cash co-financier

The templates use only the context and filters of docs/templates.md. Every amount is a tag with a
filter (`{{ kommun.totalt|kronor }}`); no figure is typed in here. Tables that have one column per
project year use docxtpl's column loops (`{%tc for y in ar %}` … `{%tc endfor %}`), so they work for
any number of years; docxtpl rebalances the table grid after rendering, which is why every year
column and the Totalt column have the same width. Optional workbook facts (rows of the Projekt
sheet, columns of the Kommuner sheet beyond *Officiellt namn*) are guarded with `is defined`, so a
workbook without them still renders (a blank line is printed where something is to be filled in).

Running the script again overwrites the files with identical bytes (fixed properties and zip
timestamps), so a change to a template shows up as a change to this script.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from hso_xl.output.package import deterministic_zip  # noqa: E402

FONT = "Arial"  # metric-compatible with Liberation Sans: Word and LibreOffice lay out alike
DARK = "1F3864"        # headings and the organisation name
GREY = "595959"        # labels in the page header, notes
TAG_GREY = "7F7F7F"    # cells that only hold a loop tag (removed when rendered)
HEAD_FILL = "DCE6F1"   # table header row
SUM_FILL = "F2F2F2"    # sum rows
GRAND_FILL = "DCE6F1"  # the grand total row
HIGHLIGHT = "FFF2CC"   # this municipality's row in the financing plan
BORDER = "8C8C8C"
BLANK = "_" * 28       # a line to fill in by hand
FIXED_TIME = dt.datetime(2026, 1, 30, 8, 0, 0)

# --------------------------------------------------------------------------------------------
# Jinja snippets
# --------------------------------------------------------------------------------------------

YEAR_FOR = "{%tc for y in ar %}"
YEAR_END = "{%tc endfor %}"


def opt(expr: str, filt: str = "", blank: str = "") -> str:
    """Print an optional value (a workbook fact that may be missing or empty), else `blank`."""
    shown = f"{expr}|{filt}" if filt else expr
    otherwise = f"{{% else %}}{blank}" if blank else ""
    return f"{{% if {expr} is defined and {expr} %}}{{{{ {shown} }}}}{otherwise}{{% endif %}}"


def when(expr: str, text: str) -> str:
    """Print `text` only when the optional value `expr` is there."""
    return f"{{% if {expr} is defined and {expr} %}}{text}{{% endif %}}"


def year_list(row: str, unit: str = "kronor") -> str:
    """'454 407 kronor år 2027, 500 000 kronor år 2028 och 454 407 kronor år 2029' for `row`."""
    return (f"{{% for y in ar %}}{{{{ {row}.ar[y]|{unit} }}}} år {{{{ y }}}}"
            "{% if loop.revindex == 2 %} och {% elif not loop.last %}, {% endif %}{% endfor %}")


def strip_dnr(expr: str) -> str:
    """A diarienummer without a leading 'Dnr ' (some municipalities keep it in the cell)."""
    return opt(expr, "replace('Dnr ', '')")


PERIOD = ("{% if projekt.projektstart is defined and projekt.projektslut is defined %}"
          "{{ projekt.projektstart|datum }} – {{ projekt.projektslut|datum }}{% else %}{{ period }}{% endif %}")
EU_NAMES = "{{ eu.finansiarer|join(' och ') }}"
YEARS_AND = ("{% for y in ar %}{{ y }}{% if loop.revindex == 2 %} och {% elif not loop.last %}, {% endif %}"
             "{% endfor %}")

# --------------------------------------------------------------------------------------------
# Document set-up: page, styles, properties
# --------------------------------------------------------------------------------------------


def _set_fonts(rpr) -> None:
    """Give a w:rPr explicit fonts (no theme fonts, which would win over them)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _set_lang(rpr, lang: str = "sv-SE") -> None:
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:val"), lang)
    el.set(qn("w:eastAsia"), lang)
    el.set(qn("w:bidi"), "ar-SA")


def _style(doc, name, *, size, bold=None, italic=None, color=None, before=None, after=None,
           keep=None, line=None):
    style = doc.styles[name]
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr)
    font = style.font
    font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    font.color.rgb = RGBColor.from_string(color) if color else RGBColor(0, 0, 0)
    font.color.theme_color = None
    pf = style.paragraph_format
    if before is not None:
        pf.space_before = Pt(before)
    if after is not None:
        pf.space_after = Pt(after)
    if keep is not None:
        pf.keep_with_next = keep
    if line is not None:
        pf.line_spacing = line
    for extra in ("w:spacing", "w:kern"):  # letter spacing and kerning of the built-in Title/Subtitle
        el = rpr.find(qn(extra))
        if el is not None:
            rpr.remove(el)
    ppr = style.element.pPr
    if ppr is not None:
        border = ppr.find(qn("w:pBdr"))
        if border is not None:
            ppr.remove(border)
    return style


def new_document(title: str, subject: str, landscape: bool = False):
    doc = Document()
    # Defaults for every run: Arial 11, Swedish proofing.
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(defaults)
    _set_lang(defaults)
    _style(doc, "Normal", size=11, after=6, line=1.1)
    _style(doc, "Title", size=16, bold=True, color=DARK, before=0, after=4, keep=True, line=1.0)
    _style(doc, "Subtitle", size=12, italic=False, color=GREY, before=0, after=12, line=1.0)
    _style(doc, "Heading 1", size=12.5, bold=True, color=DARK, before=16, after=4, keep=True)
    _style(doc, "Heading 2", size=11, bold=True, italic=False, color=DARK, before=10, after=2, keep=True)
    _style(doc, "Heading 3", size=11, bold=True, italic=True, color="000000", before=8, after=2, keep=True)
    _style(doc, "Caption", size=10, bold=True, italic=False, color=DARK, before=10, after=3, keep=True)
    _style(doc, "List Bullet", size=11, after=3, line=1.1)
    _style(doc, "Header", size=10, after=0, line=1.0)
    _style(doc, "Footer", size=8, after=0, line=1.0, color=GREY)
    for name in ("Heading 1 Char", "Heading 2 Char", "Heading 3 Char", "Title Char", "Subtitle Char"):
        rpr = doc.styles[name].element.get_or_add_rPr()
        _set_fonts(rpr)

    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    section.top_margin = Cm(2.2)
    section.bottom_margin = Cm(2.0)
    section.header_distance = Cm(1.0)
    section.footer_distance = Cm(1.0)

    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.author = "hso-xl"
    props.last_modified_by = "hso-xl"
    props.language = "sv-SE"
    props.keywords = "HSO; mall; docxtpl"
    props.comments = "Skapad av scripts/make_templates.py. Taggar: se docs/templates.md."
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1
    return doc


def text_width(doc) -> float:
    """The width between the margins, in cm."""
    s = doc.sections[0]
    return round((s.page_width - s.left_margin - s.right_margin) / 360000, 2)


def save(doc, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(deterministic_zip(buffer.getvalue()))


# --------------------------------------------------------------------------------------------
# Paragraphs
# --------------------------------------------------------------------------------------------


def _run(paragraph, text, fmt: dict | None = None):
    run = paragraph.add_run(text)
    fmt = fmt or {}
    if fmt.get("bold"):
        run.bold = True
    if fmt.get("italic"):
        run.italic = True
    if fmt.get("size"):
        run.font.size = Pt(fmt["size"])
    if fmt.get("color"):
        run.font.color.rgb = RGBColor.from_string(fmt["color"])
    return run


def fill(paragraph, parts, *, align=None, size=None, color=None, bold=None, after=None, before=None,
         keep=None):
    """Write `parts` (strings, or (text, format) pairs) into `paragraph`."""
    for part in parts:
        text, fmt = (part, {}) if isinstance(part, str) else part
        fmt = {**({"size": size} if size else {}), **({"color": color} if color else {}),
               **({"bold": bold} if bold else {}), **fmt}
        _run(paragraph, text, fmt)
    pf = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if after is not None:
        pf.space_after = Pt(after)
    if before is not None:
        pf.space_before = Pt(before)
    if keep is not None:
        pf.keep_with_next = keep
    return paragraph


def para(container, *parts, style=None, **kw):
    return fill(container.add_paragraph(style=style), parts, **kw)


def heading(doc, text, level=1):
    return doc.add_paragraph(text, style=f"Heading {level}")


def bullet(doc, *parts):
    return para(doc, *parts, style="List Bullet")


def tag(container, text):
    """A paragraph that holds only a paragraph tag ({%p if … %}); docxtpl removes the paragraph."""
    return para(container, text, color=TAG_GREY, size=9, after=0)


def att(doc, *parts):
    """An att-clause: 'att' in a hanging column, the clause beside it."""
    p = para(doc, "att\t", *parts)
    pf = p.paragraph_format
    pf.left_indent = Cm(1.0)
    pf.first_line_indent = Cm(-1.0)
    pf.tab_stops.add_tab_stop(Cm(1.0))
    pf.space_after = Pt(6)
    return p


def add_field(paragraph, instruction: str, placeholder: str = "1", fmt: dict | None = None) -> None:
    """Insert a live Word field (PAGE, NUMPAGES) as begin/instrText/separate/result/end runs."""
    def char(kind):
        run = _run(paragraph, "", fmt)
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    char("begin")
    run = _run(paragraph, "", fmt)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    _run(paragraph, placeholder, fmt)
    char("end")


def bottom_rule(paragraph, color=DARK, size=6) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", color)):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    # pBdr must come before these in w:pPr (Word is strict about the order).
    ppr.insert_element_before(bdr, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                              "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                              "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                              "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                              "w:rPr", "w:sectPr", "w:pPrChange")


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def _el(name, **attrs):
    el = OxmlElement(name)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), str(v))
    return el


def _borders(tag_name, color=BORDER, size=4, sides=("top", "left", "bottom", "right", "insideH", "insideV")):
    el = OxmlElement(tag_name)
    for side in sides:
        el.append(_el(f"w:{side}", val="single", sz=size, space=0, color=color))
    return el


def _no_borders(tag_name):
    el = OxmlElement(tag_name)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el.append(_el(f"w:{side}", val="nil"))
    return el


def _replace(parent, child):
    old = parent.find(child.tag)
    if old is not None:
        parent.replace(old, child)
    else:
        parent.append(child)


def _shade(cell, fill_color):
    tcpr = cell._tc.get_or_add_tcPr()
    shd = _el("w:shd", val="clear", color="auto", fill=fill_color)
    valign = tcpr.find(qn("w:vAlign"))
    if valign is not None:
        valign.addprevious(shd)
    else:
        tcpr.append(shd)


class Cell:
    """One cell of a table row: text parts plus formatting."""

    def __init__(self, *parts, align="left", bold=False, italic=False, color=None, size=None, shade=None,
                 top_rule=False):
        self.parts, self.align, self.bold, self.italic = parts, align, bold, italic
        self.color, self.size, self.shade, self.top_rule = color, size, shade, top_rule


def num(*parts, **kw):
    return Cell(*parts, align="right", **kw)


def tagcell(text):
    return Cell(text, color=TAG_GREY, size=8)


def year_cells(expr_for_y: str, **kw) -> list[Cell]:
    """The three template cells of a year column: loop tag, the value for year `y`, end tag."""
    return [tagcell(YEAR_FOR), num(expr_for_y, **kw), tagcell(YEAR_END)]


ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}


def table(container, widths_cm, rows, *, font=9.5, borders=True, header=True, cell_margin_cm=0.1,
          width_cm=None, keep=False):
    """Add a table. `rows` is a list of (kind, cells); kind: head | body | sum | grand | section | tag | plain.

    A `tag` row holds one row tag (`{%tr for … %}`) in its first cell; docxtpl replaces the whole row.
    With `keep`, the table is kept on one page (each row kept with the next); otherwise only header
    and section rows are kept with the row after them.
    """
    ncols = len(widths_cm)
    tbl = container.add_table(rows=len(rows), cols=ncols, **({"width": Cm(sum(widths_cm))} if width_cm else {}))
    tbl.alignment = WD_TABLE_ALIGNMENT.LEFT
    tbl.autofit = False
    tblpr = tbl._tbl.tblPr
    style = tblpr.find(qn("w:tblStyle"))
    if style is not None:
        tblpr.remove(style)
    _replace(tblpr, _el("w:tblW", w=int(sum(widths_cm) * 567), type="dxa"))
    _replace(tblpr, _borders("w:tblBorders") if borders else _no_borders("w:tblBorders"))
    mar = OxmlElement("w:tblCellMar")
    for side, value in (("top", 17), ("left", int(cell_margin_cm * 567)), ("bottom", 17),
                        ("right", int(cell_margin_cm * 567))):
        mar.append(_el(f"w:{side}", w=value, type="dxa"))
    _replace(tblpr, mar)
    # Element order inside tblPr matters to Word (tblStyle, …, tblW, jc, …, tblBorders, …, tblCellMar, tblLook).
    order = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
             "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"]
    children = sorted(tblpr, key=lambda c: order.index(c.tag.split("}")[1]) if c.tag.split("}")[1] in order else 99)
    for c in children:
        tblpr.append(c)
    for col, w in zip(tbl._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(w * 567)))

    for index, ((kind, cells), row) in enumerate(zip(rows, tbl.rows)):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(_el("w:cantSplit"))
        if kind == "head" and header:
            trpr.append(_el("w:tblHeader"))
        cells = list(cells) + [Cell() for _ in range(ncols - len(cells))]
        for cell, spec in zip(row.cells, cells):
            if isinstance(spec, str):
                spec = Cell(spec)
            tcpr = cell._tc.get_or_add_tcPr()
            for w in tcpr.findall(qn("w:tcW")):  # no preferred widths: the grid decides (see fix_tables)
                tcpr.remove(w)
            if spec.top_rule or kind == "grand":
                tcpr.append(_borders("w:tcBorders", color="404040", size=8, sides=("top",)))
            fill_color = spec.shade or {"head": HEAD_FILL, "sum": SUM_FILL, "grand": GRAND_FILL}.get(kind)
            if fill_color:
                _shade(cell, fill_color)
            tcpr.append(_el("w:vAlign", val="bottom" if kind == "head" else "top"))
            p = cell.paragraphs[0]
            pf = p.paragraph_format
            pf.space_after = Pt(0)
            pf.space_before = Pt(0)
            pf.line_spacing = 1.0
            if (keep and index < len(rows) - 1) or kind in ("head", "section"):
                pf.keep_with_next = True
            bold = spec.bold or kind in ("head", "sum", "grand")
            italic = spec.italic or kind == "section"
            parts = [(t, {}) if isinstance(t, str) else t for t in spec.parts]
            for text, fmt in parts:
                fmt = {"size": spec.size or font, **({"bold": True} if bold else {}),
                       **({"italic": True} if italic else {}),
                       **({"color": spec.color} if spec.color else {}), **fmt}
                _run(p, text, fmt)
            p.alignment = ALIGN[spec.align]
            if kind == "tag":
                for r in p.runs:
                    r.font.color.rgb = RGBColor.from_string(TAG_GREY)
                    r.font.size = Pt(8)
    return tbl


def spacer(doc, pts=4):
    p = doc.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.line_spacing = Pt(pts)
    return p


def note(doc, *parts):
    return para(doc, *parts, size=9, color=GREY, after=8, before=3)


# --------------------------------------------------------------------------------------------
# Page header and footer
# --------------------------------------------------------------------------------------------


def page_header(doc, left_lines, doc_type, fields, *, left_share=0.62):
    """A header: organisation (left); document type, Datum, Dnr, Sida x(y) (right); a rule below.

    `left_lines`: list of (text, format) for the left column, one paragraph each.
    `fields`: list of (label, value text or None for the page numbering).
    """
    section = doc.sections[0]
    header = section.header
    header.is_linked_to_previous = False
    width = text_width(doc)
    left, right = round(width * left_share, 2), round(width * (1 - left_share), 2)
    tbl = table(header, [left, right], [("plain", [Cell(), Cell()])], borders=False, cell_margin_cm=0.0,
                width_cm=True)
    rule = header.paragraphs[0]
    rule._p.addprevious(tbl._tbl)
    bottom_rule(rule)
    rule.paragraph_format.space_after = Pt(0)
    left_cell, right_cell = tbl.rows[0].cells
    first = True
    for text, fmt in left_lines:
        p = left_cell.paragraphs[0] if first else left_cell.add_paragraph()
        first = False
        fill(p, [(text, fmt)], after=0)
        p.paragraph_format.line_spacing = 1.0
    p = right_cell.paragraphs[0]
    fill(p, [(doc_type, {"bold": True, "size": 10, "color": DARK})], after=2)
    label_fmt = {"size": 9, "color": GREY}
    value_fmt = {"size": 10}
    for label, value in fields:
        p = right_cell.add_paragraph()
        p.paragraph_format.tab_stops.add_tab_stop(Cm(1.4), WD_TAB_ALIGNMENT.LEFT)
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.line_spacing = 1.0
        _run(p, label, label_fmt)
        _run(p, "\t", value_fmt)
        if value is None:
            add_field(p, "PAGE", "1", value_fmt)
            _run(p, "(", value_fmt)
            add_field(p, "NUMPAGES", "1", value_fmt)
            _run(p, ")", value_fmt)
        else:
            _run(p, value, value_fmt)


def page_footer(doc, *parts):
    footer = doc.sections[0].footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    fill(p, parts, size=8, color=GREY)


def signature_block(doc, labels: list[tuple[str, str | None]], *, gap_pt=24):
    """Signature lines: pairs of labels under lines, two per row."""
    width = text_width(doc)
    col = (width - 1.0) / 2
    rows = []
    for left, right in labels:
        rows.append(("plain", [Cell(), Cell(), Cell()]))
        rows.append(("plain", [Cell(left, size=9, color=GREY) if left else Cell(), Cell(),
                               Cell(right, size=9, color=GREY) if right else Cell()]))
    tbl = table(doc, [col, 1.0, col], rows, borders=False, font=10, cell_margin_cm=0.0, keep=True)
    for i, row in enumerate(tbl.rows):
        if i % 2 == 0:
            row.height = Pt(gap_pt)
            for j in (0, 2):
                if labels[i // 2][j // 2] is None:
                    continue
                tcpr = row.cells[j]._tc.get_or_add_tcPr()
                valign = tcpr.find(qn("w:vAlign"))
                valign.addprevious(_borders("w:tcBorders", color="000000", size=4, sides=("bottom",)))
    return tbl


# --------------------------------------------------------------------------------------------
# The budget and financing tables (shared by the decision draft and the appendix)
# --------------------------------------------------------------------------------------------


def budget_rows(first_header: str, extra: int = 0) -> list:
    """Rows of the project budget: costs, Summa bokförd kostnad, direct financing, Summa projektkostnad.

    `extra` blank columns after the label (so the appendix can align with its financing table).
    """
    pad = [Cell() for _ in range(extra)]

    def line(kind, label, expr, **kw):
        return (kind, [Cell(label, **kw), *pad, *year_cells(expr), num(expr.replace(".ar[y]", ".totalt"))])

    return [
        ("head", [Cell(first_header), *pad, tagcell(YEAR_FOR), num("{{ y }}"), tagcell(YEAR_END), num("Totalt")]),
        ("tag", ["{%tr for rad in budget.kostnader %}"]),
        ("body", [Cell("{{ rad.namn }}"), *pad, *year_cells("{{ rad.ar[y]|belopp }}"),
                  num("{{ rad.totalt|belopp }}")]),
        ("tag", ["{%tr endfor %}"]),
        line("sum", "Summa bokförd kostnad", "{{ budget.summa_bokford_kostnad.ar[y]|belopp }}"),
        ("section", [Cell("Direktfinansiering (i annat än pengar)"), *pad,
                     tagcell(YEAR_FOR), num(""), tagcell(YEAR_END), num("")]),
        ("tag", ["{%tr for rad in budget.direktfinansiering %}"]),
        ("body", [Cell("{{ rad.namn }}"), *pad, *year_cells("{{ rad.ar[y]|belopp }}"),
                  num("{{ rad.totalt|belopp }}")]),
        ("tag", ["{%tr endfor %}"]),
        line("sum", "Summa direktfinansiering", "{{ budget.summa_direktfinansiering.ar[y]|belopp }}"),
        line("grand", "Summa projektkostnad", "{{ budget.summa_projektkostnad.ar[y]|belopp }}"),
    ]


# --------------------------------------------------------------------------------------------
# 1. Beslutsunderlag (tjänsteskrivelse to the kommunstyrelse), one per municipality
# --------------------------------------------------------------------------------------------

KOMMUN_AMOUNT = (  # the municipality's contribution, for running text
    "{% if antal_ar == 1 %}{{ kommun.totalt|kronor }} år {{ period }}"
    "{% elif kommun.lika_varje_ar %}{{ kommun.per_ar[0]|kronor }} per år {{ period }}, "
    "totalt {{ kommun.totalt|kronor }}"
    "{% else %}" + year_list("kommun") + ", totalt {{ kommun.totalt|kronor }}{% endif %}"
)


def beslutsunderlag(path: Path) -> None:
    doc = new_document("Tjänsteskrivelse – medfinansiering av projekt",
                       "Beslutsunderlag till kommunstyrelsen")
    page_header(
        doc,
        [("{{ kommun.namn }}", {"bold": True, "size": 15, "color": DARK}),
         (opt("kommun.kontakt"), {"size": 10, "color": GREY})],
        "Tjänsteskrivelse",
        [("Datum", "{{ dokument.datum|datum }}"), ("Dnr", strip_dnr("kommun.diarienummer_ks")), ("Sida", None)],
    )
    width = text_width(doc)

    para(doc, "Kommunstyrelsen", size=10, color=GREY, after=14)
    para(doc, "Ärende", size=9, color=GREY, after=0)
    doc.add_paragraph("Medfinansiering av projektet {{ projekt.namn }} {{ period }}", style="Title")
    spacer(doc, 8)

    heading(doc, "Förslag till beslut")
    para(doc, "Kommunstyrelsen beslutar", after=6, keep=True)
    att(doc, "medfinansiera projektet {{ projekt.namn }} med " + KOMMUN_AMOUNT +
        ", under förutsättning att Tillväxtverket och Region Västernorrland beviljar finansiering, samt")
    att(doc, "kostnaden ska rymmas inom kommunstyrelsens budgetram och beaktas i budgetarbetet för "
             "{{ period }}.")

    heading(doc, "Sammanfattning")
    para(doc, "Kommunerna i Västernorrland och Region Västernorrland samverkar i projektet {{ projekt.namn }} "
              "för att gemensamt möta de utmaningar och behov som samhällsomställningen i länet för med sig. "
              "Nu föreslås att projektet fortsätter under {{ period }} med {{ projekt.agare }} som projektägare. "
              "Finansiering söks hos Tillväxtverket, ur Europeiska regionala utvecklingsfonden, och hos "
              "Region Västernorrland. Kommunerna bidrar med kontant medfinansiering.")
    para(doc, "Projektets totala kostnad beräknas till {{ budget.summa_projektkostnad.totalt|kronor }} för "
              "{{ period }}. {{ kommun.namn }}s medfinansiering föreslås uppgå till {{ kommun.totalt|kronor }}"
              "{% if antal_ar > 1 and kommun.lika_varje_ar %}, det vill säga {{ kommun.per_ar[0]|kronor }} "
              "per år{% endif %}. "
         + when("kommun.beslut_senast",
                "För att Tillväxtverket och Region Västernorrland ska kunna pröva ansökan behöver "
                "kommunstyrelsen fatta beslut senast {{ kommun.beslut_senast|datum_lang }}."))

    heading(doc, "Bakgrund")
    para(doc, "{{ projekt.namn }} är ett regionalt utvecklingsprojekt där länets kommuner tillsammans med "
              "Region Västernorrland arbetar för att stärka förutsättningarna för en hållbar "
              "samhällsomställning, inte minst när nya etableringar och investeringar kommer till länet. "
              "Arbetet handlar om fysiska förutsättningar och strategisk planering, om samverkan mellan "
              "kommunerna och om ett gemensamt påverkansarbete.")
    para(doc, "Sweco har gjort en halvtidsutvärdering av projektet"
              + when("projekt.halvtidsutvardering_sweco",
                     ", daterad {{ projekt.halvtidsutvardering_sweco|datum_lang }}")
              + ". Enligt utvärderingen har projektet", keep=True, after=3)
    for item in (
        "lagt grunden för en långsiktig kapacitetsuppbyggnad, bland annat genom arbetet med en gemensam "
        "strukturbild och nya mötesplatser",
        "stärkt samverkan mellan kommunerna genom gemensamma aktiviteter, regelbundna veckomöten och tät dialog",
        "skapat ett välfungerande kontaktnät som gör det enklare att nå kollegor, dela erfarenheter och få stöd",
        "ökat den regionala samsynen kring samhällsomställningens utmaningar och behov",
        "samlat det politiska påverkansarbetet genom Regionala samverkansrådet och gemensamma budskap",
        "förbättrat den externa synligheten, bland annat i Almedalen och genom gemensamma plattformar och "
        "gemensam kommunikation",
        "gett bättre förståelse för etablerings- och investeringsprocesser i flera kommuner.",
    ):
        bullet(doc, item)
    para(doc, "Projektet upplevs som relevant och alltmer angeläget i ett förändrat omvärlds- och säkerhetsläge.",
         before=6)
    para(doc, "Utvärderingen pekar samtidigt på flera utmaningar:", keep=True, after=3)
    for item in (
        "en lång startsträcka och ett fördröjt genomförande, eftersom mycket kraft har lagts på att bygga "
        "strukturer och relationer",
        "otydliga roller och förväntningar i projektets tidiga skede, särskilt i arbetspaket 1",
        "begränsade konkreta resultat hittills inom vissa målområden",
        "en risk att hållbarhetsperspektivet hamnar i skymundan i arbetet med etableringar och att fokus hamnar "
        "på kvantitativa indikatorer snarare än på långsiktig kvalitet och effekt",
        "stora skillnader i kommunernas kapacitet och förutsättningar, där bristande personella resurser riskerar "
        "att bli en flaskhals",
        "en risk att samverkan blir beroende av projektet om arbetssätten inte förs in i den ordinarie "
        "verksamheten, och ett behov av tydligare lokalt ägarskap för att arbetet ska leva vidare efter "
        "projektslut.",
    ):
        bullet(doc, item)
    tag(doc, "{%p if projekt.medfinansiering_hittills_2024_2025 is defined "
             "and projekt.medfinansiering_hittills_2024_2025 %}")
    para(doc, "Medfinansieringen av det pågående projektet uppgår hittills till "
              "{{ projekt.medfinansiering_hittills_2024_2025|kronor }}. Kommunerna har under samma tid fått del "
              "av bland annat en lokal processledare i varje kommun, konsultstöd inom samhällsplanering, "
              "kommunikation och GIS, erfarenhetsutbyten och konferenser, satsningar i Almedalen samt resurser "
              "från Region Västernorrland och från projektets ledning.", before=6)
    tag(doc, "{%p endif %}")

    heading(doc, "Ärendebeskrivning")
    para(doc, "Fortsättningen under {{ period }} bygger vidare på de strukturer, nätverk och arbetssätt som "
              "projektet har byggt upp och tar tillvara utvärderingens iakttagelser. Arbetet bedrivs i tre "
              "arbetspaket.")
    heading(doc, "AP1 Fysiska förutsättningar och strategisk planering", 2)
    para(doc, "Arbetet med strukturbildskartan fortsätter. Kartan kan bidra till och ingå i en rumslig regional "
              "utvecklingsstrategi, RUS 2030. För att ge alla kommuner mer likvärdiga förutsättningar anställs "
              "ytterligare en central resurs på heltid som stöttar kommunerna i samhällsbyggnadsfrågor på plats "
              "i kommunerna, bland annat med strukturbilden och dess genomförande. Ett gemensamt internationellt "
              "studiebesök i större grupp ska öka lärandet och omvärldsbevakningen.")
    heading(doc, "AP2 Samverkan", 2)
    para(doc, "Projektet ska bidra till utveckling internt i kommunerna och i kontakterna med näringslivet, "
              "till exempel genom seminarieserier utifrån projektets teman. Samhällsbyggnadsprocessen utvecklas "
              "lokalt i varje kommun, och en samhällsbyggnadsdag eller en motsvarande större konferens anordnas. "
              "Därtill kommer insatser för att kommunicera Västernorrland, bland annat på webbplatsen Utveckla "
              "Västernorrland med bilder och rörligt material.")
    heading(doc, "AP3 Påverkansarbete", 2)
    para(doc, "Samarbetet inom Norra Sverige och påverkansarbetet mot rikspolitiker stärks ytterligare, bland "
              "annat genom deltagande i Almedalen " + YEARS_AND + ". Projektet ska nå ut bredare med sina budskap "
              "genom att delta på fler arenor och genomföra politikermöten. Med bättre samverkan och effektivitet "
              "ska projektet påverka beslutsfattare att skapa bättre förutsättningar för Västernorrland.")
    heading(doc, "Tidplan", 2)
    para(doc, when("projekt.handslag",
                   "Kommunerna har ombetts att senast {{ projekt.handslag|datum_lang }} bekräfta att de vill "
                   "fortsätta delta. ")
         + when("projekt.ansokan_senast",
                "Ansökan ska lämnas in senast {{ projekt.ansokan_senast|datum_lang }}. ")
         + when("kommun.beslut_senast",
                "Kommunstyrelsen behöver besluta om medfinansieringen senast "
                "{{ kommun.beslut_senast|datum_lang }}. ")
         + when("projekt.beslut_tillvaxtverket_och_region_vasternorrland",
                "Tillväxtverket och Region Västernorrland väntas besluta om finansiering senast "
                "{{ projekt.beslut_tillvaxtverket_och_region_vasternorrland|datum_lang }}."))

    heading(doc, "Ekonomiska konsekvenser")
    para(doc, "{{ kommun.namn }}s medfinansiering uppgår till {{ kommun.totalt|kronor }} för {{ period }}"
              "{% if antal_ar > 1 and kommun.lika_varje_ar %}, det vill säga {{ kommun.per_ar[0]|kronor }} "
              "per år{% elif not kommun.lika_varje_ar %} (" + year_list("kommun") + "){% endif %}. "
              "Medfinansieringen lämnas som kontanta medel.")
    para(doc, "Projektets totala kostnad för {{ period }} är {{ budget.summa_projektkostnad.totalt|kronor }}"
              "{% if budget.summa_direktfinansiering.totalt %}, varav "
              "{{ budget.summa_bokford_kostnad.totalt|kronor }} är bokförd kostnad och "
              "{{ budget.summa_direktfinansiering.totalt|kronor }} är direktfinansiering i form av insatser i "
              "annat än pengar"
              "{% for r in finansiering.annat_an_pengar if r.totalt %}{% if loop.first %} från "
              "{% elif loop.last %} och {% else %}, {% endif %}{{ r.namn }}{% endfor %}{% endif %}. "
              "Kommunernas sammanlagda medfinansiering är {{ finansiering.kommunerna.totalt|kronor }}. "
              "EU-stödet, som söks hos " + EU_NAMES + ", uppgår till {{ eu.belopp|kronor }}, vilket motsvarar "
              "{{ eu.andel|procent(2) }} av den totala projektkostnaden. Programmet medger högst "
              "{{ eu.tak|procent }}.")
    para(doc, "Tabell 1 visar projektets budget och tabell 2 finansieringsplanen, där {{ kommun.namn }}s "
              "medfinansiering är markerad.", keep=True)

    # Year columns and Totalt share one width (docxtpl rebalances the grid when years are added).
    year_w = 2.9  # wide enough that six years still fit after docxtpl shrinks the grid
    label_w = round(width - 4 * year_w, 2)
    widths = [label_w, year_w, year_w, year_w, year_w]

    doc.add_paragraph("Tabell 1. Projektets budget {{ period }} (kr)", style="Caption")
    table(doc, widths, budget_rows("Kostnadsslag (kr)"), keep=True, font=9)
    spacer(doc)

    doc.add_paragraph("Tabell 2. Finansieringsplan {{ period }} (kr)", style="Caption")
    hl = "{% cellbg '" + HIGHLIGHT + "' if rad.namn == kommun.namn else 'auto' %}"
    table(doc, widths, [
        ("head", [Cell("Finansiär (kr)"), tagcell(YEAR_FOR), num("{{ y }}"), tagcell(YEAR_END), num("Totalt")]),
        ("section", [Cell("Kontant finansiering"), tagcell(YEAR_FOR), num(""), tagcell(YEAR_END), num("")]),
        ("tag", ["{%tr for rad in finansiering.kontant %}"]),
        ("body", [Cell(hl + "{{ rad.namn }}"), tagcell(YEAR_FOR), num(hl + "{{ rad.ar[y]|belopp }}"),
                  tagcell(YEAR_END), num(hl + "{{ rad.totalt|belopp }}")]),
        ("tag", ["{%tr endfor %}"]),
        ("sum", [Cell("Summa kontant finansiering"), *year_cells("{{ finansiering.summa_kontant.ar[y]|belopp }}"),
                 num("{{ finansiering.summa_kontant.totalt|belopp }}")]),
        ("section", [Cell("Direktfinansiering (i annat än pengar)"), tagcell(YEAR_FOR), num(""), tagcell(YEAR_END),
                     num("")]),
        ("tag", ["{%tr for rad in finansiering.annat_an_pengar %}"]),
        ("body", [Cell("{{ rad.namn }}"), *year_cells("{{ rad.ar[y]|belopp }}"), num("{{ rad.totalt|belopp }}")]),
        ("tag", ["{%tr endfor %}"]),
        ("sum", [Cell("Summa direktfinansiering"),
                 *year_cells("{{ finansiering.summa_annat_an_pengar.ar[y]|belopp }}"),
                 num("{{ finansiering.summa_annat_an_pengar.totalt|belopp }}")]),
        ("grand", [Cell("Summa projektfinansiering"), *year_cells("{{ finansiering.summa.ar[y]|belopp }}"),
                   num("{{ finansiering.summa.totalt|belopp }}")]),
    ], keep=True, font=9)
    note(doc, "Belopp i hela kronor, avrundade så att varje tabell summerar. "
              "Markerad rad: {{ kommun.namn }}.")

    heading(doc, "Beslutsunderlag")
    bullet(doc, "Tjänsteskrivelse, {{ dokument.datum|datum }}")
    bullet(doc, "Projektförslag, fortsättning {{ period }}"
                + when("projekt.utkast_klart", ", {{ projekt.utkast_klart|datum }}"))
    bullet(doc, "Swecos halvtidsutvärdering av projektet"
                + when("projekt.halvtidsutvardering_sweco", ", {{ projekt.halvtidsutvardering_sweco|datum }}"))
    bullet(doc, "Budget och finansieringsplan (bilaga till ansökan hos Tillväxtverket)")

    heading(doc, "Beslutet skickas till")
    bullet(doc, "Region Västernorrland")
    bullet(doc, "{{ projekt.agare }}, projektägare")
    bullet(doc, "Ekonomiavdelningen, {{ kommun.namn }}")

    spacer(doc, 18)
    para(doc, opt("kommun.kontakt"), bold=True, after=0, keep=True)
    para(doc, "{{ kommun.namn }}", after=0, keep=True)
    signature_block(doc, [("Handläggare", "Förvaltningschef")])
    save(doc, path)


# --------------------------------------------------------------------------------------------
# 2. Budgetbilaga Tillväxtverket, once per project
# --------------------------------------------------------------------------------------------


def budgetbilaga(path: Path) -> None:
    doc = new_document("Budget och finansieringsplan", "Bilaga till ansökan hos Tillväxtverket", landscape=True)
    page_header(
        doc,
        [("{{ projekt.namn }}", {"bold": True, "size": 14, "color": DARK}),
         ("Projektägare: {{ projekt.agare }}", {"size": 10, "color": GREY})],
        "Budgetbilaga",
        [("Datum", "{{ dokument.datum|datum }}"), ("Sida", None)],
        left_share=0.72,
    )
    page_footer(doc, "{{ projekt.namn }} · Budget och finansieringsplan {{ period }} · Belopp i hela kronor")
    width = text_width(doc)

    doc.add_paragraph("Budget och finansieringsplan {{ period }}", style="Title")
    doc.add_paragraph("Bilaga till ansökan om stöd från Europeiska regionala utvecklingsfonden", style="Subtitle")

    table(doc, [6.0, 12.0], [
        ("plain", [Cell("Projekt", bold=True), Cell("{{ projekt.namn }}")]),
        ("plain", [Cell("Projektägare", bold=True), Cell("{{ projekt.agare }}")]),
        ("plain", [Cell("Projektperiod", bold=True), Cell(PERIOD)]),
        ("plain", [Cell("Program", bold=True), Cell(opt("projekt.program"))]),
        ("plain", [Cell("Finansiering söks hos", bold=True), Cell(opt("projekt.ansoks_hos", blank=EU_NAMES))]),
        ("plain", [Cell("Budgeten upprättad", bold=True), Cell("{{ dokument.datum|datum }}")]),
    ], header=False, keep=True)

    # Column widths: the label block, then year columns and Totalt all of the same width.
    num_w = 3.0
    kind_w = [2.4, 3.2]  # Offentlig/privat, Kontant/annat än pengar
    label_w = round(width - sum(kind_w) - 4 * num_w, 2)

    heading(doc, "1. Kostnader per kostnadsslag och år")
    para(doc, "Bokförda kostnader och direktfinansiering (kostnader som andra aktörer bär och som redovisas i "
              "projektet som finansiering i annat än pengar).", size=10, keep=True)
    table(doc, [label_w + sum(kind_w), num_w, num_w, num_w, num_w], budget_rows("Kostnadsslag (kr)"), keep=True)

    heading(doc, "2. Finansiering per finansiär och år")
    para(doc, "Varje finansiär anges med offentlig eller privat finansiering och med kontanta medel eller "
              "finansiering i annat än pengar (direktfinansiering).", size=10, keep=True)
    widths = [label_w, *kind_w, num_w, num_w, num_w, num_w]

    def fin_row():
        return ("body", [Cell("{{ rad.namn }}"), Cell("{{ rad.offentlig_privat|capitalize }}"),
                         Cell("{{ rad.kontant_annat|capitalize }}"), *year_cells("{{ rad.ar[y]|belopp }}"),
                         num("{{ rad.totalt|belopp }}")])

    def sum_row(kind, label, key):
        return (kind, [Cell(label), Cell(), Cell(), *year_cells("{{ " + key + ".ar[y]|belopp }}"),
                       num("{{ " + key + ".totalt|belopp }}")])

    def section_row(label):
        return ("section", [Cell(label), Cell(), Cell(), tagcell(YEAR_FOR), num(""), tagcell(YEAR_END), num("")])

    table(doc, widths, [
        ("head", [Cell("Finansiär (kr)"), Cell("Offentlig/ privat"), Cell("Kontant/ annat än pengar"),
                  tagcell(YEAR_FOR), num("{{ y }}"), tagcell(YEAR_END), num("Totalt")]),
        section_row("Kontant finansiering"),
        ("tag", ["{%tr for rad in finansiering.kontant %}"]),
        fin_row(),
        ("tag", ["{%tr endfor %}"]),
        sum_row("sum", "Summa kontant finansiering", "finansiering.summa_kontant"),
        section_row("Direktfinansiering (i annat än pengar)"),
        ("tag", ["{%tr for rad in finansiering.annat_an_pengar %}"]),
        fin_row(),
        ("tag", ["{%tr endfor %}"]),
        sum_row("sum", "Summa direktfinansiering", "finansiering.summa_annat_an_pengar"),
        sum_row("grand", "Summa projektfinansiering", "finansiering.summa"),
    ], keep=True)

    heading(doc, "3. Sammanställning av finansieringen")
    table(doc, [label_w + sum(kind_w), num_w, num_w, num_w, num_w], [
        ("head", [Cell("Slag av finansiering (kr)"), tagcell(YEAR_FOR), num("{{ y }}"), tagcell(YEAR_END),
                  num("Totalt")]),
        ("body", [Cell("Offentlig finansiering, kontanta medel"),
                  *year_cells("{{ finansiering.offentlig_kontant.ar[y]|belopp }}"),
                  num("{{ finansiering.offentlig_kontant.totalt|belopp }}")]),
        ("body", [Cell("Privat finansiering, kontanta medel"),
                  *year_cells("{{ finansiering.privat_kontant.ar[y]|belopp }}"),
                  num("{{ finansiering.privat_kontant.totalt|belopp }}")]),
        ("body", [Cell("Offentlig finansiering i annat än pengar"),
                  *year_cells("{{ finansiering.offentlig_annat_an_pengar.ar[y]|belopp }}"),
                  num("{{ finansiering.offentlig_annat_an_pengar.totalt|belopp }}")]),
        ("body", [Cell("Privat finansiering i annat än pengar"),
                  *year_cells("{{ finansiering.privat_annat_an_pengar.ar[y]|belopp }}"),
                  num("{{ finansiering.privat_annat_an_pengar.totalt|belopp }}")]),
        ("body", [Cell("Därav kommunernas medfinansiering", italic=True),
                  *year_cells("{{ finansiering.kommunerna.ar[y]|belopp }}", italic=True),
                  num("{{ finansiering.kommunerna.totalt|belopp }}", italic=True)]),
        ("grand", [Cell("Summa projektfinansiering"), *year_cells("{{ finansiering.summa.ar[y]|belopp }}"),
                   num("{{ finansiering.summa.totalt|belopp }}")]),
    ], keep=True)

    heading(doc, "4. EU-stöd och stödandel")
    table(doc, [10.0, 4.0], [
        ("plain", [Cell("Total projektkostnad " + "{{ period }}"), num("{{ budget.summa_projektkostnad.totalt|kr }}")]),
        ("plain", [Cell("Sökt EU-stöd (" + EU_NAMES + ")"), num("{{ eu.belopp|kr }}")]),
        ("sum", [Cell("Stödandel av total projektkostnad"), num("{{ eu.andel|procent(2) }}")]),
        ("plain", [Cell("Högsta tillåtna stödandel i programmet"), num("{{ eu.tak|procent }}")]),
        ("plain", [Cell("Högsta möjliga EU-stöd vid denna projektkostnad"), num("{{ eu.tak_belopp|kr }}")]),
    ], header=False, keep=True)
    note(doc, "Stödandelen är EU-stödet i förhållande till den totala projektkostnaden för hela projektperioden, "
              "direktfinansieringen inräknad; taket gäller perioden som helhet och inte varje enskilt år. "
              "Beloppen är avrundade till hela kronor så att varje tabell summerar.")
    save(doc, path)


# --------------------------------------------------------------------------------------------
# 3. Medfinansieringsintyg, once per cash co-financier
# --------------------------------------------------------------------------------------------

ORGNR = ("{% if finansiar.kommun and finansiar.kommun.organisationsnummer is defined "
         "and finansiar.kommun.organisationsnummer %}{{ finansiar.kommun.organisationsnummer }}"
         "{% else %}" + BLANK + "{% endif %}")
FIN_DNR = ("{% if finansiar.kommun and finansiar.kommun.diarienummer_ks is defined "
           "and finansiar.kommun.diarienummer_ks %}{{ finansiar.kommun.diarienummer_ks|replace('Dnr ', '') }}"
           "{% else %}" + BLANK + "{% endif %}")


def medfinansieringsintyg(path: Path) -> None:
    doc = new_document("Medfinansieringsintyg", "Intyg om medfinansiering av projekt")
    page_header(
        doc,
        [("{{ finansiar.namn }}", {"bold": True, "size": 15, "color": DARK}),
         ("{% if finansiar.kommun and finansiar.kommun.organisationsnummer is defined "
          "and finansiar.kommun.organisationsnummer %}Org.nr {{ finansiar.kommun.organisationsnummer }}{% endif %}",
          {"size": 10, "color": GREY})],
        "Medfinansieringsintyg",
        [("Datum", "{{ dokument.datum|datum }}"), ("Sida", None)],
    )
    page_footer(doc, "Intyget avser projektet {{ projekt.namn }}, projektägare {{ projekt.agare }}.")
    width = text_width(doc)

    doc.add_paragraph("Medfinansieringsintyg", style="Title")
    doc.add_paragraph("Projektet {{ projekt.namn }}, {{ period }}", style="Subtitle")
    para(doc, "Härmed intygas att {{ finansiar.namn }} medfinansierar projektet {{ projekt.namn }} med "
              "{{ finansiar.totalt|kronor }} under {{ period }}, fördelat per år enligt nedan och på de villkor "
              "som anges i detta intyg.")

    label_w = 6.0
    heading(doc, "Medfinansiär", 2)
    table(doc, [label_w, width - label_w], [
        ("plain", [Cell("Namn", bold=True), Cell("{{ finansiar.namn }}")]),
        ("plain", [Cell("Organisationsnummer", bold=True), Cell(ORGNR)]),
        ("plain", [Cell("Medfinansiärens diarienummer", bold=True), Cell(FIN_DNR)]),
        ("plain", [Cell("Offentlig eller privat", bold=True), Cell("{{ finansiar.offentlig_privat|capitalize }}")]),
        ("plain", [Cell("Kontant eller annat än pengar", bold=True),
                   Cell("{% if finansiar.kontant_annat == 'kontant' %}Kontanta medel"
                        "{% else %}{{ finansiar.kontant_annat|capitalize }}{% endif %}")]),
        ("plain", [Cell("Beslut (organ, datum, paragraf)", bold=True), Cell(BLANK)]),
    ], header=False, keep=True)

    heading(doc, "Projekt", 2)
    table(doc, [label_w, width - label_w], [
        ("plain", [Cell("Projektnamn", bold=True), Cell("{{ projekt.namn }}")]),
        ("plain", [Cell("Projektägare", bold=True), Cell("{{ projekt.agare }}")]),
        ("plain", [Cell("Projektägarens diarienummer", bold=True), Cell(opt("projekt.diarienummer", blank=BLANK))]),
        ("plain", [Cell("Projektperiod", bold=True), Cell(PERIOD)]),
        ("plain", [Cell("Stöd söks hos", bold=True), Cell(opt("projekt.ansoks_hos", blank=EU_NAMES))]),
        ("plain", [Cell("Program", bold=True), Cell(opt("projekt.program"))]),
    ], header=False, keep=True)

    heading(doc, "Medfinansiering per år", 2)
    table(doc, [4.0, 4.5], [
        ("head", [Cell("År"), num("Belopp (kr)")]),
        ("tag", ["{%tr for y in ar %}"]),
        ("body", [Cell("{{ y }}"), num("{{ finansiar.ar[y]|belopp }}")]),
        ("tag", ["{%tr endfor %}"]),
        ("grand", [Cell("Totalt {{ period }}"), num("{{ finansiar.totalt|belopp }}")]),
    ], keep=True)

    heading(doc, "Villkor", 2)
    bullet(doc, "Medfinansieringen gäller under förutsättning att projektet beviljas stöd från " + EU_NAMES +
                " och att övrig finansiering enligt projektets finansieringsplan beviljas.")
    bullet(doc, "Medfinansieringen avser projektperioden " + PERIOD +
                " och får användas endast för att genomföra projektet enligt ansökan.")
    tag(doc, "{%p if finansiar.namn != projekt.agare %}")
    bullet(doc, "Medfinansieringen betalas till projektägaren, {{ projekt.agare }}, enligt överenskommelse "
                "med projektägaren.")
    tag(doc, "{%p endif %}")
    bullet(doc, "Blir projektets kostnader lägre än budgeterat kan medfinansieringen minska i motsvarande mån.")

    heading(doc, "Underskrift", 2)
    para(doc, "Behörig företrädare (firmatecknare) för {{ finansiar.namn }}", after=0, keep=True)
    signature_block(doc, [("Ort och datum", "Underskrift"), ("Namnförtydligande", "Befattning")])
    save(doc, path)


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "templates"
    targets = {
        out / "kommun" / "Beslutsunderlag.docx": beslutsunderlag,
        out / "projekt" / "Budgetbilaga Tillväxtverket.docx": budgetbilaga,
        out / "finansiar" / "Medfinansieringsintyg.docx": medfinansieringsintyg,
    }
    for path, build in targets.items():
        build(path)
        print(f"Wrote {path}")


if __name__ == "__main__":
    main(sys.argv)
