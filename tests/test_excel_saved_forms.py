"""Files Excel itself saved in the forms that used to be refused: Strict Open XML and a Power Query's UTF-16 part.

tests/test_package_forms.py rewrites the sample into each form by hand; these are real files from other projects
(tests/oracle/excel/saved_forms/README.md), so what Excel really writes is read too: every cell as LibreOffice reads
it, every formula agreeing with the value Excel cached, and the real Power Query parts carried by the sample giving
the sample's figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hso_xl.cli import main

from . import package_forms as forms
from .conftest import SAMPLE
from .helpers.compare import agrees
from .helpers.libreoffice import read_values, resave

SAVED = Path(__file__).parent / "oracle" / "excel" / "saved_forms"
FILES = sorted(p.name for p in SAVED.iterdir() if p.suffix in (".xlsx", ".xlsm"))
SHEETS = {  # as Excel shows their tabs
    "powerquery_complex.xlsm": ["Input"],
    "powerquery_simple.xlsx": ["Input", "StudentResults"],
    "strict_SampleSS.xlsx": ["First Sheet", "Sheet Number 2", "Sheet3"],
    "strict_SimpleStrict.xlsx": ["Sheet1", "Sheet Number 2"],
    "strict_sample.xlsx": ["Sheet1", "rich test", "Sheet3"],
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    return result.exit_code, result.stdout + result.stderr


def test_the_files_are_what_they_claim():
    """Strict namespaces, and a UTF-16 part with its byte-order mark: otherwise the tests below prove nothing."""
    import zipfile

    for name in FILES:
        with zipfile.ZipFile(SAVED / name) as package:
            if name.startswith("strict_"):
                assert b'conformance="strict"' in package.read("xl/workbook.xml"), name
            else:
                assert package.read("customXml/item1.xml").startswith(b"\xff\xfe<\x00?\x00x\x00m\x00l\x00"), name


@pytest.mark.parametrize("name", FILES)
def test_every_formula_agrees_with_what_excel_cached(name: str, tmp_path: Path):
    code, out = run("recalc", str(SAVED / name), "-o", str(tmp_path / name))
    assert code == 0, out
    assert " 0 differ, 0 could not be computed" in out, out


@pytest.mark.parametrize("name", FILES)
def test_check_reads_the_sheets_and_says_what_is_missing(name: str):
    """Not a budget, so check stops: for want of a budget, naming the sheets it read, never as damaged or hostile."""
    code, out = run("check", str(SAVED / name))
    assert code == 2, out
    assert "no budget was found in the workbook" in out, out
    assert "(it has the sheets " + ", ".join(f"'{s}'" for s in SHEETS[name]) + ")" in out, out
    assert "damaged" not in out and "attack" not in out, out


@pytest.mark.libreoffice
@pytest.mark.slow
def test_every_cell_reads_as_libreoffice_reads_it(tmp_path: Path):
    ours, theirs = tmp_path / "hso-xl", tmp_path / "libreoffice"
    ours.mkdir()
    for name in FILES:
        assert run("recalc", str(SAVED / name), "-o", str(ours / name))[0] == 0
    copies = {}  # LibreOffice is handed each as .xlsx (the test helper re-saves .xlsx only; macros stay off)
    for name in FILES:
        copies[name] = tmp_path / (Path(name).stem + ".xlsx")
        copies[name].write_bytes((SAVED / name).read_bytes())
    resaved = resave(list(copies.values()), theirs)
    for name in FILES:
        expected, got = read_values(resaved[copies[name].resolve()]), read_values(ours / name)
        assert expected, name
        wrong = [f"{sheet}!{cell}: LibreOffice {value!r}, hso-xl {got.get((sheet, cell))!r}"
                 for (sheet, cell), value in expected.items() if not agrees(value, got.get((sheet, cell)))]
        assert not wrong, f"{name}: " + "; ".join(wrong[:10])


def test_the_sample_carrying_a_real_power_query_gives_its_figures(tmp_path: Path):
    """The customXml parts of a file Excel saved with a Power Query, put into the sample as Excel puts them."""
    real = dict(forms.members_of(SAVED / "powerquery_simple.xlsx"))
    members = [(name, data) if not name.startswith("customXml/") else (name, real[name])
               for name, data in forms.power_query(forms.members_of(SAMPLE))]
    assert dict(members)["customXml/item1.xml"] == real["customXml/item1.xml"]
    path = forms.write(tmp_path / SAMPLE.name, members)
    code, out = run("check", str(path))
    assert code == 0, out
    assert "Summa finansiering         14 179 668    13 001 909    13 014 680     40 196 257" in out, out
    sample = tmp_path / "sample" / SAMPLE.name
    sample.parent.mkdir()
    sample.write_bytes(SAMPLE.read_bytes())
    assert out.replace(str(path), "<file>") == run("check", str(sample))[1].replace(str(sample), "<file>")
