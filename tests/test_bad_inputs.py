"""Bad input is answered, never crashed on.

Every file of the corpus (tests/corpus.py) is given to hso-xl as a user gives it: `python -m hso_xl
check FILE` in a subprocess (and `recalc FILE -o OUT` for files that cannot be used at all), with a
few through click's CliRunner. Each must get exit code 2 and exactly one paragraph on stderr that
starts with "Error: ", names the file (and the sheet and cell where there is one), says what is wrong
and what to do; no traceback; an answer well within the 60 s timeout; and the input folder exactly as
it was: the input byte-identical and nothing written next to it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from hso_xl.cli import main

from . import corpus

TIMEOUT = 60


# -- the cases ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    make: Callable[[Path], Path]
    says: tuple[str, ...]  # what is wrong: fragments of the paragraph
    hint: str | tuple[str, ...]  # what to do: a fragment of the paragraph (one of several, if a tuple)
    where: str | None = None  # the sheet and cell named, e.g. "Finansiering!D9"

    @property
    def id(self) -> str:
        return self.make.__name__


# The file cannot be used as a workbook at all: `check` and `recalc` refuse it alike.
FILE_CASES = [
    Case(corpus.not_a_zip, ("not a zip",), "Excel Workbook (*.xlsx)"),
    Case(corpus.empty_file, ("empty",), "xlsx"),
    Case(corpus.truncated, ("damaged or incomplete",), "save it again"),
    Case(corpus.legacy_xls, ("Excel 97-2003", ".xls"), "Excel Workbook (*.xlsx)"),
    Case(corpus.legacy_xls_renamed, ("Excel 97-2003", ".xls"), "Excel Workbook (*.xlsx)"),
    Case(corpus.password_protected, ("password-protected",), "remove the password"),
    Case(corpus.docx_renamed, ("Word document",), ".xlsx"),
    Case(corpus.word_document, ("Word document",), ".xlsx"),
    Case(corpus.zipped_workbook, ("not an Excel workbook",), ".xlsx"),
    Case(corpus.directory, ("not a file",), ".xlsx"),
    Case(corpus.nonexistent, ("does not exist",), "Check the path"),
    Case(corpus.zip_bomb_one_part, ("zip bomb", "xl/media/image1.png"), "Ask the sender"),
    Case(corpus.zip_bomb_huge_part, ("zip bomb",), "Ask the sender"),
    Case(corpus.zip_bomb_many_parts, ("zip bomb",), "Ask the sender"),
    Case(corpus.zip_bomb_member_count, ("zip bomb",), "Ask the sender"),
    Case(corpus.zip_bomb_lying_sizes, (), ("save it again", "Ask the sender")),
    Case(corpus.zip_bomb_lying_content_types, (), ("save it again", "Ask the sender")),
    Case(corpus.billion_laughs, ("DTD", "xl/sharedStrings.xml"), "ask the sender"),
    Case(corpus.billion_laughs_after_comment, ("DTD", "xl/worksheets/sheet1.xml"), "ask the sender"),
    Case(corpus.external_entity, ("DTD", "xl/sharedStrings.xml"), "ask the sender"),
    Case(corpus.external_entity_utf16, ("DTD", "xl/sharedStrings.xml"), "ask the sender"),
    Case(corpus.dtd_in_workbook_xml, ("DTD", "xl/workbook.xml"), "ask the sender"),
    Case(corpus.dtd_in_part_with_other_name, ("DTD", "xl/worksheets/sheet1.dat"), "ask the sender"),
]

# A formula cannot be computed: `check` stops with one paragraph; `recalc` reports and writes nothing.
FORMULA_CASES = [
    Case(corpus.circular_reference, ("circular",), "Break the cycle", "Budget!B7"),
    Case(corpus.unknown_function, ("EUROCONVERT", "not supported"), "Replace the function", "Budget!B7"),
    Case(corpus.unknown_function_non_ascii, ("BUDGETRÄKNARE", "not supported"), "Replace the function", "Budget!B7"),
    Case(corpus.unimplemented_function, ("FORECAST.ETS", "not supported"), "Replace the function", "Budget!B7"),
    Case(corpus.external_workbook_reference, ("another workbook",), "Break Link", "Budget!B7"),
]
# An error value: `check` stops; `recalc` writes the copy and reports it (exit 1), as documented.
REF_ERROR = Case(corpus.ref_error, ("#REF!",), "Correct the formula", "Budget!B7")

# The workbook does not hold what docs/workbook.md requires.
CONTRACT_CASES = [
    Case(corpus.missing_sheet, ("no budget was found", "'Budget'"), "hso-xl reads two layouts"),
    Case(corpus.missing_header_label, ("no header cell 'Finansiär'",), "header row", "Finansiering"),
    Case(corpus.missing_total_label, ("'Summa projektkostnad'",), "ends with a row", "Budget!A3"),
    Case(corpus.text_amount, ('"454 407 kr"', "Ånge kommun", "2027"), "Type the number again with digits only", "Finansiering!D9"),
    Case(corpus.duplicate_municipality, ("listed twice", "Kommuner!B10"), "Remove the duplicate row", "Kommuner!B11"),
    Case(corpus.invalid_sector, ("'kommunal'", "'offentlig' or 'privat'"), "Type 'offentlig' or 'privat'",
         "Finansiering!B9"),
    Case(corpus.years_not_consecutive, ("not consecutive", "2027, 2028, 2030"), "no gaps", "Budget!B3"),
    Case(corpus.financing_years_differ, ("2028–2030", "2027–2029"), "same year columns", "Finansiering!D3"),
]

# A part or a value is damaged (Excel would offer to repair the file): the part, the sheet or the cell is named.
DAMAGED_CASES = [
    Case(corpus.damaged_number, ("holds '1.2.3'", "must hold a number"), "restore a copy", "Finansiering!D9"),
    Case(corpus.number_beyond_excel, ("holds '1e400'",), "restore a copy", "Finansiering!D9"),
    Case(corpus.damaged_sheet_xml, ("the sheet 'Finansiering' (xl/worksheets/sheet4.xml) is damaged",), "restore a copy"),
    Case(corpus.damaged_shared_strings, ("xl/sharedStrings.xml", "the texts of the cells"), "save it again"),
    Case(corpus.damaged_workbook_xml, ("xl/workbook.xml", "the list of sheets"), "save it again"),
    Case(corpus.damaged_relationships, ("xl/_rels/workbook.xml.rels",), "save it again"),
    Case(corpus.sheet_without_relationship, ("the sheet 'Parametrar'", "which part holds it"), "save it again"),
    Case(corpus.unknown_sheet_state, ("the sheet 'Projekt' is marked 'weird'",), "save it again"),
    Case(corpus.text_index_out_of_range, ("text number 99999", "xl/sharedStrings.xml"), "restore a copy", "Budget!A4"),
    Case(corpus.missing_sheet_part, ("xl/worksheets/sheet4.xml is missing",), "save it again"),
]

ALL_CASES = FILE_CASES + FORMULA_CASES + [REF_ERROR] + CONTRACT_CASES + DAMAGED_CASES
ENTITY_CASES = {"billion_laughs", "billion_laughs_after_comment", "external_entity", "external_entity_utf16",
                "dtd_in_workbook_xml", "dtd_in_part_with_other_name"}


def by_id(cases: list[Case]):
    return pytest.mark.parametrize("case", cases, ids=[c.id for c in cases])


def case(name: str) -> Case:
    return next(c for c in ALL_CASES if c.id == name)


# -- helpers ------------------------------------------------------------------------------------------

@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The folder the bad file lies in; it is also the working directory of the command."""
    path = tmp_path / "in"
    path.mkdir()
    return path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under `folder` with the sha256 of its content (directories as '<dir>')."""
    return {
        str(p.relative_to(folder)): ("<dir>" if p.is_dir() else sha256(p)) for p in sorted(folder.rglob("*"))
    }


def run_hso(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HSO_XL_DEBUG"}
    env["PYTHONUTF8"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "hso_xl", *args],
        capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT, cwd=cwd, env=env,
    )


def passwd_lines() -> list[str]:
    try:
        text = corpus.PASSWD.read_text(errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if len(line) >= 8]


def assert_no_leak(text: str) -> None:
    assert "root:x:0:0" not in text
    for line in passwd_lines():
        assert line not in text, f"content of {corpus.PASSWD} leaked into the output: {line!r}"


def assert_one_paragraph(stderr: str, path: Path, case: Case) -> str:
    """stderr is exactly one paragraph 'Error: ...' naming the file, the place, the problem and a hint."""
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one paragraph on one line, got {len(lines)} lines:\n{stderr}"
    paragraph = lines[0]
    assert paragraph.startswith("Error: "), paragraph
    assert str(path) in paragraph, f"the file is not named: {paragraph}"
    rest = paragraph.replace(str(path), "<file>")
    if case.where:
        assert case.where in rest, f"{case.where} is not named: {paragraph}"
    for fragment in case.says:
        assert fragment in rest, f"{fragment!r} not in: {paragraph}"
    hints = (case.hint,) if isinstance(case.hint, str) else case.hint
    assert any(hint in rest for hint in hints), f"no hint {case.hint!r} in: {paragraph}"
    return paragraph


def assert_untouched(folder: Path, before: dict[str, str], path: Path, digest: str | None) -> None:
    assert snapshot(folder) == before, "the input folder changed: something was written or modified"
    if digest is not None:
        assert sha256(path) == digest, "the input file was modified"


def prepare(case: Case, folder: Path) -> tuple[Path, dict[str, str], str | None]:
    path = case.make(folder)
    digest = sha256(path) if path.is_file() else None
    return path, snapshot(folder), digest


# -- controls: the corpus is made from a valid workbook, and openpyxl's re-save keeps it valid -------

@pytest.mark.parametrize("make", [corpus.valid_workbook, corpus.openpyxl_roundtrip], ids=["valid", "openpyxl_roundtrip"])
def test_control_workbooks_pass(make, folder):
    path = make(folder)
    result = run_hso("check", str(path), cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Result: OK" in result.stdout
    assert result.stderr == ""


# -- check ----------------------------------------------------------------------------------------------

@by_id(ALL_CASES)
def test_check_answers_with_one_paragraph(case: Case, folder: Path):
    path, before, digest = prepare(case, folder)
    result = run_hso("check", str(path), cwd=folder)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.returncode == 2, output
    assert result.stdout == ""
    assert_one_paragraph(result.stderr, path, case)
    if case.id in ENTITY_CASES:
        assert_no_leak(output)
    assert_untouched(folder, before, path, digest)


@pytest.mark.parametrize("name", ["text_amount", "password_protected", "directory"])
def test_check_json_error_object(name: str, folder: Path):
    c = case(name)
    path, before, digest = prepare(c, folder)
    result = run_hso("check", str(path), "--json", cwd=folder)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 2, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["exit_code"] == 2
    error = data["error"]
    assert error["file"] == str(path)
    assert error["location"] == c.where
    assert all(fragment in error["message"] for fragment in c.says), error
    assert c.hint in (error["hint"] or ""), error
    assert_one_paragraph(result.stderr, path, c)
    assert_untouched(folder, before, path, digest)


@pytest.mark.parametrize("name", ["invalid_sector", "duplicate_municipality", "missing_sheet", "legacy_xls"])
def test_check_in_process(name: str, folder: Path):
    """The same through click's CliRunner: the command exits 2 on its own, no exception escapes."""
    c = case(name)
    path, before, digest = prepare(c, folder)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exc_info
    assert result.stdout == ""
    assert_one_paragraph(result.stderr, path, c)
    assert_untouched(folder, before, path, digest)


