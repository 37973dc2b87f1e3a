"""What `check` tells the administrator about sentences a missing fact takes out (hso_xl/missing.py).

The sentence is quoted as a reader of the document would read it: the words of the template, each
printed figure as …, no Jinja tags; words before an {% if %} give the place, the missing part in [ ].
"""

from __future__ import annotations

import subprocess
import sys

import docx

from hso_xl.build import check_for_documents
from hso_xl.settings import Settings
from tests import corpus


def _sentences(tmp_path, paragraphs=(), cells=()):
    """The quoted sentences of the warnings about a template made of `paragraphs` and a table of `cells`."""
    def change(wb):
        wb["Projekt"]["B16"].value = None  # Halvtidsutvärdering (SWECO) left empty
        wb["Projekt"]["B17"].value = None  # Medfinansiering hittills left empty

    path = corpus._edited(tmp_path, "arbetsbok.xlsx", change)
    folder = tmp_path / "mallar" / "projekt"
    folder.mkdir(parents=True)
    letter = docx.Document()
    for text in paragraphs:
        letter.add_paragraph(text)
    if cells:
        table = letter.add_table(rows=1, cols=len(cells))
        for cell, text in zip(table.rows[0].cells, cells):
            cell.text = text
    letter.save(folder / "Brev.docx")
    checked, _plan = check_for_documents(path, Settings(), tmp_path / "mallar")
    return {f.details["fact"]: f.details["sentences"] for f in checked.findings if f.code == "fact.missing"}


def test_a_left_out_branch_is_quoted_in_the_readers_words_with_its_place(tmp_path):
    found = _sentences(tmp_path, paragraphs=[
        "Sweco har utvärderat projektet{% if projekt.halvtidsutvardering %}, daterad "
        "{{ projekt.halvtidsutvardering|datum_lang }}{% endif %}. Enligt utvärderingen går det bra.",
        "{% if projekt.medfinansiering_hittills %}Hittills {{ projekt.medfinansiering_hittills|kronor }} av "
        "{{ budget.totalt|kronor }}.{% else %}Uppgift saknas.{% endif %}",
    ])
    assert found["projekt.halvtidsutvardering"] == ["Sweco har utvärderat projektet [, daterad …]"]
    # the else branch is not part of what is taken out
    assert found["projekt.medfinansiering_hittills"] == ["Hittills … av …."]


def test_a_table_cell_with_only_the_figure_is_placed_by_the_cell_before(tmp_path):
    found = _sentences(tmp_path, cells=[
        "Medfinansiering hittills",
        "{% if projekt.medfinansiering_hittills %}{{ projekt.medfinansiering_hittills|kronor }}{% else %}____{% endif %}",
    ])
    assert found["projekt.medfinansiering_hittills"] == ["Medfinansiering hittills […]"]


def test_a_printed_marker_is_quoted_with_the_text_around_it(tmp_path):
    found = _sentences(tmp_path, paragraphs=["Utvärderingen är daterad {{ projekt.halvtidsutvardering|datum }}."])
    assert found["projekt.halvtidsutvardering"] == ["Utvärderingen är daterad …."]


def test_check_outside_the_project_folder_says_it_could_not_look_at_the_templates(tmp_path):
    workbook = corpus._edited(tmp_path, "arbetsbok.xlsx", lambda wb: None)
    done = subprocess.run([sys.executable, "-m", "hso_xl", "--lang", "en", "check", str(workbook)],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert ("info: there is no templates folder templates here, so this check could not tell which facts the "
            "documents need or which sentences they would leave out. Run hso-xl in the project folder") in done.stdout


def test_a_co_financier_that_is_no_municipality_is_named_with_its_missing_facts():
    from hso_xl.build import plan_jobs
    from hso_xl.missing import missing_fact_findings
    from hso_xl.model.checked import check_workbook

    from .conftest import ROOT, SAMPLE

    checked = check_workbook(SAMPLE)
    findings = missing_fact_findings(checked, plan_jobs(checked, ROOT / "templates"))
    region = [f for f in findings if "Region Västernorrland" in str(f.message)]
    assert sorted(f.details["fact"] for f in region) == ["kommun.diarienummer", "kommun.organisationsnummer"]
    assert all(f.severity.value == "warning" for f in region)
    assert all(d.endswith("Region Västernorrland – Medfinansieringsintyg.docx") for f in region
               for d in f.details["documents"])
