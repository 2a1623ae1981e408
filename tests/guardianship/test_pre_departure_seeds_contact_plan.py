"""The contact agreed before a parent leaves becomes the child's contact plan in the connection
app: created when there is none, following later changes of the agreement, never overwriting a
plan a caseworker made or changed by hand, audited, and nothing at all without that app."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.urls import reverse

from kinlink.audit.models import AuditEntry
from kinlink.connection import services as connection
from kinlink.connection.models import ContactPlan
from kinlink.core.dates import today
from kinlink.guardianship import contact_plan, services
from tests.guardianship.conftest import make_plan

DAY = dt.timedelta(days=1)


def set_by_hand(family, per_30: int, channel: str, agreed_on: dt.date, **extra) -> None:
    """The caseworker sets the father's contact plan on the connection page."""
    connection.contact_plan_set(
        child=family.child,
        parent=family.father,
        contacts_per_30_days=per_30,
        channel=channel,
        agreed_on=agreed_on,
        **extra,
    )


def plan_of(family) -> ContactPlan:
    return ContactPlan.objects.get(child=family.child, parent=family.father)


def test_a_plan_with_the_contact_agreed_creates_the_contact_plan(family, caseworker_a):
    plan = make_plan(caseworker_a, family, contact_frequency="weekly", contact_channel="video")
    assert plan.contact_seeding == "created"
    seeded = plan_of(family)
    assert (seeded.contacts_per_30_days, seeded.channel) == (4, "video")
    assert seeded.from_pre_departure and seeded.agreed_on == today()
    assert seeded.seeded_from == f"guardianship.predepartureplan:{plan.pk}"
    entry = AuditEntry.objects.get(object_type="connection.contactplan", action="create")
    assert entry.object_id == str(seeded.pk)
    assert entry.extra == {
        "registry.child": family.child.pk,
        "seeded_from": f"guardianship.predepartureplan:{plan.pk}",
    }
    assert entry.changes["contacts_per_30_days"] == [None, 4]


def test_a_plan_without_the_contact_agreed_seeds_nothing(family, caseworker_a):
    plan = make_plan(caseworker_a, family, contact_frequency="weekly")
    assert plan.contact_seeding == contact_plan.INCOMPLETE
    assert not ContactPlan.objects.exists()


@pytest.mark.parametrize(
    ("frequency", "contacts"),
    [("daily", 30), ("several_week", 12), ("weekly", 4), ("fortnightly", 2), ("monthly", 1)],
)
def test_each_frequency_is_counted_in_30_days(family, caseworker_a, frequency, contacts):
    make_plan(caseworker_a, family, contact_frequency=frequency, contact_channel="call")
    assert plan_of(family).contacts_per_30_days == contacts


def test_changing_the_agreement_updates_the_seeded_contact_plan(family, caseworker_a):
    plan = make_plan(caseworker_a, family, contact_frequency="weekly", contact_channel="video")
    plan = services.plan_update(
        actor=caseworker_a, plan=plan, contact_frequency="daily", contact_channel="message"
    )
    assert plan.contact_seeding == "updated"
    seeded = plan_of(family)
    assert (seeded.contacts_per_30_days, seeded.channel) == (30, "message")
    entry = AuditEntry.objects.filter(object_type="connection.contactplan").latest("seq")
    assert entry.action == "change"
    assert entry.changes["channel"] == ["video", "message"]
    assert ContactPlan.objects.count() == 1


def test_other_changes_to_the_plan_leave_the_contact_plan_alone(family, caseworker_a):
    plan = make_plan(caseworker_a, family, contact_frequency="weekly", contact_channel="video")
    before = AuditEntry.objects.filter(object_type="connection.contactplan").count()
    plan = services.plan_update(actor=caseworker_a, plan=plan, destination="浙江省义乌市")
    assert plan.contact_seeding == ""
    assert AuditEntry.objects.filter(object_type="connection.contactplan").count() == before