def test_check_picks_a_bad_workbook_from_the_input_folder(folder: Path):
    """With no file named, the newest workbook in the input folder is used, and named in the answer."""
    c = case("password_protected")
    path, before, digest = prepare(c, folder)
    result = run_hso("check", "--input-dir", str(folder), cwd=folder)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 2
    assert_one_paragraph(result.stderr, path, c)
    assert_untouched(folder, before, path, digest)


# -- recalc -------------------------------------------------------------------------------------------

@pytest.mark.slow
@by_id(FILE_CASES)
def test_recalc_refuses_unusable_file_and_writes_nothing(case: Case, folder: Path):
    path, before, digest = prepare(case, folder)
    out = folder / "recomputed.xlsx"
    result = run_hso("recalc", str(path), "-o", str(out), cwd=folder)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.returncode == 2, output
    assert not out.exists()
    assert_one_paragraph(result.stderr, path, case)
    if case.id in ENTITY_CASES:
        assert_no_leak(output)
    assert_untouched(folder, before, path, digest)


@pytest.mark.slow
@by_id(FORMULA_CASES)
def test_recalc_reports_uncomputable_formula_and_writes_the_rest(case: Case, folder: Path):
    """The copy is written with every computable value; the cell keeps its cached value, exit 1."""
    path, before, digest = prepare(case, folder)
    out = folder.parent / "recomputed.xlsx"
    result = run_hso("recalc", str(path), "-o", str(out), cwd=folder)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.returncode == 1, output
    assert out.is_file()
    assert str(path) in result.stdout
    assert f"{case.where}: " in result.stdout, result.stdout
    for fragment in case.says:
        assert fragment in result.stdout, result.stdout
    assert "keep the value the file cached" in result.stdout
    assert_untouched(folder, before, path, digest)


