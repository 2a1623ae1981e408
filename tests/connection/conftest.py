"""A left-behind child with a household history: child_a's mother works in Guangdong."""

from __future__ import annotations

import datetime as dt

import pytest

from kinlink.registry.models import Relationship


@pytest.fixture
def mother_a(child_a):
    return Relationship.objects.get(child=child_a, kind="mother").adult


@pytest.fixture
def household_a(child_a):
    return child_a.household


def days_ago(n: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=n)
