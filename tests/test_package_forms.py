"""Every form of package Excel, LibreOffice and the common libraries write opens, with the sample's figures.

The sample workbook is rewritten the way another program writes the same cells (tests/package_forms.py):
`check` must print exactly what it prints for the sample. The defences against hostile files still
hold for the forms now accepted (a UTF-16 part carrying a DTD is refused), and the engine's own
output (a Rust panic on stderr) never reaches the administrator.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from hso_xl.cli import main
from hso_xl.errors import WorkbookUnusable
from hso_xl.workbook.engine import recompute
from hso_xl.workbook.load import load_workbook
from hso_xl.workbook.normalise import normalised_copy

from . import package_forms as forms
from .conftest import SAMPLE


def check(path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", str(path)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory) -> str:
    from hso_xl.i18n import speaking

    path = tmp_path_factory.mktemp("sample") / SAMPLE.name
    path.write_bytes(SAMPLE.read_bytes())
    with pytest.MonkeyPatch.context() as patch, speaking("en"):  # the module's fixture runs before the autouse one
        patch.setenv("LANGUAGE", "en")
        code, out, err = check(path)
    assert code == 0 and "Result: OK" in out, out + err
    return out.replace(str(path), "<file>")


FORMS = {
    "power_query_utf16": forms.power_query,
    "power_query_utf16_without_bom": lambda m: forms.power_query(m, encode=lambda t: t.encode("utf-16-le")),
    "strict": forms.strict,
    "without_r": forms.without_r,
    "absolute_targets": forms.absolute_targets,
    "inline_strings": forms.inline_strings,
    "renamed_parts": lambda m: forms.renamed_parts(m, {"xl/worksheets/sheet3.xml": "xl/budget.xml",
                                                       "xl/sharedStrings.xml": "xl/SharedStrings.xml",
                                                       "xl/styles.xml": "xl/format/Styles.xml"}),
    "all_at_once": lambda m: forms.absolute_targets(forms.without_r(forms.strict(forms.power_query(m)))),
}


@pytest.mark.parametrize("form", FORMS, ids=list(FORMS))
def test_the_sample_written_another_way_gives_the_sample_figures(form: str, tmp_path: Path, sample_report: str):
    path = forms.write(tmp_path / SAMPLE.name, FORMS[form](forms.members_of(SAMPLE)))
    code, out, err = check(path)
    assert (code, err) == (0, ""), out + err
    assert out.replace(str(path), "<file>") == sample_report
    assert "Summa finansiering         14 179 668    13 001 909    13 014 680     40 196 257" in out


def test_the_forms_really_are_what_they_claim(tmp_path: Path):
    """Without normalise.py the engine refuses each (the tests above would prove nothing otherwise)."""
    import ironcalc

    for form in ("strict", "without_r"):
        path = forms.write(tmp_path / f"{form}.xlsx", FORMS[form](forms.members_of(SAMPLE)))
        with pytest.raises(BaseException) as raised:  # IronCalc's errors (and panics) derive from BaseException
            ironcalc.load_from_xlsx(str(path), "en", "UTC")
        assert "Missing" in str(raised.value), form
    path = forms.write(tmp_path / "renamed.xlsx", FORMS["renamed_parts"](forms.members_of(SAMPLE)))
    with pytest.raises(BaseException):  # styles under another name; a sheet outside xl/worksheets/ panics
        ironcalc.load_from_xlsx(str(path), "en", "UTC")
    path = forms.write(tmp_path / "dated.xlsx", forms.iso_date(forms.members_of(SAMPLE), "xl/worksheets/sheet1.xml",
                                                               "B18", "2026-01-30T00:00:00"))
    model = ironcalc.load_from_xlsx(str(path), "en", "UTC")
    assert model.get_cell_value(0, 18, 2) == "#N/IMPL!"  # the Dokumentdatum, as the engine reads an ISO date
    data = forms.write(tmp_path / "pq.xlsx", forms.power_query(forms.members_of(SAMPLE))).read_bytes()
    assert b"\xff\xfe<\x00?\x00x\x00m\x00l\x00" in _member(data, "customXml/item1.xml")[:12]


def _member(data: bytes, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(name)


def test_a_date_written_as_iso_text_is_the_same_date(tmp_path: Path):
    members = forms.iso_date(forms.members_of(SAMPLE), "xl/worksheets/sheet1.xml", "B18", "2026-01-30T00:00:00")
    code, out, err = check(forms.write(tmp_path / SAMPLE.name, members))
    assert code == 0, out + err
    assert re.search(r"^Document date: 2026-01-30 \(Dokumentdatum, Projekt!B18\)$", out, re.M), out


def test_openpyxl_comments_linked_by_absolute_paths(tmp_path: Path, sample_report: str):
    """openpyxl links a sheet's comments as /xl/comments/comment1.xml, which IronCalc turned into a missing part."""
    path = tmp_path / SAMPLE.name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(SAMPLE)
        book["Budget"]["A1"].comment = openpyxl.comments.Comment("Reviderad i januari", "Ekonom")
        book.save(path)
    assert b'Target="/xl/comments/comment1.xml"' in _member(path.read_bytes(), "xl/worksheets/_rels/sheet3.xml.rels")
    code, out, err = check(path)
    assert (code, err) == (0, ""), out + err
    figures = [line for line in sample_report.splitlines() if re.search(r"\d \d{3} \d{3}", line)]
    assert figures and all(line in out for line in figures)


