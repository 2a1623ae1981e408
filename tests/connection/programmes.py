"""Programme rules and household histories shared by the eligibility tests."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from kinlink.connection.eligibility import HouseholdFacts, MeansRecord
from kinlink.connection.rules import Programme, parse_programme

ON = dt.date(2025, 1, 10)  # the months tested are January to December 2024

BASE = {
    "id": "test-dibao",
    "version": "1",
    "name": {"en": "Test minimum living guarantee", "zh-hans": "测试低保"},
    "source": "Test rule",
    "currency": "CNY",
    "valid_from": "2020-01-01",
    "income": {
        "threshold_per_person_month": "650.00",
        "source": "County standard",
        "measure": "smoothed",
        "smoothing_months": 12,
    },
}


def programme(**changes) -> Programme:
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    return parse_programme(data, file="test.json")


def facts(
    remittances: dict[int, int],
    *,
    other_income: str = "1600",
    children: int = 2,
    adults: int = 2,
    away: int = 1,
    criteria: frozenset[str] = frozenset(),
    assets: str | None = None,
    household_id: int = 1,
) -> HouseholdFacts:
    """A household with remittances {month of 2024: amount in CNY} and other income."""
    return HouseholdFacts(
        household_id=household_id,
        children=children,
        adults_at_home=adults,
        members_away=away,
        criteria=criteria,
        remittances={dt.date(2024, m, 1): Decimal(a) for m, a in remittances.items()},
        means=[
            MeansRecord(
                dt.date(2023, 1, 1), Decimal(other_income), Decimal(assets) if assets else None
            )
        ],
    )


# Twice a year, 3,000: the single-month rule drops it in March and September.
INTERMITTENT = {3: 3000, 9: 3000}
# 2,400 every month until November, nothing in December.
STOPPED_IN_DECEMBER = {m: 2400 for m in range(1, 12)}
