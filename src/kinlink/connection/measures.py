"""Derived measures of contact and remittances, as plain functions of plain records.

Nothing here reads the database or the clock: callers pass the records, the day `on` that
counts as today and the zone whose calendar days count. The same definitions run set-based
in SQL in `bulk.py`; tests hold the two to the same answers.

Definitions (docs/connection.md explains the choices):
- A contact's day is its local calendar day in settings.TIME_ZONE. A visit in person is
  contact on each of its days (an open one continues to `on`) and counts as one contact in a
  window it overlaps. Records after `on` are ignored, so the clock can be moved back.
- "Last 30 days" is `on` and the 29 days before it.
- Remittance months are calendar months. Averages, regularity and trend use the complete
  months before the month of `on` (the current month is not over), and a month with no
  remittance counts as zero.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from operator import attrgetter
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils.translation import gettext_lazy as _

from kinlink.connection.currency import CENT, RateTable

# Contact ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactRecord:
    parent_id: int
    at: dt.datetime  # aware


@dataclass(frozen=True)
class VisitRecord:
    parent_id: int
    started_on: dt.date
    ended_on: dt.date | None  # None: still under way


def local_day(at: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The calendar day of an aware moment in the given zone."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("contact times must be timezone-aware")
    return at.astimezone(zone).date()


class ContactDays:
    """One child's contacts with one parent (or several) as sorted local days, so that many
    windows can be counted cheaply: a plan is judged on each of up to a year of days, and the
    registry-wide screen does that for every child with a plan."""

    def __init__(
        self, contacts: Iterable[ContactRecord], visits: Iterable[VisitRecord], zone: ZoneInfo
    ) -> None:
        self.days = sorted(local_day(c.at, zone) for c in contacts)
        self.visits = [(v.started_on, v.ended_on) for v in visits]

    def last_day(self, on: dt.date) -> dt.date | None:
        """The latest local day, up to `on`, with a contact or a day of a visit."""
        index = bisect.bisect_right(self.days, on)
        days = [self.days[index - 1]] if index else []
        days += [min(ended or on, on) for started, ended in self.visits if started <= on]
        return max(days, default=None)

    def in_window(self, on: dt.date, days: int) -> int:
        """Contacts on `on` and the `days - 1` days before; a visit overlapping them counts
        once."""
        first = on - dt.timedelta(days=days - 1)
        count = bisect.bisect_right(self.days, on) - bisect.bisect_left(self.days, first)
        count += sum(
            1 for started, ended in self.visits if started <= on and (ended or on) >= first
        )
        return count


def last_contact_day(
    contacts: Iterable[ContactRecord], visits: Iterable[VisitRecord], *, on: dt.date, zone: ZoneInfo
) -> dt.date | None:
    """The latest local day, up to `on`, with a contact or a day of a visit."""
    return ContactDays(contacts, visits, zone).last_day(on)


def days_since(day: dt.date | None, on: dt.date) -> int | None:
    return None if day is None else (on - day).days


def contacts_in_window(
    contacts: Iterable[ContactRecord],
    visits: Iterable[VisitRecord],
    *,
    on: dt.date,
    days: int,
    zone: ZoneInfo,
) -> int:
    """Contacts on `on` and the `days - 1` days before; a visit overlapping them counts once."""
    return ContactDays(contacts, visits, zone).in_window(on, days)


@dataclass(frozen=True)
class ParentContact:
    """One parent's contact with one child, on a day."""

    parent_id: int
    last_day: dt.date | None
    days_since_last: int | None
    last_30: int
    last_90: int
    plan_per_30: int | None

    @property
    def expected_30(self) -> int | None:
        return self.plan_per_30

    @property
    def expected_90(self) -> int | None:
        return None if self.plan_per_30 is None else self.plan_per_30 * 3

    def share_of_plan_30(self) -> Decimal | None:
        if not self.plan_per_30:
            return None
        return Decimal(self.last_30) / Decimal(self.plan_per_30)


def parent_contact(
    parent_id: int,
    contacts: Sequence[ContactRecord],
    visits: Sequence[VisitRecord],
    *,
    plan_per_30: int | None,
    on: dt.date,
    zone: ZoneInfo,
) -> ParentContact:
    """The contact measures of one parent; the records are that parent's only."""
    last = last_contact_day(contacts, visits, on=on, zone=zone)
    return ParentContact(
        parent_id=parent_id,
        last_day=last,
        days_since_last=days_since(last, on),
        last_30=contacts_in_window(contacts, visits, on=on, days=30, zone=zone),
        last_90=contacts_in_window(contacts, visits, on=on, days=90, zone=zone),
        plan_per_30=plan_per_30,
    )