@pytest.mark.slow
@by_id(FORMULA_CASES)
def test_recalc_strict_reports_uncomputable_formula_and_writes_nothing(case: Case, folder: Path):
    path, before, digest = prepare(case, folder)
    out = folder / "recomputed.xlsx"
    result = run_hso("recalc", str(path), "-o", str(out), "--strict", cwd=folder)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.returncode == 2, output
    assert not out.exists()
    assert f"{case.where}: " in result.stdout, result.stdout
    for fragment in case.says:
        assert fragment in result.stdout, result.stdout
    assert "Nothing was written" in result.stdout
    assert_untouched(folder, before, path, digest)


@pytest.mark.parametrize("name", ["circular_reference", "password_protected"])
def test_recalc_json_writes_nothing(name: str, folder: Path):
    c = case(name)
    path, before, digest = prepare(c, folder)
    out = folder / "recomputed.xlsx"
    result = run_hso("recalc", str(path), "-o", str(out), "--json", "--strict", cwd=folder)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 2
    data = json.loads(result.stdout)
    assert data["exit_code"] == 2
    assert not out.exists()
    if "error" in data:
        assert data["error"]["file"] == str(path)
    else:
        assert data["output"] is None
        assert c.where in data["circular_references"]
    assert_untouched(folder, before, path, digest)


