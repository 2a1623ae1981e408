"""Bad input is a 422 listing {"field", "message"}; an unexpected failure is a bare 500."""

from __future__ import annotations

import datetime as dt
import logging

from stdnum.cn import ric

from kinlink.registry.models import Adult, Child, MigrationEpisode
from tests.conftest import years_ago

CHILDREN = "/api/v1/children"


def _child(county, **overrides) -> dict:
    body = {
        "family_name": "刘",
        "given_name": "洋",
        "sex": "M",
        "date_of_birth": years_ago(7).isoformat(),
        "home_village": county.village_a1.pk,
    }
    return {**body, **overrides}


def _errors(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def test_a_birth_date_in_the_future_is_refused(api_as, caseworker_a, county):
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = api_as(caseworker_a).post(CHILDREN, _child(county, date_of_birth=tomorrow))
    assert _errors(response) == {"date_of_birth": "The date of birth cannot be in the future."}
    assert not Child.objects.exists()


def test_a_person_of_18_or_older_is_not_registered_as_a_child(api_as, caseworker_a, county):
    response = api_as(caseworker_a).post(
        CHILDREN, _child(county, date_of_birth=years_ago(18).isoformat())
    )
    assert "18 or older" in _errors(response)["date_of_birth"]


def test_a_bad_id_number_is_refused_naming_national_id(api_as, caseworker_a, county):
    born = years_ago(7)
    digits = f"110101{born:%Y%m%d}123"
    wrong = "0" if ric.calc_check_digit(digits) != "0" else "1"
    response = api_as(caseworker_a).post(CHILDREN, _child(county, national_id=digits + wrong))
    assert "check character" in _errors(response)["national_id"]


def test_an_unknown_place_is_refused_naming_the_field(api_as, caseworker_a, county):
    response = api_as(caseworker_a).post(CHILDREN, _child(county, home_village=999999))
    assert _errors(response) == {"home_village": "Choose a village within your area."}


def test_every_problem_is_reported_at_once(api_as, caseworker_a, county):
    response = api_as(caseworker_a).post(
        CHILDREN, _child(county, family_name=" ", sex="M", national_id="123")
    )
    assert set(_errors(response)) == {"family_name", "national_id"}


def test_schema_errors_are_422_naming_the_field(api_as, caseworker_a, county):
    body = _child(county, date_of_birth="2015-13-40", sex="X")
    del body["given_name"]
    errors = _errors(api_as(caseworker_a).post(CHILDREN, body))
    assert errors == {
        "date_of_birth": "Enter a date as YYYY-MM-DD.",
        "sex": "Choose one of: 'F' or 'M'.",
        "given_name": "This field is required.",
    }


def test_text_longer_than_the_column_is_refused(api_as, caseworker_a, county):
    errors = _errors(api_as(caseworker_a).post(CHILDREN, _child(county, given_name="洋" * 101)))
    assert errors == {"given_name": "Use at most 100 characters."}


def test_a_body_that_is_not_json_is_refused_without_a_trace(api_as, caseworker_a):
    api = api_as(caseworker_a)
    response = api.client.post(CHILDREN, "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "Traceback" not in response.content.decode()


def test_a_malformed_phone_is_refused_naming_phone(api_as, caseworker_a, child_a):
    response = api_as(caseworker_a).post(
        "/api/v1/adults",
        {"family_name": "王", "given_name": "强", "sex": "M", "phone": "12ab", "child": child_a.pk,
         "kind": "father"},
    )  # fmt: skip
    assert "phone number" in _errors(response)["phone"]
    assert not Adult.objects.filter(given_name="强").exists()


def test_a_return_before_departure_is_refused_naming_returned_on(api_as, caseworker_a, child_a):
    mother = child_a.relationships.get(kind="mother").adult
    response = api_as(caseworker_a).post(
        f"/api/v1/adults/{mother.pk}/migration-episodes",
        {
            "departed_on": years_ago(5).isoformat(),
            "returned_on": years_ago(6).isoformat(),
            "destination_country": "MY",
            "purpose": "work",
            "pattern": "seasonal",
        },
    )
    assert _errors(response) == {
        "returned_on": "The return date cannot be before the departure date."
    }
    assert MigrationEpisode.objects.count() == 1  # only the fixture's


def test_an_unknown_country_is_refused_naming_destination_country(api_as, caseworker_a, child_a):
    mother = child_a.relationships.get(kind="mother").adult
    response = api_as(caseworker_a).post(
        f"/api/v1/adults/{mother.pk}/migration-episodes",
        {"departed_on": "2020-01-01", "destination_country": "XX", "purpose": "work",
         "pattern": "seasonal"},
    )  # fmt: skip
    assert "two-letter ISO code" in _errors(response)["destination_country"]


def test_an_unexpected_error_is_a_500_without_a_stack_trace_or_personal_data(
    api_as, caseworker_a, child_a, monkeypatch, caplog
):
    def explode(child, on=None):
        raise RuntimeError(f"cannot compute for {child.full_name}")

    monkeypatch.setattr("kinlink.registry.api.child_status", explode)
    with caplog.at_level(logging.ERROR, logger="kinlink.api"):
        response = api_as(caseworker_a).get(f"{CHILDREN}/{child_a.pk}")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Something went wrong on our side; the error has been logged."
    }
    assert "RuntimeError" in caplog.text  # the team can find it ...
    assert "王小明" not in caplog.text  # ... without the child's name in the log
