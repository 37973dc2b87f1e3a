"""Document file names: safe on Windows, macOS and Linux, and two documents never share one."""

from __future__ import annotations

import dataclasses
import json

import pytest

from hso_xl.output.names import collisions, name_key, safe_file_name

from .test_build import build, templates  # noqa: F401  (the fixture)


@pytest.mark.parametrize("raw, safe", [
    ("Ånge kommun – Beslut.docx", "Ånge kommun – Beslut.docx"),
    ("CON.docx", "CON_.docx"), ("con", "con_"), ("Nul .txt", "Nul_.txt"), ("COM1", "COM1_"), ("LPT9.x.y", "LPT9_.x.y"),
    ("CONSOL.docx", "CONSOL.docx"), ("COM10", "COM10"),
    ("A/B", "A-B"), ("A:B", "A-B"), ('x\\y*?"<>|z', "x-y-z"), ("a\x00b\x1fc\x7fd\te", "abc-d-e"),
    ("namn. . ", "namn"), ("  .dold", "dold"), ("..", "namnlös"), ("", "namnlös"),
    ("A\u030angermanland", "Ångermanland"),  # decomposed (as macOS writes it) made one character
])
def test_safe_file_name_follows_the_windows_rules(raw, safe):
    assert safe_file_name(raw) == safe


def test_a_long_name_is_shortened_and_keeps_its_extension():
    name = safe_file_name("Ö" * 300 + " – Beslut.docx")
    assert len(name) == 200 and name.endswith("Ö.docx")


def test_names_that_are_one_file_on_windows_or_macos_collide():
    assert name_key("kommuner/Ånge – X.docx") == name_key("Kommuner/ÅNGE – x.DOCX")
    assert name_key("A\u030a.docx") == name_key("Å.docx")
    found = collisions([("k/A-B.docx", "A/B"), ("k/C.docx", "C"), ("k/a-b.docx", "a:b")])
    assert found == [("A/B", "a:b", "k/A-B.docx")]


def _two(make_workbook, first: str, second: str):
    from hso_xl.sample import S0_MUNICIPALITIES, s0_cash_financiers

    munis = (S0_MUNICIPALITIES[:5] + (dataclasses.replace(S0_MUNICIPALITIES[5], official=first),
                                      dataclasses.replace(S0_MUNICIPALITIES[6], official=second)))
    return make_workbook(municipalities=munis, cash=s0_cash_financiers(munis))


@pytest.mark.parametrize("first, second, path", [
    ("Ö/vik kommun", "Ö:vik kommun", "kommuner/Ö-vik kommun – Beslut.docx"),
    ("Åsele kommun", "Åsele kommun.", "kommuner/Åsele kommun – Beslut.docx"),
])
def test_a_collision_stops_the_build_naming_both_recipients_and_the_file(tmp_path, templates, make_workbook,  # noqa: F811
                                                                         first, second, path):
    workbook = _two(make_workbook, first, second)
    result, out = build(tmp_path, templates, workbook=workbook)
    assert result.exit_code == 1, result.output
    assert f"the documents for '{first}' and '{second}' would both be written to {path}" in result.output
    assert not out.exists()


def test_every_written_document_is_in_the_manifest_once(tmp_path, templates, make_workbook):  # noqa: F811
    result, out = build(tmp_path, templates, workbook=_two(make_workbook, "NUL", "Con kommun"))
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    paths = [d["path"] for d in manifest["documents"]]
    assert len(paths) == len({name_key(p) for p in paths})
    written = {p.relative_to(out).as_posix() for p in out.rglob("*.docx")}
    assert written == set(paths)
    assert "kommuner/NUL – Beslut.docx" in written


def test_a_manifest_that_does_not_match_the_files_stops_the_swap(tmp_path):
    from hso_xl.errors import OutputProblem
    from hso_xl.output.manifest import check_written

    (tmp_path / "a.docx").write_bytes(b"one")
    check_written(tmp_path, [("a.docx", b"one")])
    with pytest.raises(OutputProblem, match="differ from the list in manifest.json"):
        check_written(tmp_path, [("a.docx", b"two")])
    (tmp_path / "A.docx").write_bytes(b"one")  # beside a.docx here; the same file on Windows and macOS
    with pytest.raises(OutputProblem, match="a name given twice"):
        check_written(tmp_path, [("a.docx", b"one"), ("A.docx", b"one")])


def test_a_control_character_in_a_name_is_left_out_and_said(tmp_path, templates, make_workbook):  # noqa: F811
    from .test_build import text

    result, out = build(tmp_path, templates, workbook=_two(make_workbook, "Timrå kommun", "Örnsköldsviks\x00 kommun"))
    assert result.exit_code == 0, result.output
    assert ("warning: Kommuner!B10: 'Örnsköldsviks kommun' holds a control character (U+0000) that no document can "
            "carry, so documents leave it out") in result.output
    document = out / "kommuner" / "Örnsköldsviks kommun – Beslut.docx"
    assert "Kommun Örnsköldsviks kommun betalar" in text(document)
