"""The child's one timeline on the casework page: every app's entries (registration and family,
screenings and measurements, contact with parents, guardianship, casework), newest first,
filterable by domain, each domain only for users who may read it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kinlink.assessment import services as assessment
from kinlink.audit.models import AuditEntry
from kinlink.casework import services
from kinlink.connection import services as connection
from kinlink.connection.conf import local_zone
from kinlink.core.dates import today
from kinlink.guardianship import services as guardianship
from kinlink.registry import services as registry
from kinlink.registry.hooks import child_timeline, timeline_domains
from kinlink.registry.models import Child
from tests.casework.conftest import open_case

DAY = dt.timedelta(days=1)


@pytest.fixture
def everything(caseworker_a, supervisor, guardianship_officer, child_a, county):
    """One record of each app for child_a, on distinct days in the recent past."""
    Child.objects.filter(pk=child_a.pk).update(created_at=timezone.now() - 30 * DAY)
    child_a.refresh_from_db()
    mother = child_a.relationships.get(kind="mother").adult
    grandmother = registry.adult_add_to_child(
        child=child_a,
        kind="grandmother",
        family_name="李",
        given_name="桂兰",
        sex="F",
        date_of_birth=today().replace(year=today().year - 63),
    )
    assessment.screening_run(child=child_a, user=caseworker_a, on=today() - 9 * DAY)
    assessment.measurement_record(
        child=child_a,
        user=caseworker_a,
        measured_on=today() - 8 * DAY,
        weight_kg="27",
        height_cm="130",
        measure="standing",
    )
    connection.contact_record(
        child=child_a,
        parent=mother,
        happened_at=dt.datetime.combine(today() - 7 * DAY, dt.time(19)).replace(
            tzinfo=local_zone()
        ),
        channel="call",
        initiated_by="parent",
        reported_by="caregiver",
    )
    declaration = guardianship.declaration_draft(
        actor=caseworker_a,
        child=child_a,
        declarant=mother,
        representative=grandmother,
        powers=["schooling"],
        valid_from=today() - 6 * DAY,
        valid_until=today() + 300 * DAY,
    )
    guardianship.declaration_sign(
        actor=caseworker_a,
        declaration=declaration,
        signed_on=today() - 6 * DAY,
        representative_accepted_on=today() - 6 * DAY,
    )
    open_case(caseworker_a, child_a, now=timezone.now() - 2 * DAY)
    group = services.group_create(
        actor=caseworker_a, name="Homework club", domain="education", place=county.village_a1
    )
    services.group_join(actor=caseworker_a, group=group, child=child_a, on=today() - DAY)
    services.session_record(
        actor=caseworker_a, group=group, held_on=today(), topic="Maths", attendees=[child_a]
    )
    return child_a


def texts(entries) -> list[str]:
    return [e.text for e in entries]


def test_every_app_adds_its_entries_to_the_childs_timeline(caseworker_a, everything):
    entries = child_timeline(caseworker_a, everything)
    by_domain: dict[str, list[str]] = {}
    for entry in entries:
        by_domain.setdefault(entry.domain, []).append(entry.text)
    assert by_domain["registry"] == ["Registered", "Mother left for 广东省东莞市"]
    assert by_domain["assessment"][0] == "Measured"
    assert by_domain["assessment"][1].startswith("Screened: ")
    assert by_domain["connection"] == ["Contact with 李秀英: Phone call"]
    assert by_domain["guardianship"] == ["Guardianship declaration signed"]
    assert by_domain["casework"][0] == "Attended Homework club: Maths"
    assert "Case opened" in by_domain["casework"][-1]
    assert {d for d, _ in timeline_domains()} == set(by_domain)


def test_the_timeline_is_newest_first(caseworker_a, everything):
    entries = child_timeline(caseworker_a, everything)
    days = [e.on for e in entries]
    assert days == sorted(days, reverse=True)
    assert entries[0].text == "Attended Homework club: Maths"
    assert entries[-1].text.startswith("Mother left for")  # a year ago
    screened, measured = (
        next(i for i, e in enumerate(entries) if e.text.startswith(word))
        for word in ("Screened", "Measured")
    )
    assert measured < screened  # measured the day after the screening


def test_a_domain_filter_shows_that_domains_entries_only(caseworker_a, everything):
    entries = child_timeline(caseworker_a, everything, domain="assessment")
    assert entries and {e.domain for e in entries} == {"assessment"}
    assert {"Screened", "Measured"} <= {e.text.split(":")[0] for e in entries}
    assert child_timeline(caseworker_a, everything, domain="no-such-domain") == []


def test_a_user_sees_no_entries_of_a_domain_she_may_not_read(
    everything, health_worker_a, teacher_a, guardianship_officer
):
    domains = {e.domain for e in child_timeline(health_worker_a, everything)}
    # A health worker reads growth and family details: no screening, case or guardianship.
    assert domains == {"registry", "assessment", "connection"}
    growth = child_timeline(health_worker_a, everything, domain="assessment")
    assert texts(growth) == ["Measured"]
    # A teacher reads neither family nor assessment: the registration only.
    assert texts(child_timeline(teacher_a, everything)) == ["Registered"]
    # The guardianship officer reads no cases.
    assert "casework" not in {e.domain for e in child_timeline(guardianship_officer, everything)}


def test_a_caseworker_of_another_township_sees_none_of_the_cases_or_groups(
    caseworker_b, everything
):
    assert child_timeline(caseworker_b, everything, domain="casework") == []


def test_the_casework_page_shows_the_timeline_and_filters_it_by_domain(
    client, caseworker_a, everything
):
    client.force_login(caseworker_a)
    url = f"/casework/children/{everything.pk}/"
    body = client.get(url).content.decode()
    for text in ("Registered", "Screened:", "Contact with 李秀英", "declaration signed", "Maths"):
        assert text in body, text
    assert '<option value="guardianship">Guardianship</option>' in body
    body = client.get(url, {"domain": "guardianship"}).content.decode()
    assert "declaration signed" in body and "Screened:" not in body and "Maths" not in body
    assert '<option value="guardianship" selected>' in body
    body = client.get(url, {"domain": "nonsense"}).content.decode()
    assert "Screened:" in body  # an unknown filter shows everything


def test_the_pages_audit_entry_names_the_domains_its_timeline_showed(
    client, caseworker_a, everything
):
    client.force_login(caseworker_a)
    url = f"/casework/children/{everything.pk}/"
    client.get(url)
    entry = AuditEntry.objects.filter(object_type="registry.child", action="view").latest("seq")
    assert entry.object_id == str(everything.pk)
    assert {"casework", "timeline.assessment", "timeline.guardianship"} <= set(entry.fields)
    client.get(url, {"domain": "guardianship"})
    entry = AuditEntry.objects.filter(object_type="registry.child", action="view").latest("seq")
    assert "timeline.guardianship" in entry.fields
    assert "timeline.assessment" not in entry.fields
