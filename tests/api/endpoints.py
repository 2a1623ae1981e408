"""Every endpoint of the REST API, as (method, path template), for tests that walk them all.

Path parameters name the kind of record: {child_id}, {household_id}, {adult_id}, {episode_id},
{care_id}. `SAMPLE_BODIES` gives a valid body for each write, so a walker reaches the scope
check (404) rather than stopping at schema validation (422); ids inside a body are filled from
the same names with `str.format`. test_endpoints_list.py keeps this list equal to the API's.
"""

from __future__ import annotations

PREFIX = "/api/v1"

ENDPOINTS: list[tuple[str, str]] = [
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/token/revoke"),
    ("GET", "/api/v1/children"),
    ("POST", "/api/v1/children"),
    ("GET", "/api/v1/children/{child_id}"),
    ("PATCH", "/api/v1/children/{child_id}"),
    ("GET", "/api/v1/children/{child_id}/relationships"),
    ("POST", "/api/v1/children/{child_id}/relationships"),
    ("GET", "/api/v1/children/{child_id}/care-arrangements"),
    ("POST", "/api/v1/children/{child_id}/care-arrangements"),
    ("GET", "/api/v1/households"),
    ("POST", "/api/v1/households"),
    ("GET", "/api/v1/households/{household_id}"),
    ("PATCH", "/api/v1/households/{household_id}"),
    ("GET", "/api/v1/adults"),
    ("POST", "/api/v1/adults"),
    ("GET", "/api/v1/adults/{adult_id}"),
    ("PATCH", "/api/v1/adults/{adult_id}"),
    ("GET", "/api/v1/adults/{adult_id}/migration-episodes"),
    ("POST", "/api/v1/adults/{adult_id}/migration-episodes"),
    ("GET", "/api/v1/migration-episodes/{episode_id}"),
    ("PATCH", "/api/v1/migration-episodes/{episode_id}"),
    ("GET", "/api/v1/care-arrangements/{care_id}"),
    ("PATCH", "/api/v1/care-arrangements/{care_id}"),
]

# Endpoints that need no signed-in caller (the token exchange itself).
PUBLIC: set[tuple[str, str]] = {("POST", "/api/v1/auth/token")}

# A body that passes schema validation for each write on one record; {adult_id} is an adult
# the caller may see (a scope walker can use one of its own).
SAMPLE_BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("PATCH", "/api/v1/children/{child_id}"): {"grade": "4"},
    ("POST", "/api/v1/children/{child_id}/relationships"): {
        "adult": "{adult_id}",
        "kind": "uncle",
    },
    ("POST", "/api/v1/children/{child_id}/care-arrangements"): {
        "kind": "self_care",
        "started_on": "2024-01-01",
    },
    ("PATCH", "/api/v1/households/{household_id}"): {"address": "1 Main Street"},
    ("PATCH", "/api/v1/adults/{adult_id}"): {"phone_alt": ""},
    ("POST", "/api/v1/adults/{adult_id}/migration-episodes"): {
        # A past, finished episode, so it overlaps no episode already recorded.
        "departed_on": "2015-01-01",
        "returned_on": "2015-06-01",
        "destination_country": "CN",
        "purpose": "work",
        "pattern": "seasonal",
    },
    ("PATCH", "/api/v1/migration-episodes/{episode_id}"): {"destination_place": "Chengdu"},
    ("PATCH", "/api/v1/care-arrangements/{care_id}"): {"notes": "checked"},
}
