"""The published `plans.seed_contact_plan`: the same checks as a plan set by hand, the rule that
a plan a caseworker made or changed is kept, and a seeded plan following the agreement."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kinlink.connection import services
from kinlink.connection.models import ContactPlan
from kinlink.connection.plans import Seeding, seed_contact_plan
from kinlink.core.dates import today
from kinlink.registry import services as registry
from tests.connection.conftest import days_ago

SOURCE = "guardianship.predepartureplan:7"


def seed(child, parent, **values):
    values = {
        "contacts_per_30_days": 4,
        "channel": "video",
        "agreed_on": today(),
        "source": SOURCE,
        **values,
    }
    return seed_contact_plan(child=child, parent=parent, **values)


def test_it_checks_what_a_caseworker_would_be_asked(child_a, mother_a, child_b):
    stranger = registry.adult_add_to_child(
        child=child_b, kind="father", family_name="张", given_name="伟", sex="M"
    )
    with pytest.raises(ValidationError) as caught:
        seed(child_a, stranger, contacts_per_30_days=0, channel="pigeon")
    assert set(caught.value.message_dict) == {"parent", "contacts_per_30_days", "channel"}
    with pytest.raises(ValueError):
        seed(child_a, mother_a, source="")
    assert not ContactPlan.objects.exists()


def test_a_seeded_plan_follows_the_agreement_and_keeps_its_day_when_the_terms_stay(
    child_a, mother_a
):
    assert seed(child_a, mother_a, agreed_on=days_ago(3)) == Seeding.CREATED
    assert seed(child_a, mother_a, agreed_on=today()) == Seeding.UNCHANGED
    assert ContactPlan.objects.get().agreed_on == days_ago(3)
    assert seed(child_a, mother_a, channel="call") == Seeding.UPDATED
    plan = ContactPlan.objects.get()
    assert (plan.channel, plan.agreed_on, plan.from_pre_departure) == ("call", today(), True)
    # Another agreement (a later plan) takes over a seeded plan too.
    other = "guardianship.predepartureplan:8"
    assert seed(child_a, mother_a, channel="call", source=other) == Seeding.UNCHANGED
    assert ContactPlan.objects.get().seeded_from == other


def test_a_change_by_hand_makes_the_plan_the_caseworkers(child_a, mother_a):
    seed(child_a, mother_a)
    services.contact_plan_set(
        child=child_a,
        parent=mother_a,
        contacts_per_30_days=2,
        channel="video",
        agreed_on=today(),
        from_pre_departure=True,
    )
    assert ContactPlan.objects.get().seeded_from == ""
    assert seed(child_a, mother_a, contacts_per_30_days=8) == Seeding.KEPT
    assert seed(child_a, mother_a, contacts_per_30_days=2) == Seeding.UNCHANGED
    assert ContactPlan.objects.get().contacts_per_30_days == 2
