"""Benchmark hso_xl: recompute against other engines, `hso-xl build`, and `hso-xl --help` startup.

Run with `make bench` (or `.venv/bin/python bench/run.py [--quick] [--repeat N]`); see bench/README.md.
Every measurement runs in its own subprocess, repetitions are interleaved (round robin over all
cases), and one table of medians, ratios and peak memory is printed at the end, followed by the
targets with OK/MISSED.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import process  # noqa: E402  (bench/process.py: the whole-process cases and targets)
import workbooks  # noqa: E402  (bench/workbooks.py)

ROOT = workbooks.ROOT
CACHE = workbooks.CACHE
PY = sys.executable
HSO_XL = str(Path(PY).with_name("hso-xl"))
SAMPLE = ROOT / "input" / "HSO_finansiering_2027-2029.xlsx"
RECALC_ALWAYS_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""  # same as tests/helpers/libreoffice.py: recalculate .xlsx (and ODF) always on load


# ----------------------------------------------------------------------------------------------
# Worker: one measurement inside a fresh interpreter; prints {"phase": seconds, ...} as JSON.
# ----------------------------------------------------------------------------------------------

def worker(kind: str, path: str) -> None:
    t = time.perf_counter
    out: dict[str, float] = {}
    if kind == "engine_save":  # IronCalc alone as a whole process, timed from outside
        process.engine_worker(path)
        return
    if kind == "engine":  # IronCalc alone: what hso_xl's recompute() calls
        import ironcalc

        t0 = t()
        model = ironcalc.load_from_xlsx(path, "en", "UTC")
        t1 = t()
        model.evaluate()
        t2 = t()
        out = {"total": t2 - t0, "load": t1 - t0, "evaluate": t2 - t1}
    elif kind == "hso":  # hso_xl's own path: read the cells (streaming lxml), then recompute with IronCalc
        from hso_xl.workbook.engine import recompute
        from hso_xl.workbook.load import load_workbook

        t0 = t()
        book = load_workbook(Path(path))
        t1 = t()
        recompute(book)
        t2 = t()
        out = {"total": t2 - t0, "load_workbook": t1 - t0, "recompute": t2 - t1}
    elif kind == "check":  # hso-xl check's work, and within it the dependency analysis (workbook/figures.py)
        from hso_xl.model.checked import check_recomputed
        from hso_xl.model.used import figure_cells
        from hso_xl.workbook.figures import Figures
        from hso_xl.workbook.graph import Dependencies
        from hso_xl.workbook.recalc import recompute_file

        t0 = t()
        recomputed = recompute_file(Path(path))
        t1 = t()
        checked = check_recomputed(recomputed)
        t2 = t()
        # The analysis again, from a fresh graph, timed alone: what check_recomputed spent on it above
        # (on a clean workbook it walks nothing). Then the walk through every cell the figures rest
        # on, which a workbook with a cell not computed or a divergence candidate may need: its worst case.
        used = figure_cells(checked.workbook, checked.budget)
        t3 = t()
        figures = Figures(checked.workbook, checked.verification, Dependencies(checked.workbook))
        figures.raise_if_blocked(used)
        figures.warnings(used)
        t4 = t()
        walked = Dependencies(checked.workbook).ancestors(figures._nodes(used))
        t5 = t()
        out = {"total": t2 - t0, "recompute": t1 - t0, "check": t2 - t1, "analysis": t4 - t3,
               "full walk": t5 - t4, "cells_walked": len(walked)}
    elif kind == "formulas":  # the pure-Python engine: parse + compile + calculate
        import formulas

        t0 = t()
        model = formulas.ExcelModel().loads(path).finish()
        t1 = t()
        model.calculate()
        t2 = t()
        out = {"total": t2 - t0, "load": t1 - t0, "calculate": t2 - t1}
    elif kind == "openpyxl":  # floor: just read every cell (read-only mode)
        import openpyxl

        t0 = t()
        book = openpyxl.load_workbook(path, read_only=True)
        for ws in book.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
        book.close()
        out = {"total": t() - t0}
    elif kind == "calamine":  # floor: read every cached value with the Rust reader
        from python_calamine import CalamineWorkbook

        t0 = t()
        book = CalamineWorkbook.from_path(path)
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
        out = {"total": t() - t0}
    else:
        raise SystemExit(f"unknown worker {kind}")
    sys.stdout.write(json.dumps(out) + "\n")


# ----------------------------------------------------------------------------------------------
# Running subprocesses: wall time, exit code and peak RSS (os.wait4 reports the child's rusage,
# including the descendants it waited for, e.g. soffice.bin under soffice, or LibreOffice for --pdf).
# ----------------------------------------------------------------------------------------------

@dataclass
class Run:
    wall: float
    rc: int | None  # None: killed at the time limit
    rss_mb: float
    stdout: str
    stderr: str
    cpu: float = 0.0  # user + system seconds of the child and the descendants it waited for


def run_child(cmd: list[str], timeout: float, cwd: Path = ROOT, env: dict | None = None) -> Run:
    with tempfile.TemporaryFile("w+") as so, tempfile.TemporaryFile("w+") as se:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=so, stderr=se, start_new_session=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if killed.is_set():  # also take down what it left behind in its session
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        so.seek(0)
        se.seek(0)
        return Run(wall, None if killed.is_set() else proc.returncode, usage.ru_maxrss / 1024, so.read(), se.read(),
                   usage.ru_utime + usage.ru_stime)


class LibreOffice:
    """soffice with a private profile (recalculate on load: always), warmed up once, reused."""

    def __init__(self, workdir: Path):
        self.soffice = shutil.which("soffice") or shutil.which("libreoffice")
        self.workdir = workdir
        self.profile = workdir / "lo-profile"
        (self.profile / "user").mkdir(parents=True, exist_ok=True)
        (self.profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS_XCU, encoding="utf-8")
        self.env = dict(os.environ, HOME=str(self.profile))
        self.count = 0

    def convert(self, path: Path, timeout: float) -> tuple[Run, Path]:
        self.count += 1
        out_dir = self.workdir / f"lo-out-{self.count}"
        out_dir.mkdir()
        cmd = [self.soffice, f"-env:UserInstallation={self.profile.as_uri()}",
               "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               "--convert-to", "xlsx:Calc Office Open XML", "--outdir", str(out_dir), str(path)]
        run = run_child(cmd, timeout, env=self.env)
        out = out_dir / f"{path.stem}.xlsx"
        if run.rc == 0 and not out.is_file():
            run.rc = -1
        return run, out


def total_of(path: Path, sheet: str = "Summering") -> float:
    """The grand total (last row, column B) of a formula workbook, as stored in the file."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return rows[-1][1]


