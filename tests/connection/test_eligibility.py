"""The eligibility engine: single-month and smoothed rules on the same synthetic remittance
histories, categorical criteria, assets, and the explanation in words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from kinlink.connection.eligibility import Status, compare_rules, evaluate
from kinlink.connection.rules import Criterion, Measure
from tests.connection.programmes import (
    INTERMITTENT,
    ON,
    STOPPED_IN_DECEMBER,
    facts,
    programme,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_intermittent_remittances_are_kept_by_smoothing_and_flagged_at_risk():
    result = evaluate(programme(), facts(INTERMITTENT), on=ON)
    assert result.status == Status.AT_RISK
    assert result.latest.per_person_smoothed == Decimal("525.00")  # (500 + 1600) / 4
    assert result.single_month_failures == [dt.date(2024, 3, 1), dt.date(2024, 9, 1)]
    assert result.smoothed_failures == []


def test_the_same_history_under_a_single_month_rule_is_eligible_in_december_only_by_luck():
    # December had no remittance, so the single-month test passes this month...
    result = evaluate(programme(), facts(INTERMITTENT), on=ON, measure=Measure.SINGLE_MONTH)
    assert result.latest.per_person_single == Decimal("400.00")
    assert result.status == Status.AT_RISK
    # ...but evaluated in October, after September's remittance, it was out.
    october = evaluate(
        programme(), facts(INTERMITTENT), on=dt.date(2024, 10, 5), measure=Measure.SINGLE_MONTH
    )
    assert october.status == Status.NOT_ELIGIBLE
    smoothed_october = evaluate(programme(), facts(INTERMITTENT), on=dt.date(2024, 10, 5))
    assert smoothed_october.status == Status.AT_RISK


def test_a_penalty_after_a_failed_month_keeps_the_household_out_for_months():
    kosovo = programme(
        income={"measure": "single_month", "single_month_penalty_months": 6},
    )
    result = evaluate(kosovo, facts(INTERMITTENT), on=ON)
    assert result.status == Status.NOT_ELIGIBLE
    assert any("excludes the household for 6 months" in line for line in result.explanation)
    assert any("September 2024" in line for line in result.explanation)


def test_steady_high_income_is_not_eligible_under_either_rule():
    steady = facts({m: 2000 for m in range(1, 13)}, other_income="1000")
    for measure in Measure.ALL:
        result = evaluate(programme(), steady, on=ON, measure=measure)
        assert result.status == Status.NOT_ELIGIBLE
        assert result.explanation[-1] == "Result: not eligible."


def test_low_steady_income_is_simply_eligible():
    result = evaluate(programme(), facts({m: 400 for m in range(1, 13)}), on=ON)
    assert result.status == Status.ELIGIBLE
    assert result.explanation[-1] == "Result: eligible."


def test_the_explanation_walks_through_the_calculation():
    result = evaluate(programme(), facts(INTERMITTENT), on=ON)
    assert result.explanation == [
        "Household members counted: 4 (2 children and 2 adults living at home).",
        "1 family member working away is not counted.",
        "Remittances averaged over the 12 months to December 2024: 500.00 CNY a month "
        "(months without a remittance count as zero).",
        "Income per person: (500.00 CNY + 1,600.00 CNY other income) ÷ 4 = 525.00 CNY.",
        "Threshold: 650.00 CNY per person a month (County standard).",
        "525.00 CNY is at or below 650.00 CNY: the income test is met.",
        "Result: at risk of exclusion. Eligible, but a single-month rule would have found "
        "income above the threshold in March 2024, September 2024.",
    ]


def test_the_explanation_follows_the_active_language():
    with translation.override("zh-hans"):
        result = evaluate(programme(), facts(INTERMITTENT), on=ON)
        name = result.programme.name
    # Months and numbers are formatted for the language; the sentences come from the
    # catalogue once translated (until then gettext falls back to English).
    assert "2024年12月" in result.explanation[2]
    assert name == "测试低保"


def test_the_comparison_finds_months_each_rule_drops_that_the_other_keeps():
    intermittent = compare_rules(programme(), facts(INTERMITTENT), on=ON)
    assert intermittent.dropped_by_single_kept_by_smoothed == [
        dt.date(2024, 3, 1),
        dt.date(2024, 9, 1),
    ]
    assert intermittent.dropped_by_smoothed_kept_by_single == []
    stopped = compare_rules(programme(), facts(STOPPED_IN_DECEMBER, other_income="1000"), on=ON)
    # December: nothing arrived (single keeps it) but the year averaged 2,200 (smoothed drops).
    assert stopped.dropped_by_smoothed_kept_by_single == [dt.date(2024, 12, 1)]


def test_a_left_behind_child_raises_the_threshold_when_the_programme_says_so():
    uplifted = programme(
        categorical=[
            {
                "criterion": "left_behind_child",
                "effect": "threshold_uplift",
                "percent": 20,
                "source": "UNICEF recommendation 4",
            }
        ]
    )
    # 700 per person: above 650, below 780.
    household = facts({}, other_income="2800")
    assert evaluate(uplifted, household, on=ON).status == Status.NOT_ELIGIBLE
    left_behind = facts({}, other_income="2800", criteria=frozenset({Criterion.LEFT_BEHIND_CHILD}))
    result = evaluate(uplifted, left_behind, on=ON)
    assert result.status == Status.ELIGIBLE
    assert result.threshold == Decimal("780.00")
    assert (
        "Raised by 20% because a child of the household has a parent working away "
        "(UNICEF recommendation 4): 780.00 CNY." in result.explanation
    )


def test_a_qualifying_criterion_meets_the_programme_whatever_the_income():
    qualifying = programme(
        categorical=[{"criterion": "both_parents_away", "effect": "qualifies", "source": "S"}]
    )
    rich = facts({m: 5000 for m in range(1, 13)}, criteria=frozenset({"both_parents_away"}))
    result = evaluate(qualifying, rich, on=ON)
    assert result.status == Status.ELIGIBLE
    assert any("income test does not apply" in line for line in result.explanation)


def test_assets_above_the_limit_exclude_and_undeclared_assets_are_not_held_against_anyone():
    limited = programme(assets={"max_per_person": "30000", "source": "County rule"})
    wealthy = facts({}, other_income="0", assets="200000")
    assert evaluate(limited, wealthy, on=ON).status == Status.NOT_ELIGIBLE
    unknown = evaluate(limited, facts({}, other_income="0"), on=ON)
    assert unknown.status == Status.ELIGIBLE
    assert "Assets have not been declared" in " ".join(unknown.explanation)


def test_composition_rules_are_applied():
    for_children = programme(composition={"min_children": 1, "source": "Households with children"})
    result = evaluate(for_children, facts({}, children=0, other_income="0"), on=ON)
    assert result.status == Status.NOT_ELIGIBLE


def test_members_working_away_are_counted_only_when_the_programme_says_so():
    counting = programme(income={"count_members_away": True})
    assert evaluate(counting, facts(INTERMITTENT), on=ON).members == 5
    assert evaluate(programme(), facts(INTERMITTENT), on=ON).members == 4
