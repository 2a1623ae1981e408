"""Group activities: a caseworker starts a group where she works, adds children she sees, and
records sessions with who came; other areas' groups are not found."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kinlink.casework import services
from kinlink.casework.selectors import group_records
from kinlink.casework.services import CaseworkError
from kinlink.core.dates import today
from tests.casework.conftest import NOW, day


@pytest.fixture
def club(caseworker_a, county):
    return services.group_create(
        actor=caseworker_a,
        name="Homework club",
        domain="education",
        place=county.village_a1,
        now=NOW,
    )


def test_a_group_meets_where_its_caseworker_works(caseworker_a, county):
    with pytest.raises(ValidationError) as error:
        services.group_create(
            actor=caseworker_a, name="Club", domain="education", place=county.village_b1
        )
    assert "place" in error.value.message_dict


def test_a_session_records_who_came_and_only_members_can_come(club, caseworker_a, child_a, child_b):
    services.group_join(actor=caseworker_a, group=club, child=child_a, on=day(), now=NOW)
    with pytest.raises(ValidationError):
        services.session_record(
            actor=caseworker_a,
            group=club,
            held_on=day(),
            topic="Maths",
            attendees=[child_b],
            now=NOW,
        )
    services.session_record(
        actor=caseworker_a, group=club, held_on=day(), topic="Maths", attendees=[child_a], now=NOW
    )
    records = group_records(caseworker_a, club)
    assert [m.child for m in records.members] == [child_a]
    assert records.attendance == {child_a.pk: 1}


def test_a_caseworker_adds_only_children_she_sees_and_each_once(
    club, caseworker_a, child_a, child_b
):
    with pytest.raises(CaseworkError, match="where this child lives"):
        services.group_join(actor=caseworker_a, group=club, child=child_b)
    services.group_join(actor=caseworker_a, group=club, child=child_a)
    with pytest.raises(CaseworkError, match="already in this group"):
        services.group_join(actor=caseworker_a, group=club, child=child_a)
    services.group_leave(actor=caseworker_a, group=club, child=child_a)
    services.group_join(actor=caseworker_a, group=club, child=child_a)  # back again


def test_a_member_from_another_area_is_counted_but_not_named(
    county, club, caseworker_a, supervisor, child_b
):
    services.group_join(actor=supervisor, group=club, child=child_b)
    records = group_records(caseworker_a, club)
    assert records.members == [] and records.hidden_members == 1


def test_the_group_pages(client, club, caseworker_a, caseworker_b, child_a):
    client.force_login(caseworker_a)
    client.post(f"/casework/children/{child_a.pk}/groups/join/", {"group": club.pk})
    page = client.get(f"/casework/groups/{club.pk}/").content.decode()
    assert child_a.full_name in page
    client.post(
        f"/casework/groups/{club.pk}/sessions/new/",
        {"held_on": today().isoformat(), "topic": "Reading", "attendees": [child_a.pk]},
    )
    assert club.sessions.get().attendees.get() == child_a
    assert "Homework club" in client.get("/casework/groups/").content.decode()
    client.force_login(caseworker_b)
    assert client.get(f"/casework/groups/{club.pk}/").status_code == 404
    assert "Homework club" not in client.get("/casework/groups/").content.decode()
