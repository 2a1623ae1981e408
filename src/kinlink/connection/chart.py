"""Geometry of the household's remittance chart: twelve monthly bars, drawn as SVG by a template
(no JavaScript, no styles inline, so it passes the content security policy and prints)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats

from kinlink.connection.measures import MonthAmount

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 6, 10, 24  # room for the axis labels


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    label_x: float
    title: str


@dataclass(frozen=True)
class GridLine:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    grid: list[GridLine]
    average_y: float | None
    plot_left: int
    plot_right: int
    axis_y: float


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten at or above the value."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _short(value: float) -> str:
    return formats.number_format(round(value), 0, use_l10n=True, force_grouping=True)


def bar_chart(months: Sequence[MonthAmount], average: Decimal, currency: str) -> Chart:
    top_value = nice_ceiling(float(max((m.amount for m in months), default=Decimal(0))))
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(len(months), 1)
    axis_y = TOP + plot_h

    def y_of(value: float) -> float:
        return round(axis_y - plot_h * value / top_value, 1)

    bars = []
    for index, month in enumerate(months):
        value = float(month.amount)
        x = LEFT + index * slot + slot * 0.15
        y = y_of(value)
        bars.append(
            Bar(
                x=round(x, 1),
                y=y,
                width=round(slot * 0.7, 1),
                height=round(axis_y - y, 1),
                label=formats.date_format(month.month, "M"),
                label_x=round(LEFT + index * slot + slot / 2, 1),
                title=f"{formats.date_format(month.month, 'YEAR_MONTH_FORMAT')}: "
                f"{formats.number_format(month.amount, 2, use_l10n=True, force_grouping=True)} "
                f"{currency}",
            )
        )
    grid = [GridLine(y_of(top_value * k / 4), _short(top_value * k / 4)) for k in range(5)]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        grid=grid,
        average_y=y_of(float(average)) if average > 0 else None,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        axis_y=axis_y,
    )
