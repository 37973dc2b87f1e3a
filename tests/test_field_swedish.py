"""Field test of the Swedish command line: click's own texts (usage lines, help headings, the mistakes a
user makes typing a command) are Swedish by default and English with --lang en, and a parameter's
help follows --lang (click fixed it in the language of the moment the command was defined).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from hso_xl.cli import _click_catalog, main

from .conftest import ROOT, SAMPLE

COMMANDS = ["build", "check", "diff", "explain", "recalc", "templates", "watch"]
# English-only words; none is Swedish, so none may stand in Swedish output (options like --help aside).
ENGLISH = {"usage", "options", "commands", "show", "message", "exit", "try", "such", "missing", "arguments",
           "invalid", "value", "for", "directory", "workbook", "folder", "default", "the", "is", "not", "of",
           "one", "and", "or", "to", "file", "name", "seconds", "old", "new", "error", "version", "with", "from",
           "when", "every", "each", "also", "print", "write", "recompute", "render"}
# click texts hso-xl never shows: raised only when a program declares its parameters wrongly, prompts
# hso-xl does not use, and parameter types none of its commands has.
NOT_SHOWN = {
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}",
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? Did you "
    "mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Invalid start character for option ({option})",
    "Do you want to continue?", "Confirm the action without prompting.", "Press any key to continue...",
    "Repeat for confirmation", "Error: The two entered values do not match.", "Error: invalid input",
    "Unknown color {colour!r}", "Choice({choices})", "{value!r} is not a valid UUID.",
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."),
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="hso-xl")


def english_words(text: str) -> set[str]:
    text = re.sub(r"--?[a-z][a-z-]*", " ", text)  # option names
    text = re.sub(r"\S*[/\\.]\S*", " ", text)  # paths, file names
    text = re.sub(r"`[^`]*`", " ", text)  # commands quoted in the help
    text = re.sub(r"'[^']*'", " ", text)  # what the user typed, quoted
    return {w for w in re.findall(r"[A-Za-zÅÄÖåäö]+", text) if w.lower() in ENGLISH}


def click_messages() -> set:
    """Every text click's modules hand to gettext (the modules hso-xl points at its catalog)."""
    found = set()
    folder = Path(click.__file__).parent
    for module in ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types"):
        for node in ast.walk(ast.parse((folder / f"{module}.py").read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if texts:
                    found.add(texts[0] if node.func.id == "_" else (texts[0], texts[1]))
    return found


def test_every_click_text_a_user_can_see_has_its_swedish_text():
    catalog = _click_catalog("sv")
    messages = click_messages()
    assert len(messages) > 40  # the source was read
    assert sorted(map(str, messages - NOT_SHOWN - set(catalog))) == []


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_swedish_by_default_and_english_with_lang_en(command):
    args = [command] if command else []
    swedish = run("--lang", "sv", *args, "--help")
    assert swedish.exit_code == 0
    assert swedish.output.startswith("Användning: hso-xl")
    assert "Alternativ:" in swedish.output and "Visa den här hjälpen och avsluta." in swedish.output
    assert english_words(swedish.output) == set(), swedish.output
    english = run("--lang", "en", *args, "--help")
    assert english.output.startswith("Usage: hso-xl")
    assert "Options:" in english.output and "Show this message and exit." in english.output
    assert not re.search(r"[åäöÅÄÖ]", english.output.replace("Ånge", "")), english.output


def test_option_help_follows_lang_whichever_language_came_first():
    for _round in range(2):
        assert "Folder searched for the newest workbook" in run("--lang", "en", "check", "--help").output
        assert "Mappen där den senast sparade arbetsboken hämtas" in run("--lang", "sv", "check", "--help").output
    assert "--input-dir MAPP" in run("--lang", "sv", "check", "--help").output
    assert "--input-dir FOLDER" in run("--lang", "en", "check", "--help").output
    assert "The language of messages" in run("--lang", "en", "--help").output


@pytest.mark.parametrize("args, swedish, english", [
    (["check", "--bogus"], "Fel: Alternativet '--bogus' finns inte.", "Error: No such option '--bogus'."),
    (["recalc"], "Fel: Argument saknas: 'ARBETSBOK'.", "Error: Missing argument 'WORKBOOK'."),
    (["diff", "a.xlsx"], "Fel: Argument saknas: 'NY'.", "Error: Missing argument 'NEW'."),
    (["explain"], "Fel: Argument saknas: 'REF'.", "Error: Missing argument 'REF'."),
    (["chek"], "Fel: Kommandot 'chek' finns inte. Menade du 'check'?",
     "Error: No such command 'chek'. Did you mean 'check'?"),
    (["watch", "--settle", "abc"], "Fel: Ogiltigt värde för '--settle': 'abc' är inte ett tal",
     "Error: Invalid value for '--settle': 'abc' is not a valid float."),
    (["build", "--input-dir", str(SAMPLE)], "Fel: Ogiltigt värde för '--input-dir': Mappen",
     "Error: Invalid value for '--input-dir': Directory"),
    (["recalc", str(SAMPLE), "-o"], "Fel: Alternativet '-o' behöver ett värde.",
     "Error: Option '-o' requires an argument."),
    (["check", "a", "b"], "Fel: Ett argument för mycket (b)", "Error: Got unexpected extra argument (b)"),
], ids=["no-such-option", "missing-argument", "missing-second", "missing-ref", "typo", "not-a-number",
        "not-a-folder", "needs-a-value", "extra-argument"])
def test_a_mistyped_command_is_told_in_swedish_and_in_english_with_lang_en(args, swedish, english):
    got = run("--lang", "sv", *args)
    assert got.exit_code == 2
    assert swedish in got.output, got.output
    assert "Try " not in got.output and "Usage:" not in got.output
    assert english_words(got.output.replace(str(SAMPLE), "")) == set(), got.output
    got = run("--lang", "en", *args)
    assert english in got.output, got.output
    assert "Fel:" not in got.output and "Användning:" not in got.output


def test_an_unknown_language_is_refused_in_the_language_of_the_environment(monkeypatch):
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(key, raising=False)
    run("--lang", "en", "--help")  # the language of an earlier command does not stick
    got = run("--lang", "xx", "check")
    assert got.exit_code == 2
    assert "Fel: Ogiltigt värde för '--lang': 'xx' är inte något av 'sv', 'en'." in got.output
    assert "Användning: hso-xl [ALTERNATIV] KOMMANDO [ARGUMENT]..." in got.output
    monkeypatch.setenv("LANGUAGE", "en")
    assert "Error: Invalid value for '--lang': 'xx' is not one of 'sv', 'en'." in run("--lang", "xx", "check").output


def test_version_option_help_in_both_languages():
    # (the column's width follows the longest option, so spaces are compared as one)
    assert "--version Visa versionen och avsluta." in " ".join(run("--lang", "sv", "--help").output.split())
    assert "--version Show the version and exit." in " ".join(run("--lang", "en", "--help").output.split())
    assert run("--version").output.startswith("hso-xl, version ")


@pytest.mark.slow
def test_the_templates_listing_and_check_speak_swedish():
    got = run("--lang", "sv", "templates", "--check", "--templates", str(ROOT / "templates"), "--workbook",
              str(SAMPLE))
    assert got.exit_code == 0, got.output
    assert "(en gång per kommun med rapportdata)" in got.output
    assert got.output.strip().splitlines()[-1].startswith("Alla 5 mallar")


@pytest.mark.slow
def test_a_reader_that_stops_reading_ends_the_command_quietly():
    """`hso-xl check --map | head -2`: no 'unexpected problem (BrokenPipeError …)' paragraph, exit 141."""
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "hso_xl", "check", "--map", str(SAMPLE)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader has gone before the check prints (as head does after its lines)
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141
    assert stderr == "", stderr


@pytest.mark.parametrize("text, swedish, english", [
    ("strict = tru\n", "(fel på rad 1, kolumn 10)", "(at line 1, column 10)"),
    ("a = [1,\n", "(fel i slutet av filen)", "(at the end of the file)"),
], ids=["bad-value", "unclosed"])
def test_a_broken_hso_toml_is_told_without_tomllibs_english(tmp_path, monkeypatch, text, swedish, english):
    (tmp_path / "hso.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    got = run("--lang", "sv", "check", str(SAMPLE))
    assert got.exit_code == 2
    assert f"Fel: hso.toml: inställningsfilen är inte giltig TOML {swedish}." in got.output, got.output
    assert english_words(got.output.replace(str(SAMPLE), "")) == set() and "Invalid" not in got.output
    assert english in run("--lang", "en", "check", str(SAMPLE)).output
