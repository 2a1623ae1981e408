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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Max
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from kinlink.connection import conf
from kinlink.connection.currency import NoExchangeRate, RateTable
from kinlink.connection.eligibility import money
from kinlink.connection.measures import (
    ContactDays,
    ContactRecord,
    RemittanceRecord,
    VisitRecord,
    mean,
    month_start,
    monthly_totals,
    months_before,
    months_since,
    series,
)
from kinlink.connection.models import ContactEvent, ContactPlan, Remittance, Visit
from kinlink.connection.selectors import (
    away_since,
    contact_records,
    parents_of,
    rate_table,
    remittance_records,
)
from kinlink.core.dates import today
from kinlink.registry.derived import episodes_open_on
from kinlink.registry.models import Child, Household, MigrationEpisode, Relationship


class Code:
    NO_CONTACT = "no_contact"
    CONTACT_BELOW_PLAN = "contact_below_plan"
    REMITTANCE_STOPPED = "remittance_stopped"
    REMITTANCE_FELL = "remittance_fell"
    NO_EXCHANGE_RATE = "no_exchange_rate"


@dataclass(frozen=True)
class Alert:
    """`text` is an untranslated msgid and `params` its values (numbers, dates, amounts already
    written with their currency), so a reader gets `message` in her own language and the
    screen can store the evidence untranslated. Messages name a relationship, never a person."""

    code: str
    text: str
    params: dict[str, Any]
    since: dt.date

    @property
    def message(self) -> str:
        shown = {k: _day(v) if isinstance(v, dt.date) else v for k, v in self.params.items()}
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


def alerts_for_children(child_ids: Sequence[int], on: dt.date) -> dict[int, list[Alert]]:
    """`alerts_for_child` for many children (a chunk of ids, as the registry-wide screen passes)
    with one query per table instead of several per child: each query reads the id range, an
    index range scan, and keeps the ids asked for. Children with no alert are absent."""
    wanted = set(child_ids)
    if not wanted:
        return {}
    low, high = min(wanted), max(wanted)
    in_range = {"child_id__gte": low, "child_id__lte": high}
    parents: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for child_id, adult_id, kind in Relationship.objects.filter(
        **in_range, kind__in=Relationship.PARENT_KINDS
    ).values_list("child_id", "adult_id", "kind"):
        if child_id in wanted:
            parents[child_id].append((adult_id, kind))
    away: dict[int, dt.date] = {}
    for adult_id, departed in MigrationEpisode.objects.filter(
        episodes_open_on(on),
        adult__is_alive=True,
        adult__relationships__child_id__gte=low,
        adult__relationships__child_id__lte=high,
        adult__relationships__kind__in=Relationship.PARENT_KINDS,
    ).values_list("adult_id", "departed_on"):
        if adult_id not in away or departed < away[adult_id]:
            away[adult_id] = departed
    plans: dict[int, dict[int, tuple[int, dt.date]]] = defaultdict(dict)
    for child_id, parent_id, per_30, agreed_on in ContactPlan.objects.filter(
        **in_range
    ).values_list("child_id", "parent_id", "contacts_per_30_days", "agreed_on"):
        plans[child_id][parent_id] = (per_30, agreed_on)
    contacts = _contacts_for_alerts(in_range, on, with_plan=plans.keys())
    visits: dict[int, list[VisitRecord]] = defaultdict(list)
    for child_id, parent_id, started, ended in (
        Visit.objects.filter(**in_range)
        .exclude(kind=Visit.Kind.RETURN)
        .values_list("child_id", "parent_id", "started_on", "ended_on")
    ):
        visits[child_id].append(VisitRecord(parent_id, started, ended))
    children = Child.objects.filter(pk__gte=low, pk__lte=high).exclude(household_id=None)
    households = {
        pk: household_id
        for pk, household_id in children.values_list("pk", "household_id")
        if pk in wanted
    }
    remittances: dict[int, list[RemittanceRecord]] = defaultdict(list)
    for household_id, received_on, amount, currency in Remittance.objects.filter(
        household_id__in=children.values("household_id")
    ).values_list("household_id", "received_on", "amount", "currency"):
        remittances[household_id].append(RemittanceRecord(received_on, amount, currency))
    rates = rate_table() if remittances else None

    answer: dict[int, list[Alert]] = {}
    household_alerts: dict[int, list[Alert]] = {}
    watched = {c for c, rels in parents.items() if any(a in away for a, _kind in rels)}
    watched |= {c for c, h in households.items() if h in remittances}
    for child_id in watched:
        alerts = contact_alerts(
            relationships=parents.get(child_id, []),
            away=away,
            contacts=contacts.get(child_id, []),
            visits=visits.get(child_id, []),
            plans=plans.get(child_id, {}),
            on=on,
        )
        household_id = households.get(child_id)
        if household_id in remittances:
            if household_id not in household_alerts:  # siblings share their household's
                household_alerts[household_id] = remittance_alerts(
                    remittances[household_id], rates, on=on
                )
            alerts = alerts + household_alerts[household_id]
        if alerts:
            answer[child_id] = sorted(alerts, key=lambda a: (a.since, a.code))
    return answer


