"""A child is answered with only the fields the caller's role may read, and changed only in the
fields it may edit; other fields are left out of the JSON, never sent as null."""

from __future__ import annotations

from kinlink.registry import access

CHILDREN = "/api/v1/children"
DERIVED = {"age", "age_band", "months_separated"}


def _detail(api, child):
    response = api.get(f"{CHILDREN}/{child.pk}")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_caseworker_reads_every_field_and_the_derived_status(api_as, caseworker_a, child_a):
    body = _detail(api_as(caseworker_a), child_a)
    assert set(body) == {"id", *access.CHILD_FIELD_GROUPS, *DERIVED}
    assert body["notes"] == "Grandmother is unwell."
    assert (body["age"], body["age_band"], body["months_separated"]) == (9, "5-9", 12)
    assert body["away_parents"] == "mother"
    assert body["home_village"] == child_a.home_village_id


def test_a_teacher_reads_identity_status_and_education_only(api_as, teacher_a, child_a):
    body = _detail(api_as(teacher_a), child_a)
    expected = {
        "id", "family_name", "given_name", "family_name_latin", "given_name_latin", "sex",
        "date_of_birth", "dob_estimated", "home_village", "away_parents", "parent_abroad",
        "separated_since", "school", "grade", *DERIVED,
    }  # fmt: skip
    assert set(body) == expected
    listed = api_as(teacher_a).get(CHILDREN).json()["results"][0]
    assert set(listed) == expected - DERIVED
    assert "notes" not in listed and "national_id" not in listed


def test_a_health_worker_reads_health_and_family_but_not_school_or_notes(
    api_as, health_worker_a, child_a
):
    body = _detail(api_as(health_worker_a), child_a)
    assert {"functioning", "household"} <= set(body)
    assert not {"school", "grade", "notes", "national_id"} & set(body)


def test_a_district_official_reads_identity_and_status_only(api_as, official, child_a):
    body = _detail(api_as(official), child_a)
    assert set(body) == {"id", *access.readable_child_fields(official), *DERIVED}
    assert not {"school", "functioning", "household", "notes"} & set(body)


def test_an_administrator_sees_no_child(api_as, administrator, child_a):
    api = api_as(administrator)
    assert api.get(CHILDREN).json()["count"] == 0
    assert api.get(f"{CHILDREN}/{child_a.pk}").status_code == 404


def test_a_teacher_may_change_the_grade(api_as, teacher_a, child_a):
    response = api_as(teacher_a).patch(f"{CHILDREN}/{child_a.pk}", {"grade": "4"})
    assert response.status_code == 200
    assert response.json()["grade"] == "4"
    assert "notes" not in response.json()
    child_a.refresh_from_db()
    assert child_a.grade == "4"


def test_a_teacher_naming_a_field_it_may_not_edit_gets_403_with_the_names(
    api_as, teacher_a, child_a
):
    response = api_as(teacher_a).patch(
        f"{CHILDREN}/{child_a.pk}", {"grade": "4", "notes": "x", "family_name": "刘"}
    )
    assert response.status_code == 403
    assert response.json()["fields"] == ["family_name", "notes"]
    assert "family_name, notes" in response.json()["detail"]
    child_a.refresh_from_db()
    assert (child_a.grade, child_a.family_name) == ("3", "王")  # nothing half-written


def test_a_health_worker_may_record_functioning_but_not_the_school(
    api_as, health_worker_a, child_a
):
    api = api_as(health_worker_a)
    ok = api.patch(f"{CHILDREN}/{child_a.pk}", {"functioning": {"seeing": "some"}})
    assert ok.status_code == 200
    assert ok.json()["functioning"] == {"seeing": "some"}
    refused = api.patch(f"{CHILDREN}/{child_a.pk}", {"school": None})
    assert (refused.status_code, refused.json()["fields"]) == (403, ["school"])


def test_nobody_may_write_the_derived_status(api_as, caseworker_a, child_a):
    response = api_as(caseworker_a).patch(f"{CHILDREN}/{child_a.pk}", {"away_parents": "none"})
    assert (response.status_code, response.json()["fields"]) == (403, ["away_parents"])


def test_a_field_the_model_does_not_have_is_refused_by_name(api_as, caseworker_a, child_a):
    response = api_as(caseworker_a).patch(f"{CHILDREN}/{child_a.pk}", {"nickname": "Ming"})
    assert (response.status_code, response.json()["fields"]) == (403, ["nickname"])


def test_only_caseworkers_and_supervisors_register_children(api_as, teacher_a, county):
    response = api_as(teacher_a).post(
        CHILDREN,
        {
            "family_name": "刘", "given_name": "洋", "sex": "M", "date_of_birth": "2018-01-01",
            "home_village": county.village_a1.pk,
        },
    )  # fmt: skip
    assert response.status_code == 403
