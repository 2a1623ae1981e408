"""A household's remittances by month (`RemittanceMonths`) are what its records say, kept so by
every write of a remittance or a rate, and give the remittance rules the same pattern as the
records on any day."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command

from kinlink.connection import selectors, services
from kinlink.connection.alerts import alerts_for_child, alerts_for_children
from kinlink.connection.currency import RateTable
from kinlink.connection.measures import (
    RemittanceRecord,
    monthly_cents,
    monthly_totals,
    recorded_pattern,
    summarised_pattern,
)
from kinlink.connection.models import Remittance, RemittanceMonths
from kinlink.jobs.models import Job
from tests.connection.conftest import remit
from tests.jobs.conftest import run_worker

TODAY = dt.date.today()


def months_of(child) -> RemittanceMonths | None:
    return RemittanceMonths.objects.filter(household=child.household).first()


def test_recording_a_remittance_writes_the_households_months_newest_first(child_a, mother_a):
    first = (TODAY - relativedelta(months=3)).replace(day=2)
    remit(child_a, mother_a, first, "1000.50")
    remit(child_a, mother_a, first + dt.timedelta(days=1), "99.50")
    remit(child_a, mother_a, first + relativedelta(months=2), "300")
    months = months_of(child_a)
    assert months.home_currency == "CNY"
    assert months.last_on == first + relativedelta(months=2)
    assert months.monthly_cents == [30000, 0, 110000]


def test_an_amount_without_a_rate_leaves_no_months_until_its_rate_is_set(child_a, mother_a):
    day = TODAY - dt.timedelta(days=40)
    remit(child_a, mother_a, day, "100", "USD")
    assert months_of(child_a) is None  # the reader reads the records and names the rate
    services.exchange_rate_set(currency="USD", on=day - dt.timedelta(days=3), rate="7.1")
    run_worker()
    assert months_of(child_a).monthly_cents == [71000]


def test_correcting_a_rate_rewrites_the_months_it_converted(child_a, mother_a, child_b):
    day = TODAY - dt.timedelta(days=40)
    services.exchange_rate_set(currency="USD", on=day - dt.timedelta(days=10), rate="7")
    services.exchange_rate_set(currency="USD", on=day - dt.timedelta(days=1), rate="7.2")
    remit(child_a, mother_a, day, "100", "USD")
    remit(child_a, mother_a, day - dt.timedelta(days=5), "10", "USD")
    assert sum(months_of(child_a).monthly_cents) == 72000 + 7000
    services.exchange_rate_set(currency="USD", on=day - dt.timedelta(days=1), rate="6.5")
    run_worker()
    assert sum(months_of(child_a).monthly_cents) == 65000 + 7000  # the earlier: its own rate
    services.exchange_rate_set(currency="USD", on=day - dt.timedelta(days=10), rate="8")
    run_worker()
    assert sum(months_of(child_a).monthly_cents) == 65000 + 8000


def test_a_rate_change_drops_the_months_at_once_and_a_job_writes_them_again(
    child_a, mother_a, supervisor
):
    """Rewriting every household with an amount in the currency can take minutes: the request
    only deletes their months, so that until the job has run they are read from the records."""
    day = TODAY - dt.timedelta(days=40)
    services.exchange_rate_set(currency="USD", on=day - dt.timedelta(days=10), rate="7")
    remit(child_a, mother_a, day, "100", "USD")
    services.exchange_rate_set(currency="USD", on=day, rate="6", user=supervisor)
    services.exchange_rate_set(currency="USD", on=day, rate="5", user=supervisor)
    assert months_of(child_a) is None
    [job] = Job.objects.filter(kind=services.REWRITE_MONTHS)  # one queued job is enough
    assert job.created_by == supervisor and job.status == Job.Status.QUEUED
    on = TODAY
    assert alerts_for_children([child_a.pk], on).get(child_a.pk, []) == alerts_for_child(
        child_a, on=on
    )
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert months_of(child_a).monthly_cents == [50000]


def _history(rng: random.Random) -> list[RemittanceRecord]:
    start = TODAY - dt.timedelta(days=rng.randint(100, 2500))
    records, day = [], start
    while day <= TODAY:
        records.append(
            RemittanceRecord(
                day, Decimal(rng.randint(100, 400000)) / 100, rng.choice(["CNY", "USD"])
            )
        )
        day += dt.timedelta(days=rng.choice([3, 20, 30, 31, 45, 90, 400]))
    return records


@pytest.mark.parametrize("seed", range(40))
def test_the_months_give_the_records_pattern_on_any_day(seed):
    """From before the first remittance to years after the last, for a gap of 1 to 6 months."""
    rng = random.Random(seed)
    rates = RateTable(
        "CNY",
        [
            ("USD", TODAY - dt.timedelta(days=3000 - 9 * k), Decimal("7.1") + k % 7)
            for k in range(300)
        ],
    )
    records = _history(rng)
    cents = monthly_cents(monthly_totals(records, rates))
    last = max(r.received_on for r in records)
    first = min(r.received_on for r in records)
    gap = rng.randint(1, 6)
    days = [first - dt.timedelta(days=1), last, last + dt.timedelta(days=1)]
    days += [last + relativedelta(months=k, days=rng.randint(0, 27)) for k in range(0, 80, 3)]
    for on in days:
        summarised = summarised_pattern(last, cents, on=on, gap=gap)
        assert summarised == recorded_pattern(records, rates, on=on, gap=gap), on
    # A day before the last remittance: the months cannot tell what was known then.
    assert summarised_pattern(last, cents, on=last - dt.timedelta(days=1), gap=gap) is None


def test_the_command_summarises_households_whose_remittances_came_another_way(
    child_a, mother_a, child_b
):
    """Rows loaded in bulk (or a database from before the table) have no months until the
    command runs; it writes the missing, or with --all every household's."""
    day = TODAY - dt.timedelta(days=10)
    Remittance.objects.create(
        household=child_a.household,
        sender=mother_a,
        amount=Decimal("12.34"),
        currency="CNY",
        received_on=day,
        channel="bank",
        reported_by="caregiver",
    )
    assert months_of(child_a) is None
    out = io.StringIO()
    call_command("connection_remittance_months", stdout=out)
    assert months_of(child_a).monthly_cents == [1234]
    assert out.getvalue().startswith("1 households read, 1 summarised")
    RemittanceMonths.objects.filter(household=child_a.household).update(monthly_cents=[1])
    call_command("connection_remittance_months", stdout=out)
    assert months_of(child_a).monthly_cents == [1]  # not missing: left alone
    call_command("connection_remittance_months", "--all", stdout=out)
    assert months_of(child_a).monthly_cents == [1234]


def test_a_household_named_twice_is_read_once(child_a, mother_a):
    remit(child_a, mother_a, TODAY - dt.timedelta(days=3), "50")
    household = child_a.household_id
    assert len(selectors.remittances_by_household([household, household])[household]) == 1
    assert services.remittance_months_refresh([household, household]) == 1
    assert months_of(child_a).monthly_cents == [5000]
