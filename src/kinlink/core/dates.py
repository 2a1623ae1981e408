"""Ages and periods in whole months and years, computed with dateutil rather than by hand."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def age_in_years(born: dt.date, on: dt.date | None = None) -> int:
    return relativedelta(on or today(), born).years


def months_between(start: dt.date, end: dt.date | None = None) -> int:
    delta = relativedelta(end or today(), start)
    return delta.years * 12 + delta.months


def age_band(years: int) -> str:
    """The MICS age groups: 0-4, 5-9, 10-14, 15-17."""
    if years < 5:
        return "0-4"
    if years < 10:
        return "5-9"
    if years < 15:
        return "10-14"
    return "15-17"
