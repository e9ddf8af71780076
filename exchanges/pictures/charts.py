"""Bar charts drawn on the server as SVG: this module works out the geometry, and
``templates/exchanges/includes/bar_chart.html`` draws it. No JavaScript, nothing fetched.

A chart is a list of categories (years, tie types, regions, countries), each a stack of series
(country pairs, statuses, …). Columns stand on a horizontal axis (years); bars lie along a
vertical list of labels (names), which suits long names in any script.
"""

import math
import unicodedata
from dataclasses import dataclass, field

COLUMN_PLOT_HEIGHT = 220
BAR_ROW_HEIGHT = 26
FONT_SIZE = 12
WIDTH = 640


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    index: int  # picks the colour, series-1 … series-5 in site.css


@dataclass
class Segment:
    series: Series
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class Bar:
    key: str
    label: str
    total: int
    segments: list[Segment]
    label_x: float
    label_y: float
    show_label: bool = True
    total_x: float = 0.0
    total_y: float = 0.0


@dataclass
class Tick:
    value: int
    position: float


@dataclass
class BarChart:
    orientation: str  # "columns" or "bars"
    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    series: list[Series]
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)


def nice_ticks(maximum: int, count: int = 5) -> list[int]:
    """Whole-number ticks from 0 to at least ``maximum`` in steps of 1, 2 or 5 × 10ⁿ."""
    maximum = max(maximum, 1)
    rough = maximum / count
    magnitude = 10 ** max(0, math.floor(math.log10(rough))) if rough >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    top = math.ceil(maximum / step) * step
    return list(range(0, top + 1, step))


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Rough rendered width: full-width (CJK) characters take an em, others about half."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.58 for ch in text)


def shorten(text: str, max_width: float, size: float = FONT_SIZE) -> str:
    if text_width(text, size) <= max_width:
        return text
    while text and text_width(text + "…", size) > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def _segments(values: list[int], series: list[Series], place) -> list[Segment]:
    """Stack the non-zero values; ``place(start, value)`` gives (x, y, width, height)."""
    segments, start = [], 0
    for value, one_series in zip(values, series, strict=True):
        if value:
            segments.append(Segment(one_series, value, *place(start, value)))
            start += value
    return segments


def _scale(categories, series, values) -> tuple[list[Series], list[int], list[int]]:
    """The chart's series, each category's total, and the value axis's ticks."""
    chart_series = [Series(key, label, index) for index, (key, label) in enumerate(series, 1)]
    totals = [sum(values.get((cat, s.key), 0) for s in chart_series) for cat, _ in categories]
    return chart_series, totals, nice_ticks(max(totals, default=0))


def _stacked_bar(category, values, chart_series, place, **label_positions) -> Bar:
    """A category's (key, label, total) bar: its series' values stacked from the axis, each
    segment's rectangle given by ``place(start, value)``."""
    key, label, total = category
    category_values = [values.get((key, s.key), 0) for s in chart_series]
    segments = _segments(category_values, chart_series, place)
    return Bar(key=key, label=label, total=total, segments=segments, **label_positions)


def stacked_columns(
    categories: list[tuple[str, str]],
    series: list[tuple[str, str]],
    values: dict[tuple[str, str], int],
    width: float = WIDTH,
    label_every: int | None = None,
) -> BarChart:
    """Upright stacked columns, one per category, e.g. a year; labels below the axis."""
    chart_series, totals, ticks = _scale(categories, series, values)
    left = 8 + text_width(str(ticks[-1]))
    top, bottom = 12.0, 12.0 + COLUMN_PLOT_HEIGHT
    right = width - 8
    chart = BarChart("columns", width, bottom + 28, left, top, right, bottom, chart_series)
    scale = COLUMN_PLOT_HEIGHT / ticks[-1]
    chart.ticks = [Tick(value, bottom - value * scale) for value in ticks]

    slot = (right - left) / max(len(categories), 1)
    bar_width = max(min(slot * 0.7, 48), 2)
    widest_label = max((text_width(label) for _, label in categories), default=0)
    every = label_every or max(1, math.ceil((widest_label + 6) / slot))
    for position, ((key, label), total) in enumerate(zip(categories, totals, strict=True)):
        x = left + slot * position + (slot - bar_width) / 2

        def place(start, value, x=x):
            return x, bottom - (start + value) * scale, bar_width, value * scale

        chart.bars.append(
            _stacked_bar(
                (key, label, total),
                values,
                chart_series,
                place,
                label_x=x + bar_width / 2,
                label_y=bottom + 16,
                show_label=position % every == 0 or position == len(categories) - 1,
                total_x=x + bar_width / 2,
                total_y=bottom - total * scale - 4,
            )
        )
    return chart


def stacked_bars(
    categories: list[tuple[str, str]],
    series: list[tuple[str, str]],
    values: dict[tuple[str, str], int],
    width: float = WIDTH,
    max_label_width: float = 240,
) -> BarChart:
    """Horizontal stacked bars, one row per category, the label at the left of each."""
    chart_series, totals, ticks = _scale(categories, series, values)
    labels = [shorten(label, max_label_width) for _, label in categories]
    left = 8 + max((text_width(label) for label in labels), default=0) + 8
    top = 8.0
    bottom = top + BAR_ROW_HEIGHT * max(len(categories), 1)
    right = width - 8 - text_width(str(ticks[-1]))
    chart = BarChart("bars", width, bottom + 24, left, top, right, bottom, chart_series)
    scale = (right - left) / ticks[-1]
    chart.ticks = [Tick(value, left + value * scale) for value in ticks]

    bar_height = BAR_ROW_HEIGHT * 0.65
    for position, ((key, _label), label, total) in enumerate(
        zip(categories, labels, totals, strict=True)
    ):
        y = top + BAR_ROW_HEIGHT * position + (BAR_ROW_HEIGHT - bar_height) / 2

        def place(start, value, y=y):
            return left + start * scale, y, value * scale, bar_height

        chart.bars.append(
            _stacked_bar(
                (key, label, total),
                values,
                chart_series,
                place,
                label_x=left - 8,
                label_y=y + bar_height / 2 + FONT_SIZE * 0.35,
                total_x=left + total * scale + 4,
                total_y=y + bar_height / 2 + FONT_SIZE * 0.35,
            )
        )
    return chart