# -- zip bombs are refused by their sizes, not by unpacking them ------------------------------------------

INFLATE_BUDGET = 8 * corpus.MIB  # the valid workbook inflates to 40 KiB in all


class CountingDecompressor:
    """Wraps zipfile's deflate decompressor and counts every byte it inflates, before any truncation."""

    inflated = 0

    def __init__(self, inner):
        self._inner = inner

    def decompress(self, data, max_length=0):
        out = self._inner.decompress(data, max_length)
        CountingDecompressor.inflated += len(out)
        return out

    def __getattr__(self, name):
        return getattr(self._inner, name)


@pytest.mark.parametrize(
    "make",
    [corpus.zip_bomb_one_part, corpus.zip_bomb_huge_part, corpus.zip_bomb_many_parts, corpus.zip_bomb_lying_sizes,
     corpus.zip_bomb_lying_content_types],
    ids=lambda f: f.__name__,
)
def test_zip_bomb_is_refused_without_unpacking_it(make, folder: Path, monkeypatch):
    path = make(folder)
    real = zipfile._get_decompressor
    monkeypatch.setattr(CountingDecompressor, "inflated", 0)
    monkeypatch.setattr(zipfile, "_get_decompressor", lambda kind: CountingDecompressor(real(kind)))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2, result.output[-2000:]
    assert isinstance(result.exception, SystemExit), result.exc_info
    assert str(path) in result.stderr
    inflated = CountingDecompressor.inflated
    assert inflated < INFLATE_BUDGET, f"{inflated / corpus.MIB:.0f} MiB were inflated before the answer"


# -- the corpus is what it claims to be ------------------------------------------------------------------

def test_corpus_encrypted_workbook_really_is_encrypted(folder: Path):
    import msoffcrypto

    path = corpus.password_protected(folder)
    assert path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    office = msoffcrypto.OfficeFile(io.BytesIO(path.read_bytes()))
    assert office.is_encrypted()
    office.load_key(password=corpus.PASSWORD)
    plain = io.BytesIO()
    office.decrypt(plain)
    with zipfile.ZipFile(plain) as zf:
        assert "xl/workbook.xml" in zf.namelist()


def test_corpus_xls_is_a_real_legacy_workbook(folder: Path):
    data = corpus.legacy_xls(folder).read_bytes()
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    assert "Workbook".encode("utf-16-le") in data  # the BIFF8 stream of the OLE container

@pytest.mark.slow

