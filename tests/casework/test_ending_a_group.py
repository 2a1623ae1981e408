"""Ending a group: its facilitator or a supervisor ends it with a date and a reason; the members
and sessions stay on record, the group leaves the active list but can still be read, and it
takes no new members or sessions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kinlink.audit.models import AuditEntry
from kinlink.casework import services
from kinlink.casework.models import GroupMember
from kinlink.casework.selectors import group_records, groups_list
from kinlink.casework.services import CaseworkError
from tests.casework.conftest import NOW, day


@pytest.fixture
def club(caseworker_a, child_a, county):
    club = services.group_create(
        actor=caseworker_a,
        name="Homework club",
        domain="education",
        place=county.village_a1,
        now=NOW,
    )
    services.group_join(actor=caseworker_a, group=club, child=child_a, on=day(), now=NOW)
    services.session_record(
        actor=caseworker_a,
        group=club,
        held_on=day(days=3),
        topic="Maths",
        attendees=[child_a],
        now=NOW.replace(day=NOW.day + 3),
    )
    return club


def end(actor, club, **kwargs):
    values = {"ended_on": day(days=10), "reason": "The school year is over.", "now": NOW}
    values["now"] = values["now"].replace(day=NOW.day + 10)
    return services.group_end(actor=actor, group=club, **(values | kwargs))


def test_the_facilitator_ends_her_group_and_its_members_and_sessions_are_kept(
    club, caseworker_a, child_a
):
    end(caseworker_a, club)
    club.refresh_from_db()
    assert club.ended_on == day(days=10) and club.end_reason == "The school year is over."
    membership = GroupMember.objects.get(group=club, child=child_a)
    assert membership.left_on is None  # her participation stays as it was
    records = group_records(caseworker_a, club)
    assert [m.child for m in records.members] == [child_a]
    assert records.attendance == {child_a.pk: 1}


def test_ending_is_audited_with_the_date_and_reason(club, caseworker_a):
    end(caseworker_a, club)
    entry = AuditEntry.objects.filter(object_type="casework.group", object_id=str(club.pk)).last()
    assert entry.action == "change"
    assert entry.changes["ended_on"] == [None, day(days=10).isoformat()]
    assert entry.changes["end_reason"] == ["", "The school year is over."]


def test_a_supervisor_may_end_a_group_another_caseworker_may_not(
    club, colleague_a, supervisor, teacher_a
):
    for outsider in (colleague_a, teacher_a):
        with pytest.raises(CaseworkError):
            end(outsider, club)
    end(supervisor, club)


def test_ending_needs_a_reason_and_a_date_after_the_last_session_and_not_in_the_future(
    club, caseworker_a
):
    with pytest.raises(ValidationError) as error:
        end(caseworker_a, club, reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        end(caseworker_a, club, ended_on=day(days=2))
    assert "ended_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        end(caseworker_a, club, ended_on=day(days=11))
    assert "ended_on" in error.value.message_dict


def refuses_a_member_and_a_session(actor, group, child) -> None:
    """Once everybody has left, neither a new member nor a session is taken."""
    GroupMember.objects.filter(group=group).update(left_on=day(days=5))
    with pytest.raises(CaseworkError, match="has ended"):
        services.group_join(actor=actor, group=group, child=child)
    with pytest.raises(CaseworkError, match="has ended"):
        services.session_record(
            actor=actor, group=group, held_on=day(days=10), topic="-", attendees=[]
        )


def test_an_ended_group_cannot_end_again_nor_take_members_or_sessions(club, caseworker_a, child_a):
    end(caseworker_a, club)
    with pytest.raises(CaseworkError, match="has ended"):
        end(caseworker_a, club)
    club.refresh_from_db()
    refuses_a_member_and_a_session(caseworker_a, club, child_a)


def test_an_ended_group_leaves_the_active_list_but_stays_readable(client, club, caseworker_a):
    assert list(groups_list(caseworker_a)) == [club]
    end(caseworker_a, club)
    assert list(groups_list(caseworker_a)) == []
    assert list(groups_list(caseworker_a, ended=True)) == [club]
    client.force_login(caseworker_a)
    body = client.get("/casework/groups/").content.decode()
    assert "Ended groups" in body and "Homework club" in body
    body = client.get(f"/casework/groups/{club.pk}/").content.decode()
    assert "The school year is over." in body and "Maths" in body
    assert "Record a session" not in body and "End the group" not in body


def test_the_end_page_is_for_the_facilitator_and_supervisors_only(
    client, club, caseworker_a, colleague_a, supervisor
):
    url = f"/casework/groups/{club.pk}/end/"
    client.force_login(colleague_a)
    assert "End the group" not in client.get(f"/casework/groups/{club.pk}/").content.decode()
    assert client.get(url).status_code == 404
    assert client.post(url, {"ended_on": day(), "reason": "x"}).status_code == 404
    client.force_login(supervisor)
    assert client.get(url).status_code == 200
    client.force_login(caseworker_a)
    assert "End the group" in client.get(f"/casework/groups/{club.pk}/").content.decode()
    response = client.post(url, {"ended_on": day(days=3).isoformat(), "reason": "Done."})
    assert response.status_code == 302
    club.refresh_from_db()
    assert club.ended_on == day(days=3)


def test_a_group_ended_by_someone_else_meanwhile_takes_no_member_or_session(
    club, caseworker_a, child_a
):
    # The page that adds the member loaded the group before it was ended elsewhere.
    stale = type(club).objects.get(pk=club.pk)
    end(caseworker_a, club)
    assert stale.ended_on is None
    refuses_a_member_and_a_session(caseworker_a, stale, child_a)
