"""Charts as pictures: a bar, column, pie or donut chart drawn by matplotlib into a PNG.

A `Chart` holds what a chart shows (kind, title, labels, values, unit); `png(chart)` draws it at
print resolution. The same chart always gives the same bytes: the figure is drawn with
matplotlib's own DejaVu Sans (not whatever fonts the machine has), and the PNG carries no
software tag or time. Numbers are written the Swedish way (`2 102 500`, `1,5 Mkr`). Colours are
dark enough for a contrast of at least 4.5:1 against the white background, and every chart has
an alt text (`alt_text`) that says what it shows, figures included.

matplotlib is imported only when a chart is drawn, so `hso-xl --help` and `check` stay fast, and a
chart drawn before is taken from the cache on disk (chart_cache.py) without loading matplotlib.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ..i18n import _, n_
from ..swedish import NBSP, group
from ..text import short

KINDS = {"liggande": "liggande stapeldiagram", "stapel": "stapeldiagram", "cirkel": "cirkeldiagram",
         "ring": "ringdiagram"}
DPI = 300  # print resolution
# Region Västernorrland-like blues and complements; each at least 4.5:1 against white.
PALETTE = ("#1F4E79", "#A0410D", "#2E6B30", "#6A1B9A", "#9E1B1B", "#00606B", "#5D4037", "#37474F")
TEXT = "#1A1A1A"
GRID = "#BFBFBF"
FONT = "DejaVu Sans"  # shipped with matplotlib: the same glyphs, so the same bytes, on every machine


@dataclass(frozen=True)
class Chart:
    kind: str  # liggande | stapel | cirkel | ring
    title: str
    labels: tuple[str, ...]
    values: tuple[Decimal | int | float, ...]
    unit: str = "kr"  # "kr", or a word printed after counts ("st", "aktiviteter"), or ""
    label_title: str = ""  # the data table's column titles
    value_title: str = ""
    width_cm: float = 16.0
    height_cm: float | None = None

    @property
    def height(self) -> float:
        """The picture's height in cm: room for every bar of a bar chart, square-ish otherwise."""
        if self.height_cm:
            return self.height_cm
        if self.kind == "liggande":
            return round(2.4 + 0.75 * max(1, len(self.values)), 2)
        return 8.0 if self.kind == "stapel" else 8.5


def check_chart(chart: Chart) -> None:
    """Raise ValueError, in the template writer's words, for a chart that cannot be drawn."""
    if chart.kind not in KINDS:
        raise ValueError(_("'{kind}' is not a kind of chart; use one of {kinds}", kind=chart.kind, kinds=", ".join(KINDS)))
    if len(chart.labels) != len(chart.values):
        raise ValueError(_("the chart has {labels} but {values}",
                           labels=n_("{n} label", "{n} labels", len(chart.labels)),
                           values=n_("{n} value", "{n} values", len(chart.values))))
    for value in chart.values:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise ValueError(_("a chart value must be a number, not {value}", value=repr(value)))
    if chart.kind in ("cirkel", "ring") and any(v < 0 for v in chart.values):
        raise ValueError(_("a pie or donut chart cannot show negative values"))


def amount(value, unit: str) -> str:
    """A value as the chart's labels and data table print it: '2 102 500 kr', '58 st', '2 102 500'."""
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    # As many decimals as the figure has, up to öre: 1 800 000,75 is not printed as 1 800 000,8
    decimals = next(d for d in range(3) if number == round(number, d) or d == 2)
    text = group(number, decimals, NBSP)
    return f"{text}{NBSP}{unit}" if unit else text


def tick(value: float, unit: str, largest: float) -> str:
    """An axis tick: '1,5 Mkr' when the amounts reach millions of kronor, else '500 000'."""
    if unit == "kr" and largest >= 1_000_000:
        if value == 0:
            return "0"
        text = group(Decimal(str(value)) / 1_000_000, 1, NBSP)
        return text.removesuffix(",0") + f"{NBSP}Mkr"
    return group(Decimal(str(value)), 0 if float(value).is_integer() else 1, NBSP)


def alt_text(chart: Chart) -> str:
    """What the chart shows, for a reader who cannot see it: kind, title and every figure."""
    figures = "; ".join(f"{label}: {amount(value, chart.unit)}" for label, value in zip(chart.labels, chart.values))
    return f"{KINDS[chart.kind].capitalize()}: {chart.title}. {figures}." if figures else \
        f"{KINDS[chart.kind].capitalize()}: {chart.title}. Inga värden."


