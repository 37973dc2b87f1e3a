"""The template context: everything a template may print, as documented in docs/templates.md.

Amounts are the *printed* whole-krona figures of model/rounding.py, so every table a template
prints adds up. Each figure also knows the workbook cells it came from (`celler`), which the
manifest records per document.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR

from ..model.budget import BOOKED, DIRECT, FINANCING, PROJECT, Municipality
from ..model.checked import Checked
from ..model.rounding import PrintedRow, PrintedTable
from ..model.facts import PARAMETERS, SCOPES
from ..swedish import sort_key
from ..workbook.values import template_value as _value
from .missing import MissingFact

def _row(row: PrintedRow, years) -> dict:
    line = row.line
    data = {
        "namn": line.label,
        "per_ar": list(row.printed),
        "ar": dict(zip(years, row.printed)),
        "totalt": row.total,
        "celler": list(line.cells),
    }
    for attr in ("sector", "kind"):
        if hasattr(line, attr):
            data["offentlig_privat" if attr == "sector" else "kontant_annat"] = getattr(line, attr)
    if hasattr(line, "is_eu"):
        data["eu_stod"] = line.is_eu
        data["kommun"] = line.municipality is not None
    return data


def _sum(per_year, years, cells=()) -> dict:
    per_year = list(per_year)
    return {"per_ar": per_year, "ar": dict(zip(years, per_year)), "totalt": sum(per_year), "celler": list(cells)}


def _table(table: PrintedTable, years) -> list[dict]:
    return [_row(r, years) for r in table.rows]


def _sum_where(rows: list[dict], years, **match) -> dict:
    chosen = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
    per_year = [sum(r["per_ar"][i] for r in chosen) for i in range(len(years))]
    return _sum(per_year, years, [c for r in chosen for c in r["celler"]])


def fact_values(scope: str, facts: dict, subject: str | None = None) -> dict:
    """Return facts by their stable key, every known fact present: its value, or MissingFact when the workbook lacks it.

    `celler_per_falt` maps each key to the cell it came from, so the manifest and the change report
    know which cells a document's facts were read from (render/tracking.py).
    """
    out: dict = {}
    cells: dict[str, list[str]] = {}
    for key, fact in facts.items():
        out[key] = _value(fact.value)
        cells[key] = [fact.cell]
    for spec in SCOPES[scope]:
        value = out.get(spec.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            out[spec.key] = MissingFact(scope, spec, subject)
    out["celler_per_falt"] = cells
    return out


def fixed_document_date(checked: Checked) -> tuple[dt.date | None, str | None]:
    """Return the Dokumentdatum fact (Projekt) and its cell, or (None, None) when the workbook gives none."""
    fact = checked.budget.project.get("dokumentdatum")
    if fact is not None and isinstance(fact.value, (dt.date, dt.datetime)):
        value = fact.value.date() if isinstance(fact.value, dt.datetime) else fact.value
        return value, fact.cell
    return None, None


def document_date(checked: Checked) -> dt.date:
    """The date printed on documents: Projekt's 'Dokumentdatum' if given, else today.

    A build keeps an unchanged document's previous date (build_render.dated_documents), so without a
    Dokumentdatum a document carries the day its content last changed.
    """
    fixed, _ = fixed_document_date(checked)
    return fixed or dt.date.today()


def build_context(checked: Checked, document_date: dt.date) -> dict:
    """Return the context shared by every template (without `kommun` and `finansiar`)."""
    b, p = checked.budget, checked.printed
    years = list(b.years)
    costs = _table(p.costs, years)
    direct = _table(p.direct_costs, years)
    cash = _table(p.cash, years)
    in_kind = _table(p.in_kind, years)
    cells = {key: line.cells for key, line in b.workbook_totals.items()}
    total_cost = _sum(p.project_totals, years, cells.get(PROJECT, ()))
    municipalities = [municipality_context(m, cash, years) for m in b.municipalities]
    municipalities.sort(key=lambda m: sort_key(m["namn"]))
    eu_rows = [r for r in cash if r["eu_stod"]]
    eu_amount = sum(r["totalt"] for r in eu_rows)
    project = fact_values("projekt", b.project)
    return {
        "projekt": project,
        "parametrar": fact_values("parametrar", b.parameters),
        "ar": years,
        "period": f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]),
        "forsta_ar": years[0],
        "sista_ar": years[-1],
        "antal_ar": len(years),
        "budget": {
            "kostnader": costs,
            "summa_bokford_kostnad": _sum(p.booked_totals, years, cells.get(BOOKED, ())),
            "direktfinansiering": direct,
            "summa_direktfinansiering": _sum(p.direct_costs.totals, years, cells.get(DIRECT, ())),
            "summa_projektkostnad": total_cost,
        },
        "finansiering": {
            "kontant": cash,
            "summa_kontant": _sum(p.cash.totals, years),
            "annat_an_pengar": in_kind,
            "summa_annat_an_pengar": _sum(p.in_kind.totals, years),
            "summa": _sum(p.financing_totals, years, cells.get(FINANCING, ())),
            "offentlig_kontant": _sum_where(cash, years, offentlig_privat="offentlig"),
            "privat_kontant": _sum_where(cash, years, offentlig_privat="privat"),
            "offentlig_annat_an_pengar": _sum_where(in_kind, years, offentlig_privat="offentlig"),
            "privat_annat_an_pengar": _sum_where(in_kind, years, offentlig_privat="privat"),
            "kommunerna": _sum_where(cash, years, kommun=True),
        },
        "eu": {
            # what the amount, the share and the cap's amount are made of (tracking.py records per key)
            "celler_per_falt": {"belopp": [c for r in eu_rows for c in r["celler"]],
                                "andel": [c for r in eu_rows for c in r["celler"]] + list(cells.get(PROJECT, ())),
                                "tak_belopp": list(cells.get(PROJECT, ()))},
            "finansiarer": [r["namn"] for r in eu_rows],
            "belopp": eu_amount,
            "andel": b.eu_rate,
            "tak": b.eu_cap if b.eu_cap is not None else MissingFact("parametrar", PARAMETERS[0]),
            # the largest whole-krona amount within the cap of the exact total project cost
            "tak_belopp": int((b.eu_cap * b.total_project_cost).to_integral_value(rounding=ROUND_FLOOR))
            if b.eu_cap is not None else MissingFact("parametrar", PARAMETERS[0]),
        },
        "kommuner": municipalities,
        "namn": defined_names(checked),
        "dokument": {"datum": document_date},
    }


def municipality_context(m: Municipality, cash_rows: list[dict], years) -> dict:
    row = next((r for r in cash_rows if r["namn"] == m.official_name), None)
    per_year = row["per_ar"] if row else [0] * len(years)
    facts = fact_values("kommun", m.facts, m.official_name)
    return {
        **facts,
        "namn": m.official_name,
        "kortnamn": m.short_name,
        "per_ar": per_year,
        "ar": dict(zip(years, per_year)),
        "totalt": sum(per_year),
        "lika_varje_ar": len(set(per_year)) == 1,
        "celler": row["celler"] if row else [],
        "fakta": {fact.label: _value(fact.value) for fact in m.facts.values()},
    }


def defined_names(checked: Checked) -> dict:
    """Return each defined name of the workbook with its recomputed value (a list for a range)."""
    from ..workbook.cellnames import range_boundaries

    out = {}
    wb = checked.workbook
    for name, formula in wb.defined_names.items():
        if "!" not in formula or "[" in formula or "," in formula:
            continue
        sheet_part, _, area = formula.lstrip("=").rpartition("!")
        sheet_name = sheet_part.strip("'").replace("''", "'")
        try:
            sheet = wb.sheet(sheet_name)
            min_col, min_row, max_col, max_row = range_boundaries(area.replace("$", ""))
        except (KeyError, ValueError, TypeError):
            continue
        values = [_value(sheet.value(r, c)) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]
        key = name.split("!")[-1]
        out[key] = values[0] if len(values) == 1 else values
    return out
