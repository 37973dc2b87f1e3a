"""The templates in templates/ are the source: what administrators edit in Word, Excel or LibreOffice
and what is committed. Every file found there is checked, so a new template is covered without a
change here: it parses, uses only variables the context has, renders against the sample, and its
document matches the golden file; and re-saved by LibreOffice, as an administrator's editor would,
it still does all that and gives the same text and figures.

Golden files: tests/golden/ holds one document per template (the municipality's and co-financier's
of GOLDEN_SUBJECT), compared XML member by XML member. When a change is intended, run
`pytest tests/test_templates.py --update-golden` and review the diff of tests/golden/.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from jinja2 import nodes

from hso_xl.build import TEMPLATE_KINDS, find_templates, plan_jobs, render_job
from hso_xl.model.checked import check_workbook
from hso_xl.render.context import document_date
from hso_xl.render.environment import make_environment
from hso_xl.render.inspect import template_source, used_variables

from .conftest import ROOT, SAMPLE
from .helpers.ooxml import cell_contents, differences, numbers, visible_text

TEMPLATES = ROOT / "templates"
GOLDEN = Path(__file__).parent / "golden"
GOLDEN_SUBJECT = {"kommun": "Ånge kommun", "finansiar": "Sundsvalls kommun", "projekt": None, "rapport": "Ånge kommun"}
SHIPPED = find_templates(TEMPLATES)
IDS = [f"{kind}/{path.name}" for kind, path in SHIPPED]

# Mappings whose keys come from the workbook's own labels (docs/templates.md): rows of Projekt and
# Parametrar, columns of Kommuner, defined names. A template may ask for such a key that this
# workbook lacks, but only behind `is defined`; any other variable must exist.
OPEN_ENDED = {"projekt", "parametrar", "namn", "kommun", "kommun.fakta", "kommuner", "kommuner.fakta",
              "finansiar.kommun", "finansiar.kommun.fakta"}
_MISSING = object()


@pytest.fixture(scope="module")
def checked():
    return check_workbook(SAMPLE)


def jobs_of(checked, templates: Path, template: Path):
    """The template's jobs as `hso-xl build` plans them: one per municipality or co-financier."""
    return [job for job in plan_jobs(checked, templates) if job.template == template]


def when(checked) -> dt.datetime:
    date = document_date(checked)
    return dt.datetime(date.year, date.month, date.day, 8, 0, 0)


# ----------------------------------------------------------------------------------------------
# Which variables a template uses, and whether the context has them
# ----------------------------------------------------------------------------------------------


def resolve(value, path: list[str]):
    """Follow `path` from `value`; through a list, any item that has the rest counts."""
    for i, part in enumerate(path):
        if isinstance(value, list):
            found = (resolve(item, path[i:]) for item in value)
            return next((v for v in found if v is not _MISSING), _MISSING)
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, dict) and part.isdigit() and int(part) in value:
            value = value[int(part)]  # kommun.ar[2028]
        else:
            return _MISSING
    return value


def _path(node) -> list[str] | None:
    """`kommun.ar[2028]` -> ['kommun', 'ar', '2028']; None for anything that is not such a path."""
    parts = []
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
        elif isinstance(node.arg, nodes.Const):
            parts.append(str(node.arg.value))
        else:
            parts.clear()  # an index computed in the template: the path up to the list
        node = node.node
    if isinstance(node, nodes.Name) and node.ctx == "load":
        return [node.name, *reversed(parts)]
    return None


class _Paths:
    """Walk a template: the paths read through loop variables, rewritten onto the list they loop
    over (`rad.namn` in `{% for rad in budget.kostnader %}` is `budget.kostnader.namn`), and the
    paths that are only asked about (`X is defined`)."""

    def __init__(self, tree) -> None:
        self.through_loops: set[tuple[str, ...]] = set()
        self.asked: set[tuple[str, ...]] = set()
        self._walk(tree, {})

    def _walk(self, node, scope: dict[str, list[str] | None]) -> None:
        if isinstance(node, nodes.For):
            self._walk(node.iter, scope)
            inner = dict(scope, loop=None)  # Jinja's own loop.first, loop.index
            if isinstance(node.target, nodes.Name):
                inner[node.target.name] = self._onto(node.iter, scope)
            else:
                inner.update({n.name: None for n in node.target.find_all(nodes.Name)})
            for child in [*node.body, *([node.test] if node.test else [])]:
                self._walk(child, inner)
            for child in node.else_:
                self._walk(child, scope)
            return
        if isinstance(node, nodes.Test) and node.name in ("defined", "undefined"):
            path = self._onto(node.node, scope)
            if path:
                self.asked.add(tuple(path))
        if isinstance(node, (nodes.Getattr, nodes.Getitem, nodes.Name)):
            path = _path(node)
            if path and path[0] in scope:
                if scope[path[0]] is not None and len(path) > 1:
                    self.through_loops.add(tuple(scope[path[0]] + path[1:]))
                if isinstance(node, nodes.Getitem):
                    self._walk(node.arg, scope)
                return
        for child in node.iter_child_nodes():
            self._walk(child, scope)

    @staticmethod
    def _onto(node, scope) -> list[str] | None:
        """The context path an expression reads: through filters (`kommuner|svsort('namn')`) and loop variables."""
        while isinstance(node, nodes.Filter):
            node = node.node
        path = _path(node)
        if not path:
            return None
        if path[0] in scope:
            return scope[path[0]] and scope[path[0]] + path[1:]
        return path


