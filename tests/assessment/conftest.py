"""Builders for the assessment's specifications: a child with the family facts a test needs.

`family(...)` registers a child in village A1 (caseworker_a's township) through the registry's
own services, so the registry derives who is away exactly as it does for real records.
"""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from kinlink.registry import services as registry

TODAY = dt.date.today()


def ago(*, years: int = 0, months: int = 0, days: int = 0) -> dt.date:
    return TODAY - relativedelta(years=years, months=months, days=days)


class Family:
    """Registers a child and, on request, parents, departures and care."""

    def __init__(self, county) -> None:
        self.county = county
        self.count = 0

    def child(
        self,
        *,
        age: int = 9,
        sex: str = "M",
        village=None,
        mother: str | None = "home",
        father: str | None = "home",
        mother_left: dt.date | None = None,
        father_left: dt.date | None = None,
        functioning: dict | None = None,
        born: dt.date | None = None,
    ):
        """mother/father: "home", "away", "dead" or None (not recorded)."""
        self.count += 1
        child = registry.child_register(
            family_name="陈",
            given_name=f"测{self.count}",
            sex=sex,
            date_of_birth=born or ago(years=age, days=40),
            home_village=village or self.county.village_a1,
            functioning=functioning or {},
        )
        for kind, state, left in (("mother", mother, mother_left), ("father", father, father_left)):
            if state is None:
                continue
            adult = registry.adult_add_to_child(
                child=child,
                kind=kind,
                family_name="陈",
                given_name=kind,
                sex="F" if kind == "mother" else "M",
                date_of_birth=ago(years=35),
                is_alive=state != "dead",
            )
            if state == "away":
                registry.migration_record(
                    adult=adult,
                    departed_on=left or ago(months=6),
                    destination_country="CN",
                    destination_place="广东",
                    purpose="work",
                    pattern="long_term",
                )
        child.refresh_from_db()
        return child

    def carer(
        self,
        child,
        *,
        kind: str = "grandparent",
        age: int | None = 66,
        health: str = "none",
        since: dt.date | None = None,
    ):
        adult = registry.adult_add_to_child(
            child=child,
            kind="grandmother",
            family_name="陈",
            given_name="奶奶",
            sex="F",
            date_of_birth=ago(years=age, days=10) if age is not None else None,
            health_limits=health,
        )
        registry.care_record(
            child=child, kind=kind, caregiver=adult, started_on=since or ago(months=3)
        )
        return adult

    def alone(self, child, *, since: dt.date | None = None):
        registry.care_record(child=child, kind="self_care", started_on=since or ago(months=3))


@pytest.fixture
def family(county) -> Family:
    return Family(county)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The personas' Argon2 hashing costs most of a test's time here; these tests never sign in
    # with a password (they use force_login), so a fast hasher changes nothing they check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
