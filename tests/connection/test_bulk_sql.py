"""The set-based SQL measures (used for lists and the benchmark) give the same answers as the
Python functions on the same hand-built histories: time zones, visits, plans, empty months,
several currencies, a missing rate, month ends."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection

from kinlink.connection import bulk, conf, selectors, services
from kinlink.connection.currency import NoExchangeRate
from kinlink.connection.measures import parent_contact
from kinlink.connection.models import Remittance
from kinlink.registry import services as registry
from tests.conftest import years_ago

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the set-based measures need PostgreSQL"
)

ON_DAYS = [dt.date.today(), dt.date.today() - dt.timedelta(days=45)]
ZONES = ["Asia/Shanghai", "Europe/London", "America/Los_Angeles", "UTC"]


@pytest.fixture
def histories(child_a, county):
    """Three children with contacts at awkward hours, visits and plans; their households with
    remittances in three currencies, one without a rate."""
    rng = random.Random(7)
    children = [child_a]
    for n in range(2):
        children.append(
            registry.child_register(
                family_name="陈",
                given_name=f"{n}",
                sex="F",
                date_of_birth=years_ago(8),
                home_village=county.village_a2,
            )
        )
    pairs = []
    for child in children:
        for kind in ("mother", "father"):
            parent = child.relationships.filter(kind=kind).first()
            parent = (
                parent.adult
                if parent
                else registry.adult_add_to_child(
                    child=child,
                    kind=kind,
                    family_name="陈",
                    given_name=kind,
                    sex="FM"[kind == "father"],
                )
            )
            pairs.append((child, parent))
    from zoneinfo import ZoneInfo

    now = dt.datetime.now(dt.UTC)
    for child, parent in pairs:
        for _ in range(rng.randint(0, 25)):
            moment = now - dt.timedelta(minutes=rng.randint(1, 200 * 24 * 60))
            services.contact_record(
                child=child,
                parent=parent,
                happened_at=moment.astimezone(ZoneInfo(rng.choice(ZONES))),
                channel="call",
                reported_by="caregiver",
            )
        if rng.random() < 0.6:
            start = dt.date.today() - dt.timedelta(days=rng.randint(1, 150))
            end = (
                None
                if rng.random() < 0.3
                else min(start + dt.timedelta(days=rng.randint(0, 20)), dt.date.today())
            )
            services.visit_record(
                child=child,
                parent=parent,
                kind="home_visit",
                started_on=start,
                ended_on=end,
                reported_by="caregiver",
            )
        if rng.random() < 0.7:
            services.contact_plan_set(
                child=child,
                parent=parent,
                contacts_per_30_days=rng.randint(1, 12),
                channel="video",
                agreed_on=dt.date.today() - dt.timedelta(days=300),
            )
    for currency, rate in (("USD", "7.1"), ("EUR", "7.8")):
        for k in range(0, 800, 30):
            services.exchange_rate_set(
                currency=currency,
                on=dt.date.today() - dt.timedelta(days=k),
                rate=Decimal(rate) + Decimal(k % 7) / 100,
            )
    households = {c.household for c in children}
    for index, household in enumerate(sorted(households, key=lambda h: h.pk)):
        sender = children[0].relationships.first().adult
        registry.adult_update(adult=sender, household=household) if index else None
        sender = services.household_senders(household).first()
        for _ in range(rng.randint(5, 30)):
            currency = rng.choice(["CNY", "CNY", "USD", "EUR"] if index != 1 else ["CNY", "GBP"])
            day = dt.date.today() - dt.timedelta(days=rng.randint(0, 700))
            if rng.random() < 0.2:  # month ends
                day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
                    days=1
                )
                day = min(day, dt.date.today())
            Remittance.objects.create(
                household=household,
                sender=sender,
                amount=Decimal(rng.randint(100, 500000)) / 100,
                currency=currency,
                received_on=day,
                channel="bank",
                reported_by="caregiver",
            )
    return children, households


@pytest.mark.parametrize("on", ON_DAYS)
def test_contact_measures_in_sql_equal_the_python_ones(histories, on):
    children, _households = histories
    rows = bulk.contact_measures(on, [c.pk for c in children])
    assert rows
    zone = conf.local_zone()
    for row in rows:
        child = next(c for c in children if c.pk == row["child_id"])
        contacts, visits = selectors.contact_records(child)
        expected = parent_contact(
            row["parent_id"],
            [c for c in contacts if c.parent_id == row["parent_id"]],
            [v for v in visits if v.parent_id == row["parent_id"]],
            plan_per_30=row["plan_per_30"],
            on=on,
            zone=zone,
        )
        assert (row["last_day"], row["days_since_last"], row["last_30"], row["last_90"]) == (
            expected.last_day,
            expected.days_since_last,
            expected.last_30,
            expected.last_90,
        ), row


@pytest.mark.parametrize("on", ON_DAYS)
def test_remittance_measures_in_sql_equal_the_python_ones(histories, on):
    _children, households = histories
    rows = {r["household_id"]: r for r in bulk.remittance_measures(on)}
    assert set(rows) == {h.pk for h in households}
    for household in households:
        row = rows[household.pk]
        try:
            expected = selectors.household_remittances(household, on=on)
        except NoExchangeRate:
            assert row["missing_rate"] is True
            continue
        assert row["missing_rate"] is False
        assert (row["average_3"], row["average_6"], row["average_12"]) == (
            expected.average_3,
            expected.average_6,
            expected.average_12,
        )
        assert row["months_with_remittance_12"] == expected.months_with_remittance_12
        assert row["slope_12"] == pytest.approx(expected.slope_12, abs=1e-6)
        if expected.coefficient_of_variation_12 is None:
            assert row["coefficient_of_variation_12"] is None
        else:
            assert row["coefficient_of_variation_12"] == pytest.approx(
                expected.coefficient_of_variation_12, rel=1e-9
            )
        assert row["trend_12"] == expected.trend_12.value
        assert row["last_day"] == expected.last_received_on
        assert row["months_since_last"] == expected.months_since_last