# ----------------------------------------------------------------------------------------------
# Collecting results
# ----------------------------------------------------------------------------------------------

@dataclass
class Series:
    times: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # CPU seconds per run, where measured
    timeouts: int = 0
    failures: list[str] = field(default_factory=list)
    limit: float = 0.0

    def add(self, seconds: float, rss: float | None = None) -> None:
        self.times.append(seconds)
        if rss is not None:
            self.rss.append(rss)

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def gave_up(self) -> bool:
        return bool(self.timeouts or self.failures)


class Bench:
    def __init__(self, args):
        self.args = args
        self.series: dict[str, Series] = {}

    def s(self, key: str) -> Series:
        return self.series.setdefault(key, Series())

    def log(self, msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    def python_worker(self, kind: str, path: Path, key: str, timeout: float, phases: tuple[str, ...] = ()) -> None:
        series = self.s(key)
        if series.gave_up:  # one timeout or failure is enough: do not pay for it again
            return
        run = run_child([PY, __file__, "--worker", kind, str(path)], timeout)
        if run.rc is None:
            series.timeouts += 1
            series.limit = timeout
            self.log(f"  {key}: no result within {timeout:.0f} s")
            return
        if run.rc != 0:
            series.failures.append(run.stderr.strip().splitlines()[-1] if run.stderr.strip() else f"exit {run.rc}")
            self.log(f"  {key}: FAILED {series.failures[-1]}")
            return
        result = json.loads(run.stdout.strip().splitlines()[-1])
        series.add(result["total"], run.rss_mb)
        self.s(key + " [process]").add(run.wall, run.rss_mb)
        for phase in phases:
            self.s(f"{key} / {phase}").add(result[phase])
        self.log(f"  {key}: {result['total']:.3f} s (process {run.wall:.2f} s, {run.rss_mb:.0f} MB)")


PLAIN_PDF = "plain"
PDF_CASES = {None: "without PDF", "archive": "with --pdf (PDF/A-2b, tagged)",
             PLAIN_PDF: "with --pdf, plain export (before PDF/A)"}
PDF_COST_LIMIT = 1.25  # PDF/A export may take at most 25 % more time than the plain one


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="smoke mode: 1 000 formulas only, one repetition, no PDF, short time limits")
    ap.add_argument("--repeat", type=int, default=None, help="repetitions per case (default 3; --quick: 1)")
    ap.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=None,
                    help="formula counts, comma separated (default 1000,10000,100000)")
    ap.add_argument("--formulas-timeout", type=float, default=None,
                    help="time limit in s for one run of the `formulas` engine (default 120; --quick: 30)")
    ap.add_argument("--pdf-290", action="store_true", help="time `hso-xl build --pdf` for 290 municipalities in every round (default: first round only)")
    ap.add_argument("--no-libreoffice", action="store_true", help="skip LibreOffice (recompute and --pdf)")
    ap.add_argument("--pdf-only", action="store_true",
                    help="only `hso-xl build` with and without --pdf (PDF/A export beside the plain one)")
    ap.add_argument("--no-web", action="store_true", help="skip the web page in the browser (bench/web.py)")
    ap.add_argument("--process-only", action="store_true",
                    help="only the whole-process cases of issue 25: hso-xl recalc beside IronCalc alone and "
                         "LibreOffice, check and build of the sample")
    ap.add_argument("--worker", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(*args.worker)
        return 0

    repeat = args.repeat or (1 if args.quick else 3)
    sizes = args.sizes or ([1000] if args.quick else [1000, 10_000, 100_000])
    f_timeout = args.formulas_timeout or (30.0 if args.quick else 120.0)
    lo_timeout = 300.0
    use_lo = not args.no_libreoffice and bool(shutil.which("soffice") or shutil.which("libreoffice"))
    bench = Bench(args)
    # As a user runs it: modules compiled once and cached (a development shell may forbid writing .pyc)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

    bench.log(f"Generating workbooks in {CACHE.relative_to(ROOT)}/ (cached) ...")
    formula_books = {n: workbooks.formula_workbook(n) for n in sizes}
    check_books = {} if args.process_only else {n: workbooks.check_workbook(n) for n in sizes}
    # Peak memory of `recalc` and `check` as a user runs them (issue 24: under 1 GiB at 500 000 formulas).
    memory_books = {n: (workbooks.formula_workbook(n), workbooks.check_workbook(n))
                    for n in ([] if args.quick or args.process_only else MEMORY_SIZES)}
    muni_books = {7: SAMPLE}
    if not args.quick and not args.process_only:
        muni_books[290] = workbooks.municipality_workbook(290)
        workbooks.report_data_workbook(7)  # beside it: seven regional reports with charts, as for the sample
    for n, path in muni_books.items():  # the synthetic workbook must be a clean one
        run = run_child([HSO_XL, "check", str(path)], 120)
        if run.rc != 0:
            bench.log(f"hso-xl check {path} exited {run.rc}:\n{run.stdout}{run.stderr}")
            return 2
    bench.log(f"  {', '.join(f'{c} formulas' for _, c in formula_books.values())}; "
              f"municipality workbooks: {', '.join(str(n) for n in muni_books)} (hso-xl check: exit 0)")

    with tempfile.TemporaryDirectory(prefix="hso-bench-") as tmp:
        workdir = Path(tmp)
        lo = LibreOffice(workdir) if use_lo else None
        if lo:  # first start of a fresh profile initialises it: not part of any measurement
            bench.log("Warming up LibreOffice's private profile ...")
            warm, out = lo.convert(formula_books[sizes[0]][0], lo_timeout)
            if warm.rc != 0:
                bench.log(f"LibreOffice failed ({warm.rc}): {warm.stderr.strip()}; skipping it")
                lo = None
            elif total_of(out) == 0:  # xlsxwriter caches 0 for every formula: nonzero proves recalculation
                bench.log("LibreOffice did not recalculate on load; skipping it")
                lo = None
        n_out = 0
        for rep in range(1, repeat + 1):
            bench.log(f"Round {rep}/{repeat}")
            if not args.pdf_only:
                process.measure(bench, run_child, PY, __file__, HSO_XL, formula_books, SAMPLE, workdir)
            for n, (path, count) in ({} if args.pdf_only else formula_books).items():
                case = f"recompute {count:>7,} formulas"
                if args.process_only:  # LibreOffice at 10 000 only, for the ratio
                    if lo and n == 10_000:
                        convert_with_libreoffice(bench, lo, path, case, rep, lo_timeout)
                    continue
                bench.python_worker("calamine", path, f"{case} | read floor: python-calamine", 120)
                bench.python_worker("openpyxl", path, f"{case} | read floor: openpyxl read-only", 300)
                bench.python_worker("engine", path, f"{case} | IronCalc alone (load_from_xlsx+evaluate)", 300,
                                    ("load", "evaluate"))
                bench.python_worker("hso", path, f"{case} | hso_xl load_workbook+recompute", 300,
                                    ("load_workbook", "recompute"))
                if lo:
                    convert_with_libreoffice(bench, lo, path, case, rep, lo_timeout)
                bench.python_worker("formulas", path, f"{case} | formulas (pure Python)", f_timeout,
                                    ("load", "calculate"))
                if bench.s(f"{case} | formulas (pure Python)").timeouts:  # larger ones will not finish either
                    for m, (_, c) in formula_books.items():
                        if m > n:
                            other = bench.s(f"recompute {c:>7,} formulas | formulas (pure Python)")
                            if not other.gave_up:
                                other.timeouts, other.limit = 1, f_timeout
            for n, (path, count) in (check_books.items() if not args.pdf_only else ()):
                bench.python_worker("check", path, f"check {count:>7,} formulas | hso_xl recompute_file+check_recomputed",
                                    300, ("recompute", "check", "analysis", "full walk"))
            if lo and not args.pdf_only and not args.process_only:  # LibreOffice's own start-up cost: an empty-ish workbook (5 cells, no formulas)
                tiny = CACHE / "tiny.xlsx"
                if not tiny.is_file():
                    import xlsxwriter
                    wb = xlsxwriter.Workbook(str(tiny))
                    wb.add_worksheet("A").write_column(0, 0, [1, 2, 3, 4, 5])
                    wb.close()
                run, _ = lo.convert(tiny, lo_timeout)
                if run.rc == 0:
                    bench.s("startup | LibreOffice: convert a 5-cell workbook").add(run.wall, run.rss_mb)
            for n, path in muni_books.items():
                # 290 with --pdf converts ~600 documents: timed in the first round only, unless --pdf-290
                # --pdf twice, side by side: the PDF/A export and LibreOffice's plain default as before
                # (HSO_XL_PDF_EXPORT=plain, render/pdf.py), in alternating order from round to round
                pdf_modes = ["archive", PLAIN_PDF] if rep % 2 else [PLAIN_PDF, "archive"]
                with_pdf = lo and (n <= 7 or rep == 1 or args.pdf_290) and not args.quick and not args.process_only
                variants = [None] + (pdf_modes if with_pdf else [])
                for pdf in variants:
                    n_out += 1
                    out = workdir / f"out-{n_out}"
                    key = f"hso-xl build {n:>3} municipalities | {PDF_CASES[pdf]}"
                    env = {**os.environ, "HSO_XL_PDF_EXPORT": pdf} if pdf else None
                    run = run_child([HSO_XL, "build", str(path), "--out", str(out)] + (["--pdf"] if pdf else []),
                                    900 if pdf else 300, env=env)
                    if run.rc != 0:
                        bench.s(key).failures.append(f"exit {run.rc}: {run.stderr.strip()[-300:]}")
                        bench.log(f"  {key}: FAILED {bench.s(key).failures[-1]}")
                    else:
                        bench.s(key).add(run.wall, run.rss_mb)
                        bench.s(key).cpu.append(run.cpu)
                        docs = sum(1 for p in out.rglob("*") if p.suffix in (".docx", ".xlsx", ".pdf"))
                        bench.s(key).limit = docs  # reused as a document count for the table
                        bench.log(f"  {key}: {run.wall:.2f} s, CPU {run.cpu:.1f} s ({run.rss_mb:.0f} MB, {docs} files)")
                    shutil.rmtree(out, ignore_errors=True)
            if rep == 1 and not args.pdf_only:
                measure_memory(bench, memory_books, workdir)
            for _ in range(0 if args.pdf_only else max(5, repeat * 3)):
                run = run_child([HSO_XL, "--help"], 30)
                bench.s("startup | hso-xl --help").add(run.wall, run.rss_mb)
                run = run_child([PY, "-c", "pass"], 30)
                bench.s("startup | python -c pass (interpreter floor)").add(run.wall, run.rss_mb)

    if not args.pdf_only and not args.no_web and not args.process_only:
        # The web page, in the real browser (bench/web.py): after the rounds above, so they do not share the cores.
        import web

        bench.log("The web page in Chromium (hso-xl serve) ...")
        try:
            for key, values in web.measure(max(3, repeat), bench.log).items():
                for seconds in values:
                    bench.s(WEB_CASES[key]).add(seconds)
        except Exception as exc:  # no Chromium or no Playwright: said in the table, not a crash of the whole run
            bench.log(f"  the web page could not be measured: {exc}")
    print_table(bench, formula_books, repeat, check_books)
    process.print_targets(bench, formula_books)
    return 0


WEB_CASES = {"upload": "web | check result on the screen after the upload (sample)",
             "build": "web | first document's progress on the screen after Bygg (sample)"}


def convert_with_libreoffice(bench: Bench, lo: LibreOffice, path: Path, case: str, rep: int, timeout: float) -> None:
    key = f"{case} | LibreOffice headless (whole conversion)"
    run, out = lo.convert(path, timeout)
    if run.rc is None:
        bench.s(key).timeouts += 1
        bench.s(key).limit = timeout
    elif run.rc != 0:
        bench.s(key).failures.append(f"exit {run.rc}")
    else:
        if rep == 1 and total_of(out) == 0:
            bench.s(key).failures.append("did not recalculate")
        bench.s(key).add(run.wall, run.rss_mb)
        bench.s(key).cpu.append(run.cpu)
        bench.log(f"  {key}: {run.wall:.2f} s, CPU {run.cpu:.2f} s ({run.rss_mb:.0f} MB)")


MEMORY_SIZES = (100_000, 500_000)
MEMORY_LIMIT_MB = 1024


def memory_key(command: str, count: int) -> str:
    return f"memory {count:>7,} formulas | hso-xl {command} (peak RSS)"


def measure_memory(bench: "Bench", memory_books: dict, workdir: Path) -> None:
    """Run `hso-xl recalc` and `hso-xl check` once on each size; their peak RSS is what a user's machine needs."""
    for n, ((formulas, count), (checked, check_count)) in memory_books.items():
        for command, args, size in (("recalc", [str(formulas), "-o", str(workdir / "recalc.xlsx")], count),
                                    ("check", [str(checked)], check_count)):
            key = memory_key(command, size)
            run = run_child([HSO_XL, command] + args, 1800)
            if run.rc not in (0, 1):  # check exits 1 on findings: still a whole run
                bench.s(key).failures.append(f"exit {run.rc}: {run.stderr.strip()[-300:]}")
                bench.log(f"  {key}: FAILED {bench.s(key).failures[-1]}")
                continue
            bench.s(key).add(run.wall, run.rss_mb)
            bench.log(f"  {key}: {run.rss_mb:.0f} MB, {run.wall:.1f} s")


# ----------------------------------------------------------------------------------------------
# The table
# ----------------------------------------------------------------------------------------------

def fmt_s(series: Series | None) -> str:
    if series is None:
        return "-"
    if series.times:
        m = series.median
        return f"{m:.3f}" if m < 10 else f"{m:.1f}"
    if series.timeouts:
        return f"> {series.limit:.0f} s"
    if series.failures:
        return "FAILED"
    return "-"


def print_table(bench: Bench, formula_books, repeat: int, check_books=None) -> None:
    rows: list[tuple[str, str, str, str, str, str]] = []
    S = bench.series

    def med(key):
        return S[key].median if key in S and S[key].times else None

    for n, (path, count) in formula_books.items():
        case = f"recompute {count:>7,} formulas"
        ref = med(f"{case} | hso_xl load_workbook+recompute")
        ref_engine = med(f"{case} | IronCalc alone (load_from_xlsx+evaluate)")
        for key in [k for k in S if k.startswith(case + " |")]:
            tool = key.split(" | ", 1)[1]
            se = S[key]
            m = se.median
            ratio_full = f"{m / ref:.2f}×" if m and ref else ("> " + f"{se.limit / ref:.0f}×" if se.timeouts and ref else "")
            ratio_eng = f"{m / ref_engine:.1f}×" if m and ref_engine else ("> " + f"{se.limit / ref_engine:.0f}×" if se.timeouts and ref_engine else "")
            rss = f"{max(se.rss):.0f}" if se.rss else ""
            rows.append((case, tool, fmt_s(se), ratio_full, ratio_eng, rss, str(len(se.times))))
    for n, (path, count) in (check_books or {}).items():
        key = f"check {count:>7,} formulas | hso_xl recompute_file+check_recomputed"
        se = S.get(key)
        if se is None:
            continue
        for sub in [key] + [k for k in S if k.startswith(key + " /")]:
            part = S[sub]
            share = ""
            if (sub.endswith("/ analysis") or sub.endswith("/ full walk")) and part.times and se.times:
                share = f"{part.median / se.median * 100:.0f} % of it"
            rows.append((key.split(" | ")[0], sub.split(" | ", 1)[1], fmt_s(part), share, "",
                         f"{max(part.rss):.0f}" if part.rss else "", str(len(part.times))))
    build_7 = med("hso-xl build   7 municipalities | without PDF")
    for key in [k for k in S if k.startswith("hso-xl build")]:
        se = S[key]
        case, tool = key.split(" | ")
        docs = f", {int(se.limit)} files" if se.times and se.limit else ""
        rss = f"{max(se.rss):.0f}" if se.rss else ""
        ratio = f"{se.median / build_7:.2f}×" if se.times and build_7 else ""
        rows.append((case, tool + docs, fmt_s(se), ratio, "", rss, str(len(se.times))))
    for key in [k for k in S if k.startswith("web |")]:
        se = S[key]
        case, tool = key.split(" | ")
        rows.append((case, tool, fmt_s(se), "", "", "", str(len(se.times))))
    floor = med("startup | python -c pass (interpreter floor)")
    for key in [k for k in S if k.startswith("startup")]:
        se = S[key]
        case, tool = key.split(" | ")
        ratio = f"{se.median / floor:.2f}×" if se.times and floor else ""
        rows.append((case, tool, fmt_s(se), ratio, "", f"{max(se.rss):.0f}" if se.rss else "", str(len(se.times))))

    header = ("case", "what (median of runs, seconds)", "median s", "÷ hso full", "÷ engine", "peak RSS MB", "runs")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    print()
    print(f"hso_xl benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"up to {repeat} interleaved runs per case, medians.")
    print("'÷ hso full': median / hso_xl load_workbook+recompute in-process (>1 = slower than hso_xl);"
          " '÷ engine': / IronCalc alone.")
    print("For build rows '÷ hso full' is relative to build 7 without PDF; for startup rows, to bare python.")
    print("Python rows time the work in-process; '[process]' rows are the same runs' whole subprocess wall time"
          " (interpreter, imports); LibreOffice is its whole conversion.")
    print(line)
    print("  ".join(h.ljust(w) if i < 2 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))))
    print(line)
    last_case = None
    for r in rows:
        if last_case is not None and r[0] != last_case:
            print()
        shown = r[0] if r[0] != last_case else ""
        last_case = r[0]
        print("  ".join((shown if i == 0 else c).ljust(w) if i < 2 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths))))
    print(line)
    print_targets(bench, formula_books, check_books)


