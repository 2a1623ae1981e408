"""Reads for the connection pages: a child's contact with each parent, a household's
remittances and means-test facts, the rule comparison over a user's households.

Functions taking a child or household trust that the caller fetched it through
`registry.access`; functions taking a user start from `access.households_visible_to`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from kinlink.accounts.models import User
from kinlink.connection import bulk, conf
from kinlink.connection.currency import NoExchangeRate, RateTable
from kinlink.connection.eligibility import (
    Eligibility,
    HouseholdFacts,
    MeansRecord,
    RuleDifference,
    compare_rules,
    evaluate,
)
from kinlink.connection.measures import (
    ContactRecord,
    ParentContact,
    RemittanceRecord,
    RemittanceSummary,
    VisitRecord,
    add_months,
    monthly_totals,
    months_before,
    parent_contact,
    remittance_summary,
)
from kinlink.connection.models import (
    ContactEvent,
    ContactPlan,
    ExchangeRate,
    MeansDeclaration,
    Remittance,
    RemittanceMonths,
    Visit,
)
from kinlink.connection.rules import Criterion, Programme
from kinlink.registry import hooks
from kinlink.registry.access import Group, can_read, households_visible_to
from kinlink.registry.derived import episodes_open_on, living_adults_away
from kinlink.registry.models import (
    Adult,
    CareArrangement,
    Child,
    Household,
    MigrationEpisode,
    Relationship,
)

# Contact ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParentLink:
    """A child's mother or father, whether away on the day, and their contact with the child."""

    relationship: Relationship
    adult: Adult
    away: bool
    away_since: dt.date | None
    plan: ContactPlan | None
    contact: ParentContact

    @property
    def below_plan(self) -> bool:
        share = self.contact.share_of_plan_30()
        return share is not None and share < conf.plan_share()


def parents_of(child: Child) -> list[Relationship]:
    return list(
        Relationship.objects.filter(child=child, kind__in=Relationship.PARENT_KINDS)
        .select_related("adult")
        .order_by("kind")
    )


def away_since(adults: Iterable[Adult], on: dt.date) -> dict[int, dt.date]:
    """For each living adult away on the day, the departure of the episode under way."""
    return living_adults_away(on, adult__in=[a.pk for a in adults])


def contact_records(child: Child) -> tuple[list[ContactRecord], list[VisitRecord]]:
    contacts = [
        ContactRecord(parent_id, at)
        for parent_id, at in ContactEvent.objects.filter(child=child).values_list(
            "parent_id", "happened_at"
        )
    ]
    visits = [
        VisitRecord(parent_id, started, ended)
        for parent_id, started, ended in Visit.objects.filter(child=child)
        .exclude(kind=Visit.Kind.RETURN)
        .values_list("parent_id", "started_on", "ended_on")
    ]
    return contacts, visits


def parent_links(child: Child, *, on: dt.date) -> list[ParentLink]:
    """The child's mother and father with their contact measures on the day."""
    relationships = parents_of(child)
    since = away_since([r.adult for r in relationships], on)
    plans = {p.parent_id: p for p in ContactPlan.objects.filter(child=child)}
    contacts, visits = contact_records(child)
    zone = conf.local_zone()
    links = []
    for rel in relationships:
        plan = plans.get(rel.adult_id)
        links.append(
            ParentLink(
                relationship=rel,
                adult=rel.adult,
                away=rel.adult_id in since,
                away_since=since.get(rel.adult_id),
                plan=plan,
                contact=parent_contact(
                    rel.adult_id,
                    [c for c in contacts if c.parent_id == rel.adult_id],
                    [v for v in visits if v.parent_id == rel.adult_id],
                    plan_per_30=plan.contacts_per_30_days if plan else None,
                    on=on,
                    zone=zone,
                ),
            )
        )
    return links


@dataclass(frozen=True)
class TimelineEntry:
    day: dt.date
    at: dt.datetime | None
    kind: str  # "contact" or "visit"
    record: ContactEvent | Visit


def timeline(child: Child, *, limit: int = 100) -> list[TimelineEntry]:
    """Contacts and visits, newest first, each on its local day."""
    zone = conf.local_zone()
    entries = [
        TimelineEntry(e.happened_at.astimezone(zone).date(), e.happened_at, "contact", e)
        for e in ContactEvent.objects.filter(child=child)
        .select_related("parent", "recorded_by")
        .order_by("-happened_at")[:limit]
    ]
    entries += [
        TimelineEntry(v.started_on, None, "visit", v)
        for v in Visit.objects.filter(child=child).select_related("parent", "recorded_by")[:limit]
    ]
    entries.sort(key=lambda e: (e.day, e.at.timestamp() if e.at else 0), reverse=True)
    return entries[:limit]


