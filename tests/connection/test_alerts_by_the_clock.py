"""Alerts are evaluated on the day given, so the clock can be moved: no contact for 30 days,
contact below half the plan, remittances stopping after a regular pattern or falling by half."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.test import override_settings
from django.utils import translation

from kinlink.assessment.screening.providers import words
from kinlink.connection import services
from kinlink.connection.alerts import Alert, Code, alerts_for_child, alerts_for_children
from kinlink.connection.conf import local_zone
from kinlink.registry import services as registry
from kinlink.registry.models import MigrationEpisode
from tests.conftest import years_ago
from tests.connection.conftest import remit

BASE = dt.date.today() - dt.timedelta(days=600)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def away_three_years(child_a):
    """child_a's mother left three years ago, so 15 months of history fit after her departure."""
    episode = MigrationEpisode.objects.get(adult__relationships__child=child_a)
    registry.migration_update(episode=episode, departed_on=years_ago(3))


def call(child, parent, day: dt.date, hour: int = 19) -> None:
    services.contact_record(
        child=child,
        parent=parent,
        happened_at=dt.datetime.combine(day, dt.time(hour)).replace(tzinfo=local_zone()),
        channel="call",
        initiated_by="parent",
        reported_by="caregiver",
    )


def codes(alerts: list[Alert]) -> list[str]:
    return [a.code for a in alerts]


def test_no_contact_for_30_days_raises_an_alert_on_the_30th_day(child_a, mother_a):
    call(child_a, mother_a, BASE)
    assert codes(alerts_for_child(child_a, on=BASE + dt.timedelta(days=29))) == []
    [alert] = alerts_for_child(child_a, on=BASE + dt.timedelta(days=30))
    assert alert.code == Code.NO_CONTACT
    assert alert.since == BASE + dt.timedelta(days=30)
    assert "30 days" in alert.message


def test_a_later_call_clears_the_alert(child_a, mother_a):
    call(child_a, mother_a, BASE)
    call(child_a, mother_a, BASE + dt.timedelta(days=31))
    assert codes(alerts_for_child(child_a, on=BASE + dt.timedelta(days=31))) == []


@override_settings(KINLINK_NO_CONTACT_DAYS=14)
def test_the_number_of_days_is_configurable(child_a, mother_a):
    call(child_a, mother_a, BASE)
    assert codes(alerts_for_child(child_a, on=BASE + dt.timedelta(days=14))) == [Code.NO_CONTACT]


def test_with_nothing_recorded_the_days_count_from_the_departure(child_a):
    departed = MigrationEpisode.objects.get(adult__relationships__child=child_a).departed_on
    assert codes(alerts_for_child(child_a, on=departed + dt.timedelta(days=29))) == []
    [alert] = alerts_for_child(child_a, on=departed + dt.timedelta(days=30))
    assert alert.code == Code.NO_CONTACT and "since the departure" in alert.message


def test_a_parent_who_has_returned_is_no_longer_watched(child_a, mother_a):
    call(child_a, mother_a, BASE)
    services.visit_record(
        child=child_a,
        parent=mother_a,
        kind="return",
        started_on=BASE + dt.timedelta(days=40),
        reported_by="caseworker",
    )
    assert alerts_for_child(child_a, on=BASE + dt.timedelta(days=60)) == []
    # Looking back at a day before the return, the alert stood.
    assert codes(alerts_for_child(child_a, on=BASE + dt.timedelta(days=35))) == [Code.NO_CONTACT]


def test_a_visit_home_is_contact(child_a, mother_a):
    services.visit_record(
        child=child_a,
        parent=mother_a,
        kind="home_visit",
        started_on=BASE,
        ended_on=BASE + dt.timedelta(days=14),
        reported_by="caregiver",
    )
    assert alerts_for_child(child_a, on=BASE + dt.timedelta(days=43)) == []
    assert codes(alerts_for_child(child_a, on=BASE + dt.timedelta(days=44))) == [Code.NO_CONTACT]


