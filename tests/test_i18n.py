"""Every message a user reads exists in Swedish and in English; machine-readable output does not change.

The code writes messages in English through `_()` / `n_()` (hso_xl/i18n.py); the Swedish texts are
in hso_xl/locale/sv/*.po. These tests read the source: every message has its Swedish text, no
catalog entry is left over, and no message is written around `_()` (a plain string or f-string
handed to a finding, an error or its hint would be shown in English to a Swedish reader).
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from hso_xl.i18n import Message, _, catalog, n_, read_po, speaking

PACKAGE = Path(__file__).resolve().parents[1] / "hso_xl"
ERROR_CLASSES = re.compile(r"(Error|Problem|Unusable|Stopped|Found|Reference)$")
NOT_MESSAGES = {"ExcelError"}  # an Excel error value such as '#REF!' (workbook/book.py): data, not a message
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def messages_in_source() -> dict[object, str]:
    """Every msgid (and (msgid, plural)) the code uses, with where it is."""
    found: dict[object, str] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id == "_" and node.args and _literal(node.args[0]) is not None:
                found[_literal(node.args[0])] = f"{path.name}:{node.lineno}"
            elif node.func.id == "n_" and len(node.args) >= 2 and _literal(node.args[0]) and _literal(node.args[1]):
                found[(_literal(node.args[0]), _literal(node.args[1]))] = f"{path.name}:{node.lineno}"
    return found


def untranslatable() -> list[str]:
    """Findings, errors and hints given a plain string or an f-string instead of a message."""
    bad = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in NOT_MESSAGES:
                continue
            texts = []
            if name == "Finding" and len(node.args) >= 3:
                texts.append(node.args[2])
            elif ERROR_CLASSES.search(name) and name[:1].isupper() and node.args:
                texts.append(node.args[0])
            if name == "Finding" or (ERROR_CLASSES.search(name) and name[:1].isupper()):
                texts += [k.value for k in node.keywords if k.arg in ("hint", "message")]
            for text in texts:
                if isinstance(text, ast.JoinedStr) or (_literal(text) is not None and text.value.strip()):
                    bad.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {name}")
    return bad


def test_every_message_is_written_through_the_catalog():
    assert untranslatable() == []


def test_every_message_has_its_swedish_text():
    sv = catalog("sv")
    missing = {key: where for key, where in messages_in_source().items() if key not in sv}
    assert missing == {}


def test_no_swedish_text_is_left_over():
    used = set(messages_in_source())
    assert sorted(str(key) for key in catalog("sv") if key not in used) == []


def test_placeholders_are_the_same_in_both_languages():
    names = re.compile(r"\{(\w+)[^}]*\}")
    wrong = []
    for key, text in catalog("sv").items():
        english = " ".join(key) if isinstance(key, tuple) else key
        swedish = " ".join(text) if isinstance(text, list) else text
        if set(names.findall(english)) != set(names.findall(swedish)):
            wrong.append(english)
    assert wrong == []


def test_the_po_reader():
    po = read_po('''msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\\n"

#: hso_xl/x.py:1
msgid "the file is empty"
msgstr "filen är tom"

msgid ""
"two "
"lines"
msgstr "två rader"

msgid "{n} error"
msgid_plural "{n} errors"
msgstr[0] "{n} fel"
msgstr[1] "{n} fel"

msgid "untranslated"
msgstr ""
''')
    assert po == {"the file is empty": "filen är tom", "two lines": "två rader",
                  ("{n} error", "{n} errors"): ["{n} fel", "{n} fel"]}


def test_a_message_is_shown_in_the_language_asked_for():
    message = _("{n} formulas recomputed", n=3)
    with speaking("en"):
        assert str(message) == "3 formulas recomputed"
    plural = n_("{n} warning", "{n} warnings", 2)
    with speaking("en"):
        assert str(plural) == "2 warnings"
        assert str(n_("{n} warning", "{n} warnings", 1)) == "1 warning"
    assert isinstance(message, Message)


@pytest.mark.parametrize("count, words", [(1, "1 varning"), (2, "2 varningar")])
def test_swedish_plurals(count, words):
    if ("{n} warning", "{n} warnings") not in catalog("sv"):
        pytest.fail("the catalog has no Swedish plural for warnings")
    with speaking("sv"):
        assert str(n_("{n} warning", "{n} warnings", count)) == words


def test_no_module_hides_the_message_function():
    """`a, _, b = …` in a module that imports `_` makes the next `_("…")` call a TypeError or UnboundLocalError."""
    hidden = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports_it = any(isinstance(n, ast.ImportFrom) and (n.module or "").endswith("i18n")
                         and any(a.name == "_" for a in n.names) for n in ast.walk(tree))
        if not imports_it:
            continue
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, (ast.Assign, ast.For, ast.comprehension)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if any(isinstance(n, ast.Name) and n.id == "_" for n in ast.walk(target)):
                    hidden.append(f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', '?')}")
    assert hidden == []


def test_po_strings_read_as_python_reads_them():
    """i18n.po_string (no compiling at start-up) gives ast.literal_eval's text for every line of every catalog."""
    import ast

    from hso_xl.i18n import po_string

    lines = [line.strip() for path in PACKAGE.joinpath("locale").glob("*/*.po")
             for line in path.read_text(encoding="utf-8").splitlines()]
    quoted = [line.partition(" ")[2] if line.startswith("msg") else line for line in lines if line[:1] in ('"', "m")]
    assert len(quoted) > 1000
    for text in quoted + ['"a \\"b\\" \\\\n c\\n"', '"\\u00e5\\t"', '"\\\\"', '"tab\\there"']:
        assert po_string(text) == ast.literal_eval(text), text


def test_the_parsed_catalog_is_kept_and_read_again_when_a_file_changes(tmp_path, monkeypatch):
    from hso_xl import i18n

    locale = tmp_path / "locale"
    shutil.copytree(i18n._CATALOGS / "sv", locale / "sv")
    monkeypatch.setattr(i18n, "_CATALOGS", locale)
    monkeypatch.setenv("HSO_XL_CACHE", str(tmp_path / "cache"))
    kept = tmp_path / "cache" / "catalogs" / "sv.marshal"
    try:
        i18n.catalog.cache_clear()
        first = i18n.catalog("sv")
        assert kept.is_file() and first["Error: {paragraph}"] == "Fel: {paragraph}"
        i18n.catalog.cache_clear()
        assert i18n.catalog("sv") == first  # (from the kept copy)
        cli = locale / "sv" / "cli.po"
        cli.write_text(cli.read_text(encoding="utf-8").replace('"Fel: {paragraph}"', '"Fel!: {paragraph}"'),
                       encoding="utf-8")
        i18n.catalog.cache_clear()
        assert i18n.catalog("sv")["Error: {paragraph}"] == "Fel!: {paragraph}"  # the edit is read
        kept.write_bytes(b"\x00damaged")
        i18n.catalog.cache_clear()
        assert i18n.catalog("sv")["Error: {paragraph}"] == "Fel!: {paragraph}"  # a damaged copy is read past
        monkeypatch.setenv("HSO_XL_CACHE", "off")
        i18n.catalog.cache_clear()
        assert i18n.catalog("sv")["Error: {paragraph}"] == "Fel!: {paragraph}"
    finally:
        i18n.catalog.cache_clear()
