"""Merging two records of one child moves every row every app holds for the merged record to
the kept one, and undoing the merge moves back exactly those rows; refused merges change
nothing; both are audited."""

from __future__ import annotations

import pytest
from django.apps import apps

from kinlink.assessment.services import screening_run
from kinlink.audit.models import Action, AuditEntry
from kinlink.casework.models import Case, GroupSession
from kinlink.connection.models import ContactPlan
from kinlink.core.dates import today
from kinlink.registry import access, merging
from kinlink.registry import services as registry
from kinlink.registry.models import CareArrangement, Child, Relationship
from tests.casework.scope import casework_records
from tests.conftest import years_ago
from tests.guardianship.scope import guardianship_records
from tests.identification.scope import identification_records


@pytest.fixture
def second_record(child_a):
    """王小明 registered a second time, in the same village, with the same birth date."""
    return registry.child_register(
        family_name="王",
        given_name="小明",
        sex="M",
        date_of_birth=child_a.date_of_birth,
        home_village=child_a.home_village,
    )


def pointing_at(child: Child) -> set[tuple[str, int, str]]:
    """Every row of every app whose foreign key names this child."""
    rows = set()
    for link in merging.child_links():
        for pk in link.model._base_manager.filter(**{link.field.name: child.pk}).values_list(
            "pk", flat=True
        ):
            rows.add((link.model._meta.label_lower, pk, link.field.name))
    return rows


def records_of_every_app(child: Child, user) -> None:
    """A relationship, a care arrangement, a screening, a case with a group, a contact plan, a
    guardianship declaration and more, an identification pair, a group session attended."""
    mother = Relationship.objects.get(child=child, kind="mother").adult
    registry.care_record(
        child=child, kind="grandparent", caregiver=mother, started_on=years_ago(0, 30)
    )
    guardianship_records(child, mother, user)
    identification_records(child, user)
    records = casework_records(child, user)
    from kinlink.casework.models import Group

    session = GroupSession.objects.create(
        group=Group.objects.get(pk=records[Group]), held_on=today(), topic="-", recorded_by=user
    )
    session.attendees.add(child)
    ContactPlan.objects.create(
        child=child, parent=mother, contacts_per_30_days=4, channel="video", agreed_on=today()
    )
    screening_run(child=child, user=user)


def test_a_merge_moves_every_row_of_every_app_and_undo_puts_each_back(
    child_a, second_record, caseworker_a
):
    records_of_every_app(child_a, caseworker_a)
    before_merged = pointing_at(child_a)
    before_kept = pointing_at(second_record)
    labels = {label for label, _pk, _field in before_merged}
    assert {
        "registry.relationship",
        "registry.carearrangement",
        "assessment.screening",
        "casework.case",
        "casework.groupmember",
        "casework.groupsession_attendees",
        "connection.contactplan",
        "guardianship.declaration",
        "identification.candidate",
        "identification.decision",
    } <= labels

    merge = merging.child_merge(actor=caseworker_a, kept=second_record, merged=child_a)

    assert pointing_at(child_a) == set()
    assert {(label, pk) for label, pk, _f in pointing_at(second_record)} == {
        (label, pk) for label, pk, _f in before_merged | before_kept
    }
    assert sorted(map(tuple, merge.moved)) == sorted(before_merged)
    child_a.refresh_from_db()
    second_record.refresh_from_db()
    assert child_a.merged_into == second_record
    # Derived facts follow the moved relationships: the mother is away.
    assert second_record.away_parents == "mother"

    merging.merge_undo(actor=caseworker_a, merge=merge)

    assert pointing_at(child_a) == before_merged
    assert pointing_at(second_record) == before_kept
    child_a.refresh_from_db()
    assert child_a.merged_into is None
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == caseworker_a


def test_a_merged_record_leaves_lists_and_search_and_its_page_leads_to_the_kept_child(
    client, child_a, second_record, caseworker_a
):
    merging.child_merge(actor=caseworker_a, kept=second_record, merged=child_a)
    assert list(access.children_visible_to(caseworker_a)) == [second_record]
    client.force_login(caseworker_a)
    body = client.get("/children/?q=王小明").content.decode()
    assert f"/children/{second_record.pk}/" in body and f"/children/{child_a.pk}/" not in body
    response = client.get(f"/children/{child_a.pk}/")
    assert response.status_code == 302 and response.url == f"/children/{second_record.pk}/"
    assert client.get(f"/children/{child_a.pk}/edit/").status_code == 404


def test_the_same_adult_linked_to_both_records_is_kept_once_and_restored_on_undo(
    child_a, second_record, caseworker_a
):
    mother = Relationship.objects.get(child=child_a, kind="mother").adult
    registry.relationship_add(child=second_record, adult=mother, kind="mother")
    original = Relationship.objects.get(child=child_a, adult=mother)

    merge = merging.child_merge(actor=caseworker_a, kept=second_record, merged=child_a)

    assert Relationship.objects.filter(adult=mother).count() == 1
    assert [label for label, _values in merge.removed] == ["registry.relationship"]
    merging.merge_undo(actor=caseworker_a, merge=merge)
    restored = Relationship.objects.get(pk=original.pk)
    assert (restored.child_id, restored.adult_id) == (child_a.pk, mother.pk)
    assert restored.kind == "mother"


