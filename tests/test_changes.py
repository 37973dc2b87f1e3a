"""The change report: every build compares itself with the previous one; `hso-xl diff` compares two files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from hso_xl.cli import main

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


def test_first_build_says_there_is_nothing_to_compare(tmp_path):
    out = tmp_path / "output"
    build(SAMPLE, out)
    assert "Första bygget" in (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")


def test_unchanged_rebuild_reports_no_changes(tmp_path):
    out = tmp_path / "output"
    build(SAMPLE, out)
    result = build(SAMPLE, out)
    assert "No changes since the previous build." in result.output
    assert "Inga ändringar" in (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")


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


def test_diff_json(new_sundsvall):
    result = CliRunner().invoke(main, ["diff", str(SAMPLE), str(new_sundsvall), "--json",
                                       "--templates", str(ROOT / "templates")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["inputs"] == [{"name": "Finansiering!D11", "label": "Sundsvalls kommun · 2027", "old": 661270,
                               "new": 700000}]
    figures = {f["name"]: (f["old"], f["new"]) for f in data["figures"]}
    assert figures["Sundsvalls kommun totalt"] == (1983810, 2100000)
    paths = {d["path"]: d for d in data["documents"]}
    assert paths["finansiarer/Sundsvalls kommun – Medfinansieringsintyg.docx"]["cells"] == [
        "Finansiering!D11", "Finansiering!E11", "Finansiering!F11"]


def test_diff_of_identical_files():
    result = CliRunner().invoke(main, ["diff", str(SAMPLE), str(SAMPLE), "--templates", str(ROOT / "templates")])
    assert result.exit_code == 0
    assert result.output.startswith("No changes between")


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
