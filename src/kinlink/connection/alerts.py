"""Alerts about a child's contact with parents and the household's remittances.

Published for other apps: `alerts_for_child(child, on=day)` is what the assessment screen
and the caseworker's work page call; `alerts_for_children(child_ids, on=day)` gives the same
alerts for many children with a few queries (the registry-wide screen); they need nothing else
from this app. Everything is
evaluated against the day given, never the wall clock, so tests (and a caseworker looking
back) can move the clock.

- `no_contact`: no contact with any parent who is away for `KINLINK_NO_CONTACT_DAYS` (30).
- `contact_below_plan`: a parent away made fewer than half the agreed contacts in the last
  30 days (the plan must have been in force for those 30 days).
- `remittance_stopped`: no remittance for 3 months after a regular pattern (a remittance in at
  least half of the 12 months up to the last one).
- `remittance_fell`: the last 3 complete months average less than half the regular 12 months
  before them.

`since` is the day the condition became true: a work page sorts by it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Max
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from kinlink.connection import bulk, conf
from kinlink.connection.currency import NoExchangeRate, RateTable
from kinlink.connection.measures import (
    ContactDays,
    ContactRecord,
    RemittancePattern,
    RemittanceRecord,
    VisitRecord,
    add_months,
    mean_of,
    months_since,
    recorded_pattern,
    summarised_pattern,
)
from kinlink.connection.models import (
    ContactEvent,
    ContactPlan,
    Visit,
)
from kinlink.connection.selectors import (
    away_since,
    contact_records,
    parents_of,
    rate_table,
    remittance_months,
    remittance_records,
    remittances_by_household,
)
from kinlink.core import amounts
from kinlink.core.dates import today
from kinlink.registry.derived import living_adults_away
from kinlink.registry.models import Child, Household, Relationship


class Code:
    NO_CONTACT = "no_contact"
    CONTACT_BELOW_PLAN = "contact_below_plan"
    REMITTANCE_STOPPED = "remittance_stopped"
    REMITTANCE_FELL = "remittance_fell"
    NO_EXCHANGE_RATE = "no_exchange_rate"


@dataclass(frozen=True)
class Alert:
    """`text` is an untranslated msgid and `params` its values (numbers, dates, amounts as
    `amounts.stored`), so a reader gets `message` in her own language and the
    screen can store the evidence untranslated. Messages name a relationship, never a person."""

    code: str
    text: str
    params: dict[str, Any]
    since: dt.date

    @property
    def message(self) -> str:
        shown = {
            k: _day(v) if isinstance(v, dt.date) else amounts.shown(v)
            for k, v in self.params.items()
        }
        if "parent" in shown:  # a relationship kind, named in the reader's language
            shown["parent"] = _relation_word(shown["parent"])
        return _(self.text) % shown

    def evidence_params(self) -> dict[str, Any]:
        """The params as JSON-safe values (dates in ISO form)."""
        return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in self.params.items()}


def alerts_for_child(child: Child, on: dt.date | None = None) -> list[Alert]:
    """Every connection alert standing for the child on the day, oldest first."""
    on = on or today()
    relationships = parents_of(child)
    adults = [r.adult for r in relationships]
    away = away_since(adults, on)
    contacts, visits = contact_records(child)
    plans = {
        p.parent_id: (p.contacts_per_30_days, p.agreed_on)
        for p in ContactPlan.objects.filter(child=child)
    }
    alerts = contact_alerts(
        relationships=[(r.adult_id, r.kind) for r in relationships],
        away=away,
        contacts=contacts,
        visits=visits,
        plans=plans,
        on=on,
    )
    if child.household_id is not None:
        household = Household.objects.get(pk=child.household_id)
        alerts += remittance_alerts(remittance_records(household), rate_table(), on=on)
    return sorted(alerts, key=lambda a: (a.since, a.code))


def alerts_for_children(
    child_ids: Sequence[int],
    on: dt.date,
    *,
    parent_rows: Iterable[tuple[int, str, int]] | None = None,
    away: Mapping[int, dt.date] | None = None,
) -> dict[int, list[Alert]]:
    """`alerts_for_child` for many children (a chunk of ids, as the registry-wide screen passes)
    with a few queries instead of several per child: each reads the id range, an index range
    scan, and keeps the ids asked for. Children with no alert are absent.

    A caller that has read the parents already passes them, so that they are not read twice:
    `parent_rows` (child, kind, adult) for every mother and father of the id range, and `away`,
    each living adult away on the day with the departure of the episode under way (it may hold
    other adults too).

    Remittances come from each household's `RemittanceMonths` (one row, kept by the services).
    On PostgreSQL the database summarises the contacts (`bulk.py`): the latest contact with
    each parent, each plan's windows; elsewhere the contact records of the range are read.
    Only the rare child whose history the summaries cannot decide (a visit within the year a
    plan of the visiting parent is judged over, an amount without an exchange rate) has its
    records read, and every child goes through the same rules as the child's page."""
    wanted = set(child_ids)
    if not wanted:
        return {}
    low, high = min(wanted), max(wanted)
    in_range = {"child_id__gte": low, "child_id__lte": high}
    if (parent_rows is None) != (away is None):
        raise TypeError("pass both parent_rows and away, or neither")
    if parent_rows is None or away is None:
        parent_rows = Relationship.objects.filter(
            **in_range, kind__in=Relationship.PARENT_KINDS
        ).values_list("child_id", "kind", "adult_id")
        away = living_adults_away(
            on,
            adult__relationships__child_id__gte=low,
            adult__relationships__child_id__lte=high,
            adult__relationships__kind__in=Relationship.PARENT_KINDS,
        )
    parents: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for child_id, kind, adult_id in parent_rows:
        if child_id in wanted:
            parents[child_id].append((adult_id, kind))
    plans: dict[int, dict[int, tuple[int, dt.date]]] = defaultdict(dict)
    for child_id, parent_id, per_30, agreed_on in ContactPlan.objects.filter(
        **in_range
    ).values_list("child_id", "parent_id", "contacts_per_30_days", "agreed_on"):
        plans[child_id][parent_id] = (per_30, agreed_on)
    visits: dict[int, list[VisitRecord]] = defaultdict(list)
    for child_id, parent_id, started, ended in (
        Visit.objects.filter(**in_range)
        .exclude(kind=Visit.Kind.RETURN)
        .values_list("child_id", "parent_id", "started_on", "ended_on")
    ):
        visits[child_id].append(VisitRecord(parent_id, started, ended))
    watched = {c for c, rels in parents.items() if any(a in away for a, _kind in rels)}
    if connection.vendor == "postgresql":
        histories = _summarised_histories(low, high, on, visits, plans)
    else:
        histories = _read_histories(in_range, on, visits, planned=plans.keys())
    household_of, household_alerts = _household_alerts(low, high, wanted, on)
    watched |= set(household_of)

    answer: dict[int, list[Alert]] = {}
    for child_id in watched:
        away_parents = [(pid, kind) for pid, kind in parents.get(child_id, []) if pid in away]
        alerts = _contact_alerts(
            away_parents,
            away,
            {pid: histories(child_id, pid) for pid, _kind in away_parents},
            plans.get(child_id, {}),
            on,
        )
        alerts += household_alerts.get(household_of.get(child_id), [])
        if alerts:
            answer[child_id] = sorted(alerts, key=lambda a: (a.since, a.code))
    return answer


