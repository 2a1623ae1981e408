"""POST and PATCH /children: through the registry services, with references checked."""

from __future__ import annotations

from kinlink.registry.models import Child
from tests.conftest import years_ago

CHILDREN = "/api/v1/children"


def _new_child(county, **overrides) -> dict:
    body = {
        "family_name": "刘",
        "given_name": "洋",
        "sex": "M",
        "date_of_birth": years_ago(7).isoformat(),
        "home_village": county.village_a1.pk,
        "school": county.school_a.pk,
        "grade": "1",
    }
    return {**body, **overrides}


def test_a_caseworker_registers_a_child_in_her_township(api_as, caseworker_a, county):
    response = api_as(caseworker_a).post(CHILDREN, _new_child(county))
    assert response.status_code == 201
    body = response.json()
    child = Child.objects.get(pk=body["id"])
    assert (child.family_name, child.home_village, child.school) == (
        "刘", county.village_a1, county.school_a,
    )  # fmt: skip
    assert body["family_name_latin"] == "Liú"
    assert (body["age"], body["away_parents"]) == (7, "none")


def test_a_caseworker_cannot_register_a_child_into_another_township(api_as, caseworker_a, county):
    response = api_as(caseworker_a).post(
        CHILDREN, _new_child(county, home_village=county.village_b1.pk)
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "home_village", "message": "Choose a village within your area."}
    ]
    assert not Child.objects.exists()


def test_a_school_outside_the_area_is_422_naming_school(api_as, caseworker_a, county):
    response = api_as(caseworker_a).post(CHILDREN, _new_child(county, school=county.school_b.pk))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["school"]


def test_a_township_is_not_a_home_village(api_as, caseworker_a, county):
    response = api_as(caseworker_a).post(
        CHILDREN, _new_child(county, home_village=county.township_a.pk)
    )
    assert response.status_code == 422


def test_patch_changes_only_the_fields_sent(api_as, caseworker_a, child_a):
    response = api_as(caseworker_a).patch(f"{CHILDREN}/{child_a.pk}", {"notes": "Doing well."})
    assert response.status_code == 200
    child_a.refresh_from_db()
    assert (child_a.notes, child_a.grade, child_a.given_name) == ("Doing well.", "3", "小明")


def test_patch_can_clear_the_school(api_as, caseworker_a, child_a):
    response = api_as(caseworker_a).patch(f"{CHILDREN}/{child_a.pk}", {"school": None})
    assert (response.status_code, response.json()["school"]) == (200, None)


def test_patch_refuses_null_for_a_field_that_cannot_be_empty(api_as, caseworker_a, child_a):
    response = api_as(caseworker_a).patch(f"{CHILDREN}/{child_a.pk}", {"grade": None})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "grade"


def test_patch_cannot_move_a_child_out_of_the_area(api_as, caseworker_a, county, child_a):
    response = api_as(caseworker_a).patch(
        f"{CHILDREN}/{child_a.pk}", {"home_village": county.village_b1.pk}
    )
    assert response.status_code == 422
    child_a.refresh_from_db()
    assert child_a.home_village == county.village_a1


def test_a_supervisor_may_register_anywhere_in_the_county(api_as, supervisor, county):
    response = api_as(supervisor).post(
        CHILDREN, _new_child(county, home_village=county.village_b1.pk, school=None)
    )
    assert response.status_code == 201