def test_contact_below_half_the_plan_raises_an_alert_naming_the_relationship(child_a, mother_a):
    services.contact_plan_set(
        child=child_a, parent=mother_a, contacts_per_30_days=8, channel="video", agreed_on=BASE
    )
    on = BASE + dt.timedelta(days=100)
    for k in (1, 8, 15):  # three calls in the last 30 days: fewer than 4
        call(child_a, mother_a, on - dt.timedelta(days=k))
    [alert] = alerts_for_child(child_a, on=on)
    assert alert.code == Code.CONTACT_BELOW_PLAN
    assert alert.since == BASE + dt.timedelta(days=29)  # below ever since the plan could count
    assert alert.message == (
        "Contact with the mother is below half the plan: 3 in the last 30 days against 8 agreed."
    )
    assert "李" not in alert.message  # relationship, never a name
    call(child_a, mother_a, on - dt.timedelta(days=20))
    assert alerts_for_child(child_a, on=on) == []


def test_a_plan_is_not_missed_before_it_has_covered_30_days(child_a, mother_a):
    on = BASE + dt.timedelta(days=10)
    call(child_a, mother_a, on)
    services.contact_plan_set(
        child=child_a, parent=mother_a, contacts_per_30_days=8, channel="call", agreed_on=on
    )
    assert alerts_for_child(child_a, on=on + dt.timedelta(days=28)) == []
    assert Code.CONTACT_BELOW_PLAN in codes(
        alerts_for_child(child_a, on=on + dt.timedelta(days=29))
    )


def test_remittances_stopping_after_a_regular_pattern_raise_an_alert_after_3_months(
    child_a, mother_a
):
    last = BASE + relativedelta(months=11)
    for k in range(12):
        remit(child_a, mother_a, BASE + relativedelta(months=k))
    call(child_a, mother_a, last + relativedelta(months=3))  # keep the contact alert quiet
    assert Code.REMITTANCE_STOPPED not in codes(
        alerts_for_child(child_a, on=last + relativedelta(months=3) - dt.timedelta(days=1))
    )
    alerts = alerts_for_child(child_a, on=last + relativedelta(months=3))
    [stopped] = [a for a in alerts if a.code == Code.REMITTANCE_STOPPED]
    assert stopped.since == last + relativedelta(months=3)
    assert "3 months without one" in stopped.message


def test_irregular_remittances_that_stop_raise_no_alert(child_a, mother_a):
    remit(child_a, mother_a, BASE)
    remit(child_a, mother_a, BASE + relativedelta(months=5))
    on = BASE + relativedelta(months=10)
    call(child_a, mother_a, on)
    assert alerts_for_child(child_a, on=on) == []


def a_fall_from_2000_to_900(child, parent) -> tuple[dt.date, dt.date]:
    """Twelve months of 2,000 then three of 900: (first month's remittance day, the day after)."""
    start = BASE.replace(day=5)
    for k in range(12):
        remit(child, parent, start + relativedelta(months=k), "2000")
    for k in range(12, 15):
        remit(child, parent, start + relativedelta(months=k), "900")
    on = (start + relativedelta(months=15)).replace(day=10)
    call(child, parent, on)
    return start, on


def test_a_fall_of_more_than_half_raises_an_alert(child_a, mother_a):
    start, on = a_fall_from_2000_to_900(child_a, mother_a)
    [fell] = alerts_for_child(child_a, on=on)
    assert fell.code == Code.REMITTANCE_FELL
    assert "900.00 CNY a month over the last 3 months" in fell.message
    assert "2,000.00 CNY" in fell.message
    assert fell.since == (start + relativedelta(months=12)).replace(day=1)


