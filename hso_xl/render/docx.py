"""Render a Word template (.docx with Jinja tags) with docxtpl, deterministically.

A failing tag is reported with the template's name and the text of the paragraph that holds it,
so the administrator can find it in Word.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from jinja2 import TemplateSyntaxError

from ..errors import TemplateProblem
from .environment import TEMPLATE_ERRORS, describe_error, shared_environment, short

_TAG = re.compile(r"\{[{%].*?[%}]\}", re.S)


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
    _fix_properties(tpl.docx.core_properties, context, properties_date)
    return tpl.package_bytes()


def _fix_properties(props, context: dict, when: dt.datetime) -> None:
    """Set the document properties Word shows, to fixed values (same input, same bytes)."""
    props.created = when
    props.modified = when
    props.last_printed = when
    props.revision = 1
    props.last_modified_by = "hso-xl"
    props.author = str(context.get("projekt", {}).get("agare") or "hso-xl")


def paragraphs(template: Path) -> list[str]:
    """Return the text of every paragraph of a .docx: body, tables, headers and footers."""
    from docx import Document

    doc = Document(str(template))
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
    location = f'in the paragraph "{paragraph}"' if paragraph else None
    return TemplateProblem(what, file=template, location=location, hint=hint)


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
