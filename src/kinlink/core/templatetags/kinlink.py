"""Template filters shared by every app's pages."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import ngettext

from kinlink.core.dates import age_in_years, months_between
from kinlink.core.phones import display_phone

register = template.Library()


@register.filter
def age(born: dt.date | None) -> str:
    """A child's age in words: "9 years", or "7 months" under one year."""
    if not born:
        return ""
    years = age_in_years(born)
    if years >= 1:
        return ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    months = months_between(born)
    return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}


@register.filter
def phone(e164: str) -> str:
    return display_phone(e164)


@register.filter
def suppressed(count: int, threshold: int = 5) -> str:
    """A count for an aggregate table, shown as "<5" when small enough to identify a child."""
    return f"<{threshold}" if 0 < count < threshold else str(count)
