"""A chart drawn once is not drawn again (render/chart_cache.py): same bytes, from the cache on disk."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

from hso_xl.render import chart_cache, charts
from hso_xl.render.charts import Chart

CODE = "hso-xl 1"
CHART = Chart("liggande", "Största ärenden", ("Nordbiten AB", "Ånge Trä AB"), (Decimal("999600"), Decimal("120000.5")))


@pytest.fixture
def drawings(monkeypatch, tmp_path):
    """The cache in a folder of the test's own; counts the charts actually drawn."""
    monkeypatch.setenv("HSO_XL_CACHE", str(tmp_path))
    drawn = []

    def draw(chart):
        drawn.append(chart)
        return charts._draw(chart)

    return drawn, draw, tmp_path / "charts"


def test_a_kept_picture_is_the_bytes_drawing_gives(drawings):
    drawn, draw, folder = drawings
    first = chart_cache.kept_or_drawn(CHART, draw, CODE)
    again = chart_cache.kept_or_drawn(CHART, draw, CODE)
    assert first == again == charts._draw(CHART)
    assert drawn == [CHART]  # the second came from the folder
    assert len(list(folder.glob("*.png"))) == 1 and not list(folder.glob("*.part"))


def test_another_figure_is_drawn_anew(drawings):
    drawn, draw, _folder = drawings
    changed = Chart(CHART.kind, CHART.title, CHART.labels, (Decimal("999600"), Decimal("120000.6")))
    assert chart_cache.kept_or_drawn(CHART, draw, CODE) != chart_cache.kept_or_drawn(changed, draw, CODE)
    assert drawn == [CHART, changed]


def test_a_damaged_picture_is_drawn_again(drawings):
    drawn, draw, folder = drawings
    good = chart_cache.kept_or_drawn(CHART, draw, CODE)
    (picture,) = folder.glob("*.png")
    picture.write_bytes(b"half a file")
    assert chart_cache.kept_or_drawn(CHART, draw, CODE) == good
    assert len(drawn) == 2 and picture.read_bytes() == good


def test_off_keeps_nothing_and_an_unusable_folder_only_costs_the_drawing(monkeypatch, tmp_path):
    monkeypatch.setenv("HSO_XL_CACHE", "off")
    assert chart_cache.cache_folder() is None
    assert chart_cache.kept_or_drawn(CHART, lambda chart: b"\x89PNG\r\n\x1a\nx", CODE) == b"\x89PNG\r\n\x1a\nx"
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("HSO_XL_CACHE", str(blocked))
    assert chart_cache.kept_or_drawn(CHART, lambda chart: b"\x89PNG\r\n\x1a\ny", CODE) == b"\x89PNG\r\n\x1a\ny"


def test_the_oldest_pictures_go_first_beyond_the_limit(drawings, monkeypatch):
    _drawn, _draw, folder = drawings
    monkeypatch.setattr(chart_cache, "MAX_PICTURES", 2)
    for n in range(3):
        chart = Chart("stapel", f"Diagram {n}", ("a",), (n,))
        chart_cache.kept_or_drawn(chart, lambda c: b"\x89PNG\r\n\x1a\n" + c.title.encode(), CODE)
        for picture in folder.glob("*.png"):  # those written before are older, also on a coarse clock
            if not picture.read_bytes().endswith(chart.title.encode()):
                os.utime(picture, (picture.stat().st_mtime - 10,) * 2)
    kept = sorted(p.read_bytes() for p in folder.glob("*.png"))
    assert len(kept) == 2 and not any(b.endswith(b"Diagram 0") for b in kept)


def test_changed_code_draws_anew(drawings):
    drawn, draw, _folder = drawings
    chart_cache.kept_or_drawn(CHART, draw, CODE)
    chart_cache.kept_or_drawn(CHART, draw, "hso-xl 2")  # a changed module of hso-xl (a number format, charts.py)
    assert drawn == [CHART, CHART]