# How far back a contact plan is judged: a year of days, each the end of a 30-day window.
PLAN_LOOKBACK_DAYS = 365 + 30

History = Callable[[int, int], "ContactHistory"]


def _year_of_contacts(
    in_range: dict[str, int], on: dt.date, children: Iterable[int]
) -> tuple[dt.datetime, dict[int, list[ContactRecord]]]:
    """Every contact of the year a plan is judged over, for the given children."""
    zone = conf.local_zone()
    window_start = dt.datetime.combine(
        on - dt.timedelta(days=PLAN_LOOKBACK_DAYS), dt.time.min, tzinfo=zone
    )
    day_after = dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    contacts: dict[int, list[ContactRecord]] = defaultdict(list)
    if children:
        for child_id, parent_id, at in ContactEvent.objects.filter(
            **in_range,
            child_id__in=children,
            happened_at__gte=window_start,
            happened_at__lt=day_after,
        ).values_list("child_id", "parent_id", "happened_at"):
            contacts[child_id].append(ContactRecord(parent_id, at))
    return window_start, contacts


def _read_histories(
    in_range: dict[str, int],
    on: dt.date,
    visits: dict[int, list[VisitRecord]],
    *,
    planned: Iterable[int],
    only: Iterable[int] | None = None,
) -> History:
    """Contact histories read from the records: the latest contact with each parent up to the
    day, counted in the database; and, for the children with a contact plan, each contact of
    the year the plan is judged over (twenty calls a child add up to a million rows for a
    chunk of fifty thousand, so not for every child). `only` limits the reading to some
    children of the range."""
    zone = conf.local_zone()
    day_after = dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    window_start, contacts = _year_of_contacts(in_range, on, set(planned))
    events = ContactEvent.objects.filter(**in_range, happened_at__lt=day_after)
    if only is not None:
        events = events.filter(child_id__in=list(only))
    latest = (
        events.order_by()
        .values("child_id", "parent_id")
        .annotate(last=Max("happened_at"))
        .values_list("child_id", "parent_id", "last")
    )
    for child_id, parent_id, last in latest:
        # A plan's children have their contacts of the year already: add the latest only when
        # it is older, so that no contact is counted twice in a window.
        if child_id not in contacts or last < window_start:
            contacts[child_id].append(ContactRecord(parent_id, last))
    return _logged(contacts, visits, zone)


