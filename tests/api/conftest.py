"""API test helpers: a JSON client signed in with a bearer token, and a family in township B."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kinlink.accounts.models import User
from kinlink.accounts.services import api_token_issue
from kinlink.registry import services as registry
from tests.conftest import years_ago


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is slow by design; these tests are about the API, not about hashing (that is
    tests/test_security_baseline.py), so the personas' passwords use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class JsonClient:
    """The Django test client speaking JSON, with `Authorization: Bearer <token>` when given."""

    def __init__(self, token: str | None = None, client: Client | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = client or Client(headers=headers)

    def get(self, path: str, params: dict[str, Any] | None = None, **extra: Any):
        return self.client.get(path, params or {}, **extra)

    def post(self, path: str, body: Any = None, **extra: Any):
        return self.client.post(
            path, json.dumps(body or {}), content_type="application/json", **extra
        )

    def patch(self, path: str, body: Any = None, **extra: Any):
        return self.client.patch(
            path, json.dumps(body or {}), content_type="application/json", **extra
        )


@pytest.fixture
def api_as():
    """api_as(user) -> a JsonClient calling as that user with a fresh token."""

    def make(user: User) -> JsonClient:
        _, key = api_token_issue(user=user)
        return JsonClient(key)

    return make


@pytest.fixture
def family_b(county, child_b):
    """Child B's household, father (working in Malaysia) and care arrangement, in township B."""
    household = registry.household_create(village=county.village_b1, address="河口村 3 组")
    father = registry.adult_create(
        family_name="张",
        given_name="伟",
        sex="M",
        date_of_birth=years_ago(40),
        household=household,
    )
    registry.relationship_add(child=child_b, adult=father, kind="father")
    episode = registry.migration_record(
        adult=father,
        departed_on=years_ago(2),
        destination_country="MY",
        purpose="work",
        pattern="long_term",
    )
    grandmother = registry.adult_create(
        family_name="张", given_name="桂兰", sex="F", date_of_birth=years_ago(72)
    )
    registry.relationship_add(child=child_b, adult=grandmother, kind="grandmother")
    care = registry.care_record(
        child=child_b, kind="grandparent", caregiver=grandmother, started_on=years_ago(2)
    )
    return {
        "child_id": child_b.pk,
        "household_id": household.pk,
        "adult_id": father.pk,
        "episode_id": episode.pk,
        "care_id": care.pk,
    }
