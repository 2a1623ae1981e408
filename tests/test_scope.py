"""Every URL of the site (and every API endpoint) keeps a user inside her scope.

The test walks the URL resolver, so a new page is covered the day it is added: a URL with a
parameter that this file does not know how to fill makes the test fail until it is taught.
For each, a user who may not see the record gets 404 (not 403: existence must not leak) for
GET and POST, and nothing is written.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kinlink.accounts.models import User
from kinlink.audit.models import AuditEntry
from kinlink.jobs.models import Job
from kinlink.registry import services
from kinlink.registry.models import (
    Adult,
    CareArrangement,
    Child,
    Household,
    Merge,
    MigrationEpisode,
)
from tests.casework.scope import casework_model_for, casework_records
from tests.conftest import years_ago
from tests.guardianship.scope import PUBLIC_ROUTES, guardianship_model_for, guardianship_records
from tests.identification.scope import identification_model_for, identification_records

# URL names whose pages hold no child's personal data, or are public by design.
NO_RECORD_PARAMETER = {
    "accounts:login",
    "accounts:logout",
    "accounts:set_language",
}


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def site_urls() -> list[tuple[str, str]]:
    return [(name, route) for name, route in _walk(get_resolver()) if not route.startswith("api/")]


@pytest.fixture
def out_of_scope_records(child_b, county, caseworker_b):
    """Records in township B that caseworker_a (township A) must never reach."""
    father = services.adult_add_to_child(
        child=child_b, kind="father", family_name="张", given_name="伟", sex="M"
    )
    episode = services.migration_record(
        adult=father,
        departed_on=years_ago(1),
        destination_country="CN",
        purpose="work",
        pattern="long_term",
    )
    care = services.care_record(
        child=child_b, kind="other_parent", caregiver=father, started_on=years_ago(0, 100)
    )
    job = Job.objects.create(kind="test", created_by=caseworker_b)
    merged = services.child_register(
        family_name="张", given_name="莉", sex="F", date_of_birth=child_b.date_of_birth,
        home_village=child_b.home_village,
    )  # fmt: skip
    merge = Merge.objects.create(kept=child_b, merged=merged, merged_by=caseworker_b)
    return {
        Merge: merge.pk,
        **guardianship_records(child_b, father, caseworker_b),
        **identification_records(child_b, caseworker_b),
        **casework_records(child_b, caseworker_b),
        Job: job.pk,
        User: caseworker_b.pk,
        Child: child_b.pk,
        Adult: father.pk,
        Household: child_b.household_id,
        MigrationEpisode: episode.pk,
        CareArrangement: care.pk,
    }


def _model_for(name: str, route: str):
    """Which record the <pk> of a route names."""
    if guardianship_model_for(route):
        return guardianship_model_for(route)
    if identification_model_for(route):
        return identification_model_for(route)
    if casework_model_for(route):
        return casework_model_for(route)
    if route.startswith("children/merges/<int:pk>"):
        return Merge
    if "migrations/<int:pk>" in route:
        return MigrationEpisode
    if "adults/<int:pk>" in route:
        return Adult
    if "households/<int:pk>" in route:
        return Household
    if "care/<int:pk>" in route:
        return CareArrangement
    if route.startswith("accounts/users/<int:pk>"):
        return User
    if route.startswith("jobs/<int:pk>"):
        return Job
    if re.match(r"(?:[\w-]+/)?children/<int:pk>", route):  # the registry's or an app's
        return Child
    return None


def _fill(route: str, pk: int) -> str:
    return "/" + re.sub(r"<(?:int:)?pk>", str(pk), route).replace("^", "").replace("$", "")


def test_every_site_url_with_a_record_is_out_of_reach_outside_scope(
    client, caseworker_a, out_of_scope_records
):
    client.force_login(caseworker_a)
    checked = 0
    for name, route in site_urls():
        if "<" not in route or name in PUBLIC_ROUTES:
            continue
        model = _model_for(name, route)
        assert model is not None, f"teach tests/test_scope.py which record {route} names"
        url = _fill(route, out_of_scope_records[model])
        before = AuditEntry.objects.count()
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (404, 405), f"{method.upper()} {url} ({name})"
        assert AuditEntry.objects.count() == before, f"{url} wrote to the audit log"
        checked += 1
    assert checked >= 8


def test_pages_without_a_record_list_nothing_outside_scope(
    client, caseworker_a, out_of_scope_records, child_a
):
    client.force_login(caseworker_a)
    for name, route in site_urls():
        if "<" in route or name in NO_RECORD_PARAMETER:
            continue
        body = client.get("/" + route).content.decode()
        assert "张丽" not in body and "张伟" not in body, name