def test_a_fall_keeps_its_amounts_and_writes_them_in_the_readers_language(child_a, mother_a):
    """The screen stores an alert's evidence: the amounts are kept as numbers, not as the text
    of the language the job ran in, and written out when somebody reads them."""
    _start, on = a_fall_from_2000_to_900(child_a, mother_a)
    [fell] = alerts_for_child(child_a, on=on)
    kept = fell.evidence_params()
    assert kept["before"] == {"amount": "2000.00", "currency": "CNY"}
    assert Decimal(kept["recent"]["amount"]) == Decimal(900)
    with translation.override("de"):  # Django's German formats group with "." and use ","
        assert "2.000,00 CNY" in fell.message
        assert "2.000,00 CNY" in words(fell.text, kept)
    assert "2,000.00 CNY" in words(fell.text, kept)


def test_a_fall_to_just_over_half_raises_none(child_a, mother_a):
    start = BASE.replace(day=5)
    for k in range(12):
        remit(child_a, mother_a, start + relativedelta(months=k), "2000")
    for k in range(12, 15):
        remit(child_a, mother_a, start + relativedelta(months=k), "1001")
    on = (start + relativedelta(months=15)).replace(day=10)
    call(child_a, mother_a, on)
    assert alerts_for_child(child_a, on=on) == []


def test_a_missing_exchange_rate_is_an_alert_rather_than_a_crash(child_a, mother_a):
    """It names the earliest amount without a rate: a rate from that day on converts them all
    (an amount has no rate only before its currency's first)."""
    for day in (BASE - dt.timedelta(days=40), BASE, BASE - dt.timedelta(days=90)):
        remit(child_a, mother_a, day, "100", "USD")
    call(child_a, mother_a, BASE)
    [alert] = alerts_for_child(child_a, on=BASE)
    assert alert.code == Code.NO_EXCHANGE_RATE
    assert alert.since == BASE - dt.timedelta(days=90)
    assert alerts_for_children([child_a.pk], BASE)[child_a.pk] == [alert]


@pytest.mark.parametrize("with_plan", [False, True])
def test_the_alerts_of_a_range_of_children_are_those_of_each_childs_page(
    child_a, mother_a, with_plan
):
    """The registry-wide screen reads contacts for a range of children at once (the latest per
    parent, and a year of them where a plan is judged); on every day it must give what the
    child's own page gives."""
    if with_plan:
        services.contact_plan_set(
            child=child_a, parent=mother_a, contacts_per_30_days=6, channel="video", agreed_on=BASE
        )
    # Twice a month for a year, then three calls a month apart, then silence; and one call
    # recorded in the hours after midnight, the edge of a day.
    for k in range(0, 360, 15):
        call(child_a, mother_a, BASE + dt.timedelta(days=k))
    for k in (400, 430, 460):
        call(child_a, mother_a, BASE + dt.timedelta(days=k), hour=0)
    services.visit_record(
        child=child_a,
        parent=mother_a,
        kind="home_visit",
        started_on=BASE + dt.timedelta(days=470),
        ended_on=BASE + dt.timedelta(days=475),
        reported_by="caregiver",
    )
    for offset in range(-10, 600, 13):
        on = BASE + dt.timedelta(days=offset)
        single = alerts_for_child(child_a, on=on)
        assert alerts_for_children([child_a.pk], on).get(child_a.pk, []) == single, on


def test_remittances_that_stopped_years_ago_alert_the_same_for_a_range_of_children(
    child_a, mother_a
):
    """On PostgreSQL the range's months with money are counted in 64 bits back from the day's
    month; a last remittance whose year lies further back is decided from the records. Either
    way the range gives what the child's page gives, on each side of that edge."""
    start = dt.date.today() - relativedelta(years=6)
    for k in range(12):
        remit(child_a, mother_a, start + relativedelta(months=k))
    last = start + relativedelta(months=11)
    seen = set()
    for months in (3, 40, 50, 51, 52, 53, 54, 60):
        on = last + relativedelta(months=months)
        single = alerts_for_child(child_a, on=on)
        assert alerts_for_children([child_a.pk], on).get(child_a.pk, []) == single, on
        seen.update(a.code for a in single)
    assert Code.REMITTANCE_STOPPED in seen