# Remittances --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemittanceRecord:
    received_on: dt.date
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class RemittancePattern:
    """What the remittance rules decide on, in the home currency, however it was measured
    (from the records, or from the household's `RemittanceMonths`: `summarised_pattern`)."""

    last: dt.date  # the last remittance up to the day
    months_with_before_last: int  # months with money in the 12 up to the last one's
    recent_total: Decimal  # received in the `gap` complete months before the day's month
    baseline_total: Decimal  # received in the 12 months before those
    baseline_months_with: int  # months with money among those 12


def recorded_pattern(
    records: Iterable[RemittanceRecord], rates: RateTable, *, on: dt.date, gap: int
) -> RemittancePattern | None:
    """The pattern the rules decide on, from the records up to the day; None without any;
    NoExchangeRate if an amount up to the day cannot be converted."""
    records = list(records)
    totals = monthly_totals(records, rates, until=on)
    if not totals:
        return None
    last = max(r.received_on for r in records if r.received_on <= on)
    before_last = [add_months(last, -k) for k in range(12)]
    recent_months = months_before(on, gap)
    baseline = series(totals, months_before(recent_months[0], 12))
    return RemittancePattern(
        last=last,
        months_with_before_last=sum(1 for m in before_last if totals.get(m, 0) > 0),
        recent_total=sum(series(totals, recent_months), Decimal(0)),
        baseline_total=sum(baseline, Decimal(0)),
        baseline_months_with=sum(1 for v in baseline if v > 0),
    )


