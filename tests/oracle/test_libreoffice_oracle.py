"""LibreOffice headless is an independent oracle for what hso_xl (IronCalc) recomputes.

Every workbook here goes through ONE soffice run (module fixture `oracle`), with LibreOffice forced
to recalculate every formula on load (tests/helpers/libreoffice.py), and:

* a budget-style workbook written by openpyxl without cached values: every formula cell that
  hso_xl recomputes equals LibreOffice's value;
* the shipped sample workbook: LibreOffice equals both our recomputed and the cached values
  (those were written by hso_xl itself when the sample was built, so LibreOffice is what makes
  this independent evidence);
* `hso-xl recalc` output: LibreOffice, recalculating it, gets the values the output carries as
  cached values, and the output keeps the input's formulas, styles, sheets and names;
* a canary whose cached values are deliberately wrong proves LibreOffice really recalculated.

Constructs where IronCalc 0.9.1 and LibreOffice (and Excel) disagree live in KNOWN_DISAGREEMENTS
as strict xfails, so the day the engine is fixed they fail and ask to be promoted.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import openpyxl
import pytest
import xlsxwriter
from lxml import etree
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.workbook.defined_name import DefinedName

from hso_xl.workbook.recalc import recompute_file
from hso_xl.workbook.book import ExcelError

from ..helpers.compare import agrees, mismatches
from ..helpers.libreoffice import CellValues, LibreOfficeMissing, read_values, soffice_path
from .budget_workbook import FUNCTIONS, build_budget_workbook

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "input" / "HSO_finansiering_2027-2029.xlsx"
CLI_TIMEOUT = 120

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

# Error values the budget workbook produces on purpose (LibreOffice must give the same ones).
EXPECTED_ERRORS = {
    "'Kommuner Ä&Å'!A26": "#N/A",  # VLOOKUP of a missing municipality
    "'Kommuner Ä&Å'!A32": "#N/A",  # ... propagated through SUM
    "Sammanställning!B20": "#DIV/0!",
}

# Cells of the known-disagreements workbook: (sheet, cell) -> why IronCalc 0.9.1 differs.
KNOWN_DISAGREEMENTS = {
    ("Data", "B1"): "IronCalc cannot parse a defined name whose first letter is not ASCII (=Årsbelopp*2 gives #ERROR!)",
    ("Data", "B2"): "same: =Överskott*2 gives #ERROR! (Excel and LibreOffice: 14)",
    ("Data", "B3"): 'IronCalc turns a number into text with 17 significant digits, Excel and LibreOffice with 15: '
                    '="Personal: "&A3 gives "...797503999" instead of "...797504"',
    ("Data", "B4"): 'same: =""&(0.1+0.2) gives "0.30000000000000004" instead of "0.3"',
}


@dataclass
class Recalc:
    """One `hso-xl recalc --json` run."""

    source: Path
    output: Path
    returncode: int
    report: dict
    stdout: str


@dataclass
class Oracle:
    files: dict[str, Path]  # role -> workbook given to LibreOffice
    lo: dict[str, CellValues]  # role -> LibreOffice's recalculated values
    recalc: dict[str, Recalc]  # "budget" / "sample": the recalc run whose output is files[f"{role}_recalc"]
    corrupted: dict[str, float]  # ref -> wrong cached value written into the corrupted sample
    uncached: list[str]  # refs whose cached value was removed from the corrupted sample


# -- workbooks ------------------------------------------------------------------------------------

def build_canary(path: Path) -> Path:
    """Formulas whose cached values are all wrong: LibreOffice must replace every one of them."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Kontroll")
    ws.write_number("A1", 2)
    ws.write_number("A2", 3)
    ws.write_formula("A3", "=A1+A2", None, 999)
    ws.write_formula("A4", '="x"&A1', None, "fel")
    ws.write_formula("A5", "=A1>2", None, True)
    ws.write_formula("A6", "=SUM(A1:A2)*1.5", None, 0)
    wb.close()
    return path


CANARY_CACHED = {"A3": 999, "A4": "fel", "A5": True, "A6": 0}
CANARY_TRUE = {"A3": 5, "A4": "x2", "A5": False, "A6": 7.5}