def connection_timeline(user: User, child: Child) -> list[hooks.TimelineEntry]:
    """Contacts, visits and returns for the child's one timeline, for users who read family
    details (nothing for others)."""
    if not can_read(user, Group.FAMILY):
        return []
    url = reverse("connection:child", args=[child.pk])
    entries = []
    for entry in timeline(child):
        record = entry.record
        parent = record.parent.full_name
        if entry.kind == "contact":
            text = _("Contact with %(parent)s: %(channel)s") % {
                "parent": parent,
                "channel": record.get_channel_display(),
            }
        else:
            text = _("%(kind)s: %(parent)s") % {"kind": record.get_kind_display(), "parent": parent}
        by = record.recorded_by.get_username() if record.recorded_by else ""
        entries.append(hooks.TimelineEntry(entry.day, "connection", text, url, by, entry.at))
    return entries


# Remittances --------------------------------------------------------------------------------


def rate_table() -> RateTable:
    """Every stored rate into the home currency (a small table: read it whole)."""
    home = conf.home_currency()
    return RateTable(
        home,
        ExchangeRate.objects.filter(home_currency=home).values_list("currency", "on", "rate"),
    )


# Ids per query when reading by a list elsewhere than on PostgreSQL: within every database's
# limit on parameters.
ID_BATCH = 5000


def id_batches(ids: Iterable[int]) -> Iterator[list[int]]:
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) == ID_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def remittance_months(household_ids: Collection[int]) -> dict[int, tuple[dt.date, list[int]]]:
    """{household: (last remittance, whole cents per month newest first)} from the households'
    `RemittanceMonths` in today's home currency; a household without one is absent."""
    home = conf.home_currency()
    if connection.vendor == "postgresql":
        rows: Iterable[tuple[int, dt.date, list[int]]] = bulk.remittance_months(household_ids, home)
    else:
        rows = (
            row
            for batch in id_batches(household_ids)
            for row in RemittanceMonths.objects.filter(
                household_id__in=batch, home_currency=home
            ).values_list("household_id", "last_on", "monthly_cents")
        )
    return {household_id: (last_on, cents) for household_id, last_on, cents in rows}


def remittances_by_household(household_ids: Collection[int]) -> dict[int, list[RemittanceRecord]]:
    """The remittance records of each of the households that has any."""
    if connection.vendor == "postgresql":
        rows: Iterable[tuple[int, dt.date, Decimal, str]] = bulk.remittance_records(household_ids)
    else:
        rows = (
            row
            for batch in id_batches(household_ids)
            for row in Remittance.objects.filter(household_id__in=batch).values_list(
                "household_id", "received_on", "amount", "currency"
            )
        )
    records: dict[int, list[RemittanceRecord]] = defaultdict(list)
    for household_id, received_on, amount, currency in rows:
        records[household_id].append(RemittanceRecord(received_on, amount, currency))
    return records


def households_with_remittances(*, missing_months: bool = False) -> list[int]:
    """Every household with a remittance, in id order; only those without `RemittanceMonths`
    in today's home currency if `missing_months`."""
    households = Remittance.objects.order_by("household_id").values_list("household_id", flat=True)
    if missing_months:
        # NOT EXISTS, not NOT IN: a NOT IN over a subquery too large to hash in memory is
        # checked row by row (more than 15 minutes for 12 million remittances).
        summarised = RemittanceMonths.objects.filter(
            household_id=OuterRef("household_id"), home_currency=conf.home_currency()
        )
        households = households.filter(~Exists(summarised))
    return list(households.distinct())


def remittance_records(household: Household) -> list[RemittanceRecord]:
    return remittances_by_household([household.pk]).get(household.pk, [])


def household_remittances(household: Household, *, on: dt.date) -> RemittanceSummary:
    """The household's remittance measures on the day; NoExchangeRate if one cannot convert."""
    return remittance_summary(
        remittance_records(household), rate_table(), on=on, band=conf.trend_band()
    )


# Means test ---------------------------------------------------------------------------------


def _members(household_ids: Sequence[int], on: dt.date) -> dict[int, tuple[int, int, int]]:
    """(children, adults at home, adults away) per household on the day."""
    children = dict(
        Child.objects.filter(household_id__in=household_ids)
        .values("household_id")
        .annotate(n=Count("pk"))
        .values_list("household_id", "n")
    )
    adults = Adult.objects.filter(household_id__in=household_ids, is_alive=True)
    away_ids = set(adults.filter(pk__in=_open_episode_adults(on)).values_list("pk", flat=True))
    at_home: dict[int, int] = defaultdict(int)
    away: dict[int, int] = defaultdict(int)
    for adult_id, household_id in adults.values_list("pk", "household_id"):
        (away if adult_id in away_ids else at_home)[household_id] += 1
    return {h: (children.get(h, 0), at_home[h], away[h]) for h in household_ids}


def _open_episode_adults(on: dt.date) -> QuerySet:
    return MigrationEpisode.objects.filter(episodes_open_on(on)).values("adult_id")


