"""The connection app's configurable defaults, read from settings with a fallback for each.

A deployment changes them in settings (see docs/connection.md); nothing here is a constant
buried in the logic. Each reader checks the value, so a bad setting fails loudly at first use.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

RULES_DIR = Path(__file__).resolve().parent / "rules"


def _int(name: str, default: int, *, minimum: int = 1) -> int:
    value = getattr(settings, name, default)
    if not isinstance(value, int) or value < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}")
    return value


def _share(name: str, default: str) -> Decimal:
    value = Decimal(str(getattr(settings, name, default)))
    if not Decimal(0) < value < Decimal(1):
        raise ImproperlyConfigured(f"{name} must be a fraction between 0 and 1")
    return value


def home_currency() -> str:
    """The currency amounts are converted to (ISO 4217), by default the yuan."""
    code = getattr(settings, "KINLINK_HOME_CURRENCY", "CNY")
    if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}", code):
        raise ImproperlyConfigured("KINLINK_HOME_CURRENCY must be an ISO 4217 code such as CNY")
    return code


def local_zone() -> ZoneInfo:
    """The zone whose calendar days count "days since last contact": the deployment's own,
    not the zone of the browser or of the parent abroad."""
    return ZoneInfo(settings.TIME_ZONE)


def no_contact_days() -> int:
    """Days without contact from any parent who is away before an alert is raised."""
    return _int("KINLINK_NO_CONTACT_DAYS", 30)


def plan_share() -> Decimal:
    """Contacts in the last 30 days below this share of the plan raise an alert."""
    return _share("KINLINK_CONTACT_PLAN_SHARE", "0.5")


def remittance_gap_months() -> int:
    """Months without a remittance, after a regular pattern, before an alert is raised."""
    return _int("KINLINK_REMITTANCE_GAP_MONTHS", 3)


def regular_share() -> Decimal:
    """The share of months with a remittance that makes a pattern "regular"."""
    return _share("KINLINK_REMITTANCE_REGULAR_SHARE", "0.5")


def fall_share() -> Decimal:
    """Recent remittances below this share of the earlier average raise an alert."""
    return _share("KINLINK_REMITTANCE_FALL_SHARE", "0.5")


def trend_band() -> Decimal:
    """A 12-month trend whose fitted change is within this share of the mean is "stable"."""
    return _share("KINLINK_REMITTANCE_TREND_BAND", "0.2")


def rules_dir() -> Path:
    """Where the social-assistance programme files are read from."""
    return Path(getattr(settings, "KINLINK_PROGRAMME_RULES_DIR", RULES_DIR))


def bulk_work_mem() -> str:
    """PostgreSQL memory for each aggregate of the set-based measures (`bulk.py`)."""
    value = getattr(settings, "KINLINK_BULK_WORK_MEM", "256MB")
    if not isinstance(value, str) or not re.fullmatch(r"\d+(kB|MB|GB)", value):
        raise ImproperlyConfigured("KINLINK_BULK_WORK_MEM must look like 256MB")
    return value
