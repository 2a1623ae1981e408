"""Reminders: only to adults who opted in, never in quiet hours, in the recipient's language,
with no case content, each logged."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings

from kinlink.connection import services
from kinlink.connection.conf import local_zone
from kinlink.connection.messaging import (
    TemplateError,
    contact_plan_reminders,
    deliveries_send_due,
    in_quiet_hours,
    message_send,
    messaging_consent_set,
    render,
)
from kinlink.connection.models import Delivery
from kinlink.registry import services as registry
from kinlink.registry.models import MigrationEpisode
from tests.conftest import years_ago


def local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour)).replace(tzinfo=local_zone())


TODAY = dt.date.today()


@pytest.fixture
def opted_in(mother_a):
    return messaging_consent_set(
        adult=mother_a, opted_in=True, channel="email", address="li@example.org", language="en"
    )


def test_nothing_is_sent_without_an_opt_in(mother_a):
    delivery = message_send(
        adult=mother_a, template="contact_plan_reminder", values={"contacts_per_30_days": 8}
    )
    assert delivery.status == Delivery.Status.SKIPPED and delivery.reason == "no opt-in"
    assert mail.outbox == []


def test_a_message_in_quiet_hours_waits_until_they_end(opted_in, mother_a):
    late = local(TODAY, 22)
    delivery = message_send(
        adult=mother_a,
        template="contact_plan_reminder",
        values={"contacts_per_30_days": 8},
        now=late,
    )
    assert delivery.status == Delivery.Status.DEFERRED
    assert delivery.send_after == local(TODAY + dt.timedelta(days=1), 8)
    assert deliveries_send_due(now=local(TODAY + dt.timedelta(days=1), 7)) == 0
    assert deliveries_send_due(now=local(TODAY + dt.timedelta(days=1), 8)) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["li@example.org"]


def test_withdrawing_the_opt_in_stops_a_deferred_message(opted_in, mother_a):
    message_send(
        adult=mother_a,
        template="contact_plan_reminder",
        values={"contacts_per_30_days": 8},
        now=local(TODAY, 23),
    )
    messaging_consent_set(adult=mother_a, opted_in=False, channel="email", address="li@example.org")
    deliveries_send_due(now=local(TODAY + dt.timedelta(days=1), 9))
    assert Delivery.objects.get().status == Delivery.Status.SKIPPED
    assert mail.outbox == []


def test_quiet_hours_may_run_over_midnight_or_within_a_day():
    assert in_quiet_hours(dt.time(23), dt.time(21), dt.time(8))
    assert in_quiet_hours(dt.time(7, 59), dt.time(21), dt.time(8))
    assert not in_quiet_hours(dt.time(8), dt.time(21), dt.time(8))
    assert in_quiet_hours(dt.time(13), dt.time(12), dt.time(14))
    assert not in_quiet_hours(dt.time(15), dt.time(12), dt.time(14))


def test_templates_are_in_the_recipients_language_and_take_no_case_content():
    assert "联系8次" in render("contact_plan_reminder", "zh-hans", {"contacts_per_30_days": 8}).body
    english = render("contact_plan_reminder", "fr", {"contacts_per_30_days": 8})
    assert english.language == "en" and "8 times every 30 days" in english.body
    with pytest.raises(TemplateError, match="does not take child_name"):
        render("contact_plan_reminder", "en", {"contacts_per_30_days": 8, "child_name": "王小明"})


@override_settings(KINLINK_MESSAGE_GATEWAYS={"sms": "kinlink.connection.messaging.FileGateway"})
def test_the_file_gateway_writes_one_line_per_message(mother_a, tmp_path, settings):
    settings.KINLINK_MESSAGE_FILE = tmp_path / "outbox.jsonl"
    messaging_consent_set(
        adult=mother_a, opted_in=True, channel="sms", address="13800138000", language="zh-hans"
    )
    delivery = message_send(
        adult=mother_a,
        template="caregiver_due_action",
        values={"due_on": "2025-03-01"},
        now=local(TODAY, 10),
    )
    assert delivery.status == Delivery.Status.SENT and delivery.gateway == "file"
    [line] = (tmp_path / "outbox.jsonl").read_text().splitlines()
    assert json.loads(line)["to"] == "+8613800138000"


def test_a_bad_address_is_refused(mother_a):
    with pytest.raises(ValidationError) as caught:
        messaging_consent_set(adult=mother_a, opted_in=True, channel="email", address="nope")
    assert "address" in caught.value.message_dict


def test_parents_below_their_plan_get_one_reminder_a_week(opted_in, child_a, mother_a):
    episode = MigrationEpisode.objects.get(adult=mother_a)
    registry.migration_update(episode=episode, departed_on=years_ago(2))
    services.contact_plan_set(
        child=child_a,
        parent=mother_a,
        contacts_per_30_days=8,
        channel="video",
        agreed_on=TODAY - dt.timedelta(days=200),
    )
    now = local(TODAY, 10)
    [delivery] = contact_plan_reminders(now=now)
    assert delivery.status == Delivery.Status.SENT
    assert "王" not in mail.outbox[0].body and "小明" not in mail.outbox[0].body
    assert contact_plan_reminders(now=now) == []  # not again this week
