"""Step two's coverage rule: on a day D a child needs a guardian when a living parent is away on
D and neither a declaration nor an appointment is in force on D. Edge days included."""

from __future__ import annotations

import datetime as dt

import pytest

from kinlink.core.dates import today
from kinlink.guardianship import services
from kinlink.guardianship.models import Appointment, ApprovalStatus
from kinlink.guardianship.selectors import (
    WorklistFilters,
    child_needs_guardian,
    needing_guardian,
    worklist,
)
from kinlink.registry import services as registry
from kinlink.registry.models import Child
from tests.conftest import years_ago
from tests.guardianship.conftest import Family, make_registered

DAY = dt.timedelta(days=1)
T = today()


@pytest.fixture
def quiet_family(county) -> Family:
    """赵安 (8, village A2): both parents at home; tests send them away."""
    child = registry.child_register(
        family_name="赵",
        given_name="安",
        sex="M",
        date_of_birth=years_ago(8),
        home_village=county.village_a2,
    )
    mother = registry.adult_add_to_child(
        child=child, kind="mother", family_name="孙", given_name="梅", sex="F"
    )
    father = registry.adult_add_to_child(
        child=child, kind="father", family_name="赵", given_name="强", sex="M"
    )
    grandfather = registry.adult_add_to_child(
        child=child,
        kind="grandfather",
        family_name="赵",
        given_name="福",
        sex="M",
        date_of_birth=years_ago(66),
    )
    return Family(child=child, mother=mother, father=father, grandmother=grandfather)


def _leave(adult, departed_on, returned_on=None):
    return registry.migration_record(
        adult=adult,
        departed_on=departed_on,
        returned_on=returned_on,
        destination_country="CN",
        purpose="work",
        pattern="seasonal",
    )


def _needs(child: Child, on: dt.date) -> bool:
    return child_needs_guardian(child, on)


def test_a_child_whose_parents_are_at_home_needs_no_guardian(quiet_family):
    assert not _needs(quiet_family.child, T)


def test_a_parent_away_counts_from_the_day_of_departure_until_the_day_before_return(
    quiet_family,
):
    departed, returned = T - 100 * DAY, T - 40 * DAY
    _leave(quiet_family.father, departed, returned)
    child = quiet_family.child
    assert not _needs(child, departed - DAY)
    assert _needs(child, departed)
    assert _needs(child, returned - DAY)
    assert not _needs(child, returned)  # back home that day
    assert not _needs(child, T)


def test_successive_episodes_of_both_parents_are_each_counted(quiet_family):
    _leave(quiet_family.father, T - 300 * DAY, T - 200 * DAY)
    _leave(quiet_family.mother, T - 150 * DAY, T - 100 * DAY)
    _leave(quiet_family.father, T - 50 * DAY)
    child = quiet_family.child
    expected = {
        T - 250 * DAY: True,
        T - 175 * DAY: False,  # between the father's return and the mother's departure
        T - 120 * DAY: True,
        T - 75 * DAY: False,
        T - 50 * DAY: True,
        T: True,
    }
    assert {on: _needs(child, on) for on in expected} == expected


def test_a_deceased_parent_is_not_away(quiet_family):
    _leave(quiet_family.father, T - 100 * DAY)
    registry.adult_update(adult=quiet_family.father, is_alive=False, died_on=T - 10 * DAY)
    assert not _needs(quiet_family.child, T)


def test_a_declaration_covers_its_first_and_last_day_and_no_other(
    quiet_family, caseworker_a, guardianship_officer
):
    _leave(quiet_family.father, T - 30 * DAY)
    start, end = T + 10 * DAY, T + 40 * DAY
    make_registered(
        caseworker_a,
        guardianship_officer,
        quiet_family,
        declarant=quiet_family.father,
        valid_from=start,
        valid_until=end,
        registered_on=T,
    )
    child = quiet_family.child
    days = [start - DAY, start, end, end + DAY]
    assert [_needs(child, d) for d in days] == [True, False, False, True]


def test_a_declaration_gives_no_cover_before_it_is_registered(
    quiet_family, caseworker_a, guardianship_officer
):
    _leave(quiet_family.father, T - 30 * DAY)
    make_registered(
        caseworker_a,
        guardianship_officer,
        quiet_family,
        declarant=quiet_family.father,
        valid_from=T - 20 * DAY,
        registered_on=T - 5 * DAY,
    )
    child = quiet_family.child
    assert _needs(child, T - 6 * DAY)
    assert not _needs(child, T - 5 * DAY)


def test_drafts_and_signed_declarations_give_no_cover(quiet_family, caseworker_a):
    from tests.guardianship.conftest import draft

    _leave(quiet_family.father, T - 30 * DAY)
    decl = draft(caseworker_a, quiet_family, declarant=quiet_family.father)
    services.declaration_sign(
        actor=caseworker_a, declaration=decl, signed_on=T, representative_accepted_on=T
    )
    assert _needs(quiet_family.child, T)


