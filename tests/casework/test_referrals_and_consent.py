"""Referrals to services: the consent the child's age needs (domain.md §9, configurable), a
supervisor's override with a reason, and the status sent → accepted/declined → completed."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta

from kinlink.casework import services
from kinlink.casework.models import ReferralStatus
from kinlink.casework.services import CaseworkError
from kinlink.registry import services as registry
from tests.casework.conftest import NOW, day, full_consent, open_case


def child_aged(county, years: int):
    return registry.child_register(
        family_name="陈",
        given_name="小雨",
        sex="F",
        date_of_birth=NOW.date() - relativedelta(years=years, days=10),
        home_village=county.village_a2,
    )


def send(actor, case, service, **consent):
    return services.referral_send(
        actor=actor,
        case=case,
        service=service,
        reason="Sleeps badly since mother left.",
        now=NOW,
        **consent,
    )


CAREGIVER = {"caregiver_consent": True, "consent_by": "grandmother", "consent_on": NOW.date()}


@pytest.mark.parametrize(
    ("age", "enough", "not_enough", "missing"),
    [
        (4, CAREGIVER, {}, "caregiver's consent"),
        (8, {**CAREGIVER, "child_assent": "verbal"}, CAREGIVER, "verbal assent"),
        (
            13,
            {**CAREGIVER, "child_assent": "written"},
            {**CAREGIVER, "child_assent": "verbal"},
            "written assent",
        ),
        (16, {"child_consent": True, "consent_on": NOW.date()}, CAREGIVER, "own consent"),
    ],
)
def test_a_referral_needs_the_consent_of_the_childs_age_band(
    county, caseworker_a, counselling, age, enough, not_enough, missing
):
    case = open_case(caseworker_a, child_aged(county, age))
    with pytest.raises(CaseworkError, match=missing):
        send(caseworker_a, case, counselling, **not_enough)
    referral = send(caseworker_a, case, counselling, **enough)
    assert referral.status == ReferralStatus.SENT and referral.override_reason == ""


def test_the_consent_bands_are_configurable(settings, county, caseworker_a, counselling):
    settings.KINLINK_CASEWORK_CONSENT_BANDS = [
        {"from_age": 0, "caregiver": True, "assent": "none", "own_consent": False},
        {"from_age": 14, "caregiver": False, "assent": "none", "own_consent": True},
    ]
    case = open_case(caseworker_a, child_aged(county, 14))
    with pytest.raises(CaseworkError, match="own consent"):
        send(caseworker_a, case, counselling, **CAREGIVER)


def test_a_caseworker_cannot_send_a_referral_without_consent_even_with_a_reason(
    county, caseworker_a, counselling
):
    case = open_case(caseworker_a, child_aged(county, 8))
    with pytest.raises(CaseworkError, match="Only a supervisor"):
        send(caseworker_a, case, counselling, override_reason="Urgent.")


def test_a_supervisor_may_send_without_consent_and_records_why(
    county, caseworker_a, supervisor, counselling
):
    case = open_case(caseworker_a, child_aged(county, 8))
    with pytest.raises(CaseworkError, match="needs"):
        send(supervisor, case, counselling)  # no reason: refused like anyone else
    referral = send(
        supervisor,
        case,
        counselling,
        override_reason="Grandmother cannot be reached; the child is at risk tonight.",
    )
    assert referral.override_reason.startswith("Grandmother")
    assert case.events.filter(kind="referral_sent", details__override=True).exists()


def test_a_referral_is_accepted_then_completed_with_feedback(caseworker_a, child_a, counselling):
    case = open_case(caseworker_a, child_a)
    referral = send(caseworker_a, case, counselling, **full_consent())
    with pytest.raises(CaseworkError, match="accepted referral"):
        services.referral_complete(actor=caseworker_a, referral=referral, feedback="Done.")
    services.referral_respond(actor=caseworker_a, referral=referral, accepted=True, on=day())
    services.referral_complete(
        actor=caseworker_a, referral=referral, feedback="Six sessions; sleeping better.", on=day()
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.feedback


def test_a_declined_referral_says_why_and_cannot_be_completed(caseworker_a, child_a, counselling):
    case = open_case(caseworker_a, child_a)
    referral = send(caseworker_a, case, counselling, **full_consent())
    with pytest.raises(CaseworkError, match="why"):
        services.referral_respond(actor=caseworker_a, referral=referral, accepted=False)
    services.referral_respond(
        actor=caseworker_a, referral=referral, accepted=False, note="No places until June."
    )
    with pytest.raises(CaseworkError):
        services.referral_respond(actor=caseworker_a, referral=referral, accepted=True)
    with pytest.raises(CaseworkError):
        services.referral_complete(actor=caseworker_a, referral=referral, feedback="x")


def test_a_referral_takes_the_cases_risk_as_its_priority(caseworker_a, child_a, counselling):
    case = open_case(caseworker_a, child_a, risk="high")
    assert send(caseworker_a, case, counselling, **full_consent()).priority == "high"


def test_a_teacher_refers_a_child_and_a_caseworker_takes_it_as_a_case(
    teacher_a, health_worker_a, caseworker_a, child_a
):
    intake = services.intake_refer(
        actor=teacher_a,
        child=child_a,
        concern="Falls asleep in class; no lunch.",
        urgent=True,
        now=NOW,
    )
    case = services.intake_accept(actor=caseworker_a, intake=intake, risk_level="high", now=NOW)
    intake.refresh_from_db()
    assert intake.status == "accepted" and intake.case == case
    assert case.source == "referral" and case.caseworker == caseworker_a
    # A second referral for the same child is linked to the case already open.
    other = services.intake_refer(actor=health_worker_a, child=child_a, concern="Underweight.")
    assert services.intake_accept(actor=caseworker_a, intake=other, risk_level="low") == case
    with pytest.raises(CaseworkError, match="already been handled"):
        services.intake_accept(actor=caseworker_a, intake=other, risk_level="low")


def test_only_teachers_and_health_workers_make_intake_referrals(caseworker_a, child_a):
    with pytest.raises(CaseworkError):
        services.intake_refer(actor=caseworker_a, child=child_a, concern="x")