def _month_number(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def monthly_cents(totals: Mapping[dt.date, Decimal]) -> list[int]:
    """`monthly_totals` as whole cents per month, newest first: [0] is the latest month with a
    remittance, [k] k months before it, back to the earliest (the form of `RemittanceMonths`)."""
    if not totals:
        return []
    numbers = {_month_number(month): total for month, total in totals.items()}
    newest = max(numbers)
    cents = [0] * (newest - min(numbers) + 1)
    for number, total in numbers.items():
        cents[newest - number] = int(total * 100)
    return cents


def summarised_pattern(
    last_on: dt.date, cents: Sequence[int], *, on: dt.date, gap: int
) -> RemittancePattern | None:
    """The pattern the rules decide on, from a summary (`monthly_cents` up to `last_on`), or
    None when the summary cannot stand in for the records: a remittance after the day."""
    if last_on > on:
        return None
    last_back = _month_number(on) - _month_number(last_on)
    # The months k.. before the day's month are cents[k - last_back:]; a negative index is a
    # month after the last remittance's, which holds nothing.
    recent_from, baseline_from = 1 - last_back, gap + 1 - last_back
    recent = cents[max(recent_from, 0) : max(recent_from + gap, 0)]
    baseline = cents[max(baseline_from, 0) : max(baseline_from + 12, 0)]
    return RemittancePattern(
        last=last_on,
        months_with_before_last=sum(1 for c in cents[:12] if c > 0),
        recent_total=Decimal(sum(recent)) / 100,
        baseline_total=Decimal(sum(baseline)) / 100,
        baseline_months_with=sum(1 for c in baseline if c > 0),
    )


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@lru_cache(maxsize=4096)  # a registry-wide screen asks the same few months again and again
def add_months(month: dt.date, n: int) -> dt.date:
    return month_start(month) + relativedelta(months=n)


def months_before(on: dt.date, n: int) -> list[dt.date]:
    """The first days of the `n` complete months before the month of `on`, oldest first."""
    this_month = month_start(on)
    return [add_months(this_month, -k) for k in range(n, 0, -1)]


def monthly_totals(
    records: Iterable[RemittanceRecord], rates: RateTable, *, until: dt.date | None = None
) -> dict[dt.date, Decimal]:
    """Home-currency totals by month; NoExchangeRate, naming the earliest amount that cannot be
    converted, whatever order the records come in (a currency has no rate only before its
    first, so a rate from that day on converts them all)."""
    totals: dict[dt.date, Decimal] = {}
    for record in sorted(records, key=attrgetter("received_on")):
        if until is not None and record.received_on > until:
            continue
        month = month_start(record.received_on)
        amount = rates.convert(record.amount, record.currency, record.received_on)
        totals[month] = totals.get(month, Decimal(0)) + amount
    return totals


def series(totals: dict[dt.date, Decimal], months: Sequence[dt.date]) -> list[Decimal]:
    """Totals for the given months, a month without a remittance as zero."""
    return [totals.get(m, Decimal(0)) for m in months]


def mean(values: Sequence[Decimal]) -> Decimal:
    return mean_of(sum(values, Decimal(0)), len(values))


def mean_of(total: Decimal, count: int) -> Decimal:
    """A total spread over `count` months (or values), to the cent."""
    if not count:
        return Decimal(0)
    return (total / count).quantize(CENT, ROUND_HALF_UP)


def coefficient_of_variation(values: Sequence[Decimal]) -> float | None:
    """Population standard deviation over the mean; None when nothing was received."""
    if not values:
        return None
    floats = [float(v) for v in values]
    average = sum(floats) / len(floats)
    if average == 0:
        return None
    variance = sum((v - average) ** 2 for v in floats) / len(floats)
    return math.sqrt(variance) / average


def least_squares_slope(values: Sequence[Decimal]) -> float:
    """The slope per month of the straight line fitted to the values, in their unit."""
    n = len(values)
    if n < 2:
        return 0.0
    xs = range(n)
    x_mean = (n - 1) / 2
    y_mean = sum(float(v) for v in values) / n
    numerator = sum((x - x_mean) * (float(y) - y_mean) for x, y in zip(xs, values, strict=True))
    denominator = sum((x - x_mean) ** 2 for x in xs)
    return numerator / denominator


class Trend(models.TextChoices):
    RISING = "rising", _("rising")
    STABLE = "stable", _("stable")
    FALLING = "falling", _("falling")
    NONE = "none", _("no remittances")


def trend_of(values: Sequence[Decimal], *, band: Decimal) -> tuple[Trend, float]:
    """The trend in words, and the fitted change over the period as a share of the mean.

    Stable when the fitted line moves by no more than `band` of the mean from the first month
    to the last; a share, so the same rule fits a household receiving 300 or 3,000 a month."""
    average = sum(float(v) for v in values) / len(values) if values else 0.0
    if average == 0:
        return Trend.NONE, 0.0
    change = least_squares_slope(values) * (len(values) - 1) / average
    if change > float(band):
        return Trend.RISING, change
    if change < -float(band):
        return Trend.FALLING, change
    return Trend.STABLE, change


def months_since(day: dt.date | None, on: dt.date) -> int | None:
    """Whole months from `day` to `on` (0 within the first month); None if never."""
    if day is None:
        return None
    delta = relativedelta(on, day)
    return delta.years * 12 + delta.months


@dataclass(frozen=True)
class MonthAmount:
    month: dt.date
    amount: Decimal


@dataclass(frozen=True)
class RemittanceSummary:
    """A household's remittances, measured on a day, in the home currency."""

    on: dt.date
    currency: str
    average_3: Decimal
    average_6: Decimal
    average_12: Decimal
    months_with_remittance_12: int
    coefficient_of_variation_12: float | None
    slope_12: float
    trend_12: Trend
    trend_change_12: float
    last_received_on: dt.date | None
    months_since_last: int | None
    months: list[MonthAmount] = field(default_factory=list)  # the 12 months, oldest first

    @property
    def regularity_12(self) -> Decimal:
        """The share of the last 12 complete months with at least one remittance."""
        return (Decimal(self.months_with_remittance_12) / 12).quantize(Decimal("0.01"))


def remittance_summary(
    records: Sequence[RemittanceRecord], rates: RateTable, *, on: dt.date, band: Decimal
) -> RemittanceSummary:
    """Averages over 3, 6 and 12 months, regularity, trend and months since the last one."""
    totals = monthly_totals(records, rates, until=on)
    months_12 = months_before(on, 12)
    values_12 = series(totals, months_12)
    trend, change = trend_of(values_12, band=band)
    last = max((r.received_on for r in records if r.received_on <= on), default=None)
    return RemittanceSummary(
        on=on,
        currency=rates.home,
        average_3=mean(values_12[-3:]),
        average_6=mean(values_12[-6:]),
        average_12=mean(values_12),
        months_with_remittance_12=sum(1 for v in values_12 if v > 0),
        coefficient_of_variation_12=coefficient_of_variation(values_12),
        slope_12=least_squares_slope(values_12),
        trend_12=trend,
        trend_change_12=change,
        last_received_on=last,
        months_since_last=months_since(last, on),
        months=[MonthAmount(m, v) for m, v in zip(months_12, values_12, strict=True)],
    )
