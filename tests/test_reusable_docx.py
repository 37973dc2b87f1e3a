"""A Word template opened once and rendered many times gives what a fresh DocxTemplate gives.

The reference is docxtpl used the plain way: open the template, render, save with python-docx,
make the zip deterministic. Every document must be byte for byte the same, whatever was rendered
before it with the same opened template, including a render that failed.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from docxtpl import DocxTemplate

from hso_xl.build import plan_jobs
from hso_xl.errors import TemplateProblem
from hso_xl.package import deterministic_zip
from hso_xl.model.checked import check_workbook
from hso_xl.render.docx import _fix_properties, render_docx
from hso_xl.render.docx_charts import rendering_into
from hso_xl.render.environment import make_environment
from hso_xl.render.pagination import paginate

from .conftest import ROOT, SAMPLE

WHEN = dt.datetime(2027, 3, 1, 8, 0, 0)


def fresh_render(template: Path, context: dict) -> bytes:
    tpl = DocxTemplate(str(template))
    with rendering_into(tpl):  # a chart's picture goes into this fresh template
        tpl.render(context, jinja_env=make_environment(), autoescape=True)
    paginate(tpl.docx)
    _fix_properties(tpl.docx, context, WHEN)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return deterministic_zip(buffer.getvalue())


@pytest.fixture(scope="module")
def jobs():
    return [j for j in plan_jobs(check_workbook(SAMPLE), ROOT / "templates") if j.template.suffix == ".docx"]


@pytest.mark.slow
def test_every_document_equals_a_fresh_render_in_any_order(jobs):
    templates = {j.template for j in jobs}
    assert len(templates) == 4  # the regional report among them, with a chart picture in each document
    assert any(j.kind == "rapport" for j in jobs)
    order = jobs + jobs[::-1]  # each template renders after itself and after the others, both ways
    for job in order:
        assert render_docx(job.template, job.context, WHEN) == fresh_render(job.template, job.context), job.output


def test_a_failed_render_leaves_nothing_behind(jobs, tmp_path):
    job = next(j for j in jobs if j.kind == "kommun")
    template = tmp_path / job.template.name
    shutil.copy2(job.template, template)
    broken = {**job.context, "kommun": {"namn": "Ånge kommun"}}  # most of what the template reads is missing
    with pytest.raises(TemplateProblem):
        render_docx(template, broken, WHEN)
    assert render_docx(template, job.context, WHEN) == fresh_render(template, job.context)


def test_an_edited_template_is_opened_again(jobs, tmp_path):
    job = next(j for j in jobs if j.kind == "finansiar")
    template = tmp_path / job.template.name
    shutil.copy2(job.template, template)
    first = render_docx(template, job.context, WHEN)
    other = next(j for j in jobs if j.kind == "projekt").template
    shutil.copy2(other, template)  # same path, other content
    assert render_docx(template, job.context, WHEN) == fresh_render(template, job.context) != first
