"""The set-based measures are PostgreSQL SQL: on another database they say so plainly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import NotSupportedError, connection

from kinlink.connection import bulk

pytestmark = pytest.mark.django_db


def test_the_set_based_measures_refuse_a_database_other_than_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("this is about the other databases")
    with pytest.raises(NotSupportedError, match="need PostgreSQL"):
        bulk.contact_measures(dt.date(2024, 6, 1))
