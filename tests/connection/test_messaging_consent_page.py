"""A caseworker records whether a parent agrees to reminders, by which channel, in which
language and outside which quiet hours; nothing is sent without that agreement (see
test_messaging.py). The page keeps the registry's scope and audit guarantees."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinlink.audit.models import AuditEntry
from kinlink.connection.models import MessagingConsent
from kinlink.registry.models import Relationship

pytestmark = pytest.mark.django_db

AGREES = {
    "opted_in": "on",
    "channel": "sms",
    "address": "138 0013 8000",
    "language": "zh-hans",
    "quiet_from": "21:30",
    "quiet_until": "07:30",
}


def url(adult):
    return reverse("connection:messaging_consent", args=[adult.pk])


def test_a_caseworker_records_a_mothers_agreement_and_it_is_audited(client, caseworker_a, mother_a):
    client.force_login(caseworker_a)
    page = client.get(url(mother_a)).content.decode()
    assert "nothing is sent until the person agrees" in page
    response = client.post(url(mother_a), AGREES)
    assert response.status_code == 302
    consent = MessagingConsent.objects.get(adult=mother_a)
    assert consent.opted_in and consent.channel == "sms"
    assert consent.address == "+8613800138000"  # normalised by the phone helper
    assert (consent.quiet_from.hour, consent.quiet_from.minute) == (21, 30)
    assert consent.recorded_by == caseworker_a
    entry = AuditEntry.objects.filter(object_type="connection.messagingconsent").last()
    assert entry.action == "create" and entry.extra["registry.adult"] == mother_a.pk
    assert "Agreed to reminders by Text message" in client.get(url(mother_a)).content.decode()


def test_withdrawing_the_agreement_is_kept_as_a_choice(client, caseworker_a, mother_a):
    client.force_login(caseworker_a)
    client.post(url(mother_a), AGREES)
    client.post(url(mother_a), {**AGREES, "opted_in": ""})
    assert MessagingConsent.objects.get(adult=mother_a).opted_in is False
    assert "Nothing is sent." in client.get(url(mother_a)).content.decode()


def test_a_malformed_phone_number_is_named_and_nothing_is_saved(client, caseworker_a, mother_a):
    client.force_login(caseworker_a)
    response = client.post(url(mother_a), {**AGREES, "address": "12ab"})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not MessagingConsent.objects.exists()


def test_the_page_of_a_parent_outside_scope_is_not_found_and_nothing_is_written(
    client, caseworker_b, teacher_a, mother_a
):
    before = AuditEntry.objects.count()
    for user in (caseworker_b, teacher_a):  # another township; a role without family data
        client.force_login(user)
        assert client.get(url(mother_a)).status_code == 404
        assert client.post(url(mother_a), AGREES).status_code == 404
    assert AuditEntry.objects.count() == before
    assert not MessagingConsent.objects.exists()


def test_the_childs_connection_page_links_each_parent_to_the_reminders_page(
    client, caseworker_a, child_a
):
    client.force_login(caseworker_a)
    page = client.get(reverse("connection:child", args=[child_a.pk])).content.decode()
    mother = Relationship.objects.get(child=child_a, kind="mother").adult
    assert url(mother) in page
