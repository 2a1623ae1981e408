"""Lists and reads through the API are audited: one "list" entry per page, one "view" per record,
with the caller (not "anonymous") as the actor even when signed in by token."""

from __future__ import annotations

from kinlink.audit.models import AuditEntry
from kinlink.registry import access

CHILDREN = "/api/v1/children"


def test_a_page_of_children_writes_one_list_entry_naming_the_ids(api_as, caseworker_a, child_a):
    before = AuditEntry.objects.count()
    body = api_as(caseworker_a).get(CHILDREN).json()
    entries = list(AuditEntry.objects.filter(seq__gt=before))
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.action, entry.object_type) == ("list", "registry.child")
    assert entry.extra == {"ids": [c["id"] for c in body["results"]]} == {"ids": [child_a.pk]}
    assert (entry.actor_id, entry.actor_username) == (caseworker_a.pk, "caseworker_a")


def test_reading_a_child_writes_a_view_entry_with_the_fields_shown(api_as, teacher_a, child_a):
    before = AuditEntry.objects.count()
    api_as(teacher_a).get(f"{CHILDREN}/{child_a.pk}")
    entry = AuditEntry.objects.get(seq__gt=before)
    assert (entry.action, entry.object_type, entry.object_id) == (
        "view", "registry.child", str(child_a.pk),
    )  # fmt: skip
    assert set(access.readable_child_fields(teacher_a)) <= set(entry.fields)
    assert "notes" not in entry.fields
    assert entry.actor_username == "teacher_a"


def test_a_refused_read_writes_nothing(api_as, caseworker_a, child_b):
    before = AuditEntry.objects.count()
    assert api_as(caseworker_a).get(f"{CHILDREN}/{child_b.pk}").status_code == 404
    assert AuditEntry.objects.count() == before


def test_lists_and_reads_of_family_records_are_audited(api_as, caseworker_a, child_a):
    api = api_as(caseworker_a)
    mother = child_a.relationships.get(kind="mother").adult
    episode = mother.migrations.get()
    checks = [
        (f"/api/v1/children/{child_a.pk}/relationships", "list", "registry.relationship"),
        (f"/api/v1/children/{child_a.pk}/care-arrangements", "list", "registry.carearrangement"),
        ("/api/v1/households", "list", "registry.household"),
        (f"/api/v1/households/{child_a.household_id}", "view", "registry.household"),
        ("/api/v1/adults", "list", "registry.adult"),
        (f"/api/v1/adults/{mother.pk}", "view", "registry.adult"),
        (f"/api/v1/adults/{mother.pk}/migration-episodes", "list", "registry.migrationepisode"),
        (f"/api/v1/migration-episodes/{episode.pk}", "view", "registry.migrationepisode"),
    ]
    for url, action, object_type in checks:
        before = AuditEntry.objects.count()
        assert api.get(url).status_code == 200, url
        entry = AuditEntry.objects.get(seq__gt=before)
        assert (entry.action, entry.object_type) == (action, object_type), url
        assert entry.actor_username == "caseworker_a"


def test_writes_are_audited_by_the_services_with_the_token_user_as_actor(
    api_as, caseworker_a, child_a
):
    before = AuditEntry.objects.count()
    api_as(caseworker_a).patch(f"{CHILDREN}/{child_a.pk}", {"grade": "4"})
    entry = AuditEntry.objects.get(seq__gt=before)
    assert (entry.action, entry.changes) == ("change", {"grade": ["3", "4"]})
    assert entry.actor_username == "caseworker_a"