def test_back_to_back_declarations_leave_no_gap_and_a_missing_day_shows(
    quiet_family, caseworker_a, guardianship_officer
):
    _leave(quiet_family.father, T - 30 * DAY)
    _leave(quiet_family.mother, T - 30 * DAY)
    # The father's runs until T+20; the mother's (another declarant, so no supersession)
    # starts at T+21: continuous. Then a one-day hole at T+61.
    make_registered(
        caseworker_a,
        guardianship_officer,
        quiet_family,
        declarant=quiet_family.father,
        valid_from=T,
        valid_until=T + 20 * DAY,
    )
    make_registered(
        caseworker_a,
        guardianship_officer,
        quiet_family,
        declarant=quiet_family.mother,
        valid_from=T + 21 * DAY,
        valid_until=T + 60 * DAY,
        registered_on=T,
    )
    child = quiet_family.child
    needs = {d: _needs(child, T + d * DAY) for d in (0, 20, 21, 60, 61)}
    assert needs == {0: False, 20: False, 21: False, 60: False, 61: True}


def test_overlapping_declarations_cover_while_either_is_in_force(
    quiet_family, caseworker_a, guardianship_officer
):
    _leave(quiet_family.father, T - 30 * DAY)
    _leave(quiet_family.mother, T - 30 * DAY)
    father = make_registered(
        caseworker_a,
        guardianship_officer,
        quiet_family,
        declarant=quiet_family.father,
        valid_from=T,
        valid_until=T + 50 * DAY,
    )
    make_registered(
        caseworker_a,
        guardianship_officer,
        quiet_family,
        declarant=quiet_family.mother,
        valid_from=T + 10 * DAY,
        valid_until=T + 90 * DAY,
        registered_on=T,
    )
    services.declaration_revoke(actor=guardianship_officer, declaration=father, reason="parent")
    child = quiet_family.child
    needs = {d: _needs(child, T + d * DAY) for d in (0, 5, 10, 50, 90, 91)}
    # The father's is revoked from today: from today until the mother's starts, nobody.
    assert needs == {0: True, 5: True, 10: False, 50: False, 90: False, 91: True}


def test_a_revocation_ends_cover_on_its_day(quiet_family, caseworker_a, guardianship_officer):
    _leave(quiet_family.father, T - 30 * DAY)
    decl = make_registered(
        caseworker_a,
        guardianship_officer,
        quiet_family,
        declarant=quiet_family.father,
        valid_from=T - 20 * DAY,
    )
    services.declaration_revoke(
        actor=guardianship_officer, declaration=decl, reason="parent", ended_on=T - 3 * DAY
    )
    child = quiet_family.child
    assert not _needs(child, T - 4 * DAY)
    assert _needs(child, T - 3 * DAY)


def test_only_an_approved_appointment_in_force_covers(quiet_family, guardianship_officer):
    _leave(quiet_family.father, T - 30 * DAY)
    _leave(quiet_family.mother, T - 30 * DAY)
    appt = Appointment.objects.create(
        child=quiet_family.child,
        kind="guardian",
        guardian=quiet_family.grandmother,
        reasons="x",
        starts_on=T - 10 * DAY,
        review_on=T + 100 * DAY,
        status=ApprovalStatus.REQUESTED,
        requested_by=guardianship_officer,
    )
    child = quiet_family.child
    assert _needs(child, T)
    Appointment.objects.filter(pk=appt.pk).update(status=ApprovalStatus.APPROVED)
    assert _needs(child, T - 11 * DAY) and not _needs(child, T - 10 * DAY) and not _needs(child, T)
    Appointment.objects.filter(pk=appt.pk).update(ended_on=T - 2 * DAY)
    assert not _needs(child, T - 3 * DAY) and _needs(child, T - 2 * DAY)


def test_the_worklist_keeps_to_the_users_scope_and_the_chosen_place(
    quiet_family, family, child_b, caseworker_a, caseworker_b, supervisor, county
):
    _leave(quiet_family.father, T - 30 * DAY)
    father_b = registry.adult_add_to_child(
        child=child_b, kind="father", family_name="张", given_name="伟", sex="M"
    )
    _leave(father_b, T - 30 * DAY)
    everyone = {quiet_family.child.pk, family.child.pk, child_b.pk}
    assert set(needing_guardian(Child.objects.all(), T).values_list("pk", flat=True)) == everyone

    def ids(user, **kwargs):
        return {c.pk for c in worklist(user, WorklistFilters(on=T, **kwargs))}

    assert ids(supervisor) == everyone
    assert ids(caseworker_a) == {quiet_family.child.pk, family.child.pk}
    assert ids(caseworker_b) == {child_b.pk}
    assert ids(supervisor, place=county.village_a2) == {quiet_family.child.pk}


def test_children_with_no_parent_at_home_come_first_and_can_be_listed_alone(
    quiet_family, family, supervisor
):
    # 王小明's mother is away, his father at home; 赵安's parents are both away.
    _leave(quiet_family.father, T - 30 * DAY)
    _leave(quiet_family.mother, T - 30 * DAY)
    rows = list(worklist(supervisor, WorklistFilters(on=T)))
    assert [c.pk for c in rows] == [quiet_family.child.pk, family.child.pk]
    assert rows[0].parent_at_home is False and rows[1].parent_at_home is True
    alone = worklist(supervisor, WorklistFilters(on=T, no_parent_at_home=True))
    assert [c.pk for c in alone] == [quiet_family.child.pk]


def test_teachers_and_officials_get_no_worklist(family, teacher_a, official):
    for user in (teacher_a, official):
        assert not worklist(user, WorklistFilters(on=T)).exists()
