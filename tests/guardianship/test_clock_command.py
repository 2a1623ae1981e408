"""The daily clock command applies the calendar to stored statuses."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kinlink.audit.models import AuditEntry
from kinlink.guardianship.models import DeclarationStatus
from tests.guardianship.conftest import make_registered


def test_the_clock_command_expires_declarations_past_their_last_day_and_audits_it(
    family, caseworker_a, guardianship_officer
):
    decl = make_registered(caseworker_a, guardianship_officer, family)
    out = StringIO()
    call_command(
        "guardianship_clock", on=(decl.valid_until + dt.timedelta(days=1)).isoformat(), stdout=out
    )
    decl.refresh_from_db()
    assert decl.status == DeclarationStatus.EXPIRED
    assert "1 declaration(s) changed" in out.getvalue()
    entry = AuditEntry.objects.filter(object_type="guardianship.declaration").last()
    assert entry.changes == {"status": ["active", "expired"]}
    assert entry.actor_username == "system"


def test_the_clock_command_rejects_a_bad_date(county):
    with pytest.raises(CommandError):
        call_command("guardianship_clock", on="31/12/2025")


def test_today_changes_nothing_for_a_declaration_in_force(
    family, caseworker_a, guardianship_officer
):
    make_registered(caseworker_a, guardianship_officer, family)
    out = StringIO()
    call_command("guardianship_clock", stdout=out)
    assert out.getvalue().startswith("0 ")
