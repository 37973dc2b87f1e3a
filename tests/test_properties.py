"""Property tests: random budgets written as real workbooks either give documents whose printed
tables add up and whose figures equal the recomputed workbook, or a clear error."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hso_xl.errors import HsoError
from hso_xl.model.rounding import PrintedTable
from hso_xl.model.checked import check_workbook
from hso_xl.render.context import build_context
from hso_xl.sample import S0_MUNICIPALITIES, CostRow, Financier, SampleSpec, build_sample
import pytest
from hso_xl.swedish import whole_kronor

pytestmark = [pytest.mark.slow]

amount = st.integers(min_value=0, max_value=5_000_000) | st.decimals(
    min_value=0, max_value=5_000_000, places=2, allow_nan=False).map(float)
label = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöÅÄÖ -", min_size=3, max_size=20).map(str.strip).filter(
    lambda s: len(s) >= 3 and not s.lower().startswith(("summa", "intäkt", "projektintäkt")))


@st.composite
def budgets(draw):
    years = draw(st.integers(min_value=1, max_value=6))
    names = draw(st.lists(label, min_size=1, max_size=6, unique_by=str.casefold))
    costs = tuple(CostRow(f"Kostnad {n}", tuple(draw(st.lists(amount, min_size=years, max_size=years))))
                  for n in names)
    munis = S0_MUNICIPALITIES[: draw(st.integers(min_value=1, max_value=7))]
    others = draw(st.lists(label, max_size=4, unique_by=str.casefold))
    cash = [Financier("Tillväxtverket", "offentlig", balancing=True)]
    cash += [Financier(m.official, "offentlig", (draw(st.integers(0, 700_000)),)) for m in munis]
    cash += [Financier(f"Finansiär {n}", draw(st.sampled_from(["offentlig", "privat"])),
                       tuple(draw(st.lists(amount, min_size=years, max_size=years)))) for n in others]
    direct = tuple(Financier(f"Direkt {n}", "offentlig", (draw(amount),))
                   for n in draw(st.lists(label, max_size=3, unique_by=str.casefold)))
    return SampleSpec().with_(years=years, costs=costs, cash=tuple(cash), direct=direct, municipalities=munis,
                              eu_cap=draw(st.sampled_from([0.4, 0.6, 1.0])),
                              cost_rounding_row=costs[0].label)


def adds_up(table: PrintedTable) -> bool:
    down = all(sum(r.sign * r.printed[i] for r in table.rows) == t for i, t in enumerate(table.totals))
    across = all(r.total == sum(r.printed) for r in table.rows)
    return down and across


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=budgets())
def test_random_budget_is_consistent_or_refused(spec):
    with tempfile.TemporaryDirectory() as tmp:
        path = build_sample(Path(tmp) / "budget.xlsx", spec)
        try:
            checked = check_workbook(path)
        except HsoError as exc:  # a clear error, with the file named
            assert str(path) in exc.paragraph()
            return
        errors = {f.code for f in checked.findings if f.severity.value == "error"}
        assert errors <= {"eu.cap", "amount.negative"}, errors  # the only ways a random budget may fail
        b, p = checked.budget, checked.printed
        assert b.years == tuple(range(2027, 2027 + spec.years))
        for table in p.tables:
            assert adds_up(table)
        # printed figures equal the recomputed workbook, rounded, except where one row absorbed rounding
        for table in p.tables:
            adjusted = {(a.label, a.year) for a in table.adjustments}
            for row in table.rows:
                for year, exact, printed in zip(b.years, row.line.amounts, row.printed):
                    if (row.line.label, year) not in adjusted:
                        assert printed == whole_kronor(exact)
                    else:
                        assert abs(printed - exact) < len(table.rows)
        assert p.financing_totals == p.project_totals  # TVV balances, so printed financing equals cost
        context = build_context(checked, dt.date(2027, 1, 1))
        for m in context["kommuner"]:
            assert m["totalt"] == sum(m["per_ar"])
