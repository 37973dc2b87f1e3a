"""Swedish conventions: numbers, percentages, sort order."""

from decimal import Decimal

import pytest

from hso_xl.swedish import NBSP, group, percent, sort_key, whole_kronor


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (1363221, 0, "1 363 221"),
        (Decimal("13279868.45"), 2, "13 279 868,45"),
        (Decimal("3923234.125"), 2, "3 923 234,13"),
        (0, 0, "0"),
        (Decimal("-0.4"), 0, "0"),
        (Decimal("-1234.5"), 0, "−1 235"),
        (999, 0, "999"),
        (1000, 0, "1 000"),
        (454407.0, 0, "454 407"),
    ],
    ids=["kronor", "ore", "half-up", "zero", "no-minus-zero", "negative", "three-digits", "four-digits", "float"],
)
def test_group(value, decimals, expected):
    assert group(value, decimals) == expected


def test_group_with_non_breaking_space():
    assert group(1363221, sep=NBSP) == "1\u00a0363\u00a0221"


@pytest.mark.parametrize(
    "value, decimals, expected",
    [(Decimal("0.4"), None, "40 %"), (0.024, None, "2,4 %"), (Decimal("0.15"), 1, "15,0 %"),
     (Decimal("0.3999999433"), 2, "40,00 %"), (Decimal("0.12345"), None, "12,35 %")],
)
def test_percent(value, decimals, expected):
    assert percent(value, decimals) == expected


@pytest.mark.parametrize("value, expected", [(Decimal("0.5"), 1), (Decimal("1.5"), 2), (Decimal("-0.5"), -1),
                                             (Decimal("1428101.5296"), 1428102), (Decimal("2.4999"), 2)])
def test_whole_kronor_rounds_halves_away_from_zero(value, expected):
    assert whole_kronor(value) == expected


def test_swedish_sort_order():
    names = ["Örnsköldsvik", "Ånge", "Timrå", "Sundsvall", "Sollefteå", "Kramfors", "Härnösand", "Ärla", "Zinkgruvan"]
    assert sorted(names, key=sort_key) == [
        "Härnösand", "Kramfors", "Sollefteå", "Sundsvall", "Timrå", "Zinkgruvan", "Ånge", "Ärla", "Örnsköldsvik"
    ]


def test_sort_key_treats_decomposed_a_ring_as_a_ring():
    import unicodedata

    assert sort_key(unicodedata.normalize("NFD", "Ånge")) == sort_key("Ånge")
