"""The package side of an Excel document: the template opened, the filled-in workbook saved.

The template is checked before openpyxl reads it (no drawings openpyxl would drop, nothing unsafe);
the document gets its own properties, the same bytes for the same input, parts every reader can
follow, and every formula's value computed by hso_xl's engine and cached in the file.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from pathlib import Path

from ..errors import FormulaProblem, HsoError, TemplateProblem, WorkbookUnusable
from ..i18n import _
from ..package import rewrite_package
from .properties import APPLICATION, document_properties

_SHEET_RELS = re.compile(r"xl/(worksheets|chartsheets)/_rels/[^/]+\.rels")


def open_template(template: Path):
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
            _("the template holds images, charts or shapes, which the generated workbook cannot keep"),
            file=template,
            hint=_("Remove them from the template (a logo can go in the page header as text); for a chart, write "
                   "a {%diagram … %} tag in the cell where it goes (docs/templates.md)"),
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # extensions openpyxl does not model; they do not hold values
            with template.open("rb") as fh:
                return openpyxl.load_workbook(fh, data_only=False)
    except Exception:  # openpyxl raises many kinds on damaged parts; what it says names nothing to find in Excel
        raise TemplateProblem(
            _("the template cannot be read as a workbook: a part of it is damaged"),
            file=template,
            hint=_("Open it in Excel, check that it opens without a repair prompt, and save it again"),
        ) from None


def fix_properties(book, context: dict):
    """Set the workbook's properties to the document's own (render/properties.py); return them."""
    props = book.properties
    meta = document_properties(context, _first_text(book) or props.title or "", props.subject or "",
                               props.creator or "")
    props.creator = meta.author
    props.title = meta.title
    props.subject = meta.subject
    props.keywords = meta.keywords
    props.description = meta.description
    props.language = meta.language
    props.lastModifiedBy = APPLICATION
    props.lastPrinted = None
    props.category = props.category or None
    props.identifier = props.identifier or None
    return meta


def _first_text(book) -> str:
    """Return the first text on the first sheet (its title row), rendered; '' if none."""
    ws = book.worksheets[0] if book.worksheets else None
    if ws is None:
        return ""
    for _position, cell in sorted(ws._cells.items()):
        if isinstance(cell.value, str) and cell.value.strip():
            return cell.value
    return ""


def fixed_package(data: bytes, book, when: dt.datetime, app: bytes | None = None, order_fonts: bool = False) -> bytes:
    """Return the package `data` as openpyxl saved it, made deterministic and readable by every reader.

    - docProps/core.xml gets created = modified = `when` (openpyxl stamps `modified` with the time
      of saving; the same input must give the same bytes);
    - a worksheet's relationships point to their parts relatively (`../comments/comment1.xml`), as
      Excel writes them: openpyxl writes absolute targets, which IronCalc 0.9 cannot follow;
    - docProps/app.xml becomes `app` when given (openpyxl claims "Microsoft Excel Compatible");
    - with `order_fonts`, each font's elements are written in the order Excel writes them and the
      Open XML SDK's schema requires (openpyxl writes `name` first and `color` before `sz`);
    - zip timestamps and attributes are fixed (`hso_xl/package.py`).
    """
    from openpyxl.xml.functions import tostring

    book.properties.created = when
    book.properties.modified = when
    core = tostring(book.properties.to_tree())

    def fix(name: str, member: bytes) -> bytes:
        if name == "docProps/core.xml":
            return core
        if name == "docProps/app.xml" and app is not None:
            return app
        if name == "xl/styles.xml" and order_fonts:
            return ordered_fonts(member)
        if _SHEET_RELS.fullmatch(name):
            return member.replace(b'Target="/xl/', b'Target="../')
        return member

    return rewrite_package(data, fix)


_FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color",
               "name", "family", "charset", "scheme")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def ordered_fonts(styles: bytes) -> bytes:
    """Return xl/styles.xml with the children of every <font> in the schema's order (CT_Font)."""
    from lxml import etree

    root = etree.fromstring(styles, etree.XMLParser(resolve_entities=False, no_network=True))
    rank = {f"{_MAIN}{name}": i for i, name in enumerate(_FONT_ORDER)}
    changed = False
    for font in root.iter(f"{_MAIN}font"):
        children = list(font)
        ordered = sorted(children, key=lambda el: rank.get(el.tag, len(rank)))
        if ordered != children:
            font[:] = ordered
            changed = True
    if not changed:
        return styles
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def with_cached_values(template: Path, data: bytes, origin: dict[str, str]) -> bytes:
    """Compute every formula with hso_xl's engine and write the results into the file as cached values."""
    from ..workbook.recalc import recompute_and_cache

    try:
        return recompute_and_cache(data)
    except FormulaProblem as exc:
        source = origin.get(exc.location or "")
        # The template's cell goes in the message: a location is a reference, the same in every language
        if source and source != exc.location:
            what = _("a formula of the filled-in workbook (from the template's {source}) cannot be computed: {message}",
                     source=source, message=exc.message)
        else:
            what = _("a formula of the filled-in workbook cannot be computed: {message}", message=exc.message)
        raise TemplateProblem(what, file=template, location=exc.location, hint=exc.hint) from None
    except HsoError as exc:
        raise TemplateProblem(_("the filled-in workbook cannot be computed: {message}", message=exc.message),
                              file=template, hint=exc.hint) from None