def test_corpus_zip_bomb_is_a_valid_zip_that_unpacks_to_300_mib(folder: Path):
    path = corpus.zip_bomb_one_part(folder)
    assert path.stat().st_size < 2 * corpus.MIB
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/media/image1.png")
        assert info.file_size == 300 * corpus.MIB
        total = 0
        with zf.open(info) as fh:  # checks the CRC at the end
            while chunk := fh.read(1 << 24):
                assert not chunk.strip(b"\0")
                total += len(chunk)
        assert total == 300 * corpus.MIB


@pytest.mark.parametrize("make, part", [(corpus.zip_bomb_lying_sizes, "xl/workbook.xml"),
                                        (corpus.zip_bomb_lying_content_types, "[Content_Types].xml")],
                         ids=["workbook.xml", "content_types"])
def test_corpus_lying_zip_member_holds_more_than_it_declares(make, part, folder: Path):
    path = make(folder)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(part)
        with zf.open(info) as fh:  # read in small pieces, as a careful reader does: a valid part
            assert fh.read(1 << 16).startswith(b"<?xml")
        with path.open("rb") as fh:
            fh.seek(info.header_offset + 26)
            name_len, extra_len = int.from_bytes(fh.read(2), "little"), int.from_bytes(fh.read(2), "little")
            fh.seek(info.header_offset + 30 + name_len + extra_len)
            raw = fh.read(info.compress_size)
    d = zlib.decompressobj(-15)
    produced = 0
    while raw and produced < 64 * corpus.MIB:
        produced += len(d.decompress(raw, 1 << 22))
        raw = d.unconsumed_tail
    assert produced >= 64 * corpus.MIB > info.file_size


def test_corpus_entity_files_carry_their_dtd(folder: Path):
    def part(path: Path, name: str) -> bytes:
        with zipfile.ZipFile(path) as zf:
            return zf.read(name)

    laughs = part(corpus.billion_laughs(folder), "xl/sharedStrings.xml")
    assert b"<!ENTITY lol9" in laughs and b"&lol9;" in laughs
    hidden = part(corpus.billion_laughs_after_comment(folder), "xl/worksheets/sheet1.xml")
    assert hidden.index(b"<!DOCTYPE") > 4096 and b"&lol9;" in hidden
    xxe = part(corpus.external_entity(folder), "xl/sharedStrings.xml")
    assert b'SYSTEM "file:///etc/passwd"' in xxe and b"&xxe;" in xxe
    utf16 = part(corpus.external_entity_utf16(folder), "xl/sharedStrings.xml")
    assert b"<!DOCTYPE" not in utf16 and "<!DOCTYPE".encode("utf-16-le") in utf16
    workbook = part(corpus.dtd_in_workbook_xml(folder), "xl/workbook.xml")
    assert b"<!DOCTYPE workbook" in workbook and b"&xxe;" in workbook
    renamed = corpus.dtd_in_part_with_other_name(folder)
    assert b"<!ENTITY lol9" in part(renamed, "xl/worksheets/sheet1.dat")
    assert b"worksheets/sheet1.dat" in part(renamed, "xl/_rels/workbook.xml.rels")


# -- no Python, engine or parser words in any answer ----------------------------------------------------

# What a library, the XML parser, the zip reader or the engine says, never the administrator's words.
TECHNICAL = re.compile(
    r"\bError:|\bException\b|\bTraceback\b|\bpanicked\b|\bline \d+|\bcolumn \d+|"
    r"\b[A-Z][a-zA-Z]+(?:Error|Exception|Operation|Warning)\b|\bErrno\b|\blxml\b|\bpyo3\b|\bNone\b|"
    r"\bunexpected problem\b|\bbug in hso-xl\b|central directory|not a zip file|index out of bounds|no entry found")


def corpus_files():
    """Every generator of tests/corpus.py: each makes one file from a folder."""
    import inspect

    return [f for name, f in inspect.getmembers(corpus, inspect.isfunction)
            if f.__module__ == corpus.__name__ and not name.startswith("_")
            and list(inspect.signature(f).parameters) == ["folder"]]


@pytest.mark.parametrize("make", corpus_files(), ids=lambda f: f.__name__)
def test_no_answer_speaks_python_the_parser_or_the_engine(make, folder: Path):
    """Every refusal of a corpus file is one paragraph naming the file, in the administrator's words."""
    path = make(folder)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exc_info
    if result.exit_code == 0:
        return
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0], lines[0]
    words = lines[0].removeprefix("Error: ").replace(str(path), "<file>")
    assert not TECHNICAL.search(words), f"{TECHNICAL.search(words).group(0)!r} in: {words}"
