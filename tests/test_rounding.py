"""The printed-rounding rule: rows add up to the rounded total; one named row absorbs the difference."""

from decimal import Decimal

from hso_xl.model.budget import Line
from hso_xl.model.rounding import round_table


def line(label, *amounts):
    return Line(label, tuple(Decimal(a) for a in amounts), tuple(f"S!B{i}" for i in range(len(amounts))), "S!A1")


def test_no_adjustment_when_rows_add_up():
    rows = [line("a", "1.2"), line("b", "2.2")]
    table = round_table("t", (2027,), rows, [Decimal("3.4")], None)
    assert [r.printed for r in table.rows] == [(1,), (2,)]
    assert table.totals == (3,) and table.adjustments == ()


def test_named_row_absorbs_the_difference():
    rows = [line("a", "1.5"), line("b", "1.5"), line("big", "10")]
    table = round_table("t", (2027,), rows, [Decimal("13")], "A")  # matched case-insensitively
    assert [r.printed for r in table.rows] == [(1,), (2,), (10,)]
    assert [(a.label, a.printed) for a in table.adjustments] == [("a", 1)]


def test_largest_row_absorbs_without_a_named_row():
    rows = [line("a", "1.5"), line("b", "1.5"), line("big", "10")]
    table = round_table("t", (2027,), rows, [Decimal("13")], "no such row")
    assert [r.printed for r in table.rows] == [(2,), (2,), (9,)]


def test_deducted_row_is_subtracted():
    rows = [line("cost", "100.6"), line("revenue", "10.6")]
    table = round_table("t", (2027,), rows, [Decimal("90")], None, signs=[1, -1])
    assert table.totals == (90,)
    assert sum(r.sign * r.printed[0] for r in table.rows) == 90


def test_totals_add_up_across_years():
    rows = [line("a", "0.5", "0.5", "0.5"), line("b", "0.5", "0.5", "0.5")]
    table = round_table("t", (1, 2, 3), rows, [Decimal(1)] * 3, None)
    assert table.grand_total == 3 == sum(r.total for r in table.rows)
