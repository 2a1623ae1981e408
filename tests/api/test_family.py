"""Households, adults, relationships, migration episodes and care arrangements over the API."""

from __future__ import annotations

from kinlink.registry.models import Adult, CareArrangement, Household, Relationship
from tests.conftest import years_ago


def _father_body(child, **overrides) -> dict:
    body = {
        "family_name": "王",
        "given_name": "强",
        "sex": "M",
        "date_of_birth": years_ago(38).isoformat(),
        "phone": "13900139000",
        "child": child.pk,
        "kind": "father",
    }
    return {**body, **overrides}


def test_a_caseworker_records_a_father_who_leaves_and_the_child_status_follows(
    api_as, caseworker_a, child_a
):
    api = api_as(caseworker_a)
    created = api.post("/api/v1/adults", _father_body(child_a))
    assert created.status_code == 201, created.content
    father = created.json()
    assert (father["phone"], father["household"]) == ("+8613900139000", child_a.household_id)
    episode = api.post(
        f"/api/v1/adults/{father['id']}/migration-episodes",
        {
            "departed_on": years_ago(0, 200).isoformat(),
            "destination_country": "my",
            "destination_place": "Kuala Lumpur",
            "purpose": "work",
            "pattern": "long_term",
        },
    )
    assert episode.status_code == 201, episode.content
    assert (episode.json()["scope"], episode.json()["legal_status"]) == ("international", "unknown")
    assert episode.json()["destination_country"] == "MY"
    child = api.get(f"/api/v1/children/{child_a.pk}").json()
    assert (child["away_parents"], child["parent_abroad"]) == ("both", True)

    returned = api.patch(
        f"/api/v1/migration-episodes/{episode.json()['id']}",
        {"returned_on": years_ago(0, 10).isoformat()},
    )
    assert returned.status_code == 200
    child = api.get(f"/api/v1/children/{child_a.pk}").json()
    assert (child["away_parents"], child["parent_abroad"]) == ("mother", False)

    listed = api.get(f"/api/v1/children/{child_a.pk}/relationships").json()
    assert {(r["kind"], r["adult"]) for r in listed["results"]} >= {("father", father["id"])}


def test_an_adult_in_nobody_s_reach_is_not_created(api_as, caseworker_a, child_a):
    body = _father_body(child_a)
    del body["child"], body["kind"]
    response = api_as(caseworker_a).post("/api/v1/adults", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "household"
    assert not Adult.objects.filter(given_name="强").exists()


def test_an_adult_may_be_created_into_a_household_in_scope(api_as, caseworker_a, child_a):
    body = _father_body(child_a, household=child_a.household_id)
    del body["child"], body["kind"]
    response = api_as(caseworker_a).post("/api/v1/adults", body)
    assert response.status_code == 201
    assert api_as(caseworker_a).get(f"/api/v1/adults/{response.json()['id']}").status_code == 200


def test_a_child_to_link_must_be_in_scope(api_as, caseworker_a, child_b):
    response = api_as(caseworker_a).post("/api/v1/adults", _father_body(child_b))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["child"]


def test_linking_an_adult_outside_scope_is_422_naming_adult(
    api_as, caseworker_a, child_a, family_b
):
    response = api_as(caseworker_a).post(
        f"/api/v1/children/{child_a.pk}/relationships",
        {"adult": family_b["adult_id"], "kind": "uncle"},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "adult", "message": "Choose an adult you can see."}
    ]
    assert not Relationship.objects.filter(child=child_a, adult_id=family_b["adult_id"]).exists()


def test_a_second_mother_is_refused_by_the_service(api_as, caseworker_a, child_a):
    body = _father_body(child_a, kind="mother", given_name="红", sex="F")
    response = api_as(caseworker_a).post("/api/v1/adults", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "kind"
    assert not Adult.objects.filter(given_name="红").exists()  # nothing half-written


def test_households_are_created_in_scope_only(api_as, caseworker_a, county):
    api = api_as(caseworker_a)
    ok = api.post("/api/v1/households", {"village": county.village_a2.pk, "address": "5 组"})
    assert ok.status_code == 201
    assert ok.json()["reference"].startswith("H")
    refused = api.post("/api/v1/households", {"village": county.village_b1.pk})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "village"
    assert Household.objects.count() == 1


def test_a_household_body_with_an_unknown_field_is_422(api_as, caseworker_a, child_a):
    response = api_as(caseworker_a).patch(
        f"/api/v1/households/{child_a.household_id}", {"reference": "H0"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "field": "reference",
        "message": "This field is not accepted here.",
    }


def test_care_is_recorded_and_the_previous_arrangement_ends(api_as, caseworker_a, child_a):
    api = api_as(caseworker_a)
    grandmother = api.post(
        "/api/v1/adults",
        _father_body(child_a, given_name="秀兰", sex="F", kind="grandmother", phone=""),
    ).json()
    first = api.post(
        f"/api/v1/children/{child_a.pk}/care-arrangements",
        {"kind": "grandparent", "caregiver": grandmother["id"], "started_on": "2024-01-01"},
    )
    assert first.status_code == 201, first.content
    second = api.post(
        f"/api/v1/children/{child_a.pk}/care-arrangements",
        {"kind": "self_care", "started_on": "2025-01-01"},
    )
    assert second.status_code == 201
    assert api.get(f"/api/v1/care-arrangements/{first.json()['id']}").json()["ended_on"] == (
        "2024-12-31"
    )
    patched = api.patch(f"/api/v1/care-arrangements/{second.json()['id']}", {"notes": "ok"})
    assert (patched.status_code, patched.json()["notes"]) == (200, "ok")
    listed = api.get(f"/api/v1/children/{child_a.pk}/care-arrangements").json()
    assert listed["count"] == 2


def test_care_needing_an_adult_without_one_is_422_naming_caregiver(api_as, caseworker_a, child_a):
    response = api_as(caseworker_a).post(
        f"/api/v1/children/{child_a.pk}/care-arrangements",
        {"kind": "grandparent", "started_on": "2024-01-01"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "caregiver"
    assert not CareArrangement.objects.exists()


def test_a_health_worker_reads_the_family_but_may_not_change_it(api_as, health_worker_a, child_a):
    api = api_as(health_worker_a)
    mother = child_a.relationships.get(kind="mother").adult
    adult = api.get(f"/api/v1/adults/{mother.pk}")
    assert adult.status_code == 200
    assert "national_id" not in adult.json() and "notes" not in adult.json()
    household = api.get(f"/api/v1/households/{child_a.household_id}").json()
    assert "notes" not in household
    assert api.patch(f"/api/v1/adults/{mother.pk}", {"phone": ""}).status_code == 403
    refused = api.post(
        f"/api/v1/children/{child_a.pk}/relationships", {"adult": mother.pk, "kind": "aunt"}
    )
    assert refused.status_code == 403
    assert api.post("/api/v1/households", {"village": child_a.home_village_id}).status_code == 403


def test_a_guardianship_officer_may_change_family_records(api_as, guardianship_officer, child_a):
    api = api_as(guardianship_officer)
    mother = child_a.relationships.get(kind="mother").adult
    response = api.patch(f"/api/v1/adults/{mother.pk}", {"phone_alt": "13700137000"})
    assert (response.status_code, response.json()["phone_alt"]) == (200, "+8613700137000")
    assert "national_id" in response.json()
