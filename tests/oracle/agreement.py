"""Per-function agreement of hso_xl's recomputed values with the values Excel cached.

`measure(paths)` recomputes each Excel-saved workbook and sorts every formula cell into one of:
agrees with Excel's cached value, differs, not computed (the engine could not), or no cached
value. Each cell counts for every function its formula calls (a cell with SUM and ROUND counts
for both). `markdown(...)` writes the table that `make oracle-report` keeps in
tests/oracle/agreement.md, and, for each known divergence (hso_xl/workbook/divergences.py), how
many cells of these files match it and how many of those differ from Excel.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from hso_xl.workbook.divergences import DIVERGENCES, matching
from hso_xl.workbook.engine import engine_version, function_names
from hso_xl.workbook.recalc import recompute_file
from hso_xl.workbook.refs import Scanner

from ..helpers.compare import agrees

CATEGORIES = ("agree", "differ", "not computed", "no cached value")


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=lambda: {c: 0 for c in CATEGORIES})
    examples: list[str] = field(default_factory=list)  # a few cells that differ, for the reader

    @property
    def cells(self) -> int:
        return sum(self.counts.values())

    @property
    def compared(self) -> int:
        return self.counts["agree"] + self.counts["differ"] + self.counts["not computed"]

    def share(self) -> str:
        return f"{100 * self.counts['agree'] / self.compared:.1f} %" if self.compared else "–"


@dataclass
class Measurement:
    files: list[tuple[str, int]] = field(default_factory=list)  # (name, formula cells)
    total: Tally = field(default_factory=Tally)
    functions: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    divergences: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))


def measure(paths: dict[str, Path]) -> Measurement:
    """Recompute every workbook (name -> path) and tally its formula cells."""
    out = Measurement()
    for label, path in sorted(paths.items()):
        done = recompute_file(path)
        v = done.verification
        scanner = Scanner(done.workbook)
        count = 0
        for sheet, cell in done.workbook.formula_cells():
            count += 1
            ref = sheet.ref(cell.row, cell.col)
            if ref in v.problems:
                category = "not computed"
            elif cell.cached is None:
                category = "no cached value"
            elif agrees(cell.cached, cell.value):
                category = "agree"
            else:
                category = "differ"
            where = f"{label} {ref}"
            for tally in [out.total] + [out.functions[f] for f in function_names(cell.formula) or ["(no function)"]]:
                tally.counts[category] += 1
                if category == "differ" and len(tally.examples) < 2:
                    tally.examples.append(where)
            for d in matching(cell.formula, sheet, done.workbook, scanner, cell.value):
                tally = out.divergences[d.code]
                tally.counts[category] += 1
                if category == "differ" and len(tally.examples) < 2:
                    tally.examples.append(where)
        out.files.append((label, count))
    return out


def markdown(m: Measurement, sources: str) -> str:
    lines = [
        "# Agreement of IronCalc with the values Excel cached",
        "",
        "Written by `make oracle-report` (scripts/oracle_report.py); do not edit by hand. "
        f"Engine: IronCalc {engine_version()}. {sources}",
        "",
        f"{len(m.files)} workbooks saved by Excel, {m.total.cells} formula cells: "
        f"{m.total.counts['agree']} agree, {m.total.counts['differ']} differ, "
        f"{m.total.counts['not computed']} not computed, {m.total.counts['no cached value']} without a cached value "
        f"({m.total.share()} of the compared cells agree).",
        "",
        "A cell counts for every function its formula calls.",
        "",
        "| function | cells | agree | differ | not computed | agreement | cells that differ (examples) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, t in sorted(m.functions.items()):
        lines.append(f"| {name} | {t.cells} | {t.counts['agree']} | {t.counts['differ']} | "
                     f"{t.counts['not computed']} | {t.share()} | {', '.join(t.examples)} |")
    lines += ["", "## Cells matching a known divergence (hso_xl/workbook/divergences.py)", "",
              "| divergence | cells | agree | differ | not computed | cells that differ (examples) |",
              "|---|---:|---:|---:|---:|---|"]
    for d in DIVERGENCES:
        t = m.divergences.get(d.code, Tally())
        lines.append(f"| {d.code} | {t.cells} | {t.counts['agree']} | {t.counts['differ']} | "
                     f"{t.counts['not computed']} | {', '.join(t.examples)} |")
    lines += ["", "## Files", ""]
    lines += [f"- {name}: {count} formula cells" for name, count in m.files]
    return "\n".join(lines) + "\n"
