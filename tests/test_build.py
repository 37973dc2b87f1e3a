"""`hso-xl build` with small templates made here: figures, layout, determinism, atomicity, errors."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from hso_xl.build import safe_name
from hso_xl.cli import main

from .conftest import SAMPLE, sha256

KOMMUN = ("Kommun {{ kommun.namn }} betalar {{ kommun.per_ar[0]|kronor }} per år {{ period }}, "
          "totalt {{ kommun.totalt|kronor }}. Projektkostnad {{ budget.summa_projektkostnad.totalt|kr }}.")


def make_template(folder: Path, kind: str, name: str, *paragraphs: str) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    path = folder / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    make_template(folder, "kommun", "Beslut.docx", "Ärende", KOMMUN)
    make_template(folder, "projekt", "Bilaga.docx", "{{ projekt.namn }}: EU-stöd {{ eu.andel|procent(2) }} & <mer>")
    make_template(folder, "finansiar", "Intyg.docx", "{{ finansiar.namn }} intygar {{ finansiar.totalt|kr }}")
    return folder


def build(tmp_path: Path, templates: Path, *extra: str, workbook: Path = SAMPLE):
    out = tmp_path / "output"
    result = CliRunner().invoke(main, ["build", str(workbook), "--templates", str(templates), "--out", str(out), *extra])
    return result, out


def text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_build_writes_documents_with_workbook_figures(tmp_path, templates):
    result, out = build(tmp_path, templates)
    assert result.exit_code == 0, result.output
    ange = text(out / "kommuner" / "Ånge kommun – Beslut.docx")
    assert "Kommun Ånge kommun betalar 454\u00a0407\u00a0kronor per år 2027–2029, totalt 1\u00a0363\u00a0221\u00a0kronor." in ange
    assert "Projektkostnad 40\u00a0196\u00a0257\u00a0kr." in ange
    sundsvall = text(out / "kommuner" / "Sundsvalls kommun – Beslut.docx")
    assert "661\u00a0270\u00a0kronor" in sundsvall and "1\u00a0983\u00a0810\u00a0kronor" in sundsvall
    assert text(out / "projekt" / "Bilaga.docx") == "HSO – Hållbar samhällsomställning: EU-stöd 40,00\u00a0% & <mer>"
    assert len(list((out / "kommuner").iterdir())) == 7
    # every cash co-financier except the EU financier gets a certificate
    names = sorted(p.name for p in (out / "finansiarer").iterdir())
    assert "Region Västernorrland – Intyg.docx" in names and not any("Tillväxtverket" in n for n in names)
    assert len(names) == 8


def test_manifest_hashes_and_cells(tmp_path, templates):
    _, out = build(tmp_path, templates)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["workbook"]["sha256"] == sha256(SAMPLE)
    doc = next(d for d in manifest["documents"] if d["subject"] == "Ånge kommun" and d["template"] == "Beslut.docx")
    assert doc["sha256"] == sha256(out / doc["path"])
    assert doc["cells"] == ["Budget!B19", "Budget!C19", "Budget!D19", "Finansiering!D9", "Finansiering!E9",
                            "Finansiering!F9", "Kommuner!B6"]  # Kommuner!B6: the official name it prints
    assert {t["path"] for t in manifest["templates"]} == {"templates/kommun/Beslut.docx",
                                                        "templates/projekt/Bilaga.docx",
                                                        "templates/finansiar/Intyg.docx"}


def test_build_is_deterministic(tmp_path, templates):
    _, out = build(tmp_path, templates)
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    out2 = tmp_path / "another project" / "output"  # its own send register: a first build there too
    CliRunner().invoke(main, ["build", str(SAMPLE), "--templates", str(templates), "--out", str(out2)])
    second = {p.relative_to(out2): p.read_bytes() for p in out2.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert all(first[k] == second[k] for k in first)


def test_unknown_variable_names_template_and_paragraph_and_writes_nothing(tmp_path, templates):
    _, out = build(tmp_path, templates)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    make_template(templates, "kommun", "Trasig.docx", "Inledning", "Beloppet är {{ kommun.totlat|kr }} kronor.")
    result, _ = build(tmp_path, templates)
    assert result.exit_code == 2
    assert "Trasig.docx" in result.output
    assert 'in the paragraph "Beloppet är {{ kommun.totlat|kr }} kronor."' in result.output
    assert "totlat" in result.output
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # the previous set is intact


def test_syntax_error_is_reported_by_templates_check(tmp_path, templates):
    make_template(templates, "projekt", "Fel.docx", "Rubrik", "{% if projekt.namn %}Saknar slut")
    result = CliRunner().invoke(main, ["templates", "--templates", str(templates)])
    assert result.exit_code == 2
    assert "Fel.docx" in result.output and "Jinja syntax error" in result.output


def test_templates_lists_variables(tmp_path, templates):
    result = CliRunner().invoke(main, ["templates", "--templates", str(templates), "--check",
                                       "--workbook", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "    kommun.totalt" in result.output and "    budget.summa_projektkostnad.totalt" in result.output
    assert "All 3 templates render" in result.output


def test_sandbox_blocks_python_internals(tmp_path, templates):
    make_template(templates, "projekt", "Elak.docx", "{{ projekt.__class__.__mro__ }}")
    result, out = build(tmp_path, templates)
    assert result.exit_code == 2
    assert "Elak.docx" in result.output
    assert not out.exists()


def test_build_stops_on_error_findings(tmp_path, templates, sample):
    import openpyxl

    wb = openpyxl.load_workbook(sample)
    wb["Budget"]["C7"] = -1
    wb.save(sample)
    result, out = build(tmp_path, templates, workbook=sample)
    assert result.exit_code == 1
    assert "Budget!C7" in result.output
    assert not out.exists()


@pytest.mark.parametrize("raw, safe", [("Ånge kommun", "Ånge kommun"), ("A/B: C", "A-B- C"),
                                       ('x\\y*?"<>|z', "x-y-z"), ("..", "namnlös")])
def test_safe_name(raw, safe):
    assert safe_name(raw) == safe


def test_interrupted_build_leaves_previous_set_intact(tmp_path, templates, monkeypatch):
    import hso_xl.build as build_module

    _, out = build(tmp_path, templates)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    written = []
    real_write = build_module.write_bytes

    def write_then_fail(path, data):
        if len(written) == 3:
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C halfway
        written.append(path)
        real_write(path, data)

    monkeypatch.setattr(build_module, "write_bytes", write_then_fail)
    with pytest.raises(KeyboardInterrupt):
        build_module.build(SAMPLE, out, templates)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")
                 and p.name != ".hso"]  # the send register stays beside the output folder
    assert leftovers == []  # no staging folder left behind


def _start_build(out: Path, templates: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "hso_xl", "build", str(SAMPLE), "--templates", str(templates),
                             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _consistent(out: Path) -> bool:
    """True when every document the manifest lists is there with the listed hash."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return all(sha256(out / d["path"]) == d["sha256"] for d in manifest["documents"])


