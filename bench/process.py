"""Whole-process cases and targets of issue 25: `hso-xl recalc` beside IronCalc alone and LibreOffice,
`hso-xl check` and `hso-xl build` on the sample, and how recalc grows from 1 000 to 100 000 formulas.

Every case is one subprocess timed from outside (wall time, CPU seconds of it and its waited-for
descendants, peak RSS), as a user runs it: interpreter start-up, imports and writing the file included.
Ratios compare CPU-second medians of the same run, so that a busy machine slows both sides alike; wall
times are printed beside them. run.py calls `measure` once per round and `print_targets` at the end.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

RECALC_LIMIT = 1.5  # hso-xl recalc at most 1,5× IronCalc alone (load + evaluate + save), whole processes
MEMORY_LIMIT = 2.0  # peak RSS at most 2× IronCalc alone's
LIBREOFFICE_LIMIT = 0.5  # hso-xl recalc at most 0,5× LibreOffice headless's conversion at 10 000 formulas
CHECK_LIMIT = 0.5  # hso-xl check on the sample, seconds wall
BUILD_LIMIT = 2.0  # hso-xl build of the sample's documents, seconds wall
LINEAR_SLACK = 1.5  # cost per added formula from 10k to 100k at most 1,5× that from 1k to 10k

ENGINE = "IronCalc alone, whole process (load+evaluate+save)"
RECALC = "hso-xl recalc, whole process"


def engine_worker(path: str) -> None:
    """IronCalc alone: load, evaluate and save the copy (what `hso-xl recalc` delivers), nothing else."""
    import ironcalc

    with tempfile.TemporaryDirectory() as tmp:
        model = ironcalc.load_from_xlsx(path, "en", "UTC")
        model.evaluate()
        model.save_to_xlsx(str(Path(tmp) / "out.xlsx"))


def measure(bench, run_child, py: str, run_py: str, hso_xl: str, formula_books, sample: Path, workdir: Path) -> None:
    """One round of the whole-process cases (the LibreOffice and build cases are run.py's own)."""
    for n, (path, count) in formula_books.items():
        case = f"recalc {count:>7,} formulas"
        _record(bench, f"{case} | {ENGINE}", run_child([py, run_py, "--worker", "engine_save", str(path)], 600))
        out = workdir / f"recalc-{n}.xlsx"
        _record(bench, f"{case} | {RECALC}", run_child([hso_xl, "recalc", str(path), "-o", str(out)], 600))
        out.unlink(missing_ok=True)
    _record(bench, "hso-xl check sample | whole process", run_child([hso_xl, "check", str(sample)], 120), ok=(0, 1))


def _record(bench, key: str, run, ok=(0,)) -> None:
    series = bench.s(key)
    if run.rc not in ok:
        series.failures.append(f"exit {run.rc}: {run.stderr.strip()[-200:]}")
        bench.log(f"  {key}: FAILED {series.failures[-1]}")
        return
    series.add(run.wall, run.rss_mb)
    series.cpu.append(run.cpu)
    bench.log(f"  {key}: {run.wall:.2f} s wall, CPU {run.cpu:.2f} s ({run.rss_mb:.0f} MB)")


def _cpu(series) -> float | None:
    return statistics.median(series.cpu) if series is not None and series.cpu else None


def print_targets(bench, formula_books) -> None:
    S = bench.series
    lines = []  # (met: bool | None, text)
    print()
    print("Whole processes (issue 25): median wall s, median CPU s, peak RSS MB")
    for key in [k for k in S if k.startswith(("recalc ", "hso-xl check sample"))]:
        se = S[key]
        if se.times:
            print(f"  {key:<75} {se.median:7.3f} {_cpu(se):7.3f} {max(se.rss):6.0f}  ({len(se.times)} runs)")
        else:
            print(f"  {key:<75} FAILED {'; '.join(se.failures)[:120]}")
    counts = {n: count for n, (_, count) in formula_books.items()}
    for n in (10_000, 100_000):
        if n not in counts:
            lines.append((None, f"recalc {n:,}: not in --sizes"))
            continue
        case = f"recalc {counts[n]:>7,} formulas"
        eng, own = S.get(f"{case} | {ENGINE}"), S.get(f"{case} | {RECALC}")
        if not (_cpu(eng) and _cpu(own)):
            lines.append((None, f"{case}: hso-xl recalc vs IronCalc alone not measured"))
            continue
        r = _cpu(own) / _cpu(eng)
        lines.append((r <= RECALC_LIMIT, f"{case}: hso-xl recalc ≤ {RECALC_LIMIT:g}× IronCalc alone: {r:.2f}× "
                      f"(CPU {_cpu(own):.2f} s vs {_cpu(eng):.2f} s; wall {own.median:.2f} s vs {eng.median:.2f} s)"))
        m = max(own.rss) / max(eng.rss)
        lines.append((m <= MEMORY_LIMIT, f"{case}: peak memory ≤ {MEMORY_LIMIT:g}× IronCalc alone's: {m:.2f}× "
                      f"({max(own.rss):.0f} MB vs {max(eng.rss):.0f} MB)"))
    if 10_000 in counts:
        lo = S.get(f"recompute {counts[10_000]:>7,} formulas | LibreOffice headless (whole conversion)")
        own = S.get(f"recalc {counts[10_000]:>7,} formulas | {RECALC}")
        if _cpu(lo) and _cpu(own):
            r = _cpu(own) / _cpu(lo)
            lines.append((r <= LIBREOFFICE_LIMIT, f"recalc 10k: hso-xl recalc ≤ {LIBREOFFICE_LIMIT:g}× LibreOffice "
                          f"headless: {r:.2f}× (CPU {_cpu(own):.2f} s vs {_cpu(lo):.2f} s; wall {own.median:.2f} s "
                          f"vs {lo.median:.2f} s)"))
        else:
            lines.append((None, "recalc 10k vs LibreOffice: not measured (--no-libreoffice?)"))
    check = S.get("hso-xl check sample | whole process")
    if check is not None and check.times:
        lines.append((check.median <= CHECK_LIMIT, f"hso-xl check on the sample ≤ {CHECK_LIMIT:g} s: "
                      f"{check.median:.2f} s wall (CPU {_cpu(check):.2f} s)"))
    build = S.get("hso-xl build   7 municipalities | without PDF")
    if build is not None and build.times:
        cpu = f", CPU {_cpu(build):.2f} s" if build.cpu else ""
        lines.append((build.median <= BUILD_LIMIT, f"hso-xl build of the sample ({int(build.limit)} files) ≤ "
                      f"{BUILD_LIMIT:g} s: {build.median:.2f} s wall{cpu}"))
    for what in (ENGINE, RECALC):
        lines.append(_growth(S, counts, what))
    print("Targets (issue 25; ratios of CPU-second medians of this run):")
    for met, text in lines:
        print(f"  {'met    ' if met else 'NOT MET' if met is False else 'n/a    '} {text}")


def _growth(S, counts, what: str):
    """Linear: the CPU per added formula from 10k to 100k is at most LINEAR_SLACK × that from 1k to 10k."""
    if not all(n in counts for n in (1000, 10_000, 100_000)):
        return None, f"growth of {what}: needs --sizes 1000,10000,100000"
    t = {n: _cpu(S.get(f"recalc {counts[n]:>7,} formulas | {what}")) for n in (1000, 10_000, 100_000)}
    if not all(t.values()):
        return None, f"growth of {what}: not measured"
    low = (t[10_000] - t[1000]) / (counts[10_000] - counts[1000]) * 1e6
    high = (t[100_000] - t[10_000]) / (counts[100_000] - counts[10_000]) * 1e6
    ratio = high / low if low > 0 else float("inf")
    return ratio <= LINEAR_SLACK, (f"{what} grows linearly 1k → 100k: {t[1000]:.2f} / {t[10_000]:.2f} / "
                                   f"{t[100_000]:.2f} CPU s; {low:.1f} µs per added formula up to 10k, "
                                   f"{high:.1f} µs beyond ({ratio:.2f}×, limit {LINEAR_SLACK:g}×)")


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run bench/run.py")
