"""Workbook generators for the benchmark (see bench/README.md).

`formula_workbook(n)` writes a budget-style workbook with about `n` formulas:

* Parametrar: typed-in rates (uprating, overhead, threshold, EU share).
* Budget: one cost row per line with three typed-in yearly amounts and six formulas:
  three uprated/rounded years (ROUND over arithmetic with cross-sheet references), a row total
  (SUM over a range), an overhead (IF against a threshold) and a running subtotal that chains
  through its block of 100 rows (an arithmetic chain, restarted per block so that the dependency
  depth stays like a real budget's instead of growing with the size).
* Summering: per block of 100 rows, SUMs over Budget ranges (cross-sheet), a ROUNDed EU share
  and an IF; then grand totals over the whole Summering columns.

`municipality_workbook(n)` writes hso_xl's own sample master workbook with `n` municipalities.
Files are cached (by name) in .cache/bench/, so repeated runs only generate them once.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "bench"
FORMULAS_PER_ROW = 6
BLOCK = 100
GENERATOR_VERSION = 2  # bump when the layout changes, so cached files are regenerated


def formula_workbook(n: int, cache: Path = CACHE) -> tuple[Path, int]:
    """Return (path, exact formula count) of a cached budget-style workbook with about `n` formulas."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"formulas_{n}_v{GENERATOR_VERSION}.xlsx"
    count_file = path.with_suffix(".count")
    if path.is_file() and count_file.is_file():
        return path, int(count_file.read_text())
    tmp = path.with_suffix(".tmp.xlsx")
    count = _write_formula_workbook(tmp, n)
    tmp.replace(path)
    count_file.write_text(str(count))
    return path, count


def _rows_for(n: int) -> int:
    # per row: 6 formulas; per block of BLOCK rows: 5 Summering formulas; plus 4 grand totals
    return max(1, round((n - 4) / (FORMULAS_PER_ROW + 5 / BLOCK)))


def _write_formula_workbook(path: Path, n: int) -> int:
    import xlsxwriter

    rows = _rows_for(n)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    count = 0

    par = wb.add_worksheet("Parametrar")
    params = [("Uppräkning", 0.024), ("OH-sats", 0.15), ("Tröskel", 250_000), ("EU-andel", 0.4)]
    for r, (label, value) in enumerate(params):
        par.write_string(r, 0, label)
        par.write_number(r, 1, value)

    ws = wb.add_worksheet("Budget")
    ws.write_row(0, 0, ["Kostnad", "År 1", "År 2", "År 3", "Upp 1", "Upp 2", "Upp 3", "Summa", "OH", "Delsumma"])
    first = 2  # Excel row of the first cost line
    for i in range(rows):
        r = first + i  # 1-based Excel row
        x = r - 1  # 0-based row for xlsxwriter
        ws.write_string(x, 0, f"Kostnad {i + 1}")
        ws.write_number(x, 1, 10_000 + (i * 7919) % 90_000)
        ws.write_number(x, 2, 5_000 + (i * 104729) % 60_000)
        ws.write_number(x, 3, (i * 1299709) % 40_000)
        ws.write_formula(x, 4, f"=ROUND(B{r}*(1+Parametrar!$B$1),0)")
        ws.write_formula(x, 5, f"=ROUND((C{r}+E{r}/2)*(1+Parametrar!$B$1)^2,0)")
        ws.write_formula(x, 6, f"=ROUND((D{r}+F{r}-E{r}/3)*(1+Parametrar!$B$1)^3,2)")
        ws.write_formula(x, 7, f"=SUM(E{r}:G{r})")
        ws.write_formula(x, 8, f"=IF(H{r}>Parametrar!$B$3,ROUND(H{r}*Parametrar!$B$2,0),H{r}*Parametrar!$B$2/2)")
        if i % BLOCK == 0:
            ws.write_formula(x, 9, f"=H{r}+I{r}")
        else:
            ws.write_formula(x, 9, f"=J{r - 1}+H{r}+I{r}")
        count += FORMULAS_PER_ROW

    summ = wb.add_worksheet("Summering")
    summ.write_row(0, 0, ["Block", "Kostnader", "OH", "Delsumma", "EU-stöd", "Egen insats"])
    blocks = (rows + BLOCK - 1) // BLOCK
    for b in range(blocks):
        lo = first + b * BLOCK
        hi = min(first + rows - 1, lo + BLOCK - 1)
        r = b + 2
        x = r - 1
        summ.write_string(x, 0, f"Block {b + 1}")
        summ.write_formula(x, 1, f"=SUM(Budget!H{lo}:H{hi})")
        summ.write_formula(x, 2, f"=SUM(Budget!I{lo}:I{hi})")
        summ.write_formula(x, 3, f"=Budget!J{hi}")
        summ.write_formula(x, 4, f"=ROUND(D{r}*Parametrar!$B$4,0)")
        summ.write_formula(x, 5, f"=IF(D{r}-E{r}>0,D{r}-E{r},0)")
        count += 5
    last = blocks + 1
    total = last + 2
    summ.write_string(total - 1, 0, "Totalt")
    for col, letter in enumerate("BCDE", start=1):
        summ.write_formula(total - 1, col, f"=SUM({letter}2:{letter}{last})")
        count += 1
    wb.close()
    return count


