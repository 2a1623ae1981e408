"""Step two: best-interests assessments and appointments, with a supervisor's approval.

requested -> pending (a supervisor takes it up) -> approved or rejected; nobody approves their
own request; appointments are reviewed at least every six months (configurable)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kinlink.core.dates import today
from kinlink.guardianship import services
from kinlink.guardianship.models import Appointment, ApprovalStatus
from kinlink.guardianship.selectors import approvals_waiting, child_needs_guardian
from kinlink.guardianship.services import GuardianshipError
from kinlink.registry import services as registry

DAY = dt.timedelta(days=1)


def assessment(actor, fam, **overrides):
    values = {
        "assessed_on": today(),
        "child_heard": True,
        "child_views": "He wants to stay with his grandmother and his school friends.",
        "options_considered": ["kinship", "foster"],
        "proposed_caregiver": fam.grandmother,
        "caregiver_capacity": "with_support",
        "siblings": "none",
        "recommendation": "kinship",
        "reasons": "Continuity of care, school and friends.",
    }
    values.update(overrides)
    return services.assessment_record(actor=actor, child=fam.child, **values)


def request_appointment(officer, fam, bia, **overrides):
    values = {
        "kind": "guardian",
        "guardian": fam.grandmother,
        "reasons": "She has cared for him since his mother left.",
        "starts_on": today(),
        "review_on": today() + 90 * DAY,
    }
    values.update(overrides)
    return services.appointment_request(actor=officer, child=fam.child, assessment=bia, **values)


def test_an_assessment_hears_the_child_and_weighs_more_than_one_option(family, caseworker_a):
    with pytest.raises(ValidationError) as exc:
        assessment(caseworker_a, family, child_views="", options_considered=["kinship"])
    assert set(exc.value.message_dict) == {"child_views", "options_considered"}
    bia = assessment(
        caseworker_a, family, child_heard=False, child_views="", not_heard_reason="Aged 2."
    )
    assert bia.pk


def test_separating_siblings_needs_reasons(family, caseworker_a):
    with pytest.raises(ValidationError) as exc:
        assessment(caseworker_a, family, siblings="separated")
    assert "siblings_note" in exc.value.message_dict


def test_residential_care_cannot_be_recommended_alone(family, caseworker_a):
    with pytest.raises(ValidationError) as exc:
        assessment(
            caseworker_a,
            family,
            options_considered=["residential"],
            recommendation="residential",
        )
    assert "options_considered" in exc.value.message_dict


def test_only_the_guardianship_officer_proposes_an_appointment(
    family, caseworker_a, supervisor, guardianship_officer
):
    bia = assessment(caseworker_a, family)
    for actor in (caseworker_a, supervisor):
        with pytest.raises(GuardianshipError):
            request_appointment(actor, family, bia)
    appt = request_appointment(guardianship_officer, family, bia)
    assert appt.status == ApprovalStatus.REQUESTED


def test_requested_then_pending_then_approved_by_the_reviewing_supervisor(
    family, caseworker_a, guardianship_officer, supervisor, county
):
    from kinlink.accounts.services import user_create

    other = user_create(
        username="supervisor2", password="x" * 12, role="supervisor", scope=county.county
    )
    appt = request_appointment(guardianship_officer, family, assessment(caseworker_a, family))
    assert list(approvals_waiting(supervisor)) == [appt]
    services.appointment_take_up(actor=supervisor, appointment=appt)
    appt.refresh_from_db()
    assert appt.status == ApprovalStatus.PENDING and appt.reviewer == supervisor
    with pytest.raises(GuardianshipError, match="Another supervisor"):
        services.appointment_decide(actor=other, appointment=appt, approve=True)
    services.appointment_decide(actor=supervisor, appointment=appt, approve=True)
    appt.refresh_from_db()
    assert appt.status == ApprovalStatus.APPROVED and appt.decided_by == supervisor
    with pytest.raises(GuardianshipError, match="already been decided"):
        services.appointment_decide(actor=supervisor, appointment=appt, approve=False, note="x")


def test_nobody_approves_their_own_request(family, caseworker_a, guardianship_officer):
    appt = request_appointment(guardianship_officer, family, assessment(caseworker_a, family))
    # Even if the officer's role became supervisor later.
    guardianship_officer.role = "supervisor"
    guardianship_officer.save(update_fields=["role"])
    with pytest.raises(GuardianshipError, match="your own"):
        services.appointment_decide(actor=guardianship_officer, appointment=appt, approve=True)
    with pytest.raises(GuardianshipError, match="your own"):
        services.appointment_take_up(actor=guardianship_officer, appointment=appt)


def test_only_a_supervisor_decides_and_a_rejection_needs_reasons(
    family, caseworker_a, guardianship_officer, supervisor
):
    appt = request_appointment(guardianship_officer, family, assessment(caseworker_a, family))
    with pytest.raises(GuardianshipError):
        services.appointment_decide(actor=caseworker_a, appointment=appt, approve=True)
    with pytest.raises(GuardianshipError, match="reasons"):
        services.appointment_decide(actor=supervisor, appointment=appt, approve=False)
    services.appointment_decide(
        actor=supervisor, appointment=appt, approve=False, note="Assess the aunt first."
    )
    assert Appointment.objects.get(pk=appt.pk).status == ApprovalStatus.REJECTED


def test_an_approved_appointment_covers_the_child_from_its_first_day_not_before_approval(
    family, caseworker_a, guardianship_officer, supervisor
):
    bia = assessment(caseworker_a, family, assessed_on=today() - 20 * DAY)
    appt = request_appointment(guardianship_officer, family, bia, starts_on=today() - 10 * DAY)
    assert child_needs_guardian(family.child, today())
    services.appointment_decide(actor=supervisor, appointment=appt, approve=True)
    appt.refresh_from_db()
    assert appt.starts_on == today()
    assert not child_needs_guardian(family.child, today())
    assert child_needs_guardian(family.child, today() - DAY)


def test_a_guardian_who_is_away_or_a_minor_cannot_be_appointed(
    family, caseworker_a, guardianship_officer
):
    bia = assessment(caseworker_a, family)
    registry.migration_record(
        adult=family.grandmother,
        departed_on=today() - 5 * DAY,
        destination_country="CN",
        purpose="work",
        pattern="seasonal",
    )
    with pytest.raises(ValidationError) as exc:
        request_appointment(guardianship_officer, family, bia)
    assert exc.value.message_dict["guardian"] == ["The guardian is recorded as away from home."]


def test_reviews_come_at_least_every_six_months(
    family, caseworker_a, guardianship_officer, supervisor
):
    bia = assessment(caseworker_a, family)
    with pytest.raises(ValidationError) as exc:
        request_appointment(guardianship_officer, family, bia, review_on=today() + 200 * DAY)
    assert "review_on" in exc.value.message_dict
    appt = request_appointment(guardianship_officer, family, bia)
    with pytest.raises(GuardianshipError):  # not yet approved
        services.appointment_review(
            actor=guardianship_officer,
            appointment=appt,
            reviewed_on=today(),
            next_review_on=today() + 30 * DAY,
        )
    services.appointment_decide(actor=supervisor, appointment=appt, approve=True)
    services.appointment_review(
        actor=guardianship_officer,
        appointment=appt,
        reviewed_on=today(),
        next_review_on=today() + 150 * DAY,
    )
    appt.refresh_from_db()
    assert appt.last_reviewed_on == today() and appt.review_on == today() + 150 * DAY


def test_residential_care_needs_an_assessment_recommending_it(
    family, caseworker_a, guardianship_officer
):
    bia = assessment(caseworker_a, family)
    with pytest.raises(ValidationError) as exc:
        request_appointment(
            guardianship_officer, family, bia, kind="residential", guardian=None, placement="X"
        )
    assert "kind" in exc.value.message_dict
