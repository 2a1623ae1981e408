"""Response deadlines follow the risk level (defaults from the issue, configurable in settings),
and drive what is overdue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kinlink.casework import services
from kinlink.casework.models import Approval, ApprovalStatus, Case
from kinlink.casework.selectors import overdue_filter, tasks_for_case
from tests.casework.conftest import NOW, assessed, day, later, open_case, planned


def overdue_kinds(case: Case, now: dt.datetime) -> set[str]:
    case = Case.objects.prefetch_related("plans__goals__actions").get(pk=case.pk)
    return {t.kind for t in tasks_for_case(case, now) if t.overdue}


def is_overdue_in_sql(case: Case, now: dt.datetime) -> bool:
    return Case.objects.filter(overdue_filter(now), pk=case.pk).exists()


def test_a_high_risk_case_is_overdue_after_24_hours_without_contact(caseworker_a, child_a):
    case = open_case(caseworker_a, child_a, risk="high")
    assert case.first_contact_due == later(hours=24)
    assert overdue_kinds(case, later(hours=23, minutes=59)) == set()
    assert overdue_kinds(case, later(hours=24, minutes=1)) == {"first_contact"}
    assert is_overdue_in_sql(case, later(hours=24, minutes=1))


@pytest.mark.parametrize(("risk", "hours"), [("medium", 72), ("low", 168)])
def test_medium_and_low_risk_cases_have_three_and_seven_days_to_first_contact(
    caseworker_a, child_a, risk, hours
):
    case = open_case(caseworker_a, child_a, risk=risk)
    assert case.first_contact_due == later(hours=hours)
    assert not is_overdue_in_sql(case, later(hours=hours - 1))
    assert is_overdue_in_sql(case, later(hours=hours + 1))


def test_a_contact_with_the_child_answers_the_first_contact_deadline(caseworker_a, child_a):
    case = open_case(caseworker_a, child_a, risk="high")
    services.contact_record(
        actor=caseworker_a, case=case, kind="visit", summary="Home visit.", now=later(hours=20)
    )
    assert overdue_kinds(case, later(days=2)) == set()
    assert not is_overdue_in_sql(case, later(days=2))


def test_the_deadlines_are_settings_not_constants(settings, caseworker_a, child_a):
    settings.KINLINK_CASEWORK_DEADLINES = {
        "first_contact_hours": {"high": 12, "medium": 48, "low": 120},
        "plan_days": 10,
    }
    case = assessed(caseworker_a, child_a, risk="high")
    assert case.first_contact_due == later(hours=12)
    assert case.plan_due == day(days=10)


def test_a_plan_is_due_14_days_after_the_assessment_and_submitting_it_answers_that(
    caseworker_a, child_a
):
    case = assessed(caseworker_a, child_a)
    assert case.plan_due == day(days=14)
    assert overdue_kinds(case, later(days=14)) == set()
    assert overdue_kinds(case, later(days=15)) == {"plan"}
    assert is_overdue_in_sql(case, later(days=15))


def test_a_case_left_unassessed_is_overdue_14_days_after_the_first_contact(caseworker_a, child_a):
    case = open_case(caseworker_a, child_a, risk="low")
    services.contact_record(
        actor=caseworker_a, case=case, kind="first_contact", summary="Met.", now=later(days=1)
    )
    assert overdue_kinds(case, later(days=15)) == set()
    assert overdue_kinds(case, later(days=16)) == {"plan"}
    assert is_overdue_in_sql(case, later(days=16))


@pytest.mark.parametrize(("risk", "days"), [("high", 30), ("medium", 60), ("low", 90)])
def test_a_plan_is_reviewed_every_30_60_or_90_days_by_risk(
    caseworker_a, supervisor, child_a, risk, days
):
    case = planned(caseworker_a, supervisor, child_a, risk=risk)
    assert case.review_due == day(days=days)
    services.contact_record(
        actor=caseworker_a,
        case=case,
        kind="review",
        summary="Reviewed with the child and grandmother.",
        now=later(days=5),
    )
    case.refresh_from_db()
    assert case.review_due == day(days=5 + days)


def test_a_late_follow_up_visit_and_a_late_action_are_overdue(caseworker_a, supervisor, child_a):
    case = planned(caseworker_a, supervisor, child_a, risk="medium")
    assert case.visit_due == day(days=14)  # fortnightly for medium risk
    assert overdue_kinds(case, later(days=11)) == {"action"}  # due in ten days
    assert overdue_kinds(case, later(days=15)) == {"action", "visit"}
    assert is_overdue_in_sql(case, later(days=11))


def test_raising_the_risk_level_brings_every_deadline_forward_at_once(
    caseworker_a, supervisor, child_a
):
    case = open_case(caseworker_a, child_a, risk="low")
    assert case.first_contact_due == later(days=7)
    services.risk_change(
        actor=caseworker_a,
        case=case,
        level="high",
        reason="Found alone at night.",
        now=later(hours=2),
    )
    case.refresh_from_db()
    assert case.risk_level == "high"
    assert case.first_contact_due == later(hours=26)


def test_raising_the_level_of_a_planned_case_makes_a_review_due_at_once_and_visits_sooner(
    caseworker_a, supervisor, child_a
):
    case = planned(caseworker_a, supervisor, child_a, risk="low")
    assert (case.review_due, case.visit_due) == (day(days=90), day(days=30))
    services.risk_change(
        actor=caseworker_a,
        case=case,
        level="high",
        reason="Grandmother in hospital.",
        now=later(days=1),
    )
    case.refresh_from_db()
    assert (case.review_due, case.visit_due) == (day(days=1), day(days=8))
    assert not is_overdue_in_sql(case, later(days=1, hours=1))
    assert overdue_kinds(case, later(days=2, hours=1)) == {"review"}


def test_lowering_the_risk_level_needs_a_reason_and_waits_for_a_supervisor(
    caseworker_a, supervisor, child_a
):
    case = open_case(caseworker_a, child_a, risk="high")
    with pytest.raises(ValidationError, match="lower"):
        services.risk_change(actor=caseworker_a, case=case, level="low", reason="", now=NOW)
    request = services.risk_change(
        actor=caseworker_a, case=case, level="low", reason="Mother came home.", now=later(hours=1)
    )
    assert isinstance(request, Approval) and request.status == ApprovalStatus.PENDING
    case.refresh_from_db()
    assert case.risk_level == "high"  # unchanged until signed off
    services.approval_decide(actor=supervisor, approval=request, approve=True, now=later(hours=2))
    case.refresh_from_db()
    assert case.risk_level == "low"
    assert case.first_contact_due == later(days=7)  # recomputed from the opening


def test_the_overdue_list_and_the_overdue_count_agree(
    caseworker_a, supervisor, child_a, child_b, caseworker_b
):
    cases = [
        open_case(caseworker_a, child_a, risk="high"),
        planned(caseworker_b, supervisor, child_b, risk="high"),
    ]
    for hours in (1, 25, 24 * 9, 24 * 40):
        now = later(hours=hours)
        for case in cases:
            assert bool(overdue_kinds(case, now)) == is_overdue_in_sql(case, now), (hours, case)
