"""Survey prevalence: Wilson intervals checked by hand, implausible values left out of the
indicator they concern, oedema counted as severe wasting, groups by sex and age."""

from __future__ import annotations

import dataclasses

import pytest

from kinlink.assessment.growth.survey import age_group, prevalence, render_text, wilson_interval
from kinlink.assessment.growth.zscores import DAYS_PER_MONTH, GrowthResult, compute


def child(sex: str = "F", age_months: float = 18.0, **flags) -> GrowthResult:
    base = compute(sex, round(age_months * DAYS_PER_MONTH), 10.0, 80.0)
    return dataclasses.replace(base, **flags)


@pytest.mark.parametrize(
    ("cases", "n", "low", "high"),
    # Worked by hand from p, n and z = 1.959964:
    # (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n); e.g. 3/10 -> 0.1078 to 0.6032.
    [(3, 10, 0.1078, 0.6032), (2, 10, 0.0567, 0.5098), (0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0)],
)
def test_wilson_interval_matches_hand_computation(cases, n, low, high):
    assert wilson_interval(cases, n) == pytest.approx((low, high), abs=5e-5)


def test_wilson_interval_agrees_with_scipy():
    from scipy import stats

    for cases, n in [(1, 7), (17, 250), (123, 498), (0, 3)]:
        ci = stats.binomtest(cases, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert wilson_interval(cases, n) == pytest.approx((ci.low, ci.high), abs=1e-9)


def test_wilson_interval_refuses_an_empty_group():
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


def test_a_hand_counted_sample_gives_the_expected_prevalence_and_interval():
    girls = (
        [child(stunting=True, severe_stunting=True)]
        + [child(stunting=True, severe_stunting=False)] * 2
        + [child(stunting=False, severe_stunting=False)] * 7
        # Implausible height-for-age: the calculator leaves the flags None, so it drops out
        # of stunting but still counts for the other indicators.
        + [child(stunting=None, severe_stunting=None, hfa_implausible=True)]
    )
    table = prevalence(girls)
    everyone = table.groups[0]
    assert (everyone.sex, everyone.age_group, everyone.children) == (None, None, 11)
    stunting = everyone.estimates["stunting"]
    assert (stunting.cases, stunting.n) == (3, 10)
    assert stunting.proportion == 0.3
    assert stunting.ci95 == pytest.approx((0.1078, 0.6032), abs=5e-5)
    assert (
        everyone.estimates["severe_stunting"].cases,
        everyone.estimates["severe_stunting"].n,
    ) == (1, 10)
    assert everyone.estimates["underweight"].n == 11


def test_oedema_counts_as_wasting_and_severe_wasting_without_a_weight_for_height():
    swollen = compute("M", 400, 8.0, 75.0, oedema=True)
    assert swollen.wfh_z is None
    plain = [child("M", wasting=False, severe_wasting=False)] * 8
    thin = child("M", wasting=True, severe_wasting=False)
    table = prevalence([swollen, thin, *plain])
    wasting = table.groups[0].estimates["wasting"]
    severe = table.groups[0].estimates["severe_wasting"]
    assert (wasting.cases, wasting.n) == (2, 10)
    assert (severe.cases, severe.n) == (1, 10)
    # Oedema gives no weight-for-age, so that child is not in the underweight denominator.
    assert table.groups[0].estimates["underweight"].n == 9


def test_groups_split_by_sex_and_age_and_over_fives_are_left_out():
    table = prevalence(
        [
            child("M", 3, stunting=True),
            child("F", 3, stunting=False),
            child("F", 30, stunting=True),
            child("F", 59.9, stunting=False),
            compute("F", round(70 * DAYS_PER_MONTH), 20.0, 115.0),
        ]
    )
    by_key = {(g.sex, g.age_group): g for g in table.groups}
    assert table.over_five_left_out == 1
    assert by_key[(None, None)].children == 4
    assert by_key[("F", None)].estimates["stunting"].n == 3
    assert by_key[(None, "0-5")].children == 2
    assert by_key[("F", "24-35")].estimates["stunting"].cases == 1
    assert by_key[("F", "48-59")].children == 1
    assert by_key[("M", "6-11")].estimates["stunting"].ci95 is None
    assert len(table.groups) == 3 + 6 + 12


@pytest.mark.parametrize(
    ("age_months", "group"), [(0, "0-5"), (5.99, "0-5"), (6, "6-11"), (23.99, "12-23"), (60, None)]
)
def test_age_groups_are_completed_months(age_months, group):
    assert age_group(age_months) == group


def test_the_text_table_shows_percent_and_interval():
    text = render_text(prevalence([child(stunting=True)] * 3 + [child(stunting=False)] * 7))
    line = next(row for row in text.splitlines() if row.startswith("All, 0-59 months"))
    assert line.split() == ["All,", "0-59", "months", "10", "3", "30.0", "10.8-60.3"]
