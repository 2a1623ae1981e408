"""`kinlink demo --no-serve` prepares a database once and reuses it; `kinlink synth` fills an
empty registry and refuses one that has children."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kinlink.accounts.models import User
from kinlink.audit.models import AuditEntry
from kinlink.registry.models import Child


@pytest.fixture
def var_dir(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("KINLINK_DEMO_PASSWORD", raising=False)
    settings.VAR_DIR = tmp_path
    return tmp_path


def _demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", "--children", "600", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_loads_the_county_once_and_prints_working_accounts(var_dir):
    output = _demo()
    password = (var_dir / "demo_password").read_text().strip()
    assert Child.objects.count() == 600
    assert password in output
    for username in ("caseworker", "caseworker2", "supervisor", "teacher", "admin"):
        assert username in output
        assert User.objects.get(username=username).check_password(password)

    output = _demo()
    assert Child.objects.count() == 600  # reused, not duplicated
    assert password in output
    assert User.objects.get(username="caseworker").check_password(password)
    assert AuditEntry.objects.filter(object_type="demo.load").count() == 1


@pytest.mark.django_db
def test_demo_rejects_a_weak_password_from_the_environment(var_dir, monkeypatch):
    monkeypatch.setenv("KINLINK_DEMO_PASSWORD", "demo")
    with pytest.raises(CommandError, match="KINLINK_DEMO_PASSWORD"):
        _demo()


@pytest.mark.django_db
def test_synth_fills_an_empty_registry_and_refuses_a_full_one():
    out, err = io.StringIO(), io.StringIO()
    call_command("synth", "--children", "250", "--batch", "100", stdout=out, stderr=err)
    assert Child.objects.count() == 250
    assert "250" in out.getvalue()
    assert "synth: 250 / 250" in err.getvalue()
    with pytest.raises(CommandError, match="already has children"):
        call_command("synth", "--children", "10", stdout=out, stderr=err)
