"""The browser session opens the API too, but unsafe methods must carry the CSRF token."""

from __future__ import annotations

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from kinlink.accounts.services import api_token_issue
from kinlink.registry.models import Child
from tests.api.conftest import JsonClient
from tests.conftest import years_ago

CHILDREN = "/api/v1/children"


@pytest.fixture
def browser(caseworker_a) -> JsonClient:
    client = Client(enforce_csrf_checks=True)
    client.force_login(caseworker_a)
    return JsonClient(client=client)


def _new_child(county) -> dict:
    return {
        "family_name": "刘",
        "given_name": "洋",
        "sex": "M",
        "date_of_birth": years_ago(7).isoformat(),
        "home_village": county.village_a1.pk,
    }


def test_a_session_reads_without_a_csrf_token(browser, child_a):
    response = browser.get(CHILDREN)
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_session_post_without_the_csrf_token_is_refused(browser, county):
    response = browser.post(CHILDREN, _new_child(county))
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Child.objects.exists()


def test_a_session_patch_without_the_csrf_token_is_refused(browser, child_a):
    response = browser.patch(f"{CHILDREN}/{child_a.pk}", {"grade": "4"})
    assert response.status_code == 403
    child_a.refresh_from_db()
    assert child_a.grade == "3"


def test_a_session_post_with_the_csrf_token_is_accepted(browser, county):
    token = _get_new_csrf_string()
    browser.client.cookies["csrftoken"] = token
    response = browser.post(CHILDREN, _new_child(county), headers={"X-CSRFToken": token})
    assert response.status_code == 201
    assert Child.objects.count() == 1


def test_a_wrong_csrf_token_is_refused(browser, county):
    browser.client.cookies["csrftoken"] = _get_new_csrf_string()
    response = browser.post(
        CHILDREN, _new_child(county), headers={"X-CSRFToken": _get_new_csrf_string()}
    )
    assert response.status_code == 403


def test_a_bearer_token_needs_no_csrf_token(caseworker_a, county):
    _, key = api_token_issue(user=caseworker_a)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})
    response = JsonClient(client=client).post(CHILDREN, _new_child(county))
    assert response.status_code == 201
