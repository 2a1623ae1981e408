"""Guardianship's entries in the child's one timeline: declarations signed, registered, ended
or expired; court referrals and decisions, with the appointment they make; for readers of
guardianship records only."""

from __future__ import annotations

import datetime as dt

from kinlink.core.dates import today
from kinlink.guardianship import services
from kinlink.guardianship.models import Declaration
from kinlink.guardianship.selectors import guardianship_timeline
from tests.guardianship.conftest import make_registered
from tests.guardianship.test_appointments import assessment
from tests.guardianship.test_court import appoint_grandmother, refer

DAY = dt.timedelta(days=1)
T = today()


def texts(entries) -> list[tuple[dt.date, str]]:
    return sorted((e.on, e.text) for e in entries)


def test_a_declaration_signed_registered_and_revoked_shows_each_step(
    family, caseworker_a, guardianship_officer
):
    declaration = make_registered(
        caseworker_a, guardianship_officer, family, registered_on=T - 10 * DAY
    )
    services.declaration_revoke(
        actor=guardianship_officer, declaration=declaration, reason="parent", ended_on=T - DAY
    )
    assert texts(guardianship_timeline(caseworker_a, family.child)) == [
        (T - 10 * DAY, "Guardianship declaration registered"),
        (T - 10 * DAY, "Guardianship declaration signed"),
        (T - DAY, "Guardianship declaration ended: Revoked by the parent"),
    ]
    assert {e.domain for e in guardianship_timeline(caseworker_a, family.child)} == {"guardianship"}


def test_an_expired_declaration_shows_the_day_after_its_last(
    family, caseworker_a, guardianship_officer
):
    declaration = make_registered(
        caseworker_a, guardianship_officer, family, registered_on=T - 10 * DAY
    )
    # Its last day passes (the clock, not a person, makes it expire).
    Declaration.objects.filter(pk=declaration.pk).update(valid_until=T - 5 * DAY)
    assert (T - 4 * DAY, "Guardianship declaration expired") in texts(
        guardianship_timeline(caseworker_a, family.child)
    )


def test_a_court_referral_its_decision_and_the_appointment_show(
    family, caseworker_a, guardianship_officer
):
    referral = refer(
        guardianship_officer, family, assessment(caseworker_a, family, assessed_on=T - 40 * DAY)
    )
    appoint_grandmother(guardianship_officer, family, referral)
    assert texts(guardianship_timeline(guardianship_officer, family.child)) == [
        (T - 30 * DAY, "Referred to the court"),
        (T - 5 * DAY, "Appointed: Guardian"),
        (T - 5 * DAY, "Court decision: A guardian is appointed"),
    ]


def test_who_may_not_read_guardianship_sees_none_of_it(
    family, caseworker_a, guardianship_officer, health_worker_a, teacher_a
):
    make_registered(caseworker_a, guardianship_officer, family)
    for user in (health_worker_a, teacher_a):
        assert guardianship_timeline(user, family.child) == []
