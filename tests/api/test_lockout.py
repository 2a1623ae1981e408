"""django-axes counts failed token requests and locks the account out: no token while locked."""

from __future__ import annotations

from kinlink.accounts.models import ApiToken
from tests.api.conftest import JsonClient
from tests.conftest import PASSWORD

TOKEN = "/api/v1/auth/token"


def test_five_failures_lock_the_account_and_a_locked_account_gets_no_token(caseworker_a, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    client = JsonClient()
    statuses = [
        client.post(TOKEN, {"username": "caseworker_a", "password": "wrong-guess"}).status_code
        for _ in range(5)
    ]
    # The fifth failure reaches the limit and is already answered as a lockout.
    assert statuses == [401, 401, 401, 401, 429]
    locked = client.post(TOKEN, {"username": "caseworker_a", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json; charset=utf-8"
    assert "token" not in locked.json()
    assert "Too many failed sign-in attempts" in locked.json()["detail"]
    assert not ApiToken.objects.exists()


def test_fewer_failures_do_not_lock(caseworker_a):
    client = JsonClient()
    for _ in range(4):
        client.post(TOKEN, {"username": "caseworker_a", "password": "wrong-guess"})
    response = client.post(TOKEN, {"username": "caseworker_a", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["token"]


def test_a_lockout_is_per_username(caseworker_a, caseworker_b):
    client = JsonClient()
    for _ in range(5):
        client.post(TOKEN, {"username": "caseworker_a", "password": "wrong-guess"})
    response = client.post(TOKEN, {"username": "caseworker_b", "password": PASSWORD})
    assert response.status_code == 200
