"""Geometry of the coverage chart: for each area, a bar for the share of school-age children
enrolled and one for the share served, drawn as SVG by a template (no script, no inline style).
Areas too small to show (suppressed shares) get no bar, only a mark saying so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 360
LABEL_W = 96  # room for the area's name on the left
RIGHT = 40  # room for the percentage after the bar
ROW_H = 34
BAR_H = 12
TOP = 6


@dataclass(frozen=True)
class ChartBar:
    y: float
    width: float
    share: float | None  # None: suppressed (too few children)
    kind: str  # "enrolled" or "served"
    text_x: float


@dataclass(frozen=True)
class ChartRow:
    label: str
    label_y: float
    bars: list[ChartBar]


@dataclass(frozen=True)
class CoverageChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    rows: list[ChartRow]
    ticks: list[tuple[float, str]]


def coverage_chart(areas: Sequence[Any]) -> CoverageChart:
    plot_w = WIDTH - LABEL_W - RIGHT
    rows = []
    for index, area in enumerate(areas):
        top = TOP + index * ROW_H
        bars = []
        for offset, kind, share in (
            (0, "enrolled", area.enrolled_share),
            (BAR_H + 2, "served", area.served_share),
        ):
            width = round(plot_w * share, 1) if share is not None else 0.0
            bars.append(
                ChartBar(
                    y=top + offset,
                    width=width,
                    share=share,
                    kind=kind,
                    text_x=round(LABEL_W + width + 3, 1),
                )
            )
        rows.append(ChartRow(label=area.place.name[:8], label_y=top + BAR_H + 2, bars=bars))
    height = TOP * 2 + max(len(rows), 1) * ROW_H + 14
    ticks = [(round(LABEL_W + plot_w * k / 4, 1), f"{k * 25}%") for k in range(5)]
    return CoverageChart(
        width=WIDTH,
        height=height,
        plot_left=LABEL_W,
        plot_right=LABEL_W + plot_w,
        rows=rows,
        ticks=ticks,
    )
