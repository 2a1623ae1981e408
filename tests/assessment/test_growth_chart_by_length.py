"""The weight-for-length/height chart: WHO's curves by length (under 731 days) or height (731
days to 5 years), the child's weights placed at their length/height as the z-score takes it,
and no such chart from 5 years, where WHO gives none."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from kinlink.assessment import charts
from kinlink.assessment.models import Measurement

from .conftest import ago

DAY = dt.date(2026, 1, 15)


def measurement(
    age_days: int,
    weight: str | None,
    height: str | None,
    *,
    measure: str = "",
    wfh_z: float | None = None,
    flags: tuple[str, ...] = (),
    oedema: bool = False,
    on: dt.date = DAY,
) -> Measurement:
    return Measurement(
        measured_on=on,
        age_days=age_days,
        weight_kg=None if weight is None else Decimal(weight),
        height_cm=None if height is None else Decimal(height),
        measure=measure,
        oedema=oedema,
        wfh_z=wfh_z,
        flags=list(flags),
        implausible=[],
    )


def scale(ticks: list[charts.Tick]) -> tuple[float, float]:
    """The (value per unit, value at 0) of an axis, from its first and last tick."""
    first, last = ticks[0], ticks[-1]
    per_unit = (float(last.label) - float(first.label)) / (last.at - first.at)
    return per_unit, float(first.label) - per_unit * first.at


def in_units(chart: charts.GrowthChart, x: float, y: float) -> tuple[float, float]:
    """A position in the picture back in cm and kg."""
    (xa, xb), (ya, yb) = scale(chart.x_ticks), scale(chart.y_ticks)
    return xa * x + xb, ya * y + yb


def curve_value(chart: charts.GrowthChart, sd: int, cm: float) -> float:
    """The curve's weight at a length, read off the drawn polyline."""
    (xa, xb), (ya, yb) = scale(chart.x_ticks), scale(chart.y_ticks)
    curve = next(c for c in chart.curves if c.sd == sd)
    coords = [tuple(map(float, pair.split(","))) for pair in curve.points.split()]
    x = (cm - xb) / xa
    for (x0, y0), (x1, y1) in itertools.pairwise(coords):
        if x0 <= x <= x1:
            y = y0 + (y1 - y0) * (x - x0) / (x1 - x0)
            return ya * y + yb
    raise AssertionError(f"{cm} cm is not on the curve")


def test_the_median_of_weight_for_length_is_whos_at_80_cm_for_a_boy():
    # WHO Child Growth Standards, weight-for-length, boys, 80.0 cm: M = 10.4475 kg.
    chart = charts.growth_chart(
        "M", [measurement(300, "10.0", "78.0", measure="lying")], "wfl", age_now_days=330
    )
    assert chart.by_length and chart.unit == "kg"
    assert curve_value(chart, 0, 80.0) == pytest.approx(10.4475, abs=0.03)


def test_the_curves_of_weight_for_height_are_whos_at_100_cm_for_a_girl():
    # WHO weight-for-height, girls, 100.0 cm: L -0.3833, M 15.2246, S 0.09088.
    chart = charts.growth_chart(
        "F", [measurement(1400, "15.0", "98.0", measure="standing")], "wfh", age_now_days=1450
    )
    assert curve_value(chart, 0, 100.0) == pytest.approx(15.2246, abs=0.03)
    # M(1 + L S k)^(1/L) at k = +2 and -3.
    power, median, cv = -0.3833, 15.2246, 0.09088

    def sd(k: int) -> float:
        return median * (1 + power * cv * k) ** (1 / power)

    assert curve_value(chart, 2, 100.0) == pytest.approx(sd(2), abs=0.05)
    assert curve_value(chart, -3, 100.0) == pytest.approx(sd(-3), abs=0.05)
    assert [c.sd for c in chart.curves] == [-3, -2, 0, 2, 3]


def test_the_sexes_have_their_own_curves():
    point = [measurement(300, "9.0", "80.0", measure="lying")]
    boys = charts.growth_chart("M", point, "wfl", age_now_days=330)
    girls = charts.growth_chart("F", point, "wfl", age_now_days=330)
    assert curve_value(boys, 0, 80.0) != pytest.approx(curve_value(girls, 0, 80.0), abs=0.05)


def test_a_point_lands_at_its_length_and_weight():
    # WHO's reference survey: a girl of 683 days, 10.4 kg, 84.8 cm lying (WLZ -0.81).
    m = measurement(683, "10.4", "84.8", measure="lying", wfh_z=-0.81)
    chart = charts.growth_chart("F", [m], "wfl", age_now_days=700)
    (point,) = chart.points
    cm, kg = in_units(chart, point.x, point.y)
    assert cm == pytest.approx(84.8, abs=0.1)
    assert kg == pytest.approx(10.4, abs=0.05)
    assert (point.x_value, point.value, point.z, point.flagged) == (84.8, 10.4, -0.81, False)
    # Below the median, between it and -2 SD, as a z of -0.81 says.
    assert curve_value(chart, -2, 84.8) < kg < curve_value(chart, 0, 84.8)