def _logged(
    contacts: dict[int, list[ContactRecord]], visits: dict[int, list[VisitRecord]], zone: Any
) -> History:
    def history(child_id: int, parent_id: int) -> ContactHistory:
        return Logged.of(parent_id, contacts.get(child_id, ()), visits.get(child_id, ()), zone)

    return history


def _summarised_histories(
    low: int,
    high: int,
    on: dt.date,
    visits: dict[int, list[VisitRecord]],
    plans: Mapping[int, Mapping[int, tuple[int, dt.date]]],
) -> History:
    """Contact histories summarised by the database (`bulk.latest_contacts`,
    `bulk.plan_windows`). A visit is a contact on each of its days: the latest day takes it in
    here. It also counts once in each 30-day window it overlaps, which the plan windows leave
    out, so a child with a plan with a parent who visited within the year a plan is judged
    over has his or her records read instead."""
    latest = {(c, p): day for c, p, day in bulk.latest_contacts(low, high, on)}
    windows = {
        (c, p): (made, last_enough)
        for c, p, made, last_enough in bulk.plan_windows(low, high, on, lookback=PLAN_LOOKBACK_DAYS)
    }
    judged_from = on - dt.timedelta(days=PLAN_LOOKBACK_DAYS)
    read = {
        child_id
        for child_id, child_visits in visits.items()
        if any(
            v.parent_id in plans.get(child_id, {})
            and v.started_on <= on
            and (v.ended_on or on) >= judged_from
            for v in child_visits
        )
    }
    visited = _read_histories(
        {"child_id__gte": low, "child_id__lte": high}, on, visits, planned=read, only=read
    )

    def history(child_id: int, parent_id: int) -> ContactHistory:
        if child_id in read:
            return visited(child_id, parent_id)
        last = latest.get((child_id, parent_id))
        for visit in visits.get(child_id, ()):
            if visit.parent_id == parent_id and visit.started_on <= on:
                day = min(visit.ended_on or on, on)
                last = day if last is None or day > last else last
        made, last_enough = windows.get((child_id, parent_id), (0, None))
        return Summarised(last, made, last_enough)

    return history


def _households_of(low: int, high: int, wanted: set[int]) -> dict[int, int]:
    """The household of each child asked for that has one."""
    return {
        pk: household_id
        for pk, household_id in Child.objects.filter(pk__gte=low, pk__lte=high)
        .exclude(household_id=None)
        .values_list("pk", "household_id")
        if pk in wanted
    }


def _household_alerts(
    low: int, high: int, wanted: set[int], on: dt.date
) -> tuple[dict[int, int], dict[int, list[Alert]]]:
    """Each child's household that has alerts or remittances, and each household's alerts. A
    household's `RemittanceMonths` stands in for its records where it can
    (`measures.summarised_pattern`); the others (an amount without an exchange rate, whose
    alert names the missing rate; a remittance after the day; months not written yet) have
    their records read, and both go through the same rules."""
    household_of = _households_of(low, high, wanted)
    households = set(household_of.values())
    home, thresholds = conf.home_currency(), RemittanceThresholds.from_settings()
    alerts: dict[int, list[Alert]] = {}
    for household_id, (last_on, cents) in remittance_months(households).items():
        pattern = summarised_pattern(last_on, cents, on=on, gap=thresholds.gap)
        if pattern is not None:
            alerts[household_id] = remittance_rule(pattern, on=on, home=home, thresholds=thresholds)
    records = remittances_by_household(households - alerts.keys())
    if records:
        rates = rate_table()
        for household_id, household_records in records.items():
            alerts[household_id] = remittance_alerts(household_records, rates, on=on)
    return {pk: h for pk, h in household_of.items() if h in alerts}, alerts