def check_workbook(n: int, cache: Path = CACHE) -> tuple[Path, int]:
    """Return (path, formula count) of the sample master workbook with a scratch sheet of about `n`
    formulas that one budget figure rests on (Externa tjänster 2027 = 1 960 000 + 0 × the sheet's
    grand total), so `check`'s dependency analysis walks every one of them: its worst case."""
    import openpyxl

    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"check_{n}_v{GENERATOR_VERSION}.xlsx"
    count_file = path.with_suffix(".count")
    if path.is_file() and count_file.is_file():
        return path, int(count_file.read_text())
    wb = openpyxl.load_workbook(ROOT / "input" / "HSO_finansiering_2027-2029.xlsx")
    ws = wb.create_sheet("Beräkning")
    rows = max(1, (n - 1) // 4)
    for r in range(1, rows + 1):
        ws.cell(r, 1, 1000 + r % 97)
        ws.cell(r, 2, f"=ROUND(A{r}*(1+Parametrar!$B$5),0)")
        ws.cell(r, 3, f"=B{r}+IF(A{r}>1050,OH_sats*A{r},0)")
        ws.cell(r, 4, f"=SUM(B{r}:C{r})")
        ws.cell(r, 5, "=D1" if r == 1 else f"=E{r - 1}+D{r}")
    ws.cell(1, 7, f"=E{rows}+SUM(D:D)")
    wb["Budget"]["B7"] = "=1960000+0*Beräkning!G1"
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    count = sum(1 for s in wb.worksheets for row in s.iter_rows() for c in row if c.data_type == "f")
    count_file.write_text(str(count))
    return path, count


def synthetic_municipalities(n: int):
    """Return `n` distinct hso_xl.sample.Municipality entries ("Kommun 001 kommun" ...)."""
    from hso_xl.sample import Municipality

    return tuple(
        Municipality(
            short=f"Kommun {i:03d}",
            official=f"Kommun {i:03d} kommun",
            code=f"{9000 + i:04d}",
            org_nr="",
            dnr=f"KS 2026/{i:03d}",
            contact="Kommunledningsförvaltningen",
            population=5_000 + (i * 7919) % 95_000,
        )
        for i in range(1, n + 1)
    )


def municipality_workbook(n: int, cache: Path = CACHE) -> Path:
    """Return a cached sample master workbook with `n` synthetic municipalities (EU cap 90 %)."""
    from dataclasses import replace

    from hso_xl.sample import S0_COSTS, SampleSpec, build_sample, s0_cash_financiers

    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"HSO_{n}_kommuner_v{GENERATOR_VERSION}.xlsx"
    if path.is_file():
        return path
    munis = synthetic_municipalities(n)
    # Every municipality pays the sample's default share, so with 290 of them the cash would
    # exceed S0's costs (a negative balancing EU row). Scale the typed-in costs with the number of
    # municipalities so that the balancing financier stays between 0 and the 90 % cap.
    scale = max(1, round(n / 14))
    costs = tuple(replace(c, amounts=tuple(a * scale for a in c.amounts)) for c in S0_COSTS)
    spec = SampleSpec().with_(municipalities=munis, cash=s0_cash_financiers(munis), costs=costs, eu_cap=0.9)
    tmp = path.with_name(path.stem + ".tmp.xlsx")
    build_sample(tmp, spec)
    tmp.replace(path)
    return path


def report_data_workbook(reports: int = 7, cache: Path = CACHE) -> Path:
    """Return the regional report data beside the synthetic master workbooks in `cache`.

    The shipped sample's records (input/Rapportdata_2025.xlsx) given to "Kommun 001 kommun" ...: the
    seven municipalities' records in turn, `reports` municipalities in all, so that a build of the
    synthetic workbook writes `reports` regional reports with charts (the others get none, said in
    one line). It lies in `cache` because hso-xl takes the data workbook from the master's folder.
    """
    import openpyxl

    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"Rapportdata_bench_{reports}_v{GENERATOR_VERSION}.xlsx"
    for old in cache.glob("Rapportdata*.xlsx"):  # one data workbook per folder: the newest would win
        if old != path:
            old.unlink()
    if path.is_file():
        return path
    wb = openpyxl.load_workbook(ROOT / "input" / "Rapportdata_2025.xlsx")
    for ws in wb.worksheets:
        if ws.cell(1, 1).value != "Kommun":
            continue
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
        names = list(dict.fromkeys(r[0] for r in rows))
        ws.delete_rows(2, ws.max_row)
        for i in range(reports):
            own = names[i % len(names)]
            for row in rows:
                if row[0] == own:
                    ws.append([f"Kommun {i + 1:03d} kommun", *row[1:]])
    tmp = path.with_name("tmp-" + path.name)
    wb.save(tmp)
    tmp.replace(path)
    return path


if __name__ == "__main__":  # quick manual check: python bench/workbooks.py 1000 10000
    import sys

    for arg in sys.argv[1:]:
        print(formula_workbook(int(arg)))
