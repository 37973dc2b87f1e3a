"""The templates and the facts each uses, and the check that every one renders: `hso-xl templates` and the web page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .i18n import Message, _

ONCE = {"kommun": _("once per municipality"), "finansiar": _("once per co-financier"), "projekt": _("once per project"),
        "rapport": _("once per municipality with report data")}


@dataclass
class TemplateInfo:
    kind: str
    path: Path
    once: Message  # how often it is rendered
    names: list[str]  # the variables (facts and figures) it uses


def list_templates(templates_dir: Path) -> list[TemplateInfo]:
    """Every template in `templates_dir` with the variables it uses; a Jinja syntax error is raised as a paragraph."""
    from .build import find_templates
    from .render.docx import template_problem
    from .render.inspect import TemplateSyntaxError, template_source, used_variables

    found = []
    for kind, path in find_templates(templates_dir):
        try:
            names = used_variables(template_source(path))
        except TemplateSyntaxError as exc:
            raise template_problem(path, exc) from None
        found.append(TemplateInfo(kind, path, ONCE[kind], list(names)))
    return found


def render_all(workbook: Path, settings, templates_dir: Path) -> list:
    """Render every template against `workbook` in memory (nothing written); an error is raised as a paragraph."""
    from .build import check_for_documents, render_jobs

    return render_jobs(check_for_documents(workbook, settings, templates_dir)[1].jobs)
