"""Every API endpoint that names a record answers 404 outside the caller's scope, for every
method, writes nothing and leaves no audit entry; lists leave out what is outside scope."""

from __future__ import annotations

import json

import pytest

from kinlink.audit.models import AuditEntry
from kinlink.registry.models import Adult, CareArrangement, Child, Household, MigrationEpisode
from tests.api.endpoints import ENDPOINTS, SAMPLE_BODIES

COUNTED = (Child, Adult, Household, MigrationEpisode, CareArrangement)


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _snapshot():
    return {m.__name__: m.objects.count() for m in COUNTED}, AuditEntry.objects.count()


def _call(api, method, path, ids, own_adult):
    url = path.format(**ids)
    body = _fill(SAMPLE_BODIES.get((method, path), {}), {**ids, "adult_id": own_adult})
    if method == "GET":
        return api.get(url)
    return getattr(api.client, method.lower())(
        url, json.dumps(body), content_type="application/json"
    )


def test_every_record_endpoint_is_404_outside_scope(api_as, caseworker_a, child_a, family_b):
    api = api_as(caseworker_a)
    own_adult = child_a.relationships.get(kind="mother").adult_id
    walked = 0
    for method, path in ENDPOINTS:
        if "{" not in path:
            continue
        before = _snapshot()
        response = _call(api, method, path, family_b, own_adult)
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"
        assert _snapshot() == before, f"{method} {path} wrote something"
        walked += 1
    assert walked == 16


def test_the_same_requests_succeed_inside_scope(api_as, caseworker_b, family_b, county):
    """The control: caseworker B reaches every one of them, so the 404s above mean scope."""
    api = api_as(caseworker_b)
    # An uncle in the same household, so the relationship POST has someone new to link.
    uncle = Adult.objects.create(
        family_name="张", given_name="军", sex="M", household_id=family_b["household_id"]
    )
    for method, path in ENDPOINTS:
        if "{" not in path:
            continue
        response = _call(api, method, path, family_b, uncle.pk)
        assert response.status_code in (200, 201), f"{method} {path}: {response.content}"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/children", "/api/v1/households", "/api/v1/adults"],
)
def test_lists_leave_out_records_outside_scope(api_as, caseworker_a, child_a, family_b, path):
    results = api_as(caseworker_a).get(path).json()["results"]
    ids = {item["id"] for item in results}
    assert results
    outside = {"children": family_b["child_id"], "households": family_b["household_id"],
               "adults": family_b["adult_id"]}[path.rsplit("/", 1)[1]]  # fmt: skip
    assert outside not in ids


def test_a_teacher_reaches_no_family_record_even_of_her_pupil(api_as, teacher_a, child_a):
    api = api_as(teacher_a)
    mother = child_a.relationships.get(kind="mother").adult
    family_urls = [
        f"/api/v1/children/{child_a.pk}/relationships",
        f"/api/v1/children/{child_a.pk}/care-arrangements",
        f"/api/v1/households/{child_a.household_id}",
        f"/api/v1/adults/{mother.pk}",
        f"/api/v1/adults/{mother.pk}/migration-episodes",
        f"/api/v1/migration-episodes/{mother.migrations.get().pk}",
    ]
    for url in family_urls:
        assert api.get(url).status_code == 404, url
    assert api.get("/api/v1/adults").json()["count"] == 0


def test_a_teacher_sees_only_pupils_of_her_school(api_as, teacher_a, child_a, child_b):
    api = api_as(teacher_a)
    assert api.get(f"/api/v1/children/{child_b.pk}").status_code == 404
    assert api.patch(f"/api/v1/children/{child_b.pk}", {"grade": "7"}).status_code == 404
    assert [c["id"] for c in api.get("/api/v1/children").json()["results"]] == [child_a.pk]