def test_a_sheet_moved_out_of_worksheets_keeps_its_comments(tmp_path: Path, sample_report: str):
    """The sheet's own relationships follow it to its new name (IronCalc panicked on a sheet outside worksheets/)."""
    path = tmp_path / "kommentar.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(SAMPLE)
        book["Budget"]["A1"].comment = openpyxl.comments.Comment("Reviderad i januari", "Ekonom")
        book.save(path)
    moved = forms.write(tmp_path / SAMPLE.name, forms.renamed_parts(
        forms.members_of(path), {"xl/worksheets/sheet3.xml": "xl/Budget/blad.xml"}))
    assert "xl/Budget/_rels/blad.xml.rels" in dict(forms.members_of(moved))
    copy = normalised_copy(moved, tmp_path)
    members = dict(forms.members_of(copy))
    rels = next(data for name, data in members.items() if name.startswith("xl/worksheets/_rels/sheet"))
    assert b'Target="../comments/comment1.xml"' in rels
    code, out, err = check(moved)
    assert (code, err) == (0, ""), out + err
    figures = [line for line in sample_report.splitlines() if re.search(r"\d \d{3} \d{3}", line)]
    assert all(line in out for line in figures)


def test_a_workbook_excel_saves_needs_no_copy(tmp_path: Path):
    assert normalised_copy(SAMPLE, tmp_path) is None
    assert list(tmp_path.iterdir()) == []


def test_the_input_is_never_touched_and_the_copy_goes_away(tmp_path: Path):
    path = forms.write(tmp_path / SAMPLE.name, forms.strict(forms.members_of(SAMPLE)))
    before = path.read_bytes()
    workbook = load_workbook(path)
    copy = Path(workbook.package)
    assert copy != path and copy.exists() and workbook.path == path
    del workbook
    import gc

    gc.collect()
    assert not copy.exists()
    assert path.read_bytes() == before


# -- the defences hold for the forms now accepted ---------------------------------------------------

EXTERNAL_ENTITY = '<!DOCTYPE DataMashup [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
HOSTILE = {
    "utf16_external_entity": lambda m: forms.power_query(m, EXTERNAL_ENTITY),
    "utf16_without_bom_entity": lambda m: forms.power_query(m, EXTERNAL_ENTITY, lambda t: t.encode("utf-16-le")),
    "utf16_big_endian_entity": lambda m: forms.power_query(m, EXTERNAL_ENTITY, lambda t: t.encode("utf-16-be")),
    "utf16_without_bom_after_white_space": lambda m: forms.power_query(
        m, EXTERNAL_ENTITY, lambda t: ("\r\n " + t).encode("utf-16-le")),
    "utf16_entity_split_by_chunks": lambda m: forms.power_query(m, " " * 65_533 + EXTERNAL_ENTITY),
    "utf32": lambda m: forms.power_query(m, "", lambda t: t.replace("utf-16", "utf-32").encode("utf-32")),
    "utf7_declared": lambda m: forms.power_query(
        m, "", lambda t: t.replace("utf-16", "UTF-7").replace("<DataMashup", "+ADw-!DOCTYPE x+AD4-<DataMashup").encode()),
}


