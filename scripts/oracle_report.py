"""Write tests/oracle/agreement.md: how often IronCalc agrees with Excel, function by function.

    make oracle-report                                  # the Excel-saved files of the test suite
    .venv/bin/python scripts/oracle_report.py --extra DIR_OR_FILE ... --out report.md

The suite's files are the workbooks saved by Microsoft Excel in the xlcalculator 0.5.0 sdist on
PyPI (downloaded once into .cache/excel-fixtures/, as the oracle tests do) and the Excel-saved
workbooks of IronCalc's test suite committed in tests/oracle/excel/ironcalc/. `--extra` adds other
Excel-saved workbooks (any .xlsx/.xlsm under a folder); such a report is printed or written to
`--out`, never over the committed table, which the test suite regenerates from its own files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers.excel_files import PACKAGE, VERSION, excel_saved_files, saved_by  # noqa: E402
from tests.oracle.agreement import markdown, measure  # noqa: E402

TABLE = ROOT / "tests" / "oracle" / "agreement.md"
CACHE = ROOT / ".cache" / "excel-fixtures"
COMMITTED = ROOT / "tests" / "oracle" / "excel" / "ironcalc"
SOURCES = (f"Files: every workbook saved by Microsoft Excel in the {PACKAGE} {VERSION} sdist on PyPI (MIT licence), "
           f"and the {len(list(COMMITTED.glob('*.xlsx')))} Excel-saved workbooks of IronCalc's own test suite in "
           "tests/oracle/excel/ironcalc/ (see its README: IronCalc is tested against them).")


def suite_files() -> dict[str, Path]:
    """The suite's Excel-saved workbooks: the xlcalculator sdist's by their path inside it, then
    the committed IronCalc ones as `ironcalc/NAME`."""
    root = excel_saved_files(CACHE)
    files = {str(p.relative_to(root)): p for p in sorted(root.rglob("*.xls[xm]")) if "Microsoft" in saved_by(p)}
    files.update({f"ironcalc/{p.name}": p for p in sorted(COMMITTED.glob("*.xlsx")) if "Excel" in saved_by(p)})
    return files


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extra", nargs="*", type=Path, default=[], help="more Excel-saved workbooks or folders")
    ap.add_argument("--out", type=Path, help=f"where to write the table (default {TABLE.relative_to(ROOT)}, "
                                             "or standard output with --extra)")
    args = ap.parse_args(argv)
    files = suite_files()
    sources = SOURCES
    for extra in args.extra:
        found = sorted(extra.rglob("*.xls[xm]")) if extra.is_dir() else [extra]
        for path in found:
            if "Microsoft" not in saved_by(path):
                print(f"skipped {path}: not saved by Microsoft Excel ({saved_by(path) or 'unknown'})", file=sys.stderr)
                continue
            files[f"extra: {path.name}"] = path
        sources += f" Extra: {', '.join(str(p) for p in args.extra)}."
    text = markdown(measure(files), sources)
    if args.out or not args.extra:
        out = args.out or TABLE
        out.write_text(text, encoding="utf-8")
        print(f"Wrote {out} ({len(files)} workbooks)")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
