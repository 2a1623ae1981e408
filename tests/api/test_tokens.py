"""Bearer tokens: issued for a username and password, refused when expired or revoked."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kinlink.accounts.models import ApiToken
from tests.api.conftest import JsonClient
from tests.conftest import PASSWORD

TOKEN = "/api/v1/auth/token"
REVOKE = "/api/v1/auth/token/revoke"
CHILDREN = "/api/v1/children"


def _issue(username: str, password: str = PASSWORD):
    return JsonClient().post(TOKEN, {"username": username, "password": password})


def test_it_issues_a_token_that_opens_the_api(caseworker_a, child_a):
    response = _issue("caseworker_a")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    assert dt.datetime.fromisoformat(body["expires_at"]) > timezone.now() + dt.timedelta(days=29)
    listing = JsonClient(body["token"]).get(CHILDREN)
    assert listing.status_code == 200
    assert [c["id"] for c in listing.json()["results"]] == [child_a.pk]


def test_it_keeps_only_a_hash_of_the_token(caseworker_a):
    key = _issue("caseworker_a").json()["token"]
    stored = ApiToken.objects.get(user=caseworker_a)
    assert stored.key_hash == ApiToken.hash_key(key)
    assert key not in (stored.key_hash, stored.prefix)


def test_it_refuses_a_wrong_password_with_a_plain_401(caseworker_a):
    response = _issue("caseworker_a", "not-the-password")
    assert response.status_code == 401
    assert response.json() == {"detail": "The username or password is not correct."}
    assert not ApiToken.objects.exists()


def test_it_refuses_an_unknown_user_the_same_way(db):
    response = _issue("nobody")
    assert response.status_code == 401
    assert response.json() == {"detail": "The username or password is not correct."}


def test_it_refuses_an_inactive_user(caseworker_a):
    caseworker_a.is_active = False
    caseworker_a.save(update_fields=["is_active"])
    assert _issue("caseworker_a").status_code == 401


def test_it_names_the_missing_credential_field(db):
    response = JsonClient().post(TOKEN, {"username": "caseworker_a"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "password", "message": "This field is required."}
    ]


def test_calls_without_credentials_get_401(db):
    response = JsonClient().get(CHILDREN)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "detail" in response.json()


def test_an_unknown_token_gets_401(db):
    assert JsonClient("made-up-token").get(CHILDREN).status_code == 401


def test_an_expired_token_gets_401(caseworker_a):
    key = _issue("caseworker_a").json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert JsonClient(key).get(CHILDREN).status_code == 401


def test_a_token_of_a_deactivated_user_gets_401(caseworker_a):
    key = _issue("caseworker_a").json()["token"]
    caseworker_a.is_active = False
    caseworker_a.save(update_fields=["is_active"])
    assert JsonClient(key).get(CHILDREN).status_code == 401


def test_revoking_ends_the_token_used_for_the_call_and_no_other(caseworker_a):
    first = _issue("caseworker_a").json()["token"]
    second = _issue("caseworker_a").json()["token"]
    response = JsonClient(first).post(REVOKE)
    assert response.status_code == 204
    assert JsonClient(first).get(CHILDREN).status_code == 401
    assert JsonClient(first).post(REVOKE).status_code == 401
    assert JsonClient(second).get(CHILDREN).status_code == 200


def test_revoking_needs_a_token_not_a_session(caseworker_a):
    client = JsonClient()
    client.client.force_login(caseworker_a)
    assert client.post(REVOKE).status_code == 401


def test_a_bad_token_is_401_even_with_a_session(caseworker_a):
    client = JsonClient("made-up-token")
    client.client.force_login(caseworker_a)
    assert client.get(CHILDREN).status_code == 401
