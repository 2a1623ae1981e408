"""A left-behind child with a household history: child_a's mother works in Guangdong."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kinlink.connection import services
from kinlink.registry.models import Relationship


@pytest.fixture
def mother_a(child_a):
    return Relationship.objects.get(child=child_a, kind="mother").adult


@pytest.fixture
def household_a(child_a):
    return child_a.household


def days_ago(n: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=n)


def remit(child, sender, day: dt.date, amount: str = "2000", currency: str = "CNY") -> None:
    """Record money the sender sent to the child's household, received on the day."""
    services.remittance_record(
        household=child.household,
        sender=sender,
        amount=Decimal(amount),
        currency=currency,
        received_on=day,
        channel="mobile",
        reported_by="caregiver",
    )
