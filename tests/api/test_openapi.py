"""The OpenAPI document is served at /api/v1/openapi.json and lists every endpoint."""

from __future__ import annotations

from django.test import Client

from tests.api.endpoints import ENDPOINTS


def test_the_openapi_document_lists_every_endpoint(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Kinlink API"
    served = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    assert served == set(ENDPOINTS)


def test_the_document_describes_both_ways_to_sign_in(db):
    schemes = Client().get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_the_child_filters_and_paging_are_documented(db):
    document = Client().get("/api/v1/openapi.json").json()
    parameters = {p["name"] for p in document["paths"]["/api/v1/children"]["get"]["parameters"]}
    assert parameters == {
        "page", "page_size", "q", "place", "away", "abroad", "sex", "age_min", "age_max",
        "school", "child_headed", "elderly_caregiver",
    }  # fmt: skip


def test_no_interactive_docs_page_pulls_scripts_from_a_cdn(db):
    assert Client().get("/api/v1/docs").status_code == 404
