"""The change report: every build compares itself with the previous one; `hso-xl diff` compares two files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from hso_xl.cli import main
from hso_xl.swedish import sort_key

from .conftest import ROOT, SAMPLE


@pytest.fixture
def new_sundsvall(tmp_path: Path) -> Path:
    """The sample with Sundsvall's contribution raised to 700 000 kr a year (one typed-in cell)."""
    path = tmp_path / "HSO_finansiering_ny.xlsx"
    shutil.copy(SAMPLE, path)
    wb = openpyxl.load_workbook(path)
    wb["Finansiering"]["D11"] = 700_000
    wb.save(path)
    return path


def build(workbook: Path, out: Path):
    result = CliRunner().invoke(main, ["build", str(workbook), "--templates", str(ROOT / "templates"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.slow
def test_first_build_says_there_is_nothing_to_compare(tmp_path):
    out = tmp_path / "output"
    build(SAMPLE, out)
    assert "Första bygget" in (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_unchanged_rebuild_reports_no_changes(tmp_path):
    out = tmp_path / "output"
    build(SAMPLE, out)
    result = build(SAMPLE, out)
    assert "No changes since the previous build." in result.output
    assert "Inga ändringar" in (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_changed_contribution_is_reported_with_cell_figures_and_documents(tmp_path, new_sundsvall):
    out = tmp_path / "output"
    build(SAMPLE, out)
    result = build(new_sundsvall, out)
    assert "input  Finansiering!D11 [Sundsvalls kommun · 2027]: 661 270 → 700 000" in result.output
    report = (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")
    assert "| Finansiering!D11 | Sundsvalls kommun · 2027 | 661 270 | 700 000 |" in report
    for year in (2027, 2028, 2029):
        assert f"| Sundsvalls kommun {year} | 661 270 | 700 000 |" in report
    assert "| Sundsvalls kommun totalt | 1 983 810 | 2 100 000 |" in report
    assert "| Tillväxtverket totalt | 16 078 500 | 15 962 310 |" in report  # the balancing amount follows
    assert "| EU-stödets andel av total projektkostnad | 40,00 % | 39,71 % |" in report
    assert "Summa projektkostnad" not in report  # the total cost did not change
    resend = [line for line in report.splitlines() if line.startswith("- ")]
    assert any("Sundsvalls kommun – Medfinansieringsintyg.docx" in line and "Finansiering!D11" in line
               for line in resend)
    assert any("Ånge kommun – Beslutsunderlag.docx" in line for line in resend)  # its financing table changed
    assert not any("Ånge kommun – Medfinansieringsintyg.docx" in line for line in resend)
    assert not any("Region Västernorrland" in line for line in resend)


@pytest.mark.slow
def test_diff_json(new_sundsvall):
    result = CliRunner().invoke(main, ["diff", str(SAMPLE), str(new_sundsvall), "--json",
                                       "--templates", str(ROOT / "templates")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["inputs"] == [{"kind": "changed", "name": "Finansiering!D11", "label": "Sundsvalls kommun · 2027",
                               "old": 661270, "new": 700000}]
    figures = {f["name"]: (f["old"], f["new"]) for f in data["figures"]}
    assert figures["Sundsvalls kommun totalt"] == (1983810, 2100000)
    paths = {d["path"]: d for d in data["documents"]}
    certificate = paths["finansiarer/Sundsvalls kommun – Medfinansieringsintyg.docx"]
    assert certificate["why"] == "changed"
    assert certificate["cells"] == ["Finansiering!D11", "Finansiering!E11", "Finansiering!F11"]
    assert "finansiarer/Ånge kommun – Medfinansieringsintyg.docx" not in paths


@pytest.mark.slow
def test_diff_of_identical_files(tmp_path):
    # --out names a folder without a send register: the repository's own (from make run) would list unsent documents
    result = CliRunner().invoke(main, ["diff", str(SAMPLE), str(SAMPLE), "--templates", str(ROOT / "templates"),
                                       "--out", str(tmp_path / "output")])
    assert result.exit_code == 0
    assert result.output.startswith("No changes between")


@pytest.mark.slow
def test_rebuild_archives_previous_documents_when_they_change(tmp_path, new_sundsvall):
    out = tmp_path / "output"
    build(SAMPLE, out)
    build(SAMPLE, out)  # same documents: nothing to archive
    assert not (out / "arkiv").exists()
    edited = out / "kommuner" / "Ånge kommun – Beslutsunderlag.docx"
    hand_edit = edited.read_bytes() + b"hand-edited"  # an administrator saved a changed draft
    edited.write_bytes(hand_edit)
    result = build(new_sundsvall, out)
    sets = list((out / "arkiv").iterdir())
    assert len(sets) == 1 and "previous documents were kept" in result.output
    assert (sets[0] / "kommuner" / "Ånge kommun – Beslutsunderlag.docx").read_bytes() == hand_edit
    assert (sets[0] / "manifest.json").exists()


def test_archive_keeps_the_newest_sets(tmp_path):
    from hso_xl.output.archive import archive_previous

    out, staging = tmp_path / "out", tmp_path / "staging"
    for i in range(4):
        (out / "arkiv" / f"2026-01-0{i + 1}_080000").mkdir(parents=True)
    (out / "doc.docx").write_bytes(b"old")
    staging.mkdir()
    added = archive_previous(out, staging, {"doc.docx": b"new"}, keep=3)
    kept = sorted(p.name for p in (staging / "arkiv").iterdir())
    assert len(kept) == 3 and added.name in kept and "2026-01-01_080000" not in kept
    assert (added / "doc.docx").read_bytes() == b"old"


# -- issue 10: exactly the documents whose content changed, inputs by meaning ----------------------

def edited(tmp_path: Path, name: str, cells: dict) -> Path:
    path = tmp_path / name
    shutil.copy(SAMPLE, path)
    wb = openpyxl.load_workbook(path)
    for reference, value in cells.items():
        sheet, cell = reference.split("!")
        wb[sheet][cell] = value
    wb.save(path)
    return path


def resent(out: Path) -> list[str]:
    report = (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")
    paths = [line[2:].split(" (", 1)[0] for line in report.split("## Dokument att skicka igen", 1)[1]
             .split("\n## ", 1)[0].splitlines() if line.startswith("- ")]
    return [path for path in paths if path.endswith((".docx", ".xlsx"))]  # not the notes below the list


@pytest.mark.slow
def test_a_changed_diarienummer_resends_that_municipalitys_two_documents_only(tmp_path):
    out = tmp_path / "output"
    build(SAMPLE, out)
    result = build(edited(tmp_path, SAMPLE.name, {"Kommuner!E4": "KS 2026/000099"}), out)
    assert resent(out) == ["finansiarer/Härnösands kommun – Medfinansieringsintyg.docx",
                           "kommuner/Härnösands kommun – Beslutsunderlag.docx"]
    assert "Kommuner!E4 [Härnösand · Diarienummer KS]: KS 2026/000045 → KS 2026/000099" in result.output


@pytest.mark.slow
def test_a_template_edit_resends_every_document_of_that_template_saying_so(tmp_path):
    from docx import Document

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    out = tmp_path / "output"
    run = lambda: CliRunner().invoke(main, ["build", str(SAMPLE), "--templates", str(templates), "--out", str(out)])
    assert run().exit_code == 0
    draft = templates / "kommun" / "Beslutsunderlag.docx"
    doc = Document(str(draft))
    doc.add_paragraph("Ett nytt stycke om uppföljning.")
    doc.save(str(draft))
    result = run()
    assert result.exit_code == 0, result.output
    report = (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")
    drafts = [line for line in report.splitlines() if line.startswith("- kommuner/")]
    assert len(drafts) == 7 and all("(mallen har ändrats)" in line for line in drafts)
    assert resent(out) == sorted((line[2:].split(" (", 1)[0] for line in drafts), key=sort_key)
    assert "No changes since the previous build." not in result.output


@pytest.mark.slow
def test_a_changed_amount_lists_the_documents_that_show_it(tmp_path, new_sundsvall):
    out = tmp_path / "output"
    build(SAMPLE, out)
    build(new_sundsvall, out)
    listed = resent(out)
    assert "finansiarer/Sundsvalls kommun – Medfinansieringsintyg.docx" in listed
    assert "finansiarer/Ånge kommun – Medfinansieringsintyg.docx" not in listed  # Ånge's certificate reads the same
    assert len([p for p in listed if p.startswith("kommuner/")]) == 7  # every draft's financing table shows it


@pytest.mark.slow
def test_a_changed_parameter_and_a_reverted_change(tmp_path):
    out = tmp_path / "output"
    build(SAMPLE, out)
    build(edited(tmp_path, "a.xlsx", {"Parametrar!B6": 0.14}), out)  # OH-sats 15 % -> 14 %
    changed = resent(out)
    assert "projekt/Budgetbilaga Tillväxtverket.docx" in changed and len(changed) >= 8
    report = (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")
    assert "| Parametrar!B6 | OH-sats · Värde | 0,15 | 0,14 |" in report
    build(SAMPLE, out)  # back to 15 % before anything was sent: the recipients have what they had, nothing to send
    assert resent(out) == []
    build(edited(tmp_path, "b.xlsx", {"Parametrar!B6": 0.14}), out)
    assert CliRunner().invoke(main, ["sent", "--all", "--out", str(out)]).exit_code == 0
    build(SAMPLE, out)  # back to 15 % after the 14 % version was sent: the same documents again, back to their old text
    assert resent(out) == changed
    assert "| Parametrar!B6 | OH-sats · Värde | 0,14 | 0,15 |" in (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_settings_change_is_named_as_the_reason(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "output"
    build(SAMPLE, out)
    (tmp_path / "hso.toml").write_text('[rounding]\ncosts = "Personal"\n', encoding="utf-8")
    build(SAMPLE, out)
    report = (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")
    appendix = next(line for line in report.splitlines() if line.startswith("- projekt/Budgetbilaga Tillväxtverket.docx"))
    assert "inställningarna i hso.toml har ändrats: rounding_costs" in appendix
    assert "| Summa bokförd kostnad 2028 |" not in report  # the totals stay; Personal and OH 2028 move a krona
    assert not any(line.startswith("- finansiarer/") for line in report.splitlines())


@pytest.mark.slow
def test_an_inserted_row_is_one_new_row_and_a_moved_row_is_silent(tmp_path, make_workbook):
    from hso_xl.sample import S0_COSTS, CostRow

    costs = S0_COSTS[:4] + (CostRow("Konferenser", (100_000, 50_000, 50_000)),) + S0_COSTS[4:]
    inserted = make_workbook(costs=costs)
    result = CliRunner().invoke(main, ["diff", str(SAMPLE), str(inserted), "--json", "--templates", str(ROOT / "templates")])
    data = json.loads(result.output)
    assert data["inputs"] == [{"kind": "added", "name": "Budget!A8", "label": "Konferenser", "old": None, "new": None,
                               "cells": {"2027": 100000, "2028": 50000, "2029": 50000}}]
    moved = make_workbook(costs=S0_COSTS[:3] + (S0_COSTS[5],) + S0_COSTS[3:5] + S0_COSTS[6:])  # Resor och logi moved up
    data = json.loads(CliRunner().invoke(main, ["diff", str(SAMPLE), str(moved), "--json"]).output)
    assert data["inputs"] == []


@pytest.mark.slow
def test_a_renamed_label_is_one_rename(tmp_path):
    renamed = edited(tmp_path, "r.xlsx", {"Budget!A7": "Externa tjänster och konsulter"})
    data = json.loads(CliRunner().invoke(main, ["diff", str(SAMPLE), str(renamed), "--json"]).output)
    assert data["inputs"] == [{"kind": "renamed", "name": "Budget!A7",
                               "label": "Externa tjänster → Externa tjänster och konsulter", "old": None, "new": None}]


@pytest.mark.slow
def test_the_console_summary_stays_short_and_the_file_holds_everything(tmp_path):
    many = edited(tmp_path, "many.xlsx", {f"Kommuner!E{row}": f"KS 2027/{row}" for row in range(4, 11)}
                  | {"Budget!B7": 1_900_000, "Budget!C7": 900_000, "Budget!D7": 650_000})
    out = tmp_path / "output"
    build(SAMPLE, out)
    result = build(many, out)
    summary = result.output.split("Changes from", 1)[1].split("Wrote", 1)[0]
    assert len(summary.splitlines()) <= 50  # a heading per recipient (9) since the send register, the rest as before
    report = (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")
    assert all(f"KS 2027/{row}" in report for row in range(4, 11))


# -- in the user's language -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sundsvall_report(tmp_path_factory):
    """The change report from the sample to the sample with Sundsvall's 2027 raised to 700 000 kr."""
    from hso_xl.build import check_for_documents, render_jobs
    from hso_xl.changes import compare, snapshot
    from hso_xl.settings import Settings

    path = tmp_path_factory.mktemp("sv") / "HSO_finansiering_ny.xlsx"
    shutil.copy(SAMPLE, path)
    wb = openpyxl.load_workbook(path)
    wb["Finansiering"]["D11"] = 700_000
    wb.save(path)
    snapshots = []
    for workbook in (SAMPLE, path):
        checked, plan = check_for_documents(workbook, Settings(), ROOT / "templates")
        snapshots.append(snapshot(checked, render_jobs(plan.jobs), plan.report_data))
    return compare(*snapshots)


@pytest.mark.slow
def test_the_summary_speaks_swedish(sundsvall_report):
    from hso_xl.changes import render_summary
    from hso_xl.i18n import speaking

    with speaking("sv"):
        lines = render_summary(sundsvall_report).splitlines()
    assert lines[:3] == [
        "Ändringar från HSO_finansiering_2027-2029.xlsx till HSO_finansiering_ny.xlsx:",
        "  indata      Finansiering!D11 [Sundsvalls kommun · 2027]: 661 270 → 700 000",
        "  nyckeltal   Sundsvalls kommun 2027: 661 270 → 700 000",
    ]
    assert "  skicka igen Sundsvalls kommun:" in lines  # the documents per recipient
    assert (" " * 16 + "finansiarer/Sundsvalls kommun – Medfinansieringsintyg.docx (visar ändrade uppgifter: "
            "Finansiering!D11 [Sundsvalls kommun · 2027] 661 270 → 700 000; 2 belopp som räknas fram ur ändrade "
            "uppgifter)") in lines
    with speaking("en"):
        english = render_summary(sundsvall_report).splitlines()
    assert english[1] == "  input  Finansiering!D11 [Sundsvalls kommun · 2027]: 661 270 → 700 000"
    assert "  resend Sundsvalls kommun:" in english
    assert (" " * 11 + "finansiarer/Sundsvalls kommun – Medfinansieringsintyg.docx (shows changed inputs: "
            "Finansiering!D11 [Sundsvalls kommun · 2027] 661 270 → 700 000; 2 figures computed from changed "
            "inputs)") in english


def test_the_change_file_is_swedish_whatever_the_user_speaks(sundsvall_report):
    from hso_xl.changes import first_build_markdown, render_markdown
    from hso_xl.i18n import speaking

    with speaking("en"):
        english = render_markdown(sundsvall_report), first_build_markdown()
    with speaking("sv"):
        swedish = render_markdown(sundsvall_report), first_build_markdown()
    assert english == swedish
    lines = swedish[0].splitlines()
    assert lines[:4] == ["# Ändringar sedan förra körningen", "",
                         "Arbetsbok: HSO_finansiering_2027-2029.xlsx → HSO_finansiering_ny.xlsx", ""]
    assert "## Dokument att skicka igen" in lines and "## Ändrade indata" in lines
    assert ("- finansiarer/Sundsvalls kommun – Medfinansieringsintyg.docx (visar ändrade uppgifter: "
            "Finansiering!D11 [Sundsvalls kommun · 2027] 661 270 → 700 000; belopp som räknas fram ur dem: "
            "Finansiering!E11 [Sundsvalls kommun · 2028] 661 270 → 700 000; Finansiering!F11 [Sundsvalls "
            "kommun · 2029] 661 270 → 700 000)") in lines
    assert "| cell | rad och kolumn | före | efter |" in lines
    assert "| nyckeltal | före | efter |" in lines
    assert swedish[1] == "# Ändringar\n\nFörsta bygget i den här mappen: det finns inget tidigare att jämföra med.\n"


@pytest.mark.parametrize("lang, more, nothing", [
    ("en", "  … and 1 more document (see ÄNDRINGAR.md)", "  input  Blad!A2: new row 'Ny AB' (2027 (empty))"),
    ("sv", "  … och ytterligare 1 dokument (se ÄNDRINGAR.md)", "  indata      Blad!A2: ny rad 'Ny AB' (2027 (tomt))"),
])
def test_the_summary_counts_what_it_leaves_out_in_words(lang, more, nothing):
    from hso_xl.changes import Change, ChangeReport, Resend, render_summary
    from hso_xl.i18n import speaking

    documents = [Resend(f"kommuner/{i:02}.docx", "new") for i in range(13)]
    report = ChangeReport("a.xlsx", "b.xlsx", [Change("added", "Blad!A2", "Ny AB", cells={"2027": None})], [],
                          documents)
    with speaking(lang):
        lines = render_summary(report).splitlines()
    assert lines[-1] == more and lines[1] == nothing
