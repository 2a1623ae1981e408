"""The connection pages keep the registry's guarantees: a record outside the user's scope is a
404 for every page and method, reads and writes are audited, and only roles that edit family
records can write."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from kinlink.audit.models import AuditEntry
from kinlink.connection import services
from kinlink.connection.models import ContactEvent, Remittance
from kinlink.registry.models import Relationship
from tests.connection.conftest import days_ago


def connection_routes():
    resolver = get_resolver()
    for entry in resolver.url_patterns:
        if getattr(entry, "namespace", None) == "connection":
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                yield pattern.name, str(pattern.pattern)


def test_every_connection_page_of_a_child_out_of_scope_is_not_found(client, caseworker_b, child_a):
    client.force_login(caseworker_b)
    before = AuditEntry.objects.count()
    checked = 0
    for name, route in connection_routes():
        if "<int:pk>" not in route:
            continue
        pk = {
            "children/": child_a.pk,
            "households/": child_a.household_id,
            "adults/": Relationship.objects.get(child=child_a, kind="mother").adult_id,
        }[route.split("<")[0]]
        url = "/connection/" + re.sub(r"<int:pk>", str(pk), route)
        assert client.get(url).status_code == 404, f"GET {url} ({name})"
        # A page that only shows answers any POST with 405 before looking at the record.
        assert client.post(url).status_code in (404, 405), f"POST {url} ({name})"
        checked += 1
    assert checked == 8
    assert AuditEntry.objects.count() == before
    assert not ContactEvent.objects.exists() and not Remittance.objects.exists()


def test_a_teacher_does_not_see_family_connection(client, teacher_a, child_a):
    client.force_login(teacher_a)
    assert client.get(reverse("connection:child", args=[child_a.pk])).status_code == 404
    assert (
        client.get(reverse("connection:household", args=[child_a.household_id])).status_code == 404
    )
    assert client.get(reverse("connection:comparison")).status_code == 404


def test_a_health_worker_reads_the_page_but_cannot_record(
    client, health_worker_a, child_a, mother_a
):
    client.force_login(health_worker_a)
    page = client.get(reverse("connection:child", args=[child_a.pk]))
    assert page.status_code == 200
    assert "Record a contact" not in page.content.decode()
    response = client.post(
        reverse("connection:contact_add", args=[child_a.pk]),
        {
            "parent": mother_a.pk,
            "day": days_ago(1).isoformat(),
            "channel": "call",
            "initiated_by": "parent",
            "reported_by": "caseworker",
        },
    )
    assert response.status_code == 404
    assert not ContactEvent.objects.exists()


def test_viewing_a_childs_connection_page_is_audited_with_what_was_shown(
    client, caseworker_a, child_a
):
    client.force_login(caseworker_a)
    client.get(reverse("connection:child", args=[child_a.pk]))
    entry = AuditEntry.objects.filter(action="view").last()
    assert (entry.object_type, entry.object_id) == ("registry.child", str(child_a.pk))
    assert entry.fields == sorted(
        ["contact_events", "contact_plans", "visits", "connection_alerts"]
    )
    assert entry.actor_username == "caseworker_a"


def test_recording_a_contact_is_audited_and_appears_on_the_timeline(
    client, caseworker_a, child_a, mother_a
):
    client.force_login(caseworker_a)
    response = client.post(
        reverse("connection:contact_add", args=[child_a.pk]),
        {
            "parent": mother_a.pk,
            "day": days_ago(3).isoformat(),
            "time": "20:30",
            "channel": "video",
            "initiated_by": "parent",
            "duration_minutes": "25",
            "quality": "good",
            "reported_by": "caregiver",
        },
    )
    assert response.status_code == 302
    event = ContactEvent.objects.get()
    assert event.recorded_by == caseworker_a and event.duration_minutes == 25
    entry = AuditEntry.objects.get(action="create", object_type="connection.contactevent")
    assert entry.extra == {"registry.child": child_a.pk}
    assert entry.changes["channel"] == [None, "video"]
    body = client.get(reverse("connection:child", args=[child_a.pk])).content.decode()
    assert "Video call" in body and "25 minutes" in body and "20:30" in body
    assert "3 days" in body


def test_a_contact_earlier_today_without_a_time_is_accepted(
    client, caseworker_a, child_a, mother_a
):
    client.force_login(caseworker_a)
    response = client.post(
        reverse("connection:contact_add", args=[child_a.pk]),
        {
            "parent": mother_a.pk,
            "day": timezone.localdate().isoformat(),
            "channel": "message",
            "initiated_by": "child",
            "reported_by": "child",
        },
    )
    assert response.status_code == 302
    assert ContactEvent.objects.get().happened_at <= timezone.now()


def test_a_contact_in_the_future_is_refused_and_nothing_is_saved(
    client, caseworker_a, child_a, mother_a
):
    client.force_login(caseworker_a)
    response = client.post(
        reverse("connection:contact_add", args=[child_a.pk]),
        {
            "parent": mother_a.pk,
            "day": days_ago(-3).isoformat(),
            "channel": "call",
            "initiated_by": "parent",
            "reported_by": "caseworker",
        },
    )
    assert response.status_code == 200
    assert "The contact cannot be in the future." in response.content.decode()
    assert not ContactEvent.objects.exists()
    assert not AuditEntry.objects.filter(object_type="connection.contactevent").exists()


def test_the_household_page_shows_the_chart_and_eligibility_and_is_audited(
    client, caseworker_a, child_a, mother_a
):
    for months_back in range(1, 7):
        services.remittance_record(
            household=child_a.household,
            sender=mother_a,
            amount=Decimal("1500"),
            currency="CNY",
            received_on=days_ago(31 * months_back),
            channel="mobile",
            uses=["school", "food"],
            reported_by="caregiver",
        )
    client.force_login(caseworker_a)
    body = client.get(reverse("connection:household", args=[child_a.household_id])).content.decode()
    assert "<svg" in body and body.count('class="bar"') == 12
    assert "Rural minimum living guarantee (dibao)" in body
    assert "Result:" in body
    assert "School, Food" in body
    entry = AuditEntry.objects.filter(action="view").last()
    assert (entry.object_type, entry.object_id) == ("registry.household", str(child_a.household_id))


def test_the_pages_carry_no_inline_script_or_style(client, caseworker_a, child_a):
    client.force_login(caseworker_a)
    for url in (
        reverse("connection:child", args=[child_a.pk]),
        reverse("connection:household", args=[child_a.household_id]),
        reverse("connection:comparison"),
        reverse("connection:rates"),
        reverse("connection:contact_add", args=[child_a.pk]),
    ):
        body = client.get(url).content.decode()
        assert " style=" not in body and "<style" not in body, url
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), url
        assert not re.search(r"\son[a-z]+=", body), url


@pytest.mark.parametrize("currency", ["USD"])
def test_a_remittance_without_a_rate_is_kept_and_the_page_says_which_rate_is_missing(
    client, caseworker_a, child_a, mother_a, currency
):
    client.force_login(caseworker_a)
    response = client.post(
        reverse("connection:remittance_add", args=[child_a.household_id]),
        {
            "sender": mother_a.pk,
            "amount": "200",
            "currency": currency.lower(),
            "received_on": days_ago(10).isoformat(),
            "channel": "operator",
            "uses": ["health"],
            "reported_by": "caregiver",
        },
        follow=True,
    )
    body = response.content.decode()
    assert Remittance.objects.get().currency == "USD"
    assert "No exchange rate from USD to CNY" in body
    client.post(
        reverse("connection:rates"),
        {"currency": "usd", "on": days_ago(400).isoformat(), "rate": "7.1", "source": "bank"},
    )
    body = client.get(reverse("connection:household", args=[child_a.household_id])).content.decode()
    assert "No exchange rate" not in body
    assert AuditEntry.objects.filter(
        object_type="connection.exchangerate", action="create"
    ).exists()


def test_the_comparison_report_lists_only_households_in_scope_and_is_audited(
    client, caseworker_a, child_a, mother_a, child_b
):
    from kinlink.registry import services as registry

    father_b = registry.adult_add_to_child(
        child=child_b, kind="father", family_name="张", given_name="伟", sex="M"
    )
    for household, sender in ((child_a.household, mother_a), (child_b.household, father_b)):
        # One large remittance: a single-month rule drops the household that month.
        services.remittance_record(
            household=household,
            sender=sender,
            amount=Decimal("9000"),
            currency="CNY",
            received_on=days_ago(40),
            channel="bank",
            reported_by="caregiver",
        )
    client.force_login(caseworker_a)
    body = client.get(reverse("connection:comparison")).content.decode()
    assert child_a.household.reference in body
    assert child_b.household.reference not in body
    entry = AuditEntry.objects.filter(action="list", object_type="registry.household").last()
    assert entry.extra["ids"] == [child_a.household_id]