def _day(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _relation_word(kind: str) -> str:
    return _("the mother") if kind == Relationship.Kind.MOTHER else _("the father")


class ContactHistory(Protocol):
    """One parent's contact with one child, as the alert rules ask about it."""

    def last_day(self, on: dt.date) -> dt.date | None:
        """The latest local day, up to `on`, with a contact or a day of a visit."""

    def below_plan(
        self, per_30: int, agreed_on: dt.date, on: dt.date
    ) -> tuple[int, dt.date] | None:
        """Contacts in the 30 days up to `on` and the day they fell below half the plan, if
        they are below it on `on` (a plan must have covered a whole 30-day window)."""


def _judged_from(agreed_on: dt.date, on: dt.date) -> tuple[dt.date, dt.date]:
    """The first day a plan can be missed (it must have covered a whole 30-day window), and
    the earliest day an alert on `on` can date from (a year back is enough to tell)."""
    first_day = agreed_on + dt.timedelta(days=29)
    return first_day, max(first_day, on - dt.timedelta(days=365))


@dataclass(frozen=True)
class Logged:
    """A history from its records: the plan is judged on each day of up to a year."""

    days: ContactDays

    @classmethod
    def of(
        cls,
        parent_id: int,
        contacts: Iterable[ContactRecord],
        visits: Iterable[VisitRecord],
        zone: Any,
    ) -> Logged:
        """The history with one parent, from a child's records with all parents."""
        return cls(
            ContactDays(
                [c for c in contacts if c.parent_id == parent_id],
                [v for v in visits if v.parent_id == parent_id],
                zone,
            )
        )

    def last_day(self, on: dt.date) -> dt.date | None:
        return self.days.last_day(on)

    def below_plan(
        self, per_30: int, agreed_on: dt.date, on: dt.date
    ) -> tuple[int, dt.date] | None:
        enough = conf.plan_share() * per_30

        def below(day: dt.date) -> bool:
            return Decimal(self.days.in_window(day, 30)) < enough

        first_day, earliest = _judged_from(agreed_on, on)
        if on < first_day or not below(on):
            return None
        since = on
        while since > earliest and below(since - dt.timedelta(days=1)):
            since -= dt.timedelta(days=1)
        return self.days.in_window(on, 30), since


@dataclass(frozen=True)
class Summarised:
    """A history as the database summarised it (`bulk.latest_contacts`, `bulk.plan_windows`),
    with the days of visits in `last`: the same answers as `Logged` where no visit falls in a
    plan's windows (`_summarised_histories` reads the records of the others)."""

    last: dt.date | None
    made: int  # contacts in the 30 days up to `on` (counted for a plan only)
    last_enough: dt.date | None  # the latest day before `on` with enough contacts

    def last_day(self, on: dt.date) -> dt.date | None:
        return self.last

    def below_plan(
        self, per_30: int, agreed_on: dt.date, on: dt.date
    ) -> tuple[int, dt.date] | None:
        first_day, earliest = _judged_from(agreed_on, on)
        if on < first_day or Decimal(self.made) >= conf.plan_share() * per_30:
            return None
        after_enough = self.last_enough + dt.timedelta(days=1) if self.last_enough else earliest
        return self.made, max(earliest, after_enough)


def contact_alerts(
    *,
    relationships: list[tuple[int, str]],
    away: dict[int, dt.date],
    contacts: list[ContactRecord],
    visits: list[VisitRecord],
    plans: dict[int, tuple[int, dt.date]],
    on: dt.date,
) -> list[Alert]:
    """Alerts from a child's contact records; `away` maps each parent away to the departure."""
    zone = conf.local_zone()
    away_parents = [(pid, kind) for pid, kind in relationships if pid in away]
    histories: dict[int, ContactHistory] = {
        pid: Logged.of(pid, contacts, visits, zone) for pid, _kind in away_parents
    }
    return _contact_alerts(away_parents, away, histories, plans, on)


def _contact_alerts(
    away_parents: list[tuple[int, str]],
    away: Mapping[int, dt.date],
    histories: dict[int, ContactHistory],
    plans: dict[int, tuple[int, dt.date]],
    on: dt.date,
) -> list[Alert]:
    """The contact rules, whichever way the histories were read."""
    alerts: list[Alert] = []
    if not away_parents:
        return alerts  # both parents at home (or not recorded): nothing to watch
    threshold = conf.no_contact_days()
    known = [d for pid, _kind in away_parents if (d := histories[pid].last_day(on)) is not None]
    if known:
        last = max(known)
        if (on - last).days >= threshold:
            alerts.append(
                Alert(
                    Code.NO_CONTACT,
                    N_("No contact with a parent working away for %(days)d days (since %(date)s)."),
                    {"days": (on - last).days, "date": last},
                    last + dt.timedelta(days=threshold),
                )
            )
    else:
        # Nothing recorded: count from the latest departure, when the child's need began.
        departed = max(away[pid] for pid, _kind in away_parents)
        if (on - departed).days >= threshold:
            alerts.append(
                Alert(
                    Code.NO_CONTACT,
                    N_(
                        "No contact with a parent working away has been recorded since "
                        "the departure on %(date)s (%(days)d days)."
                    ),
                    {"date": departed, "days": (on - departed).days},
                    departed + dt.timedelta(days=threshold),
                )
            )

    for pid, kind in away_parents:
        if pid not in plans:
            continue
        per_30, agreed_on = plans[pid]
        judged = histories[pid].below_plan(per_30, agreed_on, on)
        if judged is None:
            continue
        made, since = judged
        alerts.append(
            Alert(
                Code.CONTACT_BELOW_PLAN,
                N_(
                    "Contact with %(parent)s is below half the plan: %(made)d in the last 30 "
                    "days against %(planned)d agreed."
                ),
                {"parent": kind, "made": made, "planned": per_30},
                since,
            )
        )
    return alerts


def remittance_alerts(
    records: list[RemittanceRecord], rates: RateTable, *, on: dt.date
) -> list[Alert]:
    """Alerts from a household's remittances."""
    try:
        pattern = recorded_pattern(records, rates, on=on, gap=conf.remittance_gap_months())
    except NoExchangeRate as exc:
        return [Alert(Code.NO_EXCHANGE_RATE, "%(reason)s", {"reason": str(exc)}, exc.on)]
    if pattern is None:
        return []
    return remittance_rule(pattern, on=on, home=rates.home)


@dataclass(frozen=True)
class RemittanceThresholds:
    """The settings the remittance rules use, read once for many households."""

    regular_months: Decimal  # months with money, of 12, that make a pattern regular
    gap: int  # months without money after a regular pattern before "stopped"
    fall_share: Decimal  # recent average below this share of the baseline: "fell"

    @classmethod
    def from_settings(cls) -> RemittanceThresholds:
        return cls(conf.regular_share() * 12, conf.remittance_gap_months(), conf.fall_share())


def remittance_rule(
    pattern: RemittancePattern,
    *,
    on: dt.date,
    home: str,
    thresholds: RemittanceThresholds | None = None,
) -> list[Alert]:
    """The remittance rules, whichever way the pattern was measured."""
    limits = thresholds or RemittanceThresholds.from_settings()
    regular, gap = limits.regular_months, limits.gap
    last = pattern.last
    # Regular before it stopped: remittances in enough of the 12 months up to the last one.
    # A month has at least 28 days: a last remittance fewer than 28 days a month ago cannot
    # have stopped yet (the month arithmetic is left for the few that may).
    if pattern.months_with_before_last >= regular and (on - last).days >= 28 * gap:
        stopped_on = last + relativedelta(months=gap)
        if stopped_on <= on:
            return [
                Alert(
                    Code.REMITTANCE_STOPPED,
                    N_(
                        "No remittance since %(date)s, after remittances came regularly: "
                        "%(months)d months without one."
                    ),
                    {"date": last, "months": months_since(last, on) or 0},
                    stopped_on,
                )
            ]

    recent = mean_of(pattern.recent_total, gap)
    baseline = mean_of(pattern.baseline_total, 12)
    baseline_regular = pattern.baseline_months_with >= regular
    if baseline_regular and baseline > 0 and recent < limits.fall_share * baseline:
        return [
            Alert(
                Code.REMITTANCE_FELL,
                N_(
                    "Remittances fell by more than half: %(recent)s a month over the last "
                    "%(n)d months against %(before)s a month in the year before."
                ),
                {
                    "recent": amounts.stored(recent, home),
                    "n": gap,
                    "before": amounts.stored(baseline, home),
                },
                add_months(on, -gap),
            )
        ]
    return []
