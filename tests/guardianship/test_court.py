"""Step three: referral to court with the file, hearings, the decision, follow-up; proxy care
(the Latvian pattern) takes the same route."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kinlink.core.dates import today
from kinlink.guardianship import services
from kinlink.guardianship.models import Appointment, ReferralStatus
from kinlink.guardianship.selectors import child_needs_guardian
from kinlink.guardianship.services import GuardianshipError
from tests.guardianship.test_appointments import assessment

DAY = dt.timedelta(days=1)
T = today()


def refer(officer, fam, bia, **overrides):
    values = {
        "kind": "care",
        "court": "青山县人民法院",
        "referred_on": T - 30 * DAY,
        "reasons": "No relative able to act; the mother cannot be reached.",
        "attempts": "Aunt and grandmother approached; both declined in writing.",
        "assessments": [bia],
    }
    values.update(overrides)
    return services.referral_create(actor=officer, child=fam.child, **values)


def appoint_grandmother(officer, fam, referral):
    """The court's decision: the grandmother is guardian from five days ago."""
    return services.referral_decide(
        actor=officer,
        referral=referral,
        decided_on=T - 5 * DAY,
        outcome="guardian",
        guardian=fam.grandmother,
        reasons="The grandmother is appointed guardian.",
        review_on=T + 60 * DAY,
        follow_up_on=T + 20 * DAY,
    )


def test_a_referral_carries_the_file_and_only_the_officer_makes_one(
    family, caseworker_a, guardianship_officer
):
    bia = assessment(caseworker_a, family, assessed_on=T - 40 * DAY)
    with pytest.raises(GuardianshipError):
        refer(caseworker_a, family, bia)
    with pytest.raises(ValidationError) as exc:
        refer(guardianship_officer, family, bia, attempts="", assessments=[])
    assert set(exc.value.message_dict) == {"attempts", "assessments"}
    referral = refer(guardianship_officer, family, bia)
    assert list(referral.assessments.all()) == [bia]


def test_a_decision_appointing_a_guardian_covers_the_child_and_starts_follow_up(
    family, caseworker_a, guardianship_officer
):
    referral = refer(
        guardianship_officer, family, assessment(caseworker_a, family, assessed_on=T - 40 * DAY)
    )
    services.hearing_add(actor=guardianship_officer, referral=referral, held_on=T - 10 * DAY)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.HEARING
    appoint_grandmother(guardianship_officer, family, referral)
    appt = Appointment.objects.get(court_referral=referral)
    assert (appt.source, appt.status, appt.starts_on) == ("court", "approved", T - 5 * DAY)
    assert child_needs_guardian(family.child, T - 6 * DAY)
    assert not child_needs_guardian(family.child, T - 5 * DAY)
    with pytest.raises(GuardianshipError, match="already been recorded"):
        services.referral_decide(
            actor=guardianship_officer,
            referral=referral,
            decided_on=T,
            outcome="dismissed",
            reasons="x",
        )
    services.follow_up_add(
        actor=caseworker_a,
        referral=referral,
        visited_on=T,
        note="He is settled; school attendance regular.",
        close=True,
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED


def test_residential_care_is_recorded_only_with_the_reason_no_family_care_was_possible(
    family, caseworker_a, guardianship_officer
):
    referral = refer(
        guardianship_officer, family, assessment(caseworker_a, family, assessed_on=T - 40 * DAY)
    )
    with pytest.raises(ValidationError) as exc:
        services.referral_decide(
            actor=guardianship_officer,
            referral=referral,
            decided_on=T,
            outcome="residential",
            placement="县儿童福利院",
            reasons="Placement ordered.",
            review_on=T + 30 * DAY,
            follow_up_on=T + 14 * DAY,
        )
    assert "last_resort_reason" in exc.value.message_dict
    assert not Appointment.objects.exists()


def test_proxy_care_goes_to_court_with_the_proposed_caregiver(
    family, caseworker_a, guardianship_officer
):
    bia = assessment(
        caseworker_a,
        family,
        options_considered=["proxy_care", "kinship"],
        recommendation="proxy_care",
        assessed_on=T - 40 * DAY,
    )
    with pytest.raises(ValidationError) as exc:
        refer(guardianship_officer, family, bia, kind="proxy_care")
    assert "proposed_caregiver" in exc.value.message_dict
    referral = refer(
        guardianship_officer, family, bia, kind="proxy_care", proposed_caregiver=family.grandmother
    )
    services.referral_decide(
        actor=guardianship_officer,
        referral=referral,
        decided_on=T,
        outcome="proxy_care",
        guardian=family.grandmother,
        reasons="Proxy care approved.",
        review_on=T + 180 * DAY,
        follow_up_on=T + 30 * DAY,
    )
    assert Appointment.objects.get(court_referral=referral).kind == "proxy_care"


def test_a_dismissal_appoints_nobody(family, caseworker_a, guardianship_officer):
    referral = refer(
        guardianship_officer, family, assessment(caseworker_a, family, assessed_on=T - 40 * DAY)
    )
    services.referral_decide(
        actor=guardianship_officer,
        referral=referral,
        decided_on=T,
        outcome="dismissed",
        reasons="The mother has returned.",
    )
    assert not Appointment.objects.exists()
    assert child_needs_guardian(family.child, T)
