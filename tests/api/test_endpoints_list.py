"""tests/api/endpoints.py lists exactly the API's endpoints, so walkers miss none."""

from __future__ import annotations

from kinlink.api import api
from tests.api.endpoints import ENDPOINTS, PUBLIC, SAMPLE_BODIES


def _routes() -> set[tuple[str, str]]:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    return {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}


def test_the_list_matches_the_api():
    assert len(ENDPOINTS) == len(set(ENDPOINTS))
    assert set(ENDPOINTS) == _routes()


def test_every_write_on_a_record_has_a_sample_body():
    writes = {
        (method, path)
        for method, path in ENDPOINTS
        if method in ("POST", "PATCH") and "{" in path and "revoke" not in path
    }
    assert writes == set(SAMPLE_BODIES)
    assert set(ENDPOINTS) >= PUBLIC