def _criteria(household_ids: Sequence[int], on: dt.date) -> dict[int, set[str]]:
    """The categorical criteria each household meets on the day, from the registry's facts."""
    met: dict[int, set[str]] = defaultdict(set)
    away_kinds: dict[tuple[int, int], set[str]] = defaultdict(set)
    rows = Relationship.objects.filter(
        child__household_id__in=household_ids,
        kind__in=Relationship.PARENT_KINDS,
        adult__is_alive=True,
        adult_id__in=_open_episode_adults(on),
    ).values_list("child__household_id", "child_id", "kind")
    for household_id, child_id, kind in rows:
        met[household_id].add(Criterion.LEFT_BEHIND_CHILD)
        away_kinds[(household_id, child_id)].add(kind)
    for (household_id, _child), kinds in away_kinds.items():
        if len(kinds) == 2:
            met[household_id].add(Criterion.BOTH_PARENTS_AWAY)
    child_headed = CareArrangement.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=on),
        child__household_id__in=household_ids,
        kind__in=CareArrangement.CHILD_HEADED,
        started_on__lte=on,
    ).values_list("child__household_id", flat=True)
    for household_id in child_headed:
        met[household_id].add(Criterion.CHILD_HEADED)
    return met


def households_facts(
    household_ids: Sequence[int], *, on: dt.date, rates: RateTable | None = None
) -> dict[int, HouseholdFacts | NoExchangeRate]:
    """The means-test facts of each household, or the conversion error that prevents them.

    A fixed number of queries whatever the number of households."""
    rates = rates or rate_table()
    # Enough history for the longest smoothing window (24 months) before the first month tested.
    since = add_months(months_before(on, 12)[0], -24)
    remittances: dict[int, list[RemittanceRecord]] = defaultdict(list)
    for household_id, received_on, amount, currency in Remittance.objects.filter(
        household_id__in=household_ids, received_on__gte=since, received_on__lte=on
    ).values_list("household_id", "received_on", "amount", "currency"):
        remittances[household_id].append(RemittanceRecord(received_on, amount, currency))
    means: dict[int, list[MeansRecord]] = defaultdict(list)
    for household_id, applies_from, other, assets in (
        MeansDeclaration.objects.filter(household_id__in=household_ids, applies_from__lte=on)
        .order_by("applies_from", "created_at")
        .values_list("household_id", "applies_from", "other_income", "assets")
    ):
        # A later declaration for the same day corrects an earlier one.
        records = means[household_id]
        if records and records[-1].applies_from == applies_from:
            records.pop()
        records.append(MeansRecord(applies_from, other, assets))
    members = _members(household_ids, on)
    criteria = _criteria(household_ids, on)
    facts: dict[int, HouseholdFacts | NoExchangeRate] = {}
    for household_id in household_ids:
        try:
            totals = monthly_totals(remittances[household_id], rates, until=on)
        except NoExchangeRate as exc:
            facts[household_id] = exc
            continue
        children, at_home, away = members[household_id]
        facts[household_id] = HouseholdFacts(
            household_id=household_id,
            children=children,
            adults_at_home=at_home,
            members_away=away,
            criteria=frozenset(criteria.get(household_id, set())),
            remittances=totals,
            means=means[household_id],
        )
    return facts


def household_facts(household: Household, *, on: dt.date) -> HouseholdFacts:
    """The household's means-test facts; NoExchangeRate if a remittance cannot be converted."""
    result = households_facts([household.pk], on=on)[household.pk]
    if isinstance(result, NoExchangeRate):
        raise result
    return result


def household_eligibility(
    household: Household,
    programmes: Sequence[Programme],
    *,
    on: dt.date,
    measure: str | None = None,
) -> list[Eligibility]:
    facts = household_facts(household, on=on)
    return [evaluate(p, facts, on=on, measure=measure) for p in programmes]


@dataclass(frozen=True)
class ComparisonRow:
    household: Household
    difference: RuleDifference | None
    problem: str = ""


@dataclass(frozen=True)
class Comparison:
    programme: Programme
    months: list[dt.date]
    dropped_by_single: list[ComparisonRow]  # dropped by a single-month rule, kept by smoothing
    dropped_by_smoothed: list[ComparisonRow]  # the reverse
    not_computed: list[ComparisonRow]
    households: int


def rule_comparison(user: User, programme: Programme, *, on: dt.date) -> Comparison:
    """Over the user's households with any remittance or declared means, where the two
    rules disagree in at least one of the 12 months tested."""
    households = list(
        households_visible_to(user)
        .filter(Q(remittances__isnull=False) | Q(means_declarations__isnull=False))
        .distinct()
        .select_related("village")
        .order_by("reference")
    )
    facts = households_facts([h.pk for h in households], on=on)
    single, smoothed, problems = [], [], []
    for household in households:
        fact = facts[household.pk]
        if isinstance(fact, NoExchangeRate):
            problems.append(ComparisonRow(household, None, str(fact)))
            continue
        difference = compare_rules(programme, fact, on=on)
        row = ComparisonRow(household, difference)
        if difference.dropped_by_single_kept_by_smoothed:
            single.append(row)
        if difference.dropped_by_smoothed_kept_by_single:
            smoothed.append(row)
    return Comparison(
        programme=programme,
        months=months_before(on, 12),
        dropped_by_single=single,
        dropped_by_smoothed=smoothed,
        not_computed=problems,
        households=len(households),
    )
