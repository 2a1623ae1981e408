"""Geometry for the server-rendered SVG pictures: a child's growth against the WHO curves (by age,
and weight by length/height under 5 years), and the eco-map of the support network. Templates
draw what these compute; no JavaScript.

Both use a 360-unit-wide viewBox so that on a 360 px phone one unit is about one pixel and the
text stays readable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kinlink.assessment.growth import tables, zscores
from kinlink.assessment.growth.tables import LMS, HeightTable
from kinlink.assessment.models import Measurement, SupportTie

WIDTH = 360
DAYS_PER_MONTH = zscores.DAYS_PER_MONTH
SD_LINES = (-3, -2, 0, 2, 3)

# indicator: (LMS table, unit, last month with a reference)
INDICATORS = {
    "hfa": ("lfa", "cm", 228),
    "wfa": ("wfa", "kg", 120),
    "bmi": ("bmifa", "kg/m²", 228),
}


@dataclass(frozen=True)
class ByLength:
    """A weight-for-length/height chart: its WHO 2006 table, the ages it serves (whole days,
    `last_day` exclusive) and the lengths/heights the table covers."""

    table: HeightTable
    first_day: int
    last_day: float
    cm: tuple[float, float]


# Weight-for-length for children measured lying under 731 days (45-110 cm); weight-for-height
# from 731 days to 5 years (65-120 cm). WHO gives neither from 5 years (60 months) on.
UNDER_FIVE_DAYS = zscores.UNDER_FIVE_MONTHS * DAYS_PER_MONTH  # 1826.25: months < 60
BY_LENGTH = {
    "wfl": ByLength("wfl", 0, zscores.LENGTH_UNTIL_DAYS, zscores.WFL_RANGE_CM),
    "wfh": ByLength("wfh", zscores.LENGTH_UNTIL_DAYS, UNDER_FIVE_DAYS, zscores.WFH_RANGE_CM),
}
CHARTS = (*INDICATORS, *BY_LENGTH)
WASTING_OR_FATNESS = frozenset({"wasting", "severe_wasting", "overweight", "obesity"})


def charts_for(age_now_days: int, measurements: Sequence[Measurement]) -> list[str]:
    """The charts a child has: by age always; under 5 years, weight-for-length while under
    731 days (or to show measurements taken then) and weight-for-height from 731 days."""
    codes = list(INDICATORS)
    if age_now_days >= UNDER_FIVE_DAYS:
        return codes
    wfl = BY_LENGTH["wfl"]
    if age_now_days < wfl.last_day or any(m.age_days < wfl.last_day for m in measurements):
        codes.append("wfl")
    if age_now_days >= BY_LENGTH["wfh"].first_day:
        codes.append("wfh")
    return codes


def sd_value(lms: LMS, k: float) -> float:
    """The measurement at k standard deviations: M(1 + L S k)^(1/L), or M e^(S k) when L = 0."""
    if lms.l == 0:
        return lms.m * math.exp(lms.s * k)
    return lms.m * (1 + lms.l * lms.s * k) ** (1 / lms.l)


def lms_at(table: str, sex: str, months: float) -> LMS | None:
    """WHO 2006 by whole day below 60 months, WHO 2007 by interpolated month from 60."""
    if months < zscores.UNDER_FIVE_MONTHS:
        day = min(max(round(months * DAYS_PER_MONTH), 0), 1856)
        return tables.by_day(table, sex)[day]  # type: ignore[arg-type]
    if table == "wfa" and months >= zscores.WFA_MONTHS_BELOW:
        return None
    if months >= zscores.REFERENCE_MONTHS_BELOW:
        return None
    return tables.at_month(table, sex, months)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Tick:
    at: float  # position in the viewBox
    label: str


@dataclass(frozen=True)
class Curve:
    sd: int
    points: str  # "x,y x,y ..." for <polyline>
    label_x: float
    label_y: float

    @property
    def name(self) -> str:
        return "0" if self.sd == 0 else f"{self.sd:+d}"

    @property
    def css(self) -> str:
        return {0: "median", 2: "sd2", -2: "sd2", 3: "sd3", -3: "sd3"}[self.sd]


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    measured_on: str
    value: float
    z: float | None
    flagged: bool
    x_value: float  # age in months, or length/height in cm


@dataclass
class GrowthChart:
    indicator: str
    unit: str
    height: int
    plot: tuple[float, float, float, float]  # left, top, right, bottom
    x_label: str = ""
    by_length: bool = False  # across: length/height in cm, not age
    curves: list[Curve] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    path: str = ""  # the line joining the child's points

    @property
    def empty(self) -> bool:
        return not self.points


def _value(m: Measurement, indicator: str) -> tuple[float | None, float | None, bool]:
    """The plotted value of a measurement, its z-score, and whether it is flagged."""
    height = None
    if m.height_cm is not None:
        measure = zscores.Measure(m.measure) if m.measure else None
        height = zscores.corrected_height(float(m.height_cm), measure, m.age_days)
    flags = set(m.flags or ())
    if indicator == "hfa":
        return height, m.hfa_z, bool(flags & {"stunting", "severe_stunting"})
    if indicator == "wfa":
        weight = float(m.weight_kg) if m.weight_kg is not None and not m.oedema else None
        return weight, m.wfa_z, bool(flags & {"underweight", "severe_underweight"})
    if m.weight_kg is None or height is None or m.oedema:
        return None, None, False
    bmi = float(m.weight_kg) / (height / 100) ** 2
    return bmi, m.bmi_z, bool(flags & {"thinness", "overweight", "obesity"})


def _nice_step(span: float, ticks: int) -> float:
    raw = span / max(ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * power:
            return multiple * power
    return 10 * power


def _range(
    values: Sequence[float], *, margin: float, unit: float, least: float, low: float, high: float
) -> tuple[float, float]:
    """From `margin` below the lowest value to `margin` above the highest, in whole `unit`s,
    at least `least` wide, within [low, high]."""
    start = max(low, math.floor((min(values) - margin) / unit) * unit)
    end = min(high, math.ceil((max(values) + margin) / unit) * unit)
    if end - start < least:
        start = max(low, end - least)
        end = min(high, start + least)
    return start, end


def _draw(
    chart: GrowthChart,
    samples: Sequence[tuple[float, dict[int, float]]],
    raw_points: Sequence[tuple[float, float, float | None, bool, str]],
    start: float,
    end: float,
    x_ticks: Sequence[tuple[float, str]],
) -> GrowthChart:
    """Scale the curves (x, {sd: value}) and the child's points (x, value, z, flagged, day) into
    the plot, join the points in date order, and place the ticks."""
    values = [v for _, line in samples for v in line.values()] + [p[1] for p in raw_points]
    low, high = min(values), max(values)
    step = _nice_step(high - low, 6)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    left, top, right, bottom = chart.plot

    def x_of(x: float) -> float:
        return round(left + (x - start) / (end - start) * (right - left), 1)

    def y_of(value: float) -> float:
        return round(bottom - (value - low) / (high - low) * (bottom - top), 1)

    for k in SD_LINES:
        coords = [(x_of(x), y_of(line[k])) for x, line in samples]
        if coords:
            chart.curves.append(
                Curve(
                    sd=k,
                    points=" ".join(f"{x},{y}" for x, y in coords),
                    label_x=coords[-1][0] + 3,
                    label_y=coords[-1][1] + 4,
                )
            )
    chart.points = [
        Point(x_of(x), y_of(value), day, round(value, 1), z, flagged, round(x, 1))
        for x, value, z, flagged, day in sorted(raw_points, key=lambda p: (p[4], p[0]))
    ]
    chart.path = " ".join(f"{p.x},{p.y}" for p in chart.points)
    chart.x_ticks = [Tick(x_of(at), label) for at, label in x_ticks]
    value = low
    while value <= high + 1e-9:
        chart.y_ticks.append(Tick(y_of(value), f"{value:g}"))
        value += step
    return chart


def growth_chart(
    sex: str, measurements: Sequence[Measurement], indicator: str, *, age_now_days: int
) -> GrowthChart:
    """The child's points for one indicator against the WHO median and ±2, ±3 SD curves: by age
    over the ages the points span (and the child's age now), at least two years wide; or, for
    "wfl" and "wfh", weight against length/height (see `length_chart`)."""
    if indicator in BY_LENGTH:
        return length_chart(sex, measurements, indicator, age_now_days=age_now_days)
    table, unit, last_month = INDICATORS[indicator]
    chart = GrowthChart(
        indicator=indicator,
        unit=unit,
        height=280,
        plot=(40, 14, 330, 240),
        x_label=_("age (years)"),
    )
    raw_points = []
    for m in measurements:
        value, z, flagged = _value(m, indicator)
        months = m.age_days / DAYS_PER_MONTH
        if value is not None and months <= last_month:
            raw_points.append((months, value, z, flagged, m.measured_on.isoformat()))
    ages = [p[0] for p in raw_points] + [min(age_now_days / DAYS_PER_MONTH, last_month)]
    start, end = _range(ages, margin=6, unit=12, least=24, low=0.0, high=float(last_month))
    steps = 72
    samples = []
    for i in range(steps + 1):
        months = start + (end - start) * i / steps
        lms = lms_at(table, sex, months)
        if lms is not None:
            samples.append((months, {k: sd_value(lms, k) for k in SD_LINES}))
    year_step = 12 if end - start <= 72 else 24
    ticks = []
    month = math.ceil(start / year_step) * year_step
    while month <= end:
        ticks.append((month, str(int(month // 12))))
        month += year_step
    return _draw(chart, samples, raw_points, start, end, ticks)


def length_chart(
    sex: str, measurements: Sequence[Measurement], indicator: str, *, age_now_days: int
) -> GrowthChart:
    """Weight against length ("wfl", measurements before 731 days, 45-110 cm) or height ("wfh",
    731 days to 5 years, 65-120 cm), against WHO's median and ±2, ±3 SD curves.

    Each measurement of the chart's ages is placed at its length/height as the z-score takes it
    (a standing measure before 731 days +0.7 cm, a lying one after -0.7 cm), unless oedema makes
    the weight meaningless or the length is off WHO's table. The axis spans the points (or,
    with none, the median length/height at the child's age now) with 5 cm to spare, at least
    20 cm wide. From 5 years WHO has no such standard: asking for it is an error."""
    spec = BY_LENGTH[indicator]
    if age_now_days >= UNDER_FIVE_DAYS:
        raise ValueError("WHO has no weight-for-length/height standard from 5 years")
    low_cm, high_cm = spec.cm
    chart = GrowthChart(
        indicator=indicator,
        unit="kg",
        height=280,
        plot=(40, 14, 330, 240),
        x_label=_("length (cm)") if indicator == "wfl" else _("height (cm)"),
        by_length=True,
    )
    raw_points = []
    for m in measurements:
        if not spec.first_day <= m.age_days < spec.last_day:
            continue
        if m.weight_kg is None or m.height_cm is None or m.oedema:
            continue
        measure = zscores.Measure(m.measure) if m.measure else None
        cm = zscores.corrected_height(float(m.height_cm), measure, m.age_days)
        if cm is None or not low_cm <= cm <= high_cm:
            continue
        flagged = bool(set(m.flags or ()) & WASTING_OR_FATNESS)
        raw_points.append((cm, float(m.weight_kg), m.wfh_z, flagged, m.measured_on.isoformat()))
    if raw_points:
        lengths = [p[0] for p in raw_points]
    else:
        day = min(max(age_now_days, spec.first_day), math.floor(spec.last_day))
        lengths = [tables.by_day("lfa", sex)[min(day, 1856)].m]  # type: ignore[arg-type]
    start, end = _range(lengths, margin=5, unit=5, least=20, low=low_cm, high=high_cm)
    steps = 72
    samples = []
    for i in range(steps + 1):
        cm = min(max(round(start + (end - start) * i / steps, 4), start), end)
        lms = tables.at_height(spec.table, sex, cm)  # type: ignore[arg-type]
        if lms is not None:
            samples.append((cm, {k: sd_value(lms, k) for k in SD_LINES}))
    cm_step = 5 if end - start <= 30 else 10
    ticks = []
    cm = math.ceil(start / cm_step) * cm_step
    while cm <= end + 1e-9:
        ticks.append((cm, f"{cm:g}"))
        cm += cm_step
    return _draw(chart, samples, raw_points, start, end, ticks)


# Eco-map ---------------------------------------------------------------------------------

RINGS = (
    (SupportTie.Ring.FAMILY, 58),
    (SupportTie.Ring.SCHOOL, 90),
    (SupportTie.Ring.COMMUNITY, 122),
    (SupportTie.Ring.SOCIETY, 152),
)
CENTRE = 180
LABEL_CHARS = 6
# The picture is drawn on 360 x 360 around the centre; the view adds a margin so that labels of
# the outer ring are not cut off.
VIEW_BOX = "-20 -6 400 376"


@dataclass(frozen=True)
class Node:
    tie: SupportTie
    x: float
    y: float
    label: str
    label_y: float


@dataclass
class EcoMap:
    view_box: str = VIEW_BOX
    centre: int = CENTRE
    rings: list[tuple[str, str, int, float]] = field(default_factory=list)  # code, label, r, y
    nodes: list[Node] = field(default_factory=list)


def _short(label: str) -> str:
    # CJK characters are wide: six of them fill what ten Latin letters do.
    wide = any(ord(ch) > 0x2E80 for ch in label)
    limit = LABEL_CHARS if wide else 10
    return label if len(label) <= limit else label[: limit - 1] + "…"


def eco_map(ties: Sequence[SupportTie]) -> EcoMap:
    """The child in the centre, each tie on its ring, labelled below its node.

    Ties share out the circle between them (ring by ring, so that one ring's ties stay
    together), leaving the top free for the rings' names.
    """
    picture = EcoMap()
    labels = dict(SupportTie.Ring.choices)
    radius_of = dict(RINGS)
    for ring, radius in RINGS:
        picture.rings.append((ring, str(labels[ring]), radius, CENTRE - radius + 4))
    ordered = [t for ring, _ in RINGS for t in ties if t.ring == ring]
    count = len(ordered)
    for i, tie in enumerate(ordered):
        # From 30 degrees right of the top, clockwise, to 30 degrees left of it.
        degrees = -60 + (300 * (i + 0.5) / count if count > 1 else 60)
        angle = math.radians(degrees)
        radius = radius_of[tie.ring]
        x = CENTRE + radius * math.cos(angle)
        y = CENTRE + radius * math.sin(angle)
        picture.nodes.append(
            Node(tie, round(x, 1), round(y, 1), _short(tie.label), round(y + 26, 1))
        )
    return picture
