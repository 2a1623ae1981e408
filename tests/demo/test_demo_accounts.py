"""The demo's accounts: one per role, scoped so that the two caseworkers see different
children, hundreds each; the password is kept and reused."""

from __future__ import annotations

import pytest

from kinlink.accounts.models import Role
from kinlink.demo.services import demo_password, demo_users_ensure
from kinlink.registry.access import children_visible_to

PASSWORD = "a-long-demo-passphrase"


@pytest.fixture
def demo_users(small_county):
    return {u.username: u for u in demo_users_ensure(password=PASSWORD)}


def test_the_two_caseworkers_see_disjoint_sets_of_hundreds_of_children(demo_users):
    first = set(children_visible_to(demo_users["caseworker"]).values_list("id", flat=True))
    second = set(children_visible_to(demo_users["caseworker2"]).values_list("id", flat=True))
    assert len(first) >= 200
    assert len(second) >= 200
    assert not first & second


def test_the_supervisor_sees_the_whole_county_and_the_teacher_only_pupils(demo_users):
    assert children_visible_to(demo_users["supervisor"]).count() == 600
    pupils = children_visible_to(demo_users["teacher"])
    assert pupils.count() > 0
    assert set(pupils.values_list("school_id", flat=True)) == {demo_users["teacher"].school_id}
    assert children_visible_to(demo_users["admin"]).count() == 0


def test_there_is_one_account_per_role(demo_users):
    assert {u.role for u in demo_users.values()} == set(Role.values)
    assert all(u.check_password(PASSWORD) for u in demo_users.values())


def test_running_again_keeps_the_accounts_and_sets_the_password(demo_users):
    again = demo_users_ensure(password="another-long-passphrase")
    assert [u.pk for u in again] == [u.pk for u in demo_users.values()]
    assert all(u.check_password("another-long-passphrase") for u in again)


def test_the_password_is_made_once_and_kept(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("KINLINK_DEMO_PASSWORD", raising=False)
    settings.VAR_DIR = tmp_path
    first = demo_password()
    assert len(first) >= 12
    assert demo_password() == first
    assert (tmp_path / "demo_password").stat().st_mode & 0o077 == 0


def test_the_password_comes_from_the_environment_when_set(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("KINLINK_DEMO_PASSWORD", PASSWORD)
    assert demo_password() == PASSWORD
    assert not (tmp_path / "demo_password").exists()
