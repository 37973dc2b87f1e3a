"""Render a Word template (.docx with Jinja tags) with docxtpl, deterministically.

A failing tag is reported with the template's name and the text of the paragraph that holds it,
so the administrator can find it in Word.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from jinja2 import TemplateSyntaxError

from docx.oxml.ns import qn

from ..errors import TemplateProblem
from ..i18n import _
from ..text import short
from .environment import TEMPLATE_ERRORS, describe_error, shared_environment
from .pagination import paginate
from .properties import APPLICATION

_TAG = re.compile(r"\{[{%].*?[%}]\}", re.S)
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def render_docx(template: Path, context: dict, properties_date: dt.datetime) -> bytes:
    """Return the rendered document as bytes; raise TemplateProblem naming template and paragraph."""
    from .docx_charts import rendering_into
    from .reusable_docx import reusable_template

    tpl = reusable_template(template)
    try:
        with rendering_into(tpl):  # charts add their pictures to this document
            tpl.render(context, jinja_env=shared_environment("docx"), autoescape=True)
    except TEMPLATE_ERRORS as exc:
        raise template_problem(template, exc, context) from None
    paginate(tpl.docx)
    left_out = _fix_properties(tpl.docx, context, properties_date)
    try:
        return tpl.package_bytes()
    finally:  # the reused template keeps them, so the next render numbers its relationships the same
        for rels, rId, rel in left_out:
            rels[rId] = rel


def _fix_properties(document, context: dict, when: dt.datetime) -> list:
    """Set the document's properties to its own (render/properties.py) and fixed dates (same input,
    same bytes); replace app.xml's claims with the truth; drop parts that describe the template.

    The template's thumbnail (a picture of the template, not of this document) and Word 2010's
    stylesWithEffects copy of the styles (stale next to styles.xml; Word 2013 and later neither
    write nor need it) are left out: returns their relationships, for the caller to put back once
    the document is written.
    """
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    from .properties import document_properties

    props = document.core_properties
    heading = _title_text(document) or props.title or ""
    meta = document_properties(context, heading, props.subject or "", props.author or "")
    props.author = meta.author
    props.title = meta.title
    props.subject = meta.subject
    props.keywords = meta.keywords
    props.comments = meta.description
    props.language = meta.language
    props.created = when
    props.modified = when
    props.revision = 1
    props.last_modified_by = APPLICATION
    for name in ("cp:lastPrinted", "cp:category", "dc:identifier", "cp:contentStatus", "cp:version"):
        element = props._element.find(qn(name))  # never printed: no date; empty ones say nothing
        if element is not None and (name == "cp:lastPrinted" or not (element.text or "").strip()):
            props._element.remove(element)
    package = document.part.package
    left_out = []  # (relationships, rId, relationship) of the parts left out of this document
    for rId, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            left_out.append((package.rels, rId, package.rels.pop(rId)))
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel._target = _app_part(package, meta)
    for rId, rel in list(document.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            left_out.append((document.part.rels, rId, document.part.rels.pop(rId)))
    return left_out


def _app_part(package, meta):
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    from .properties import app_xml

    return Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, app_xml(meta), package)


def _title_text(document) -> str:
    """Return the text of the document's first paragraph in the Title style (its own heading), or ''."""
    styles = document.styles.element
    ids = [s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))
           if (s.find(qn("w:name")) is not None and s.find(qn("w:name")).get(qn("w:val")) == "Title")]
    for style_id in ids:
        found = document.element.body.xpath(f'./w:p[w:pPr/w:pStyle/@w:val="{style_id}"]')
        if found:
            return "".join(found[0].xpath(".//w:t/text()"))
    return ""


def paragraphs(template: Path) -> list[str]:
    """Return the text of every paragraph of a .docx: body, tables, headers and footers."""
    from docx import Document

    doc = Document(io.BytesIO(Path(template).read_bytes()))
    out: list[str] = []

    def walk(container) -> None:
        for p in container.paragraphs:
            out.append(p.text)
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(doc)
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            walk(part)
    return out


def template_problem(template: Path, exc: Exception, context: dict | None = None) -> TemplateProblem:
    """Return a TemplateProblem for a Jinja error, quoting the paragraph that holds the tag."""
    what, hint, name = describe_error(exc, "Word")
    paragraph = _find_paragraph(template, name, exc)
    if paragraph is None and context is not None:
        paragraph = _paragraph_raising(template, exc, context)
    if paragraph:  # in the message, not the location: a location is a reference, shown as it is in every language
        what = _('in the paragraph "{paragraph}": {what}', paragraph=paragraph, what=what)
    return TemplateProblem(what, file=template, hint=hint)


def _paragraph_raising(template: Path, exc: Exception, context: dict) -> str | None:
    """Find the paragraph whose tags raise the same error when rendered alone (a filter's or an expression's)."""
    env = shared_environment("docx")
    try:
        texts = [t for t in paragraphs(template) if "{{" in t or "{%" in t]
    except Exception:  # an unreadable template: the message alone must do
        return None
    for text in texts:
        try:
            env.from_string(text).render(context)
        except type(exc) as again:
            if str(again) == str(exc):
                return short(text)
        except Exception:  # a tag that needs the rest of the document (a loop, a row tag): not this one
            continue
    return None


def _find_paragraph(template: Path, name: str | None, exc: Exception) -> str | None:
    try:
        texts = [t for t in paragraphs(template) if _TAG.search(t) or "{{" in t or "{%" in t]
    except Exception:  # an unreadable template: the message alone must do
        return None
    if name:
        word = re.compile(r"\b" + re.escape(name) + r"\b")
        for text in texts:
            if any(word.search(tag) for tag in _TAG.findall(text)):
                return short(text)
    if isinstance(exc, TemplateSyntaxError):
        broken = [t for t in texts if t.count("{{") != t.count("}}") or t.count("{%") != t.count("%}")]
        if broken:
            return short(broken[0])
        context = getattr(exc, "docx_context", None)
        if context:
            lines = [line.strip() for line in context if "{" in line]
            if lines:
                return short(lines[len(lines) // 2])
    return None