@pytest.mark.slow
def test_two_builds_at_once_do_not_corrupt_each_other(tmp_path, templates):
    out = tmp_path / "output"
    first, second = _start_build(out, templates), _start_build(out, templates)
    for proc in (first, second):
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
    assert _consistent(out)
    assert [p.name for p in tmp_path.iterdir() if ".new-" in p.name or ".previous" in p.name] == []


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.5, 1.5, 2.5])
def test_sigkill_midway_leaves_a_whole_set(tmp_path, templates, delay):
    out = tmp_path / "output"
    build(tmp_path, templates)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.docx")}
    proc = _start_build(out, templates)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    # the next run repairs an interrupted swap; until then the previous set may sit beside output/
    from hso_xl.output.atomic import recover

    recover(out)
    assert _consistent(out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.docx")}
    assert after.keys() == before.keys()
    build(tmp_path, templates)  # the next build cleans up after the killed one
    assert [p.name for p in tmp_path.iterdir() if ".new-" in p.name or ".previous" in p.name] == []


def test_unsafe_names_stay_inside_the_output_folder(tmp_path, templates, make_workbook):
    from hso_xl.sample import S0_MUNICIPALITIES, s0_cash_financiers

    odd = S0_MUNICIPALITIES[0].__class__("Ö", "../../Ö/vik: kommun", "9999", "", "KS 1", "x", 1)
    munis = S0_MUNICIPALITIES[:6] + (odd,)
    workbook = make_workbook(municipalities=munis, cash=s0_cash_financiers(munis))
    result, out = build(tmp_path, templates, workbook=workbook)
    assert result.exit_code == 0, result.output
    written = [p for p in tmp_path.rglob("*.docx") if "templates" not in p.parts]
    assert all(out in p.parents for p in written)
    assert (out / "kommuner" / "-..-Ö-vik- kommun – Beslut.docx").exists()


@pytest.mark.parametrize("strict, cells, english, swedish", [
    (False, {"C7": -1}, "the check found 1 error, so no document was written; first: ",
     "kontrollen hittade 1 fel, så inget dokument skrevs; det första: "),
    (True, {"B7": None, "C7": None},
     "the check found 2 errors or warnings (strict = true in hso.toml), so no document was written; first: ",
     "kontrollen hittade 2 fel eller varningar (strict = true i hso.toml), så inget dokument skrevs; det första: "),
], ids=["error", "strict"])
def test_a_stopped_build_says_why_in_the_users_language(sample, strict, cells, english, swedish):
    import dataclasses

    import openpyxl

    from hso_xl.build import stop_if_not_buildable
    from hso_xl.errors import BuildStopped
    from hso_xl.i18n import speaking
    from hso_xl.model.checked import check_workbook
    from hso_xl.settings import Settings

    wb = openpyxl.load_workbook(sample)
    for cell, value in cells.items():
        wb["Budget"][cell] = value
    wb.save(sample)
    checked = check_workbook(sample, dataclasses.replace(Settings(), strict=strict))
    with pytest.raises(BuildStopped) as stopped:
        stop_if_not_buildable(checked)
    first = next(f for f in checked.findings if f.severity.value in (("error", "warning") if strict else ("error",)))
    with speaking("sv"):
        assert str(stopped.value.message) == swedish + first.line()
        assert str(stopped.value.hint) == ("Kör 'hso-xl check' för att se allt som kontrollen hittade, rätta "
                                           "arbetsboken och bygg igen")
        assert stopped.value.to_json()["message"].startswith(english)  # JSON keeps English
    assert str(stopped.value.message) == english + first.line()


def test_no_template_to_render_is_said_in_swedish(tmp_path, sample):
    from hso_xl.build import build as run_build
    from hso_xl.errors import TemplateProblem
    from hso_xl.i18n import speaking

    (tmp_path / "mallar" / "kommun").mkdir(parents=True)
    with speaking("sv"), pytest.raises(TemplateProblem) as caught:
        run_build(sample, tmp_path / "ut", tmp_path / "mallar", only=("Intyg",))
    with speaking("sv"):
        assert caught.value.paragraph() == (
            f"{tmp_path / 'mallar'}: det finns ingen mall att fylla i som matchar Intyg. Lägg mallar (.docx eller "
            ".xlsx) i templates/kommun, templates/projekt, templates/finansiar eller templates/rapport.")
    assert not (tmp_path / "ut").exists()


def test_a_busy_output_folder_is_said_in_swedish(tmp_path):
    from hso_xl.errors import OutputProblem
    from hso_xl.i18n import speaking
    from hso_xl.output.atomic import build_lock

    out = tmp_path / "output"
    with build_lock(out), pytest.raises(OutputProblem) as busy, build_lock(out, wait=0):
        pass
    with speaking("sv"):
        assert busy.value.paragraph() == (f"{out}: ett annat bygge skriver till den här utdatamappen och blev inte "
                                          "klart i tid. Vänta tills det är klart och bygg sedan igen.")
    assert busy.value.to_json()["message"] == ("another build is writing to this output folder and did not finish "
                                               "in time")
