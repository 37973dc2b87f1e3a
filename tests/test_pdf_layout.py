"""Pages a registrar accepts, read from the PDFs LibreOffice makes (hso-xl build --pdf).

For every document of the sample build and of a larger workbook (four years, twelve financiers,
long names): the signature block shares a page with what it signs, no table row is split, no
heading ends a page, a chart shares a page with its table and caption, nothing runs into the header
rule or the footer, and each co-financing certificate is one page. Positions come from pdfplumber
(tests/helpers/pdf_layout.py). The sample build's pages are kept as PNG images in
tests/artifacts/pages/ (not committed) for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from hso_xl.cli import main
from hso_xl.sample import Financier, SampleSpec, build_sample, s0_cash_financiers

from .conftest import ROOT, SAMPLE
from .helpers.pdf_layout import Layout, read_layout, squeeze

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

ARTIFACTS = ROOT / "tests" / "artifacts" / "pages"
HEADER_GAP = 6.0  # pt between the header rule and the first line of text under it
FOOTER_GAP = 4.0  # pt between the last line of text and the footer
LONG_NAMES = (
    Financier("Stiftelsen för samhällsomställning, innovation och hållbar regional utveckling i Västernorrlands län",
              "privat", (250_000,)),
    Financier("Mittnordiska föreningen för kompetensförsörjning, etableringar och investeringar i Mellersta Norrland",
              "privat", (125_000,)),
    Financier("Kommunalförbundet för gemensam strategisk planering, infrastruktur och kollektivtrafik i Västernorrland",
              "offentlig", (300_000,)),
)


def large_workbook(folder: Path) -> Path:
    """Four years, twelve cash financiers, names that wrap: what a bigger project's plan looks like."""
    spec = SampleSpec().with_(years=4, eu_cap=0.5, cash=s0_cash_financiers() + LONG_NAMES)
    return build_sample(folder / "HSO_finansiering_2027-2030.xlsx", spec)