def test_a_weight_at_the_median_sits_on_the_median_curve():
    chart = charts.growth_chart(
        "M", [measurement(300, "10.4475", "80.0", measure="lying")], "wfl", age_now_days=330
    )
    (point,) = chart.points
    cm, kg = in_units(chart, point.x, point.y)
    assert kg == pytest.approx(curve_value(chart, 0, cm), abs=0.03)


def test_a_child_measured_standing_before_731_days_is_placed_07_cm_longer():
    chart = charts.growth_chart(
        "M", [measurement(500, "9.5", "78.0", measure="standing")], "wfl", age_now_days=520
    )
    assert chart.points[0].x_value == pytest.approx(78.7)


def test_a_child_measured_lying_from_731_days_is_placed_07_cm_shorter():
    chart = charts.growth_chart(
        "F", [measurement(900, "11.5", "86.0", measure="lying")], "wfh", age_now_days=920
    )
    assert chart.points[0].x_value == pytest.approx(85.3)


def test_each_chart_takes_the_measurements_of_its_ages_only():
    under_two = measurement(600, "10.0", "80.0", measure="lying", on=dt.date(2025, 1, 1))
    after_two = measurement(
        900, "12.0", "88.0", measure="standing", flags=("wasting",), on=dt.date(2025, 11, 1)
    )
    oedema = measurement(950, "12.0", "89.0", measure="standing", oedema=True)
    no_height = measurement(960, "12.0", None)
    both = [after_two, under_two, oedema, no_height]
    wfl = charts.growth_chart("M", both, "wfl", age_now_days=1000)
    wfh = charts.growth_chart("M", both, "wfh", age_now_days=1000)
    assert [p.measured_on for p in wfl.points] == ["2025-01-01"]
    assert [(p.measured_on, p.flagged) for p in wfh.points] == [("2025-11-01", True)]
    assert wfl.x_label == "length (cm)" and wfh.x_label == "height (cm)"


def test_the_axis_stays_on_whos_table():
    chart = charts.growth_chart(
        "M", [measurement(5, "3.3", "50.0", measure="lying")], "wfl", age_now_days=10
    )
    labels = [float(t.label) for t in chart.x_ticks]
    assert min(labels) >= 45 and max(labels) - min(labels) >= 20
    assert not chart.empty


def test_without_measurements_the_curves_are_drawn_around_the_childs_expected_length():
    chart = charts.growth_chart("F", [], "wfh", age_now_days=1100)
    labels = [float(t.label) for t in chart.x_ticks]
    # The median height of a girl of 3 years is about 95 cm.
    assert min(labels) <= 95 <= max(labels)
    assert chart.empty and len(chart.curves) == 5


def test_which_charts_a_child_has_by_age():
    assert charts.charts_for(300, []) == ["hfa", "wfa", "bmi", "wfl"]
    assert charts.charts_for(1000, []) == ["hfa", "wfa", "bmi", "wfh"]
    earlier = [measurement(600, "10.0", "80.0")]
    assert charts.charts_for(1000, earlier) == ["hfa", "wfa", "bmi", "wfl", "wfh"]
    # 60 months = 1826.25 days: from day 1827 WHO gives no weight-for-length/height.
    assert charts.charts_for(1826, []) == ["hfa", "wfa", "bmi", "wfh"]
    assert charts.charts_for(1827, earlier) == ["hfa", "wfa", "bmi"]


def test_a_child_over_five_gets_no_weight_for_height_chart():
    with pytest.raises(ValueError):
        charts.growth_chart("M", [], "wfh", age_now_days=2000)


# On the growth page -------------------------------------------------------------------------


def url(child) -> str:
    return f"/assessment/children/{child.pk}/growth/"


@pytest.mark.django_db
def test_the_growth_page_draws_weight_for_length_for_a_baby(client, health_worker_a, family):
    child = family.child(age=0, born=ago(months=10))
    client.force_login(health_worker_a)
    saved = client.post(
        url(child),
        {
            "measured_on": ago(days=1).isoformat(),
            "weight_kg": "6.1",
            "height_cm": "70.0",
            "measure": "lying",
        },
    )
    assert saved.status_code == 302
    page = client.get(url(child) + "?chart=wfl").content.decode()
    assert "Weight-for-length" in page and "Weight-for-height" not in page
    assert "length (cm)" in page and 'class="curve median"' in page
    assert 'class="point flagged"' in page  # 6.1 kg at 70 cm: wasting
    assert "70.0 cm" in page


@pytest.mark.django_db
def test_the_growth_page_of_a_child_over_five_offers_no_such_chart(client, health_worker_a, family):
    child = family.child(age=7)
    client.force_login(health_worker_a)
    page = client.get(url(child) + "?chart=wfh").content.decode()
    assert "Weight-for-height" not in page and "Weight-for-length" not in page
    assert "age (years)" in page  # height-for-age instead
