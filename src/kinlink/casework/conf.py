"""Casework's configurable rules: response deadlines by risk level and the consent each age needs.

Both are data a deployment may change in settings (from its own policy and national law; apply
the stricter of the two). The defaults come from the issue and domain.md §4 and §9. Each is
validated when read, so a wrong setting fails loudly rather than giving a wrong deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

RISK_LEVELS = ("high", "medium", "low")

DEFAULT_DEADLINES: dict[str, Any] = {
    # Hours from opening (or from a raise of the level) to the first contact with the child.
    "first_contact_hours": {"high": 24, "medium": 72, "low": 168},
    # Days from the assessment to a case plan agreed with the child and caregiver.
    "plan_days": 14,
    # Days between reviews of the plan, from its approval or the last review.
    "review_days": {"high": 30, "medium": 60, "low": 90},
    # Days to the next follow-up visit (domain.md §4: weekly, fortnightly, monthly).
    "visit_days": {"high": 7, "medium": 14, "low": 30},
    # What "my work" shows ahead of time.
    "due_soon_days": 7,
}

# Source: domain.md §9 (configurable default). From the lowest age of each band: whether the
# caregiver must consent, what assent the child gives, and whether the child's own consent is
# needed.
DEFAULT_CONSENT_BANDS: list[dict[str, Any]] = [
    {"from_age": 0, "caregiver": True, "assent": "none", "own_consent": False},
    {"from_age": 6, "caregiver": True, "assent": "verbal", "own_consent": False},
    {"from_age": 12, "caregiver": True, "assent": "written", "own_consent": False},
    {"from_age": 15, "caregiver": False, "assent": "none", "own_consent": True},
]


def _by_level(value: Any, name: str) -> dict[str, int]:
    if not isinstance(value, dict) or set(value) != set(RISK_LEVELS):
        raise ImproperlyConfigured(f"KINLINK_CASEWORK_DEADLINES[{name!r}] needs high/medium/low")
    result = {level: int(value[level]) for level in RISK_LEVELS}
    if any(n <= 0 for n in result.values()):
        raise ImproperlyConfigured(f"KINLINK_CASEWORK_DEADLINES[{name!r}] must be positive")
    return result


def deadlines() -> dict[str, Any]:
    configured = {**DEFAULT_DEADLINES, **getattr(settings, "KINLINK_CASEWORK_DEADLINES", {})}
    return {
        "first_contact_hours": _by_level(configured["first_contact_hours"], "first_contact_hours"),
        "plan_days": int(configured["plan_days"]),
        "review_days": _by_level(configured["review_days"], "review_days"),
        "visit_days": _by_level(configured["visit_days"], "visit_days"),
        "due_soon_days": int(configured["due_soon_days"]),
    }


def first_contact_within(level: str) -> dt.timedelta:
    return dt.timedelta(hours=deadlines()["first_contact_hours"][level])


def plan_within() -> dt.timedelta:
    return dt.timedelta(days=deadlines()["plan_days"])


def review_every(level: str) -> dt.timedelta:
    return dt.timedelta(days=deadlines()["review_days"][level])


def visit_every(level: str) -> dt.timedelta:
    return dt.timedelta(days=deadlines()["visit_days"][level])


def due_soon() -> dt.timedelta:
    return dt.timedelta(days=deadlines()["due_soon_days"])


@dataclass(frozen=True)
class ConsentRule:
    from_age: int
    caregiver: bool  # the caregiver's consent is needed
    assent: str  # "none", "verbal" or "written": the child's assent needed
    own_consent: bool  # the child's own consent is needed


def consent_bands() -> list[ConsentRule]:
    raw = getattr(settings, "KINLINK_CASEWORK_CONSENT_BANDS", DEFAULT_CONSENT_BANDS)
    bands = []
    for band in raw:
        if band.get("assent") not in ("none", "verbal", "written"):
            raise ImproperlyConfigured(
                "KINLINK_CASEWORK_CONSENT_BANDS: assent is none/verbal/written"
            )
        bands.append(
            ConsentRule(
                from_age=int(band["from_age"]),
                caregiver=bool(band["caregiver"]),
                assent=band["assent"],
                own_consent=bool(band["own_consent"]),
            )
        )
    bands.sort(key=lambda b: b.from_age)
    if not bands or bands[0].from_age != 0:
        raise ImproperlyConfigured("KINLINK_CASEWORK_CONSENT_BANDS must start at age 0")
    return bands


def consent_rule(age: int) -> ConsentRule:
    """The consent needed to refer a child of this age."""
    return [band for band in consent_bands() if band.from_age <= age][-1]


def age_of_majority() -> int:
    """The age a child's case closes as "turned 18" (the setting guardianship reads too)."""
    return int(getattr(settings, "KINLINK_AGE_OF_MAJORITY", 18))


def reminder_days() -> int:
    """How many days ahead a caregiver is reminded of her task (KINLINK_CASEWORK_REMINDER_DAYS)."""
    days = getattr(settings, "KINLINK_CASEWORK_REMINDER_DAYS", 2)
    if not isinstance(days, int) or not 0 <= days <= 30:
        raise ImproperlyConfigured("KINLINK_CASEWORK_REMINDER_DAYS must be a whole number, 0-30")
    return days
