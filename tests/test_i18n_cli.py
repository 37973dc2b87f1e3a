"""hso-xl speaks Swedish by default and English on request, end to end, through the real command line.

The commands run as a user runs them: a new process whose environment names no language (so the
default applies), `--lang en`, or `language = "…"` in hso.toml. The Swedish output must hold no
English sentence of ours, and `--json` must be the same in both languages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLE
from .test_bad_inputs import ALL_CASES, Case, by_id

pytestmark = [pytest.mark.slow]

# Words that are English only: none is a Swedish word, so none may stand in Swedish output of ours.
ENGLISH = {"the", "is", "are", "should", "cannot", "workbook", "error", "errors", "warning", "warnings", "which",
           "with", "from", "has", "have", "must", "this", "that", "was", "will", "would", "only", "when", "and",
           "or", "of", "to", "an", "not", "found", "file", "holds", "could", "missing", "formulas", "sheet"}


def run(*args: str, cwd: Path = ROOT, lang: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "HSO_XL_DEBUG")}
    env["PYTHONUTF8"] = "1"
    if lang:
        env["LANGUAGE"] = lang
    return subprocess.run([sys.executable, "-m", "hso_xl", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, env=env, timeout=300)


def english_words(text: str, *data: str) -> set[str]:
    """The English-only words of `text`, once file names and other data are taken out."""
    for value in data:
        text = text.replace(str(value), " ")
    text = re.sub(r"\S*[/\\]\S*", " ", text)  # paths
    text = re.sub(r"\{[{%].*?[%}]\}", " ", text)  # template tags quoted from a template
    return {w for w in re.findall(r"[A-Za-zÅÄÖåäö]+", text) if w.lower() in ENGLISH}


def test_check_speaks_swedish_by_default_and_english_when_asked():
    swedish = run("check", "input/HSO_finansiering_2027-2029.xlsx")
    assert swedish.returncode == 0, swedish.stderr
    assert swedish.stdout.startswith("Arbetsbok: input/HSO_finansiering_2027-2029.xlsx\n")
    assert "Resultat: OK" in swedish.stdout
    assert english_words(swedish.stdout) == set()
    english = run("--lang", "en", "check", "input/HSO_finansiering_2027-2029.xlsx")
    assert english.stdout.startswith("Workbook: input/HSO_finansiering_2027-2029.xlsx\n")
    assert "Result: OK" in english.stdout
    assert run("check", "input/HSO_finansiering_2027-2029.xlsx", lang="en_GB.UTF-8").stdout == english.stdout


def test_json_is_the_same_in_both_languages():
    swedish = run("check", "input/HSO_finansiering_2027-2029.xlsx", "--json")
    english = run("--lang", "en", "check", "input/HSO_finansiering_2027-2029.xlsx", "--json")
    assert swedish.stdout == english.stdout and '"message"' in swedish.stdout


@by_id(ALL_CASES)
def test_every_bad_input_is_told_in_swedish_and_in_english(case: Case, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = case.make(folder)
    swedish = run("check", str(path), cwd=folder)
    english = run("--lang", "en", "check", str(path), cwd=folder)
    assert swedish.returncode == english.returncode == 2
    assert swedish.stderr.startswith("Fel: ") and english.stderr.startswith("Error: ")
    assert swedish.stderr != english.stderr
    left = english_words(swedish.stderr, path, path.name)
    # A library's own text in parentheses (an XML parser's, the operating system's) is quoted as it is.
    left -= english_words(" ".join(re.findall(r"\(([^()]*)\)", swedish.stderr)), path)
    assert left == set(), swedish.stderr


def test_help_is_swedish_by_default():
    swedish = run("check", "--help")
    assert "Räkna om ARBETSBOK" in swedish.stdout and "Skriv resultatet som ett JSON-objekt" in swedish.stdout
    english = run("--lang", "en", "check", "--help")
    assert "Recompute WORKBOOK" in english.stdout
    main_help = run("--help")
    assert "Meddelandenas språk" in main_help.stdout


def test_hso_toml_chooses_the_language_and_lang_overrides_it(tmp_path: Path):
    shutil.copy(SAMPLE, tmp_path / SAMPLE.name)
    (tmp_path / "hso.toml").write_text('language = "en"\n', encoding="utf-8")
    assert run("check", SAMPLE.name, cwd=tmp_path).stdout.startswith("Workbook: ")
    assert run("--lang", "sv", "check", SAMPLE.name, cwd=tmp_path).stdout.startswith("Arbetsbok: ")


def test_build_diff_explain_and_templates_speak_swedish(tmp_path: Path):
    shutil.copytree(ROOT / "input", tmp_path / "input")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    built = run("build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Använder input/HSO_finansiering_2027-2029.xlsx (den senast sparade arbetsboken i "
                                   "input/)\nKontrollerade ")
    assert "Skrev 24 dokument till output/ (se manifest.json)" in built.stdout
    assert english_words(built.stdout) == set(), built.stdout
    again = run("build", cwd=tmp_path)
    assert "Inga ändringar sedan förra bygget." in again.stdout or "inga ändringar" in again.stdout.lower()
    explained = run("explain", "kommun.totalt", "--kommun", "Ånge", cwd=tmp_path)
    assert explained.returncode == 0, explained.stderr
    assert english_words(explained.stdout) == set(), explained.stdout
    listed = run("templates", "--check", cwd=tmp_path)
    assert "en gång per kommun" in listed.stdout and "Alla 5 mallar går att fylla i" in listed.stdout
    other = tmp_path / "other.xlsx"
    shutil.copy(SAMPLE, other)
    import openpyxl

    wb = openpyxl.load_workbook(other)
    wb["Kommuner"]["E4"] = "KS 2026/000099"
    wb.save(other)
    diffed = run("diff", str(SAMPLE), str(other), "--templates", str(tmp_path / "templates"), cwd=tmp_path)
    assert "Kommuner!E4" in diffed.stdout
    assert english_words(diffed.stdout, SAMPLE, other) == set(), diffed.stdout