def preload() -> None:
    """Import matplotlib now (a build does it before forking its workers, so each need not)."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401


def png(chart: Chart) -> bytes:
    """Return the chart drawn as a PNG at print resolution (the same chart, the same bytes)."""
    check_chart(chart)
    return _png(chart)


@lru_cache(maxsize=256)
def _png(chart: Chart) -> bytes:
    from .chart_cache import kept_or_drawn
    from .inspected import code_key

    return kept_or_drawn(chart, _draw, code_key())  # drawn before (by an earlier build too): not drawn again


def _draw(chart: Chart) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    inch = 2.54
    fig = Figure(figsize=(chart.width_cm / inch, chart.height / inch), dpi=DPI)
    FigureCanvasAgg(fig)
    values = [float(v) for v in chart.values]
    largest = max((abs(v) for v in values), default=0.0)
    with _style():
        ax = fig.add_subplot()
        if chart.title:
            # From the picture's left edge, wrapped to its width: over the axes alone (which start
            # after the bar labels) a long title ran off the picture.
            fig.suptitle("\n".join(textwrap.wrap(chart.title, max(20, int(chart.width_cm * 4.2)))), x=0.02,
                         ha="left", fontsize=10, fontweight="bold", color=TEXT)
        if chart.kind == "liggande":
            positions = list(range(len(values)))[::-1]  # the first record on top
            ax.barh(positions, values, color=PALETTE[0], height=0.62, zorder=2)
            ax.set_yticks(positions, [short(label, 40) for label in chart.labels])
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: tick(v, chart.unit, largest)))
            ax.grid(axis="x", color=GRID, linewidth=0.6, zorder=0)
            low, high = _limits(values, largest, 1.22)
            ax.set_xlim(low, high)
            if low < 0:
                ax.axvline(0, color=TEXT, linewidth=0.6, zorder=3)
            for y, v, raw in zip(positions, values, chart.values):
                # a negative bar's figure to its left, so every bar shows its number beside it
                ax.text(v + (largest * 0.01 if v >= 0 else -largest * 0.01), y, amount(raw, ""), va="center",
                        ha="left" if v >= 0 else "right", fontsize=8, color=TEXT)
            _plain_frame(ax, "x")
        elif chart.kind == "stapel":
            positions = list(range(len(values)))
            ax.bar(positions, values, color=PALETTE[0], width=0.62, zorder=2)
            ax.set_xticks(positions, [short(label, 18) for label in chart.labels])
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: tick(v, chart.unit, largest)))
            ax.grid(axis="y", color=GRID, linewidth=0.6, zorder=0)
            low, high = _limits(values, largest, 1.15)
            ax.set_ylim(low, high)
            if low < 0:
                ax.axhline(0, color=TEXT, linewidth=0.6, zorder=3)
            for x, v, raw in zip(positions, values, chart.values):
                ax.text(x, v + (largest * 0.015 if v >= 0 else -largest * 0.015), amount(raw, ""),
                        va="bottom" if v >= 0 else "top", ha="center", fontsize=8, color=TEXT)
            _plain_frame(ax, "y")
        else:
            total = sum(values)
            colours = [PALETTE[i % len(PALETTE)] for i in range(len(values))]
            wedge = {"edgecolor": "white", "linewidth": 1.2}
            if chart.kind == "ring":
                wedge["width"] = 0.42
            ax.pie(values or [1], colors=colours or ["#FFFFFF"], startangle=90, counterclock=False,
                   wedgeprops=wedge)
            ax.set_aspect("equal")
            legend = [f"{short(label, 34)}  {amount(raw, chart.unit)} ({_share(v, total)})"
                      for label, v, raw in zip(chart.labels, values, chart.values)]
            if legend:
                ax.legend(legend, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=8)
        fig.tight_layout()
        # tight_layout leaves a placeholder layout engine that makes savefig draw the whole figure once more,
        # without output and without moving anything: a third of the chart's time
        fig.set_layout_engine(None)
        buffer = io.BytesIO()
        # No 'Software' text chunk; Agg writes no time, so the bytes depend on the chart alone.
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
    return buffer.getvalue()


def _style():
    import matplotlib

    return matplotlib.rc_context({
        "font.family": FONT, "font.size": 8, "text.color": TEXT, "axes.labelcolor": TEXT,
        "xtick.color": TEXT, "ytick.color": TEXT, "axes.edgecolor": GRID, "svg.hashsalt": "hso-xl",
        "axes.unicode_minus": True, "figure.facecolor": "white", "axes.facecolor": "white",
    })


def _limits(values: list[float], largest: float, room: float) -> tuple[float, float]:
    """The value axis: from 0 (or below the most negative value) to above the largest, with room for the figures."""
    low = min(0.0, min(values, default=0.0)) * (room + 0.2)
    high = max(0.0, max(values, default=0.0)) * room
    if low == high:
        return 0.0, 1.0
    if high == 0:  # only negative values: still room for the figure beside the shortest bar
        high = largest * 0.05
    return low, high


def _plain_frame(ax, grid_axis: str) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left" if grid_axis == "y" else "bottom"].set_visible(False)
    ax.tick_params(length=0)


def _share(value: float, total: float) -> str:
    if not total:
        return "0 %"
    return f"{group(Decimal(str(value * 100 / total)), 1, NBSP).removesuffix(',0')}{NBSP}%"