def print_targets(bench: Bench, formula_books, check_books=None) -> None:
    S = bench.series

    def get(key):
        return S.get(key)

    results = []
    ten = [c for n, (_, c) in formula_books.items() if n == 10_000]
    if ten:
        case = f"recompute {ten[0]:>7,} formulas"
        hso_proc = get(f"{case} | hso_xl load_workbook+recompute [process]")
        hso_in = get(f"{case} | hso_xl load_workbook+recompute")
        lo = get(f"{case} | LibreOffice headless (whole conversion)")
        fo = get(f"{case} | formulas (pure Python)")
        if hso_proc and hso_proc.times and lo and lo.times:
            r = lo.median / hso_proc.median
            results.append((r >= 2, f"recompute 10k: ≥2× faster than LibreOffice headless: {r:.1f}× "
                            f"(LibreOffice {lo.median:.2f} s whole conversion vs hso_xl {hso_proc.median:.2f} s whole "
                            f"process incl. Python start-up; in-process {lo.median / hso_in.median:.1f}×)"))
        else:
            results.append((None, "recompute 10k vs LibreOffice: not measured"))
        if hso_in and hso_in.times and fo and (fo.times or fo.timeouts):
            fm = fo.median if fo.times else fo.limit
            r = fm / hso_in.median
            results.append((r >= 50, f"recompute 10k: ≥50× faster than formulas: {'> ' if not fo.times else ''}{r:.1f}× "
                            f"(formulas {fmt_s(fo)} s vs hso_xl {hso_in.median:.2f} s, both in-process)"))
        else:
            results.append((None, "recompute 10k vs formulas: not measured"))
    else:
        results.append((None, "recompute 10k targets: 10 000 formulas not in --sizes (run without --quick)"))
    for n, (_, count) in (check_books or {}).items():
        if n != 100_000:
            continue
        key = f"check {count:>7,} formulas | hso_xl recompute_file+check_recomputed"
        se, part, walk = get(key), get(key + " / analysis"), get(key + " / full walk")
        if se and se.times and part and part.times:
            # `total` includes the analysis once; compare it with the check without it.
            share = part.median / max(se.median - part.median, 1e-9)
            worst = f"; the full walk, when a workbook needs it: +{walk.median / se.median * 100:.0f} %" \
                if walk and walk.times else ""
            results.append((share <= 0.20, f"check 100k: dependency analysis adds ≤ 20 %: +{share * 100:.1f} % "
                            f"({part.median:.3f} s of {se.median:.2f} s){worst}"))
        else:
            results.append((None, "check 100k: dependency analysis not measured"))
    for n, limit in ((7, 2.0), (290, 40.0)):
        se = get(f"hso-xl build {n:>3} municipalities | without PDF")
        if se and se.times:
            results.append((se.median < limit, f"hso-xl build {n} municipalities without PDF < {limit:g} s: {se.median:.2f} s"))
        else:
            results.append((None, f"hso-xl build {n} municipalities: not measured"))
    for n in (7, 290):
        archive = get(f"hso-xl build {n:>3} municipalities | {PDF_CASES['archive']}")
        plain = get(f"hso-xl build {n:>3} municipalities | {PDF_CASES[PLAIN_PDF]}")
        if archive and archive.times and plain and plain.times:
            r = archive.median / plain.median
            cpu = (f"; CPU time {statistics.median(archive.cpu) / statistics.median(plain.cpu):.2f}× "
                   f"({statistics.median(archive.cpu):.1f} s vs {statistics.median(plain.cpu):.1f} s)"
                   if archive.cpu and plain.cpu else "")
            results.append((r <= PDF_COST_LIMIT, f"hso-xl build {n} municipalities --pdf: PDF/A at most "
                            f"{PDF_COST_LIMIT:.2f}× the plain export: {r:.2f}× ({archive.median:.2f} s vs "
                            f"{plain.median:.2f} s wall, {len(archive.times)} run(s) each{cpu})"))
        else:
            results.append((None, f"hso-xl build {n} municipalities --pdf, PDF/A vs plain: not measured"))
    for key, what in (("upload", "web: the check's result within 1 s of the upload"),
                      ("build", "web: the first document's progress within 1 s of pressing Bygg")):
        se = get(WEB_CASES[key])
        if se and se.times:
            results.append((se.median < 1.0, f"{what}: {se.median:.2f} s (median of {len(se.times)})"))
        else:
            results.append((None, f"{what}: not measured"))
    for command in ("recalc", "check"):
        found = sorted((key, se) for key, se in S.items() if key.startswith("memory ") and f"hso-xl {command} " in key)
        for key, se in found:
            if se.rss:
                size = key.split("|")[0].replace("memory", "").strip()
                ok = max(se.rss) < MEMORY_LIMIT_MB if "500,0" in size else None
                results.append((ok, f"hso-xl {command} at {size}: {max(se.rss):.0f} MB peak"
                                + (f" (target < {MEMORY_LIMIT_MB} MB)" if ok is not None else "")))
        if not found:
            results.append((None, f"hso-xl {command} memory at 100 000 and 500 000 formulas: not measured (--quick)"))
    se = get("startup | hso-xl --help")
    if se and se.times:
        results.append((se.median < 0.3, f"hso-xl --help < 0.3 s: {se.median:.3f} s"))
    print("Targets:")
    for ok, text in results:
        print(f"  {'OK    ' if ok else 'MISSED' if ok is False else 'n/a   '} {text}")


if __name__ == "__main__":
    sys.exit(main())