def test_a_contact_plan_made_by_hand_is_not_overwritten(family, caseworker_a):
    set_by_hand(family, 8, "call", today() - 10 * DAY)
    plan = make_plan(caseworker_a, family, contact_frequency="weekly", contact_channel="video")
    assert plan.contact_seeding == "kept"
    kept = plan_of(family)
    assert (kept.contacts_per_30_days, kept.channel, kept.seeded_from) == (8, "call", "")
    assert not AuditEntry.objects.filter(
        object_type="connection.contactplan", action="change"
    ).exists()


def test_a_seeded_plan_changed_by_hand_afterwards_is_not_overwritten(family, caseworker_a):
    plan = make_plan(caseworker_a, family, contact_frequency="weekly", contact_channel="video")
    set_by_hand(family, 6, "video", today(), from_pre_departure=True)
    assert plan_of(family).seeded_from == ""  # the caseworker's plan now
    plan = services.plan_update(actor=caseworker_a, plan=plan, contact_frequency="daily")
    assert plan.contact_seeding == "kept"
    assert plan_of(family).contacts_per_30_days == 6


def test_saving_the_seeded_plan_unchanged_by_hand_keeps_it_seeded(family, caseworker_a):
    make_plan(caseworker_a, family, contact_frequency="weekly", contact_channel="video")
    seeded = plan_of(family)
    set_by_hand(family, 4, "video", seeded.agreed_on, from_pre_departure=True)
    assert plan_of(family).seeded_from == seeded.seeded_from


def test_a_hand_made_plan_that_says_the_same_is_unchanged_not_kept(family, caseworker_a):
    set_by_hand(family, 4, "video", today())
    plan = make_plan(caseworker_a, family, contact_frequency="weekly", contact_channel="video")
    assert plan.contact_seeding == "unchanged"


def test_marking_the_contact_item_done_seeds_a_plan_made_before_seeding(family, caseworker_a):
    plan = make_plan(caseworker_a, family, contact_frequency="weekly", contact_channel="video")
    ContactPlan.objects.all().delete()  # as if the plan predated seeding
    mark = services.checklist_mark(actor=caseworker_a, plan=plan, item="contact_plan", state="done")
    assert mark.contact_seeding == "created"
    assert plan_of(family).contacts_per_30_days == 4


def test_without_the_connection_app_plans_are_saved_and_nothing_is_seeded(
    family, caseworker_a, monkeypatch
):
    installed = apps.is_installed
    monkeypatch.setattr(
        apps, "is_installed", lambda name: name != "kinlink.connection" and installed(name)
    )
    assert contact_plan.find_seeder() is None
    monkeypatch.setattr(contact_plan, "_seeder", contact_plan.find_seeder())
    plan = make_plan(caseworker_a, family, contact_frequency="weekly", contact_channel="video")
    assert plan.pk and plan.contact_seeding == contact_plan.ABSENT
    assert not ContactPlan.objects.exists()
    assert not AuditEntry.objects.filter(object_type="connection.contactplan").exists()


def test_a_connection_app_that_publishes_no_such_module_counts_as_absent(monkeypatch):
    monkeypatch.setattr(
        contact_plan, "CONNECTION", ("kinlink.connection", "kinlink.connection.nothing", "f")
    )
    assert contact_plan.find_seeder() is None


def test_the_function_is_found_at_start_up_when_the_app_is_installed():
    from kinlink.connection.plans import seed_contact_plan

    assert contact_plan._seeder is seed_contact_plan


def test_the_pages_say_what_became_of_the_contact_plan(client, family, caseworker_a):
    set_by_hand(family, 8, "call", today())
    plan = make_plan(caseworker_a, family)
    client.force_login(caseworker_a)
    response = client.post(
        reverse("guardianship:plan_edit", args=[plan.pk]),
        {
            "parent": family.father.pk,
            "departure_on": plan.departure_on.isoformat(),
            "destination": plan.destination,
            "language": plan.language,
            "contact_frequency": "weekly",
            "contact_channel": "video",
        },
        follow=True,
    )
    assert "was set by hand, so it was not changed" in response.content.decode()
    assert plan_of(family).channel == "call"
