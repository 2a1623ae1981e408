"""`alerts_for_child(child, on)`: what a caseworker is warned about, and when not."""

from __future__ import annotations

import datetime as dt

from kinlink.core.dates import today
from kinlink.guardianship.alerts import AlertKind, alerts_for_child
from kinlink.guardianship.models import Appointment, ApprovalStatus
from kinlink.registry import services as registry
from tests.conftest import years_ago
from tests.guardianship.conftest import draft, make_registered

DAY = dt.timedelta(days=1)
T = today()


def kinds(child, on=T):
    return [a.kind for a in alerts_for_child(child, on)]


def _leave(adult, departed_on, returned_on=None):
    return registry.migration_record(
        adult=adult,
        departed_on=departed_on,
        returned_on=returned_on,
        destination_country="CN",
        purpose="work",
        pattern="long_term",
    )


def test_a_parent_who_left_without_a_declaration_raises_an_urgent_alert(family):
    alerts = alerts_for_child(family.child, T)
    assert [a.kind for a in alerts] == [AlertKind.DEPARTED_WITHOUT_DECLARATION]
    assert alerts[0].severity == "urgent"
    assert "Mother" in alerts[0].message


def test_the_alert_says_when_a_declaration_is_under_way_and_goes_once_it_is_registered(
    family, caseworker_a, guardianship_officer
):
    draft(caseworker_a, family)
    (alert,) = alerts_for_child(family.child, T)
    assert "not registered yet" in alert.message
    make_registered(caseworker_a, guardianship_officer, family)
    assert AlertKind.DEPARTED_WITHOUT_DECLARATION not in kinds(family.child)


def test_an_appointed_guardian_also_silences_the_departure_alert(family, guardianship_officer):
    Appointment.objects.create(
        child=family.child,
        kind="guardian",
        guardian=family.grandmother,
        reasons="x",
        starts_on=T - DAY,
        review_on=T + 90 * DAY,
        status=ApprovalStatus.APPROVED,
        requested_by=guardianship_officer,
    )
    assert AlertKind.DEPARTED_WITHOUT_DECLARATION not in kinds(family.child)


def test_a_declaration_ending_within_thirty_days_is_flagged_and_not_before(
    family, caseworker_a, guardianship_officer
):
    end = T + 45 * DAY
    make_registered(caseworker_a, guardianship_officer, family, valid_until=end)
    assert AlertKind.EXPIRING not in kinds(family.child, end - 31 * DAY)
    assert AlertKind.EXPIRING in kinds(family.child, end - 30 * DAY)
    assert AlertKind.EXPIRING in kinds(family.child, end)
    # The day after, it has expired: the departure alert takes over.
    assert kinds(family.child, end + DAY) == [AlertKind.DEPARTED_WITHOUT_DECLARATION]


def test_no_expiry_alert_when_the_same_parent_has_registered_a_successor(
    family, caseworker_a, guardianship_officer
):
    end = T + 20 * DAY
    make_registered(caseworker_a, guardianship_officer, family, valid_until=end)
    make_registered(
        caseworker_a,
        guardianship_officer,
        family,
        valid_from=end + DAY,
        valid_until=end + 365 * DAY,
        registered_on=T,
    )
    assert AlertKind.EXPIRING not in kinds(family.child)


def test_a_representative_who_leaves_is_flagged(family, caseworker_a, guardianship_officer):
    make_registered(caseworker_a, guardianship_officer, family)
    assert kinds(family.child) == []
    _leave(family.grandmother, T - 2 * DAY)
    alerts = alerts_for_child(family.child, T)
    assert [a.kind for a in alerts] == [AlertKind.REPRESENTATIVE_AWAY]
    assert "李桂兰" in alerts[0].message


def test_a_representative_recorded_later_as_a_minor_is_flagged(
    family, caseworker_a, guardianship_officer
):
    make_registered(caseworker_a, guardianship_officer, family)
    # The birth date was mistyped when the declaration was made; corrected now.
    registry.adult_update(adult=family.grandmother, date_of_birth=years_ago(17))
    assert AlertKind.REPRESENTATIVE_MINOR in kinds(family.child)


def test_a_child_whose_only_adult_carer_is_over_75_is_flagged(family):
    registry.adult_update(adult=family.grandmother, date_of_birth=years_ago(76))
    registry.care_record(
        child=family.child, kind="grandparent", caregiver=family.grandmother, started_on=T - DAY
    )
    assert AlertKind.OLD_SOLE_CARER in kinds(family.child)


def test_a_carer_of_exactly_75_or_with_another_adult_carer_is_not_flagged(family):
    registry.adult_update(adult=family.grandmother, date_of_birth=years_ago(75))
    registry.care_record(
        child=family.child, kind="grandparent", caregiver=family.grandmother, started_on=T - DAY
    )
    assert AlertKind.OLD_SOLE_CARER not in kinds(family.child)
    registry.adult_update(adult=family.grandmother, date_of_birth=years_ago(80))
    registry.care_record(
        child=family.child, kind="other_parent", caregiver=family.father, started_on=T - DAY
    )
    # Two arrangements from the same day: the father shares the care.
    assert AlertKind.OLD_SOLE_CARER not in kinds(family.child)


def test_a_returned_parent_whose_declaration_is_still_active_is_flagged(
    family, caseworker_a, guardianship_officer, county
):
    father = family.father
    _leave(father, T - 60 * DAY, T - 3 * DAY)
    make_registered(
        caseworker_a,
        guardianship_officer,
        family,
        declarant=father,
        valid_from=T - 60 * DAY,
    )
    alerts = [
        a
        for a in alerts_for_child(family.child, T)
        if a.kind != AlertKind.DEPARTED_WITHOUT_DECLARATION
    ]
    assert [a.kind for a in alerts] == [AlertKind.RETURNED_PARENT_DECLARATION_ACTIVE]
    assert alerts[0].due == T - 3 * DAY
    # Before his return, nothing to say about it.
    assert AlertKind.RETURNED_PARENT_DECLARATION_ACTIVE not in kinds(family.child, T - 4 * DAY)
