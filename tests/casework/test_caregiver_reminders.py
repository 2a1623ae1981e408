"""A caregiver who agreed to reminders is reminded of her own tasks in the plan in force when
they fall due: once a week at most, with a text that names neither the child nor the case. Tasks
of the caseworker, done tasks and tasks of closed cases send nothing; without her agreement the
delivery is logged as not sent."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from kinlink.casework import services
from kinlink.casework.models import PlanAction
from kinlink.connection.messaging import messaging_consent_set
from kinlink.connection.models import Delivery
from kinlink.registry import services as registry
from tests.casework.conftest import NOW, assessed
from tests.conftest import years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def grandmother(child_a):
    adult = registry.adult_add_to_child(
        child=child_a,
        kind="grandmother",
        family_name="李",
        given_name="桂兰",
        sex="F",
        date_of_birth=years_ago(66),
    )
    registry.care_record(
        child=child_a, kind="grandparent", caregiver=adult, started_on=years_ago(1)
    )
    return adult


@pytest.fixture
def outbox(settings, tmp_path):
    path = tmp_path / "outbox.jsonl"
    settings.KINLINK_MESSAGE_FILE = str(path)
    return path


def plan_with(caseworker, supervisor, child, *tasks: tuple[str, int]):
    """An approved plan with one action per (party, days until due)."""
    case = assessed(caseworker, child, now=NOW)
    plan = services.plan_start(actor=caseworker, case=case, now=NOW)
    goal = services.goal_add(
        actor=caseworker, plan=plan, domain="education", description="Back to school every day."
    )
    today = timezone.localdate(NOW)
    for party, days in tasks:
        services.action_add(
            actor=caseworker,
            goal=goal,
            description=f"A task for {party}",
            responsible=party,
            party=party,
            due_on=today + dt.timedelta(days=days),
        )
    approval = services.plan_submit(
        actor=caseworker, plan=plan, child_participated=True, caregiver_participated=True, now=NOW
    )
    services.approval_decide(actor=supervisor, approval=approval, approve=True, now=NOW)
    return case


def agree(adult):
    messaging_consent_set(
        adult=adult,
        opted_in=True,
        channel="sms",
        address="13912345678",
        language="zh-hans",
        quiet_from=dt.time(23, 0),
        quiet_until=dt.time(6, 0),
    )


def at_noon(days_after: int = 0) -> dt.datetime:
    day = timezone.localdate(NOW) + dt.timedelta(days=days_after)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def test_the_caregiver_is_reminded_of_her_task_due_soon_and_of_nothing_else(
    caseworker_a, supervisor, child_a, grandmother, outbox
):
    agree(grandmother)
    plan_with(
        caseworker_a, supervisor, child_a, ("caregiver", 1), ("caseworker", 1), ("caregiver", 9)
    )
    deliveries = services.caregiver_reminders_send(now=at_noon())
    assert [d.status for d in deliveries] == [Delivery.Status.SENT]
    assert deliveries[0].adult == grandmother
    sent = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    assert len(sent) == 1
    body = sent[0]["body"]
    due = timezone.localdate(NOW) + dt.timedelta(days=1)
    assert str(due.day) in body
    for private in ("王", "小明", "case", "个案", "task for"):
        assert private not in body  # no name, no case content


def test_a_task_is_reminded_once_a_week_and_not_once_done(
    caseworker_a, supervisor, child_a, grandmother, outbox
):
    agree(grandmother)
    case = plan_with(caseworker_a, supervisor, child_a, ("caregiver", 2))
    assert len(services.caregiver_reminders_send(now=at_noon())) == 1
    assert services.caregiver_reminders_send(now=at_noon()) == []  # the same day again
    action = PlanAction.objects.get(goal__plan__case=case)
    services.action_done(actor=caseworker_a, action=action, now=at_noon(1))
    assert services.caregiver_reminders_send(now=at_noon(1)) == []


def test_without_her_agreement_nothing_is_sent_and_the_skip_is_logged(
    caseworker_a, supervisor, child_a, grandmother, outbox
):
    plan_with(caseworker_a, supervisor, child_a, ("caregiver", 0))
    deliveries = services.caregiver_reminders_send(now=at_noon())
    assert [(d.status, d.reason) for d in deliveries] == [(Delivery.Status.SKIPPED, "no opt-in")]
    assert not outbox.exists()


def test_a_child_with_no_adult_caregiver_recorded_gets_no_reminder(
    caseworker_a, supervisor, child_a, outbox
):
    plan_with(caseworker_a, supervisor, child_a, ("caregiver", 0))
    assert services.caregiver_reminders_send(now=at_noon()) == []


def test_the_daily_command_reports_what_it_did(
    caseworker_a, supervisor, child_a, grandmother, outbox, capsys
):
    agree(grandmother)
    due_today = (timezone.localdate() - timezone.localdate(NOW)).days  # the command's clock
    plan_with(caseworker_a, supervisor, child_a, ("caregiver", due_today))
    call_command("casework_reminders")
    # Sent, or deferred when the test runs in her quiet hours (23:00-06:00).
    assert "1 reminders:" in capsys.readouterr().out
    assert Delivery.objects.filter(adult=grandmother).count() == 1
