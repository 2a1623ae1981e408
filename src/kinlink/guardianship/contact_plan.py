"""The contact agreed in a pre-departure plan, handed to the connection app's contact plan.

Guardianship does not import connection: `connect()`, called from `AppConfig.ready()`, looks up
the function connection publishes (`kinlink.connection.plans.seed_contact_plan`) with importlib,
and only when that app is installed, so either app can be left out of INSTALLED_APPS. Without
it, a plan is saved as before and nothing is seeded.

What connection does with the agreement (create the plan, follow a seeded one, keep one a
caseworker made or changed by hand) is its rule; see `connection/plans.py`. This module turns
the plan's frequency into contacts every 30 days and says which record the agreement came from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kinlink.audit.services import object_type_of
from kinlink.core.dates import today
from kinlink.core.published import published
from kinlink.guardianship.models import ContactFrequency, PreDeparturePlan

CONNECTION = ("kinlink.connection", "kinlink.connection.plans", "seed_contact_plan")

# Contacts every 30 days for each agreed frequency (the connection app counts in 30 days):
# "several times a week" is taken as three.
CONTACTS_PER_30_DAYS = {
    ContactFrequency.DAILY: 30,
    ContactFrequency.SEVERAL_A_WEEK: 12,
    ContactFrequency.WEEKLY: 4,
    ContactFrequency.FORTNIGHTLY: 2,
    ContactFrequency.MONTHLY: 1,
}

# What happened, for the page to say (the connection app's answers, and two of ours).
ABSENT = "absent"  # the connection app is not installed
INCOMPLETE = "incomplete"  # the plan lacks the frequency or the channel

Seeder = Callable[..., Any]
_seeder: Seeder | None = None


def find_seeder() -> Seeder | None:
    """The connection app's published function, or None when the app or the module is absent."""
    return published(*CONNECTION)


def connect() -> None:
    """Look the function up once, at start-up."""
    global _seeder
    _seeder = find_seeder()


def source_of(plan: PreDeparturePlan) -> str:
    """The record an agreement comes from, as the connection app keeps it."""
    return f"{object_type_of(plan)}:{plan.pk}"


def seed(plan: PreDeparturePlan) -> str:
    """Hand the plan's agreed contact to the connection app, inside the caller's transaction.
    Returns what happened: connection's answer ("created", "updated", "unchanged", "kept"), or
    ABSENT or INCOMPLETE."""
    if _seeder is None:
        return ABSENT
    if not plan.contact_frequency or not plan.contact_channel:
        return INCOMPLETE
    outcome = _seeder(
        child=plan.child,
        parent=plan.parent,
        contacts_per_30_days=CONTACTS_PER_30_DAYS[ContactFrequency(plan.contact_frequency)],
        channel=plan.contact_channel,
        agreed_on=today(),
        source=source_of(plan),
    )
    return str(outcome)
