"""A small synthetic county (600 children in two townships) loaded the way `kinlink demo` loads
the full one."""

from __future__ import annotations

import pytest

from kinlink.demo.services import LoadResult, registry_load

SMALL = 600
SEED = 7


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 is deliberately slow; these tests hash the eight demo passwords many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def small_county(db) -> LoadResult:
    return registry_load(children=SMALL, seed=SEED)
