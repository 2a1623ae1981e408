"""Recording contacts, plans, visits, returns, remittances and means: the rules each write
checks, that nothing is half-written, and the audit entries."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kinlink.audit.models import AuditEntry
from kinlink.connection import selectors, services
from kinlink.connection.models import ContactEvent, ContactPlan, Remittance, Visit
from kinlink.connection.rules import Criterion
from kinlink.registry import services as registry
from kinlink.registry.models import AwayParents, MigrationEpisode
from tests.connection.conftest import days_ago


def test_a_parents_return_closes_the_migration_episode_through_the_registry(child_a, mother_a):
    visit = services.visit_record(
        child=child_a, parent=mother_a, kind="return", started_on=days_ago(5), reported_by="child"
    )
    episode = MigrationEpisode.objects.get(adult=mother_a)
    assert episode.returned_on == days_ago(5) and visit.episode == episode
    child_a.refresh_from_db()
    assert child_a.away_parents == AwayParents.NONE  # the registry re-derived it
    change = AuditEntry.objects.get(object_type="registry.migrationepisode", action="change")
    assert change.changes["returned_on"] == [None, days_ago(5).isoformat()]
    assert AuditEntry.objects.filter(object_type="connection.visit", action="create").exists()


def test_a_return_without_a_migration_under_way_is_refused_and_nothing_changes(child_a, mother_a):
    departed = MigrationEpisode.objects.get(adult=mother_a).departed_on
    with pytest.raises(ValidationError) as caught:
        services.visit_record(
            child=child_a,
            parent=mother_a,
            kind="return",
            started_on=departed - dt.timedelta(days=3),
            reported_by="caseworker",
        )
    assert "no migration under way" in caught.value.message_dict["started_on"][0]
    assert not Visit.objects.exists()
    assert MigrationEpisode.objects.get(adult=mother_a).returned_on is None


def test_only_the_childs_mother_or_father_can_be_in_a_contact(child_a, child_b):
    stranger = registry.adult_add_to_child(
        child=child_b, kind="father", family_name="张", given_name="伟", sex="M"
    )
    with pytest.raises(ValidationError) as caught:
        services.contact_record(
            child=child_a,
            parent=stranger,
            happened_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
            channel="call",
            reported_by="caseworker",
        )
    assert "parent" in caught.value.message_dict
    assert not ContactEvent.objects.exists()


def test_naive_contact_times_are_refused(child_a, mother_a):
    with pytest.raises(ValidationError) as caught:
        services.contact_record(
            child=child_a,
            parent=mother_a,
            happened_at=dt.datetime(2024, 1, 1, 12, 0),
            channel="call",
            reported_by="caseworker",
        )
    assert "time zone" in caught.value.message_dict["happened_at"][0]


def test_changing_a_plan_audits_old_and_new_values(child_a, mother_a):
    services.contact_plan_set(
        child=child_a,
        parent=mother_a,
        contacts_per_30_days=4,
        channel="call",
        agreed_on=days_ago(300),
        from_pre_departure=True,
    )
    services.contact_plan_set(
        child=child_a,
        parent=mother_a,
        contacts_per_30_days=8,
        channel="call",
        agreed_on=days_ago(300),
        from_pre_departure=True,
    )
    assert ContactPlan.objects.get().contacts_per_30_days == 8
    change = AuditEntry.objects.get(object_type="connection.contactplan", action="change")
    assert change.changes == {"contacts_per_30_days": [4, 8]}


def test_a_remittance_needs_a_sender_of_the_household_a_known_currency_and_a_positive_amount(
    child_a, mother_a, child_b
):
    father_b = registry.adult_add_to_child(
        child=child_b, kind="father", family_name="张", given_name="伟", sex="M"
    )
    with pytest.raises(ValidationError) as caught:
        services.remittance_record(
            household=child_a.household,
            sender=father_b,
            amount="-5",
            currency="XYZ",
            received_on=days_ago(1),
            channel="bank",
            uses=["school", "gambling"],
            reported_by="caregiver",
        )
    assert set(caught.value.message_dict) == {"sender", "amount", "currency", "uses"}
    assert not Remittance.objects.exists()
    ok = services.remittance_record(
        household=child_a.household,
        sender=mother_a,  # a parent away, with no household of record here
        amount="1200.50",
        currency="cny",
        received_on=days_ago(1),
        channel="mobile",
        uses=["food", "school"],
        reported_by="caregiver",
    )
    assert ok.currency == "CNY" and ok.amount == Decimal("1200.50")
    assert ok.uses == ["school", "food"]


def test_amounts_finer_than_a_cent_are_refused(household_a, mother_a):
    with pytest.raises(ValidationError, match="to the cent"):
        services.remittance_record(
            household=household_a,
            sender=mother_a,
            amount="10.005",
            currency="CNY",
            received_on=days_ago(1),
            channel="cash",
            reported_by="caregiver",
        )


def test_household_facts_count_members_at_home_and_away_and_the_criteria_met(child_a, mother_a):
    grandmother = registry.adult_add_to_child(
        child=child_a, kind="grandmother", family_name="王", given_name="奶奶", sex="F"
    )
    registry.adult_update(adult=mother_a, household=child_a.household)
    services.means_declare(
        household=child_a.household,
        applies_from=days_ago(60),
        other_income="800",
        assets=None,
        reported_by="caregiver",
    )
    facts = selectors.household_facts(child_a.household, on=dt.date.today())
    assert (facts.children, facts.adults_at_home, facts.members_away) == (1, 1, 1)
    assert facts.criteria == {Criterion.LEFT_BEHIND_CHILD}
    assert facts.means[-1].other_income == Decimal("800")
    assert grandmother.household_id == child_a.household_id


def test_a_bulk_import_writes_nothing_if_any_row_is_wrong_and_names_each_problem(child_a, mother_a):
    day = days_ago(2).isoformat()
    text = (
        "child_id,parent_id,happened_at,channel,initiated_by,duration_minutes,quality\n"
        f"{child_a.pk},{mother_a.pk},{day}T20:00:00+08:00,video,parent,15,good\n"
        f"{child_a.pk},{mother_a.pk},{day}T21:00,telepathy,parent,abc,\n"
        f"99999,{mother_a.pk},{day}T21:00,call,,,\n"
    )
    result = services.contacts_import(io.StringIO(text))
    assert result.created == 0
    assert "row 3, channel: Choose how they were in contact." in result.errors
    assert "row 3, duration_minutes: not a whole number." in result.errors
    assert "row 4, child_id: no such child." in result.errors
    assert not ContactEvent.objects.exists()


def test_a_bulk_import_of_good_rows_records_them_as_imported(child_a, mother_a, tmp_path):
    day = days_ago(2).isoformat()
    path = tmp_path / "contacts.csv"
    path.write_text(
        "child_id,parent_id,happened_at,channel\n"
        f"{child_a.pk},{mother_a.pk},{day}T23:30:00+01:00,call\n"
        f"{child_a.pk},{mother_a.pk},{day}T09:00,message\n"
    )
    out = io.StringIO()
    call_command("connection_import_contacts", str(path), stdout=out)
    assert "2 contacts imported" in out.getvalue()
    assert set(ContactEvent.objects.values_list("reported_by", flat=True)) == {"import"}
    local = ContactEvent.objects.get(channel="message").happened_at
    assert local.astimezone(dt.timezone(dt.timedelta(hours=8))).hour == 9  # local time
