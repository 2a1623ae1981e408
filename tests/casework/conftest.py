"""Casework fixtures on the shared personas: a set clock, a colleague of caseworker_a in the same
township, a directory with one service per domain, and helpers that walk a case forward."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from kinlink.accounts.services import user_create
from kinlink.casework import services
from kinlink.casework.models import Case, ServiceOffer
from kinlink.places.models import ServiceProvider
from tests.conftest import PASSWORD

# Every test runs at a fixed moment, and moves the clock by passing `now`.
NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def later(**delta) -> dt.datetime:
    return NOW + dt.timedelta(**delta)


def day(**delta) -> dt.date:
    return timezone.localdate(later(**delta))


@pytest.fixture
def colleague_a(county):
    """Another caseworker in township A: she sees the same children."""
    return user_create(
        username="colleague_a", password=PASSWORD, role="caseworker", scope=county.township_a
    )


@pytest.fixture
def second_supervisor(county):
    return user_create(
        username="supervisor_2", password=PASSWORD, role="supervisor", scope=county.county
    )


@pytest.fixture
def clinic(county) -> ServiceProvider:
    return ServiceProvider.objects.create(
        name="东坪镇卫生院", kind="clinic", place=county.township_a
    )


@pytest.fixture
def counselling(clinic) -> ServiceOffer:
    return ServiceOffer.objects.create(
        provider=clinic, name="Counselling for children", domain="emotional"
    )


def open_case(caseworker, child, *, risk="medium", now=NOW) -> Case:
    return services.case_open(
        actor=caseworker,
        child=child,
        risk_level=risk,
        reason="Mother away; child withdrawn.",
        now=now,
    )


def assessed(caseworker, child, *, risk="medium", now=NOW) -> Case:
    case = open_case(caseworker, child, risk=risk, now=now)
    services.contact_record(
        actor=caseworker, case=case, kind="first_contact", summary="Met the child.", now=now
    )
    return services.case_assess(
        actor=caseworker, case=case, summary="Lonely; falling behind at school.", now=now
    )


def planned(caseworker, supervisor, child, *, risk="medium", now=NOW) -> Case:
    """A case with an approved plan (one goal, one action due in ten days)."""
    case = assessed(caseworker, child, risk=risk, now=now)
    plan = services.plan_start(actor=caseworker, case=case, now=now)
    goal = services.goal_add(
        actor=caseworker, plan=plan, domain="education", description="Back to regular attendance."
    )
    services.action_add(
        actor=caseworker,
        goal=goal,
        description="Meet the class teacher",
        responsible="caseworker",
        due_on=timezone.localdate(now) + dt.timedelta(days=10),
    )
    approval = services.plan_submit(
        actor=caseworker, plan=plan, child_participated=True, caregiver_participated=True, now=now
    )
    services.approval_decide(actor=supervisor, approval=approval, approve=True, now=now)
    case.refresh_from_db()
    return case


def full_consent(**extra) -> dict:
    return {
        "caregiver_consent": True,
        "consent_by": "李桂兰 (grandmother)",
        "child_assent": "written",
        "child_consent": True,
        "consent_on": NOW.date(),
        **extra,
    }