def test_two_open_cases_refuse_the_merge_naming_them_and_nothing_changes(
    child_a, second_record, caseworker_a
):
    casework_records(child_a, caseworker_a)
    casework_records(second_record, caseworker_a)
    before = pointing_at(child_a)
    with pytest.raises(merging.MergeRefused, match="case"):
        merging.child_merge(actor=caseworker_a, kept=second_record, merged=child_a)
    assert pointing_at(child_a) == before
    child_a.refresh_from_db()
    assert child_a.merged_into is None
    assert Case.objects.filter(child=second_record).count() == 1


def test_a_record_merged_already_cannot_be_merged_again_nor_with_itself(
    child_a, second_record, caseworker_a, county
):
    third = registry.child_register(
        family_name="王", given_name="晓明", sex="M", date_of_birth=child_a.date_of_birth,
        home_village=county.village_a1,
    )  # fmt: skip
    merging.child_merge(actor=caseworker_a, kept=second_record, merged=child_a)
    child_a.refresh_from_db()
    with pytest.raises(merging.MergeRefused, match="already been merged"):
        merging.child_merge(actor=caseworker_a, kept=third, merged=child_a)
    with pytest.raises(merging.MergeRefused, match="itself"):
        merging.child_merge(actor=caseworker_a, kept=third, merged=third)


def test_undo_is_refused_twice_and_while_the_kept_record_is_merged_on(
    child_a, second_record, caseworker_a, county
):
    third = registry.child_register(
        family_name="王", given_name="小明", sex="M", date_of_birth=child_a.date_of_birth,
        home_village=county.village_a1,
    )  # fmt: skip
    first = merging.child_merge(actor=caseworker_a, kept=second_record, merged=child_a)
    second_record.refresh_from_db()
    later = merging.child_merge(actor=caseworker_a, kept=third, merged=second_record)
    with pytest.raises(merging.MergeRefused, match="undo that merge first"):
        merging.merge_undo(actor=caseworker_a, merge=first)
    merging.merge_undo(actor=caseworker_a, merge=later)
    merging.merge_undo(actor=caseworker_a, merge=first)
    with pytest.raises(merging.MergeRefused, match="already been undone"):
        merging.merge_undo(actor=caseworker_a, merge=first)
    assert Relationship.objects.filter(child=child_a).count() == 1


def test_merge_and_undo_are_audited_on_both_records_with_every_row_moved(
    child_a, second_record, caseworker_a
):
    merge = merging.child_merge(actor=caseworker_a, kept=second_record, merged=child_a)
    entries = AuditEntry.objects.filter(action=Action.MERGE, object_type="registry.child")
    assert {e.object_id for e in entries} == {str(child_a.pk), str(second_record.pk)}
    on_merged = entries.get(object_id=str(child_a.pk))
    assert on_merged.changes == {"merged_into": [None, second_record.pk]}
    assert on_merged.extra["moved"] == merge.moved and merge.moved
    merging.merge_undo(actor=caseworker_a, merge=merge)
    undone = AuditEntry.objects.filter(action=Action.UNMERGE, object_type="registry.child")
    assert {e.object_id for e in undone} == {str(child_a.pk), str(second_record.pk)}
    assert undone.get(object_id=str(second_record.pk)).extra["moved"] == merge.moved


def test_the_merge_page_undoes_within_scope_only(
    client, child_a, second_record, caseworker_a, caseworker_b, teacher_a
):
    merge = merging.child_merge(actor=caseworker_a, kept=second_record, merged=child_a)
    for outsider in (caseworker_b, teacher_a):
        client.force_login(outsider)
        assert client.get(f"/children/merges/{merge.pk}/").status_code == 404
        assert client.post(f"/children/merges/{merge.pk}/").status_code == 404
    merge.refresh_from_db()
    assert merge.undone_at is None
    client.force_login(caseworker_a)
    page = client.get(f"/children/merges/{merge.pk}/").content.decode()
    assert str(apps.get_model("registry.relationship")._meta.verbose_name) in page
    response = client.post(f"/children/merges/{merge.pk}/")
    assert response.status_code == 302 and response.url == f"/children/{child_a.pk}/"
    merge.refresh_from_db()
    assert merge.undone_at is not None
    assert CareArrangement.objects.filter(child=child_a).count() == 0  # none existed


def test_only_those_who_may_merge_merge_or_undo_whoever_calls_the_service(
    child_a, second_record, caseworker_a, health_worker_a
):
    with pytest.raises(merging.MergeRefused, match="caseworkers and supervisors"):
        merging.child_merge(actor=health_worker_a, kept=child_a, merged=second_record)
    assert Child.objects.get(pk=second_record.pk).merged_into_id is None
    merge = merging.child_merge(actor=caseworker_a, kept=child_a, merged=second_record)
    with pytest.raises(merging.MergeRefused, match="caseworkers and supervisors"):
        merging.merge_undo(actor=health_worker_a, merge=merge)
    assert Child.objects.get(pk=second_record.pk).merged_into_id == child_a.pk