def unknown_variables(template: Path, contexts: list[dict]) -> list[str]:
    """Return the variables `template` uses that none of `contexts` has (its jobs' contexts)."""
    source = template_source(template)
    walk = _Paths(make_environment().parse(source))
    wanted = {tuple(name.split(".")) for name in used_variables(source)} | walk.through_loops
    unknown = []
    for path in sorted(wanted):
        if any(resolve(context, list(path)) is not _MISSING for context in contexts):
            continue
        parent = ".".join(path[:-1])
        if path in walk.asked and parent in OPEN_ENDED and any(
                isinstance(resolve(c, list(path[:-1])), (dict, list)) for c in contexts):
            continue  # a workbook fact this workbook lacks, and the template asks before printing it
        unknown.append(".".join(path))
    return unknown


# ----------------------------------------------------------------------------------------------
# Every shipped template
# ----------------------------------------------------------------------------------------------


def test_every_kind_of_template_is_shipped():
    """The parametrized tests below see the templates: an empty or moved templates/ must not pass them silently."""
    assert {kind for kind, _ in SHIPPED} == set(TEMPLATE_KINDS)
    assert {path.suffix for _, path in SHIPPED} == {".docx", ".xlsx"}


@pytest.mark.parametrize("kind, template", SHIPPED, ids=IDS)
def test_template_parses_and_uses_only_known_variables(checked, kind, template):
    names = used_variables(template_source(template))
    assert names, "a template without a single tag is not a template"
    assert unknown_variables(template, [job.context for job in jobs_of(checked, TEMPLATES, template)]) == []


@pytest.mark.parametrize("kind, template", SHIPPED, ids=IDS)
def test_template_renders_every_document_of_the_sample(checked, kind, template):
    jobs = jobs_of(checked, TEMPLATES, template)
    expected = {"projekt": 1, "kommun": len(checked.budget.municipalities),
                "rapport": len(checked.budget.municipalities),  # the sample data has records of all seven
                "finansiar": sum(1 for r in jobs[0].context["finansiering"]["kontant"] if not r["eu_stod"])}
    assert len(jobs) == expected[kind]
    for job in jobs:
        text = shown_text(render_job(job, when(checked)).data, template)
        leftover = [line for line in text if "{{" in line or "{%" in line or "{#" in line]
        assert not leftover, (job.output, leftover)
        assert job.subject is None or any(job.subject in line for line in text), (job.output, "subject not printed")


@pytest.mark.parametrize("kind, template", SHIPPED, ids=IDS)
def test_template_matches_its_golden_file(checked, kind, template, request):
    job = golden_job(checked, kind, template)
    want = GOLDEN / job.output.name
    data = render_job(job, when(checked)).data
    if request.config.getoption("--update-golden"):
        want.write_bytes(data)
    assert want.exists(), f"no golden file {want.relative_to(ROOT)}; run pytest tests/test_templates.py --update-golden"
    assert differences(data, want) == []


def golden_job(checked, kind, template):
    return next(j for j in jobs_of(checked, TEMPLATES, template) if j.subject == GOLDEN_SUBJECT[kind])


def shown_text(data: bytes, template: Path) -> list[str]:
    """What a reader sees: a Word document's paragraphs, or each filled cell's value as text."""
    if template.suffix.lower() == ".docx":
        return visible_text(data)
    return [str(value) for value, _, _ in cell_contents(data).values() if value is not None]


# ----------------------------------------------------------------------------------------------
# The checks can fail
# ----------------------------------------------------------------------------------------------