def build_pdfs(workbook: Path, out: Path) -> dict[str, Layout]:
    data = next((SAMPLE.parent).glob("Rapportdata*.xlsx"))
    if workbook.parent != SAMPLE.parent:
        shutil.copy(data, workbook.parent / data.name)
    result = CliRunner().invoke(main, ["build", str(workbook), "--pdf", "--templates", str(ROOT / "templates"),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    return layouts(out)


def layouts(out: Path) -> dict[str, Layout]:
    return {str(pdf.relative_to(out)): read_layout(pdf) for pdf in sorted(out.glob("*/*.pdf"))}


@pytest.fixture(scope="module")
def builds(tmp_path_factory, sample_pdf_build) -> dict[str, dict[str, Layout]]:
    """Both builds' layouts, read once for the module: {'sample': {path: layout}, 'large': {…}}."""
    root = tmp_path_factory.mktemp("layout")
    sample = layouts(sample_pdf_build)
    _keep_images(sample_pdf_build)
    (root / "large-in").mkdir()
    large = build_pdfs(large_workbook(root / "large-in"), root / "large")
    return {"sample": sample, "large": large}


def _keep_images(out: Path) -> None:
    """Page images of the sample build, 50 dpi, for review (tests/artifacts/ is not committed)."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    for pdf in sorted(out.glob("*/*.pdf")):
        folder = ARTIFACTS / pdf.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(folder / pdf.stem)], check=True)


def word_pdfs(layouts: dict[str, Layout]) -> dict[str, Layout]:
    return {name: layout for name, layout in layouts.items() if "(xlsx)" not in name}


BUILDS = ["sample", "large"]


@pytest.mark.parametrize("build", BUILDS)
def test_both_builds_made_every_kind_of_document(builds, build):
    kinds = {name.split("/")[0] for name in builds[build]}
    assert kinds == {"kommuner", "projekt", "finansiarer", "rapporter"}
    certificates = [n for n in builds[build] if n.startswith("finansiarer/")]
    assert len(certificates) == (8 if build == "sample" else 11)


@pytest.mark.parametrize("build", BUILDS)
def test_each_certificate_is_one_page_with_its_signature_beside_the_amounts(builds, build):
    problems = []
    for name, layout in builds[build].items():
        if not name.startswith("finansiarer/"):
            continue
        signature, total = layout.pages_with("Ort och datum"), layout.pages_with("Totalt 2027–20")
        if layout.pages != 1 or signature != total or not signature:
            problems.append(f"{name}: {layout.pages} pages, signature on {signature}, amounts on {total}")
    assert problems == []


@pytest.mark.parametrize("build", BUILDS)
def test_a_draft_signature_block_keeps_with_the_text_before_it(builds, build):
    problems = []
    for name, layout in builds[build].items():
        if not name.startswith("kommuner/"):
            continue
        signed, before = layout.pages_with("Handläggare"), layout.pages_with("Beslutet skickas till")
        if not signed or signed[-1] not in before:
            problems.append(f"{name}: signature on {signed}, 'Beslutet skickas till' on {before}")
    assert problems == []


@pytest.mark.parametrize("build", BUILDS)
def test_no_table_row_is_split_across_pages(builds, build):
    problems = []
    for name, layout in word_pdfs(builds[build]).items():
        rows = layout.elements("TR")
        assert rows, name  # every Word document has tables
        problems += [f"{name}: row '{row.text[:60]}' on pages {sorted(row.pages)}" for row in rows
                     if len(row.pages) > 1]
    assert problems == []


@pytest.mark.parametrize("build", BUILDS)
def test_no_heading_ends_a_page(builds, build):
    problems = []
    for name, layout in word_pdfs(builds[build]).items():
        leaves = layout.leaves()
        for leaf, after in zip(leaves, leaves[1:]):
            if leaf.type in ("H1", "H2", "H3", "H4") and min(after.pages) > max(leaf.pages):
                problems.append(f"{name}: '{leaf.text}' ends page {max(leaf.pages)}")
    assert problems == []


@pytest.mark.parametrize("build", BUILDS)
def test_a_chart_shares_its_page_with_its_table_and_caption(builds, build):
    """The chart's data table starts on the line under the picture; it and the caption after it end there too."""
    problems, charts = [], 0
    for name, layout in word_pdfs(builds[build]).items():
        top = [e for e in (layout.tree[0].children if layout.tree else []) if e.pages]
        for image in layout.images:
            charts += 1
            below = sorted((line for line in layout.on(image.page) if line.top >= image.bottom - 1),
                           key=lambda line: line.top)
            first = squeeze(below[0].text) if below else None
            found = [i for i, e in enumerate(top) if e.type == "Table" and e.children
                     and squeeze(e.children[0].text) == first and image.page in e.children[0].pages]
            if not found:
                problems.append(f"{name}: the chart on page {image.page} has no table under it on that page")
                continue
            table, caption = top[found[0]], top[found[0] + 1]
            if table.pages | caption.pages != {image.page}:
                problems.append(f"{name}: chart on page {image.page}, its table on {sorted(table.pages)}, "
                                f"'{caption.text[:40]}' on {sorted(caption.pages)}")
    assert charts >= 7  # one in each regional report
    assert problems == []


@pytest.mark.parametrize("build", BUILDS)
def test_nothing_runs_into_the_header_rule_or_the_footer(builds, build):
    problems = []
    for name, layout in word_pdfs(builds[build]).items():
        for page in range(1, layout.pages + 1):
            lines = layout.on(page)
            rule = layout.rules.get(page)
            footer = layout.footer_top(page)
            if rule is None or footer is None:
                problems.append(f"{name} p{page}: no header rule or no footer 'Sida x (y)'")
                continue
            below = [line for line in lines if line.bottom > rule]
            if any(line.top < rule for line in below):
                problems.append(f"{name} p{page}: a line crosses the header rule")
            body = [line for line in below if line.top < footer - 0.5]
            if body and min(line.top for line in body) - rule < HEADER_GAP:
                problems.append(f"{name} p{page}: text {min(line.top for line in body) - rule:.1f} pt under the rule")
            if any(image.page == page and image.top - rule < HEADER_GAP for image in layout.images):
                problems.append(f"{name} p{page}: a picture touches the header rule")
            if body and footer - max(line.bottom for line in body) < FOOTER_GAP:
                problems.append(f"{name} p{page}: text touches the footer")
    assert problems == []


@pytest.mark.parametrize("build", BUILDS)
def test_the_excel_appendix_keeps_each_section_on_one_page_under_the_repeated_title(builds, build):
    """Sections '1. Kostnader …' to '4. EU-stöd …' each on one page; pages after the first repeat the title rows."""
    layout = next(layout for name, layout in builds[build].items() if "(xlsx)" in name)
    titles = [line.text for line in layout.on(1)[:2]]  # the rows to repeat
    assert titles[0].startswith("Budget och finansieringsplan")
    assert all([line.text for line in layout.on(page)[:2]] == titles for page in range(2, layout.pages + 1))
    sections: dict[str, set[int]] = {}
    current = None
    for line in layout.lines:
        if re.match(r"\d\. ", line.text):
            current = line.text
        footer = layout.footer_top(line.page)
        if current and footer is not None and line.top < footer - 0.5 and line.text not in titles:
            sections.setdefault(current, set()).add(line.page)
    assert len(sections) == 4
    assert {name: sorted(pages) for name, pages in sections.items() if len(pages) > 1} == {}