@pytest.mark.parametrize("hostile", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_part_in_another_encoding_is_still_refused(hostile: str, tmp_path: Path):
    path = forms.write(tmp_path / "pq.xlsx", HOSTILE[hostile](forms.members_of(SAMPLE)))
    code, out, err = check(path)
    assert code == 2 and out == "", out + err
    assert "customXml/item1.xml" in err and "crafted to attack" in err, err
    assert "root:" not in out + err
    assert len(err.strip().splitlines()) == 1


# -- the engine's own output ----------------------------------------------------------------------------

def test_an_engine_panic_is_one_paragraph_and_its_stderr_is_kept_from_the_user(tmp_path: Path, capfd):
    """A defined name scoped to a sheet that does not exist makes IronCalc 0.9 panic (normalise.py drops it;
    here the engine is given the raw file), printing Rust's panic message on stderr."""
    members = forms._edit(forms.members_of(SAMPLE), lambda n: n == "xl/workbook.xml", lambda d: d.replace(
        b"<definedNames>", b'<definedNames><definedName name="Gammal" localSheetId="9">Budget!$A$1</definedName>'))
    path = forms.write(tmp_path / "panik.xlsx", members)
    workbook = load_workbook(path)
    workbook.engine_package = path
    capfd.readouterr()
    with pytest.raises(WorkbookUnusable) as raised:
        recompute(workbook)
    printed = capfd.readouterr()
    assert printed.err == "" and printed.out == ""
    paragraph = raised.value.paragraph()
    assert paragraph.startswith(f"{path}: the calculation engine (IronCalc) stopped on something"), paragraph
    words = paragraph.replace(str(path), "<file>")
    assert "panic" not in words and "index" not in words, words
    code, out, err = check(path)  # as the administrator runs it: normalise.py leaves the engine nothing to trip on
    assert (code, err) == (0, ""), out + err


def test_a_formula_reading_an_iso_date_computes(tmp_path: Path):
    """The engine gets the ISO date as the serial Excel stores (it gives #N/IMPL! for t="d" itself)."""
    members = forms.iso_date(forms.members_of(SAMPLE), "xl/worksheets/sheet1.xml", "B18", "2026-01-30T00:00:00")
    members = forms._edit(members, lambda n: n == "xl/worksheets/sheet1.xml", lambda d: d.replace(
        b"<v>2026-01-30T00:00:00</v></c>", b"<v>2026-01-30T00:00:00</v></c><c r=\"C18\"><f>YEAR(B18)+B18-B18</f>"
        b"<v>2026</v></c>", 1))
    workbook = load_workbook(forms.write(tmp_path / SAMPLE.name, members))
    assert workbook.engine_package != workbook.package
    report = recompute(workbook)
    assert workbook.sheet("Projekt").value(18, 3) == 2026
    assert not report.failed


def test_a_damaged_template_workbook_is_named_without_openpyxls_words(tmp_path: Path):
    from hso_xl.errors import TemplateProblem
    from hso_xl.render.xlsx import open_template

    members = forms._edit(forms.members_of(SAMPLE), lambda n: n == "xl/styles.xml",
                          lambda d: d.replace(b"<cellXfs", b"<cellXfs><xf/></cellXfs><cellXfs", 1))
    members = forms._edit(members, lambda n: n == "xl/worksheets/sheet1.xml", lambda d: d[: len(d) // 2])
    template = forms.write(tmp_path / "Mall.xlsx", members)
    with pytest.raises(TemplateProblem) as raised:
        open_template(template)
    paragraph = raised.value.paragraph()
    assert paragraph.startswith(f"{template}: the template cannot be read as a workbook: a part of it is damaged.")
    assert not re.search(r"Error|Exception|line \d|column \d", paragraph), paragraph