def word_template(path: Path, paragraphs: list[str]) -> Path:
    """A Word template written with python-docx, one paragraph per line."""
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def excel_template(path: Path, cells: dict[str, str]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    for ref, text in cells.items():
        wb.active[ref] = text
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@pytest.mark.parametrize("lines, unknown", [
    (["{{ kommun.namn }}", "{{ kommun.totalbelopp|kr }}"], ["kommun.totalbelopp"]),  # misspelt figure
    (["{{ finansiar.namn }}"], ["finansiar.namn"]),  # another kind's variable
    (["{% for rad in budget.kostnader %}{{ rad.nman }}{% endfor %}"], ["budget.kostnader.nman"]),  # loop variable
    (["{% for y in ar %}{{ kommun.ar[y]|kr }}{{ loop.index }}{% endfor %}"], []),
    (["{% for k in kommuner|svsort('namn') %}{{ k.kortnamn }}{{ k.organisationsnummer }}{% endfor %}"], []),
    (["{% if projekt.diarienummer is defined %}{{ projekt.diarienummer }}{% endif %}"], []),  # an optional fact
    (["{% if budget.moms is defined %}{{ budget.moms }}{% endif %}"], ["budget.moms"]),  # budget is not open-ended
    (["{{ projekt.diarienummer }}"], []),  # a known fact the workbook lacks: a marker and a warning (missing.py)
    (["{{ projekt.okand_uppgift }}"], ["projekt.okand_uppgift"]),  # not a known fact, not in the workbook
])
def test_unknown_variables_are_found_in_word(checked, tmp_path, lines, unknown):
    template = word_template(tmp_path / "kommun" / "Prov.docx", lines)
    assert unknown_variables(template, [job.context for job in jobs_of(checked, tmp_path, template)]) == unknown


def test_unknown_variables_are_found_in_excel(checked, tmp_path):
    template = excel_template(tmp_path / "projekt" / "Prov.xlsx", {
        "A1": "{{ eu.stodandel }}", "A2": "{%row for rad in finansiering.kontant %}{{ rad.namn }}",
        "B2": "{{ rad.kontant_anat }}", "C2": "{{ rad.ar[2027] }}", "B4": "{{ eu.andel }}"})
    assert unknown_variables(template, [job.context for job in jobs_of(checked, tmp_path, template)]) == [
        "eu.stodandel", "finansiering.kontant.kontant_anat"]


def test_loop_is_not_a_context_variable():
    """`loop.first` inside a for loop is Jinja's, so `hso-xl templates` does not list it; outside one it is listed."""
    assert used_variables("{% for y in ar %}{{ loop.first }}{% endfor %}") == ["ar"]
    assert used_variables("{% for y in ar %}{% endfor %}{{ loop.first }}") == ["ar", "loop.first"]


def test_golden_comparison_sees_another_municipality(checked):
    """Sundsvall's draft differs from Ånge's golden in its body."""
    template = TEMPLATES / "kommun" / "Beslutsunderlag.docx"
    job = next(j for j in jobs_of(checked, TEMPLATES, template) if j.subject == "Sundsvalls kommun")
    assert "word/document.xml" in differences(render_job(job, when(checked)).data, GOLDEN / "Ånge kommun – Beslutsunderlag.docx")


def _appendix(checked):
    template = TEMPLATES / "projekt" / "Budgetbilaga Tillväxtverket.xlsx"
    return golden_job(checked, "projekt", template), GOLDEN / "Budgetbilaga Tillväxtverket.xlsx"


def test_golden_comparison_sees_one_krona_in_the_appendix(checked):
    job, golden = _appendix(checked)
    job.context = copy.deepcopy(job.context)
    row = job.context["budget"]["kostnader"][0]
    row["per_ar"][0] += 1
    row["ar"][job.context["forsta_ar"]] += 1
    assert differences(render_job(job, when(checked)).data, golden) == ["xl/worksheets/sheet1.xml"]


def test_golden_comparison_sees_a_cached_value(tmp_path):
    """Only the value cached for one formula changed: the comparison sees it."""
    golden = GOLDEN / "Budgetbilaga Tillväxtverket.xlsx"
    formula = next(ref for (_, ref), (_, f, _) in cell_contents(golden).items() if f and f.startswith("=SUM"))
    tampered = io.BytesIO()
    with zipfile.ZipFile(golden) as zin, zipfile.ZipFile(tampered, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                start = data.index(f'r="{formula}"'.encode())
                value = data.index(b"<v>", start)
                data = data[:value] + b"<v>1" + data[value + 3:]
            zout.writestr(info, data)
    assert cell_contents(tampered.getvalue())[("Budgetbilaga", formula)] != cell_contents(golden)[("Budgetbilaga", formula)]
    assert differences(tampered.getvalue(), golden) == ["xl/worksheets/sheet1.xml"]


def test_visible_text_leaves_out_field_results_only(tmp_path):
    """A page number field's cached result is not text a template controls; the text around it is."""
    from docx import Document
    from docx.oxml import parse_xml

    W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    doc = Document()
    p = doc.add_paragraph("Sida ")
    for xml in (f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r {W}><w:instrText> PAGE </w:instrText></w:r>',
                f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>', f'<w:r {W}><w:t>6</w:t></w:r>',
                f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>', f'<w:r {W}><w:tab/><w:t>1 363 221 kr</w:t></w:r>'):
        p._p.append(parse_xml(xml))
    doc.add_paragraph("")
    doc.save(tmp_path / "a.docx")
    assert visible_text(tmp_path / "a.docx") == ["Sida \t1 363 221 kr"]
    assert numbers(visible_text(tmp_path / "a.docx")) == ["1 363 221"]


# ----------------------------------------------------------------------------------------------
# Tags as editors store them: split over runs of different formatting, with marks in between
# ----------------------------------------------------------------------------------------------


def _split_runs(paragraph, pieces: list[str]) -> None:
    """Write `pieces` as separate runs, every other one bold, with the marks Word and LibreOffice
    leave between runs (a spell-check mark, a bookmark) in between."""
    from docx.oxml import parse_xml

    W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    for i, piece in enumerate(pieces):
        run = paragraph.add_run(piece)
        run.bold = bool(i % 2)
        mark = (f'<w:proofErr {W} w:type="spellStart"/>' if i % 2 else
                f'<w:bookmarkStart {W} w:id="{i}" w:name="m{i}"/>')
        paragraph._p.append(parse_xml(mark))


def test_tags_split_over_runs_render(checked, tmp_path):
    from docx import Document

    doc = Document()
    _split_runs(doc.add_paragraph(), ["Totalt: {{ kom", "mun.tot", "alt|k", "r }}"])
    table = doc.add_table(rows=3, cols=2)
    _split_runs(table.cell(0, 0).paragraphs[0], ["{%tr for y ", "in ar %}"])
    _split_runs(table.cell(1, 0).paragraphs[0], ["{{ y }}"])
    _split_runs(table.cell(1, 1).paragraphs[0], ["{{ kommun.ar[y]", "|kr }}"])
    _split_runs(table.cell(2, 0).paragraphs[0], ["{%tr en", "dfor %}"])
    template = tmp_path / "kommun" / "Delad.docx"
    template.parent.mkdir()
    doc.save(template)
    assert used_variables(template_source(template)) == ["ar", "kommun.ar", "kommun.totalt"]
    job = next(j for j in jobs_of(checked, tmp_path, template) if j.subject == "Ånge kommun")
    text = visible_text(render_job(job, when(checked)).data)
    assert text == ["Totalt: 1\u00a0363\u00a0221\u00a0kr", "2027", "454\u00a0407\u00a0kr", "2028", "454\u00a0407\u00a0kr",
                    "2029", "454\u00a0407\u00a0kr"]


# ----------------------------------------------------------------------------------------------
# Re-saved by LibreOffice, as an administrator's editor would
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def resaved(tmp_path_factory) -> Path:
    """templates/ with every template opened and saved again by LibreOffice (same folders and names)."""
    from .helpers.libreoffice import resave

    work = tmp_path_factory.mktemp("resave")
    # numbered copies: LibreOffice names its output after the input's stem, which may repeat across folders
    copies = {}
    for number, (kind, path) in enumerate(SHIPPED):
        copy_ = work / "in" / f"{number:03d}{path.suffix}"
        copy_.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, copy_)
        copies[copy_.resolve()] = (kind, path)
    out = work / "templates"
    for copy_, saved in resave(copies, work / "out").items():
        kind, path = copies[copy_]
        target = out / kind / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(saved, target)
    return out


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_really_rewrote_every_template(resaved):
    """Not a copy: LibreOffice writes every part itself (its own styles, run splits, XML spelling)."""
    for kind, path in SHIPPED:
        again = resaved / kind / path.name
        assert differences(again, path), path


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.parametrize("kind, template", SHIPPED, ids=IDS)
def test_resaved_template_gives_the_same_documents(checked, resaved, kind, template):
    again = resaved / kind / template.name
    assert used_variables(template_source(again)) == used_variables(template_source(template))
    jobs = jobs_of(checked, resaved, again)
    assert unknown_variables(again, [job.context for job in jobs]) == []
    originals = jobs_of(checked, TEMPLATES, template)
    assert [j.output for j in jobs] == [j.output for j in originals]
    for job, original in zip(jobs, originals):
        ours, theirs = render_job(original, when(checked)).data, render_job(job, when(checked)).data
        if template.suffix.lower() == ".xlsx":
            assert cell_contents(theirs) == cell_contents(ours), job.output
        else:
            assert numbers(visible_text(theirs)) == numbers(visible_text(ours)), job.output
            assert visible_text(theirs) == visible_text(ours), job.output