def build_known_disagreements(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"] = 7
    ws["A3"] = "=6583120.896*(1+0.024)"
    for name in ("Årsbelopp", "Överskott"):
        wb.defined_names[name] = DefinedName(name, attr_text="Data!$A$1")
    ws["B1"] = "=Årsbelopp*2"
    ws["B2"] = "=Överskott*2"
    ws["B3"] = '="Personal: "&A3'
    ws["B4"] = '=""&(0.1+0.2)'
    wb.save(path)
    return path


def sheet_members(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its XML, read from workbook.xml and its relationships."""
    book = etree.fromstring(zf.read("xl/workbook.xml"))
    rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for sheet in book.iterfind("m:sheets/m:sheet", NS):
        target = targets[sheet.get(R_ID)]
        out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return out


def corrupt_sample(src: Path, dst: Path) -> tuple[dict[str, float], list[str]]:
    """Copy `src` with wrong cached values in two Budget totals and no cached value in one Finansiering cell."""
    corrupted: dict[str, float] = {}
    uncached: list[str] = []
    with zipfile.ZipFile(src) as zin:
        members = sheet_members(zin)
        patched = {}
        for sheet, how in (("Budget", "wrong"), ("Finansiering", "remove")):
            root = etree.fromstring(zin.read(members[sheet]))
            numeric = [c for c in root.iterfind(".//m:c", NS)
                       if c.find("m:f", NS) is not None and c.find("m:v", NS) is not None and c.get("t") is None]
            # the last formula cells are the totals: the figures a reader of the report looks at
            for c in numeric[-2:] if how == "wrong" else numeric[-1:]:
                v = c.find("m:v", NS)
                if how == "wrong":
                    corrupted[f"{sheet}!{c.get('r')}"] = wrong = float(v.text) + 1000
                    v.text = repr(wrong)
                else:
                    c.remove(v)
                    uncached.append(f"{sheet}!{c.get('r')}")
            patched[members[sheet]] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info, patched.get(info.filename, zin.read(info)))
    return corrupted, uncached


def run_recalc(source: Path, output: Path) -> Recalc:
    done = subprocess.run(
        [sys.executable, "-m", "hso_xl", "recalc", str(source), "-o", str(output), "--json"],
        capture_output=True, text=True, timeout=CLI_TIMEOUT, cwd=ROOT,
    )
    # The JSON object starts at the first line that opens one: IronCalc may print a line of its
    # own before it (see test_recalc_json_stdout_is_only_json).
    start = done.stdout.find("\n{") + 1 if not done.stdout.startswith("{") else 0
    try:
        report = json.loads(done.stdout[start:])
    except json.JSONDecodeError:
        pytest.fail(f"hso-xl recalc {source.name} printed no JSON (exit {done.returncode}):\n"
                    f"{done.stdout}\n{done.stderr}", pytrace=False)
    return Recalc(source, output, done.returncode, report, done.stdout)


@pytest.fixture(scope="module")
def oracle(tmp_path_factory, libreoffice_values) -> Oracle:
    tmp = tmp_path_factory.mktemp("lo-oracle")
    files = {
        "canary": build_canary(tmp / "canary.xlsx"),
        "budget": build_budget_workbook(tmp / "budget.xlsx"),
        "sample": Path(shutil.copy2(SAMPLE, tmp / "sample.xlsx")),
        "known": build_known_disagreements(tmp / "known_disagreements.xlsx"),
    }
    corrupted_path = tmp / "sample_corrupted.xlsx"
    corrupted, uncached = corrupt_sample(SAMPLE, corrupted_path)
    recalc = {
        "budget": run_recalc(files["budget"], tmp / "budget_recalc.xlsx"),
        "sample": run_recalc(corrupted_path, tmp / "sample_recalc.xlsx"),
    }
    for role, run in recalc.items():
        assert run.output.is_file(), f"hso-xl recalc wrote no output for {role}: {run.report}"
        files[f"{role}_recalc"] = run.output
    lo = libreoffice_values(files.values(), out_dir=tmp / "libreoffice")
    return Oracle(files, {role: lo[path.resolve()] for role, path in files.items()}, recalc, corrupted, uncached)


@pytest.fixture(scope="module")
def budget(oracle):
    _r = recompute_file(oracle.files["budget"])
    workbook, engine, verification = _r.workbook, _r.engine, _r.verification
    return workbook, engine, verification


# -- LibreOffice is there and really recalculates ---------------------------------------------------

def test_soffice_is_installed():
    """Without LibreOffice this is the one FAILED line that says so (the other tests error in setup)."""
    try:
        soffice_path()
        return
    except LibreOfficeMissing as exc:
        message = str(exc)
    pytest.fail(message, pytrace=False)


def test_libreoffice_recalculates_instead_of_trusting_cached_values(oracle):
    cached = read_values(oracle.files["canary"])
    lo = oracle.lo["canary"]
    for cell, wrong in CANARY_CACHED.items():
        assert cached[("Kontroll", cell)] == wrong, "the canary must carry wrong cached values"
    assert {cell: lo[("Kontroll", cell)] for cell in CANARY_TRUE} == CANARY_TRUE


# -- the budget-style workbook ----------------------------------------------------------------------

def test_budget_workbook_exercises_the_budget_functions(budget):
    workbook, engine, verification = budget
    text = " ".join(cell.formula.upper().replace("_XLFN.", "") for _, cell in workbook.formula_cells())
    missing = [f for f in FUNCTIONS if not re.search(rf"(?<![A-Z0-9_.]){re.escape(f)}\(", text)]
    assert missing == []
    assert verification.formula_count >= 170
    assert verification.without_cached_value == verification.formula_count  # openpyxl cached nothing
    assert engine.unsupported == {}
    names = set(workbook.defined_names)
    assert {"Uppräkning", "Summa_bokförd", "Belopp_år", "Sammanställning!Lokal_moms"} <= names
    assert {s.name for s in workbook.sheets} >= {"Budget Ö-vik", "Kommuner Ä&Å", "Uppräkning 10 år"}


def test_budget_workbook_equals_libreoffice(budget, oracle):
    workbook, _, _ = budget
    assert mismatches(workbook, oracle.lo["budget"]) == []


def test_budget_errors_are_the_intended_ones(budget, oracle):
    workbook, _, verification = budget
    ours = {d.ref: str(d.recomputed) for d in verification.error_values}
    assert ours == EXPECTED_ERRORS
    lo = {workbook.sheet(sheet).ref(*_rc(cell)): str(value)
          for (sheet, cell), value in oracle.lo["budget"].items() if isinstance(value, ExcelError)}
    assert lo == EXPECTED_ERRORS


def test_comparison_catches_a_wrong_value(budget, oracle):
    """The oracle is not vacuous: one number off by a krona, or a text changed, is reported."""
    workbook, _, _ = budget
    total = workbook.sheet("Budget Ö-vik").get(*_rc("E9"))
    label = workbook.sheet("Budget Ö-vik").get(*_rc("B17"))
    good_total, good_label = total.value, label.value
    try:
        total.value = good_total + 1
        label.value = good_label + " "
        found = mismatches(workbook, oracle.lo["budget"])
    finally:
        total.value, label.value = good_total, good_label
    assert len(found) == 2
    assert found[0].startswith("Budget Ö-vik!E9 ") and found[1].startswith("Budget Ö-vik!B17 ")
    assert not agrees(100.0, 100.0 * (1 + 1e-8)) and agrees(100.0, 100.0 * (1 + 1e-12))


# -- the shipped sample workbook --------------------------------------------------------------------

def test_sample_libreoffice_equals_recomputed_and_cached(oracle):
    _r = recompute_file(oracle.files["sample"])
    workbook, engine, verification = _r.workbook, _r.engine, _r.verification
    assert verification.formula_count > 80 and engine.unsupported == {}
    lo = oracle.lo["sample"]
    assert mismatches(workbook, lo) == []
    cached_vs_lo = [
        f"{sheet.name}!{cell.coordinate}: cached {cell.cached!r}, LibreOffice {lo.get((sheet.name, cell.coordinate))!r}"
        for sheet, cell in workbook.formula_cells()
        if not agrees(lo.get((sheet.name, cell.coordinate)), cell.cached)
    ]
    assert cached_vs_lo == []


# -- hso-xl recalc output ---------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["budget", "sample"])
def test_recalc_output_cached_values_equal_libreoffice(oracle, role):
    output = oracle.recalc[role].output
    formulas = openpyxl.load_workbook(output)
    cached = read_values(output)
    lo = oracle.lo[f"{role}_recalc"]
    checked, wrong = 0, []
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                key = (ws.title, cell.coordinate)
                checked += 1
                if key not in cached and lo.get(key) is not None:
                    wrong.append(f"{ws.title}!{cell.coordinate}: no cached value in the recalc output")
                elif not agrees(lo.get(key), cached.get(key)):
                    wrong.append(f"{ws.title}!{cell.coordinate} {cell.value}: output caches {cached.get(key)!r}, "
                                 f"LibreOffice computes {lo.get(key)!r}")
    assert checked == oracle.recalc[role].report["formulas"]
    assert wrong == []


def test_recalc_reports_exactly_the_corrupted_sample_cells(oracle):
    run = oracle.recalc["sample"]
    report = run.report
    assert run.returncode == 0, report["findings"]
    assert len(oracle.corrupted) == 2 and len(oracle.uncached) == 1
    assert {d["cell"]: d["cached"] for d in report["differences"]} == oracle.corrupted
    lo = oracle.lo["sample"]
    for d in report["differences"]:
        sheet, cell = d["cell"].split("!")
        assert agrees(lo[(sheet, cell)], d["recomputed"]), d
    assert report["without_cached_value"] == 1
    assert report["error_values"] == [] and report["unsupported_functions"] == {}


def test_recalc_json_stdout_is_only_json(oracle):
    """IronCalc prints a warning on stdout for a formula cell without a cached value; it must not reach --json."""
    run = oracle.recalc["sample"]  # its input has a formula cell whose cached value was removed
    assert oracle.uncached
    json.loads(run.stdout)


def test_recalc_of_budget_workbook_fills_every_cached_value(oracle):
    run = oracle.recalc["budget"]
    report = run.report
    assert run.returncode == 1  # the intended #N/A and #DIV/0! are reported as errors
    assert report["without_cached_value"] == report["formulas"] >= 170
    assert report["differences"] == []
    assert {e["cell"]: e["value"] for e in report["error_values"]} == EXPECTED_ERRORS


@pytest.mark.parametrize("role, source", [("budget", "budget"), ("sample", None)])
def test_recalc_output_keeps_formulas_styles_sheets_and_names(oracle, role, source):
    src_path = oracle.files[source] if source else oracle.recalc[role].source
    src = openpyxl.load_workbook(src_path)
    out = openpyxl.load_workbook(oracle.recalc[role].output)
    assert out.sheetnames == src.sheetnames
    assert {n: d.attr_text for n, d in out.defined_names.items()} == {n: d.attr_text for n, d in src.defined_names.items()}
    differences = []
    for ws_src, ws_out in zip(src.worksheets, out.worksheets):
        assert {n: d.attr_text for n, d in ws_out.defined_names.items()} == \
               {n: d.attr_text for n, d in ws_src.defined_names.items()}
        assert ws_out.sheet_state == ws_src.sheet_state
        assert ws_out.freeze_panes == ws_src.freeze_panes
        assert sorted(map(str, ws_out.merged_cells.ranges)) == sorted(map(str, ws_src.merged_cells.ranges))
        assert {k: d.width for k, d in ws_out.column_dimensions.items()} == \
               {k: d.width for k, d in ws_src.column_dimensions.items()}
        assert ws_out.max_row == ws_src.max_row and ws_out.max_column == ws_src.max_column
        for row in ws_src.iter_rows():
            for a in row:
                b = ws_out[a.coordinate]
                if (a.value, a.data_type, _style(a)) != (b.value, b.data_type, _style(b)):
                    differences.append(f"{ws_src.title}!{a.coordinate}: {a.value!r} {_style(a)} -> {b.value!r} {_style(b)}")
    assert differences == []


def test_recalc_output_styles_are_really_there(oracle):
    """Spot checks, so the whole-sheet comparison above cannot pass on two empty stylesheets."""
    out = openpyxl.load_workbook(oracle.recalc["budget"].output)
    budget = out["Budget Ö-vik"]
    assert budget["B9"].number_format == "#,##0" and budget["B9"].font.b
    assert budget["B13"].number_format == "0.00%"
    assert budget["B3"].fill.fgColor.rgb.endswith("FFF2CC")
    assert out["Parametrar"]["B6"].number_format == "yyyy-mm-dd"
    sample = openpyxl.load_workbook(oracle.recalc["sample"].output)
    assert sample["Parametrar"]["B5"].number_format == "0.0%"
    assert sample["Budget"]["A1"].font.b and sample["Budget"]["A1"].font.sz == 14
    assert sample["Budget"].freeze_panes == "B4"


# -- where IronCalc and LibreOffice disagree --------------------------------------------------------

@pytest.mark.parametrize(
    "cell",
    [pytest.param(key, id=f"{key[0]}!{key[1]}", marks=pytest.mark.xfail(strict=True, reason=why))
     for key, why in KNOWN_DISAGREEMENTS.items()],
)
def test_known_disagreement(oracle, cell):
    _r = recompute_file(oracle.files["known"])
    workbook, _, _ = _r.workbook, _r.engine, _r.verification
    ours = workbook.sheet(cell[0]).get(*_rc(cell[1])).value
    assert agrees(oracle.lo["known"][cell], ours), f"LibreOffice {oracle.lo['known'][cell]!r}, hso_xl {ours!r}"


def test_known_disagreement_cells_are_computed_by_libreoffice(oracle):
    lo = oracle.lo["known"]
    assert lo[("Data", "B1")] == lo[("Data", "B2")] == 14
    assert lo[("Data", "B3")] == "Personal: 6741115.797504"
    assert lo[("Data", "B4")] == "0.3"


# -- helpers --------------------------------------------------------------------------------------

def _rc(coordinate: str) -> tuple[int, int]:
    return coordinate_to_tuple(coordinate)


def _style(cell) -> tuple:
    font, fill, border = cell.font, cell.fill, cell.border
    return (cell.number_format, font.name, font.sz, font.b, font.i, font.color.rgb if font.color else None,
            fill.fill_type, fill.fgColor.rgb, border.top.style, border.bottom.style, cell.alignment.horizontal)
