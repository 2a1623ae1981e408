"""The alerts of a range of children (what the registry-wide screen reads) are, child by child
and day by day, the alerts of each child's page.

Remittances are read from each household's `RemittanceMonths`; on PostgreSQL the contacts of
the range are summarised by the database (`bulk.latest_contacts`, `bulk.plan_windows`),
elsewhere their records are read. Either way the answers must not differ from
`alerts_for_child`, on histories built to reach every rule: calls at the edges of days in
several time zones, plans judged over a year, visits, regular remittances that stop or fall by
half in three currencies, and an amount with no rate.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import translation

from kinlink.connection import services
from kinlink.connection.alerts import Code, alerts_for_child, alerts_for_children
from kinlink.connection.models import Remittance, RemittanceMonths
from kinlink.registry import services as registry
from kinlink.registry.derived import episodes_open_on
from kinlink.registry.models import Child, MigrationEpisode, Relationship
from tests.conftest import years_ago
from tests.jobs.conftest import run_worker

TODAY = dt.date.today()
ZONES = ["Asia/Shanghai", "Europe/London", "America/Los_Angeles", "UTC"]
DAYS = [TODAY - dt.timedelta(days=k) for k in (0, 1, 17, 45, 96, 200, 310)]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _calls(rng: random.Random, child: Child, parent, first: dt.date, last: dt.date, every: int):
    day = first
    while day <= last:
        # Late evening and just after midnight: the local day is what counts.
        moment = dt.datetime.combine(day, dt.time(rng.choice([0, 1, 12, 23]), rng.randint(0, 59)))
        zone = ZoneInfo(rng.choice(ZONES))
        services.contact_record(
            child=child,
            parent=parent,
            happened_at=moment.replace(tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(zone),
            channel="call",
            reported_by="caregiver",
        )
        day += dt.timedelta(days=max(1, every + rng.randint(-2, 2)))


def _remittances(rng: random.Random, child: Child, sender, currency: str, shape: str) -> None:
    start = (TODAY - relativedelta(months=20)).replace(day=rng.randint(1, 28))
    for month in range(20):
        day = start + relativedelta(months=month)
        if day > TODAY:
            break
        if shape == "stops" and month > 12:
            break
        if shape == "irregular" and rng.random() < 0.6:
            continue
        amount = Decimal(rng.randint(150000, 250000)) / 100
        if shape == "falls" and month > 15:
            amount = amount / 3
        services.remittance_record(
            household=child.household,
            sender=sender,
            amount=amount.quantize(Decimal("0.01")),
            currency=currency,
            received_on=day,
            channel="bank",
            reported_by="caregiver",
        )


@pytest.fixture
def children(county):
    rng = random.Random(2026)
    _weekly_rates("USD", "7.1234")
    made = []
    shapes = ["stops", "falls", "regular", "irregular", "none"]
    for n in range(14):
        child = registry.child_register(
            family_name="赵",
            given_name=f"{n}",
            sex="MF"[n % 2],
            date_of_birth=years_ago(5 + n % 9),
            home_village=county.village_a1,
        )
        parents = []
        for kind, sex in (("mother", "F"), ("father", "M")):
            if n % 5 == 4 and kind == "father":
                continue  # a father not recorded
            parent = registry.adult_add_to_child(
                child=child, kind=kind, family_name="赵", given_name=kind, sex=sex
            )
            if (n + len(parents)) % 3:
                registry.migration_record(
                    adult=parent,
                    departed_on=TODAY - dt.timedelta(days=rng.randint(20, 900)),
                    destination_country="CN",
                    destination_place="深圳",
                    purpose="work",
                    pattern="long_term",
                )
            parents.append(parent)
        for parent in parents:
            if rng.random() < 0.8:
                first = TODAY - dt.timedelta(days=rng.randint(60, 500))
                last = TODAY - dt.timedelta(days=rng.randint(0, 120))
                _calls(rng, child, parent, first, last, every=rng.choice([3, 7, 12, 25, 40]))
            if rng.random() < 0.6:
                services.contact_plan_set(
                    child=child,
                    parent=parent,
                    contacts_per_30_days=rng.randint(1, 9),
                    channel="video",
                    agreed_on=TODAY - dt.timedelta(days=rng.randint(10, 500)),
                )
            if n % 6 == 0:
                start = TODAY - dt.timedelta(days=rng.randint(5, 250))
                services.visit_record(
                    child=child,
                    parent=parent,
                    kind="home_visit",
                    started_on=start,
                    ended_on=None if n % 12 == 0 else start + dt.timedelta(days=4),
                    reported_by="caregiver",
                )
        currency = "GBP" if n == 7 else rng.choice(["CNY", "CNY", "USD", "EUR"])
        _remittances(rng, child, parents[0], currency, shapes[n % len(shapes)])
        made.append(child)
    made.append(_visited_without_a_plan(county))
    # The euro's rates come after its remittances: the households' months are written again by
    # the job the rates start.
    _weekly_rates("EUR", "7.80015")
    run_worker()
    return Child.objects.filter(pk__in=[c.pk for c in made]).order_by("pk")


def _visited_without_a_plan(county) -> Child:
    """A mother away for a year who calls nobody and has no plan, but came home for a visit
    that ended 10 days ago: the visit is her latest contact, so there is no alert (a history
    that left the visit out would count from her departure)."""
    child = registry.child_register(
        family_name="钱",
        given_name="访",
        sex="F",
        date_of_birth=years_ago(8),
        home_village=county.village_a1,
    )
    mother = registry.adult_add_to_child(
        child=child, kind="mother", family_name="钱", given_name="母", sex="F"
    )
    registry.migration_record(
        adult=mother,
        departed_on=TODAY - dt.timedelta(days=365),
        destination_country="CN",
        destination_place="东莞",
        purpose="work",
        pattern="long_term",
    )
    services.visit_record(
        child=child,
        parent=mother,
        kind="home_visit",
        started_on=TODAY - dt.timedelta(days=14),
        ended_on=TODAY - dt.timedelta(days=10),
        reported_by="caregiver",
    )
    return child


def _weekly_rates(currency: str, rate: str) -> None:
    for k in range(0, 760, 7):
        services.exchange_rate_set(
            currency=currency,
            on=TODAY - dt.timedelta(days=k),
            rate=Decimal(rate) + Decimal(k % 11) / 1000,
        )


def test_every_childs_alerts_in_a_range_are_those_of_the_childs_page(children):
    ids = list(children.values_list("pk", flat=True))
    seen = set()
    for on in DAYS:
        together = alerts_for_children(ids, on)
        for child in children:
            assert together.get(child.pk, []) == alerts_for_child(child, on=on), (child.pk, on)
        seen |= {alert.code for alerts in together.values() for alert in alerts}
    # Every household with remittances but the one in pounds (no rate) is read from its months,
    # and the histories reach every rule; otherwise the comparison would prove little.
    with_money = Remittance.objects.values("household_id").distinct().count()
    assert RemittanceMonths.objects.count() == with_money - 1
    assert not RemittanceMonths.objects.filter(household__remittances__currency="GBP").exists()
    assert seen == {
        Code.NO_CONTACT,
        Code.CONTACT_BELOW_PLAN,
        Code.REMITTANCE_STOPPED,
        Code.REMITTANCE_FELL,
        Code.NO_EXCHANGE_RATE,
    }


def test_a_chunk_answers_only_for_the_children_asked_for(children):
    ids = list(children.values_list("pk", flat=True))
    some = ids[1::2]
    together = alerts_for_children(some, TODAY)
    assert together
    assert set(together) <= set(some)


def test_parents_passed_in_by_the_caller_give_the_same_alerts(children):
    """The registry-wide screen has read the parents already and passes them on; `away` may
    name other adults too (it is read once for the whole registry)."""
    ids = list(children.values_list("pk", flat=True))
    rows = list(
        Relationship.objects.filter(
            child_id__gte=ids[0], child_id__lte=ids[-1], kind__in=Relationship.PARENT_KINDS
        ).values_list("child_id", "kind", "adult_id")
    )
    for on in DAYS[:3]:
        away = {
            episode.adult_id: episode.departed_on
            for episode in MigrationEpisode.objects.filter(
                episodes_open_on(on), adult__is_alive=True
            )
        }
        given = alerts_for_children(ids, on, parent_rows=rows, away=away)
        assert given == alerts_for_children(ids, on), on
    with pytest.raises(TypeError):
        alerts_for_children(ids, TODAY, parent_rows=rows)