# How far back a contact plan is judged: a year of days, each the end of a 30-day window.
PLAN_LOOKBACK_DAYS = 365 + 30


def _contacts_for_alerts(
    in_range: dict[str, int], on: dt.date, *, with_plan: Iterable[int]
) -> dict[int, list[ContactRecord]]:
    """The contact records `contact_alerts` needs, read for a range of children without
    bringing every call of every child into Python (twenty a child add up to a million rows
    for a chunk of fifty thousand): the latest contact with each parent up to the day, counted
    in the database; and, for the few children with a contact plan, each contact of the year
    the plan is judged over."""
    zone = conf.local_zone()
    day_after = dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    window_start = dt.datetime.combine(
        on - dt.timedelta(days=PLAN_LOOKBACK_DAYS), dt.time.min, tzinfo=zone
    )
    planned = set(with_plan)
    contacts: dict[int, list[ContactRecord]] = defaultdict(list)
    latest = (
        ContactEvent.objects.filter(**in_range, happened_at__lt=day_after)
        .order_by()
        .values("child_id", "parent_id")
        .annotate(last=Max("happened_at"))
        .values_list("child_id", "parent_id", "last")
    )
    for child_id, parent_id, last in latest:
        # A plan's children get their contacts of the year below: add the latest only when it
        # is older, so that no contact is counted twice in a window.
        if child_id not in planned or last < window_start:
            contacts[child_id].append(ContactRecord(parent_id, last))
    if planned:
        for child_id, parent_id, at in ContactEvent.objects.filter(
            **in_range,
            child_id__in=planned,
            happened_at__gte=window_start,
            happened_at__lt=day_after,
        ).values_list("child_id", "parent_id", "happened_at"):
            contacts[child_id].append(ContactRecord(parent_id, at))
    return contacts


def _day(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _relation_word(kind: str) -> str:
    return _("the mother") if kind == Relationship.Kind.MOTHER else _("the father")


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
    alerts: list[Alert] = []
    away_parents = [(pid, kind) for pid, kind in relationships if pid in away]
    if not away_parents:
        return alerts  # both parents at home (or not recorded): nothing to watch
    threshold = conf.no_contact_days()
    by_parent = {
        pid: ContactDays(
            [c for c in contacts if c.parent_id == pid],
            [v for v in visits if v.parent_id == pid],
            zone,
        )
        for pid, _kind in away_parents
    }
    last_days = {pid: days.last_day(on) for pid, days in by_parent.items()}
    known = [d for d in last_days.values() if d is not None]
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

    share = conf.plan_share()
    for pid, kind in away_parents:
        if pid not in plans:
            continue
        per_30, agreed_on = plans[pid]
        days = by_parent[pid]
        enough = share * per_30

        def below(day: dt.date, days: ContactDays = days, enough: Decimal = enough) -> bool:
            return Decimal(days.in_window(day, 30)) < enough

        # The plan must have covered a whole 30-day window before it can be missed.
        first_day = agreed_on + dt.timedelta(days=29)
        if on < first_day or not below(on):
            continue
        since = on
        earliest = max(first_day, on - dt.timedelta(days=365))  # a year back is enough to tell
        while since > earliest and below(since - dt.timedelta(days=1)):
            since -= dt.timedelta(days=1)
        made = days.in_window(on, 30)
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
        totals = monthly_totals(records, rates, until=on)
    except NoExchangeRate as exc:
        return [Alert(Code.NO_EXCHANGE_RATE, "%(reason)s", {"reason": str(exc)}, exc.on)]
    if not totals:
        return []
    regular = conf.regular_share()
    gap = conf.remittance_gap_months()
    last = max(r.received_on for r in records if r.received_on <= on)
    # Regular before it stopped: remittances in enough of the 12 months up to the last one.
    before_last = [month_start(last) - relativedelta(months=k) for k in range(12)]
    regular_before = sum(1 for m in before_last if totals.get(m, 0) > 0) >= regular * 12
    stopped_on = last + relativedelta(months=gap)
    if regular_before and stopped_on <= on:
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

    recent_months = months_before(on, gap)
    baseline_months = months_before(recent_months[0], 12)
    recent = mean(series(totals, recent_months))
    baseline_values = series(totals, baseline_months)
    baseline = mean(baseline_values)
    baseline_regular = sum(1 for v in baseline_values if v > 0) >= regular * 12
    if baseline_regular and baseline > 0 and recent < conf.fall_share() * baseline:
        return [
            Alert(
                Code.REMITTANCE_FELL,
                N_(
                    "Remittances fell by more than half: %(recent)s a month over the last "
                    "%(n)d months against %(before)s a month in the year before."
                ),
                {
                    "recent": money(recent, rates.home),
                    "n": gap,
                    "before": money(baseline, rates.home),
                },
                recent_months[0],
            )
        ]
    return []
