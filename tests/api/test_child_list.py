"""GET /children: pages of the children in scope, with every search filter."""

from __future__ import annotations

import pytest

from kinlink.registry import services as registry
from tests.conftest import years_ago

CHILDREN = "/api/v1/children"


@pytest.fixture
def township_a(county, child_a):
    """Four children in township A besides nothing else: see each one's docstring line."""
    # 李芳, 14, girl in village A2; father working in Malaysia.
    fang = registry.child_register(
        family_name="李",
        given_name="芳",
        sex="F",
        date_of_birth=years_ago(14),
        home_village=county.village_a2,
    )
    father = registry.adult_create(family_name="李", given_name="强", sex="M")
    registry.relationship_add(child=fang, adult=father, kind="father")
    registry.migration_record(
        adult=father,
        departed_on=years_ago(2),
        destination_country="MY",
        purpose="work",
        pattern="long_term",
    )
    # 陈刚, 16, boy in village A1 who looks after himself.
    gang = registry.child_register(
        family_name="陈",
        given_name="刚",
        sex="M",
        date_of_birth=years_ago(16),
        home_village=county.village_a1,
    )
    registry.care_record(child=gang, kind="self_care", started_on=years_ago(1))
    # 赵静, 6, girl in village A2 cared for by her 75-year-old grandmother alone.
    jing = registry.child_register(
        family_name="赵",
        given_name="静",
        sex="F",
        date_of_birth=years_ago(6),
        home_village=county.village_a2,
    )
    grandmother = registry.adult_create(
        family_name="赵", given_name="秀兰", sex="F", date_of_birth=years_ago(75)
    )
    registry.care_record(
        child=jing, kind="grandparent", caregiver=grandmother, started_on=years_ago(1)
    )
    for child in (fang, gang, jing):
        child.refresh_from_db()
    return {"ming": child_a, "fang": fang, "gang": gang, "jing": jing}


def _names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {c["given_name"] for c in response.json()["results"]}


def test_it_lists_only_children_in_scope(api_as, caseworker_b, township_a, child_b):
    response = api_as(caseworker_b).get(CHILDREN)
    assert response.json()["count"] == 1
    assert _names(response) == {"丽"}


def test_it_pages_with_page_and_page_size(api_as, caseworker_a, township_a):
    api = api_as(caseworker_a)
    first = api.get(CHILDREN, {"page_size": 3}).json()
    second = api.get(CHILDREN, {"page_size": 3, "page": 2}).json()
    assert (first["count"], first["page"], first["page_size"]) == (4, 1, 3)
    assert len(first["results"]) == 3
    assert (second["page"], len(second["results"])) == (2, 1)
    ids = [c["id"] for c in first["results"] + second["results"]]
    assert sorted(ids) == sorted(c.pk for c in township_a.values())
    beyond = api.get(CHILDREN, {"page_size": 3, "page": 3}).json()
    assert (beyond["count"], beyond["results"]) == (4, [])


def test_the_page_size_defaults_to_25(api_as, caseworker_a, county):
    for i in range(26):
        registry.child_register(
            family_name="王",
            given_name=f"小{i}",
            sex="M",
            date_of_birth=years_ago(5),
            home_village=county.village_a1,
        )
    body = api_as(caseworker_a).get(CHILDREN).json()
    assert (body["count"], body["page"], body["page_size"]) == (26, 1, 25)
    assert len(body["results"]) == 25


@pytest.mark.parametrize(
    ("params", "field"),
    [({"page_size": 101}, "page_size"), ({"page_size": 0}, "page_size"), ({"page": 0}, "page")],
)
def test_it_refuses_page_numbers_out_of_range(api_as, caseworker_a, params, field):
    response = api_as(caseworker_a).get(CHILDREN, params)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == [field]


def test_a_page_size_of_100_is_allowed(api_as, caseworker_a, township_a):
    assert api_as(caseworker_a).get(CHILDREN, {"page_size": 100}).json()["page_size"] == 100


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "小明"}, {"小明"}),
        ({"q": "xiaoming"}, {"小明"}),
        ({"q": "Li Fang"}, {"芳"}),
        ({"away": "mother"}, {"小明"}),
        ({"away": "father"}, {"芳"}),
        ({"away": "any"}, {"小明", "芳"}),
        ({"away": "none"}, {"刚", "静"}),
        ({"abroad": "true"}, {"芳"}),
        ({"abroad": "false"}, {"小明", "刚", "静"}),
        ({"sex": "F"}, {"芳", "静"}),
        ({"sex": "M"}, {"小明", "刚"}),
        ({"age_min": 10}, {"芳", "刚"}),
        ({"age_max": 8}, {"静"}),
        ({"age_min": 9, "age_max": 14}, {"小明", "芳"}),
        ({"child_headed": "true"}, {"刚"}),
        ({"child_headed": "false"}, {"小明", "芳", "静"}),
        ({"elderly_caregiver": "true"}, {"静"}),
        ({"elderly_caregiver": "false"}, {"小明", "芳", "刚"}),
    ],
)
def test_each_filter_narrows_the_list(api_as, caseworker_a, township_a, params, expected):
    assert _names(api_as(caseworker_a).get(CHILDREN, params)) == expected


def test_the_place_filter_takes_the_place_and_everything_below_it(
    api_as, caseworker_a, county, township_a
):
    api = api_as(caseworker_a)
    assert _names(api.get(CHILDREN, {"place": county.village_a2.pk})) == {"芳", "静"}
    assert _names(api.get(CHILDREN, {"place": county.township_a.pk})) == {"小明", "芳", "刚", "静"}
    # A place outside the caller's scope narrows to nothing rather than widening it.
    assert _names(api.get(CHILDREN, {"place": county.township_b.pk})) == set()


def test_the_school_filter(api_as, caseworker_a, county, township_a):
    api = api_as(caseworker_a)
    assert _names(api.get(CHILDREN, {"school": county.school_a.pk})) == {"小明"}
    assert _names(api.get(CHILDREN, {"school": county.school_b.pk})) == set()


def test_an_unknown_place_filter_is_422_naming_place(api_as, caseworker_a):
    response = api_as(caseworker_a).get(CHILDREN, {"place": 999999})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "place"


def test_a_bad_filter_value_is_422_naming_it(api_as, caseworker_a):
    response = api_as(caseworker_a).get(CHILDREN, {"away": "sometimes", "age_min": "old"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"away", "age_min"}


def test_list_items_carry_the_derived_status(api_as, caseworker_a, township_a):
    results = api_as(caseworker_a).get(CHILDREN, {"q": "小明"}).json()["results"]
    assert results[0]["away_parents"] == "mother"
    assert results[0]["parent_abroad"] is False
    assert results[0]["separated_since"] == years_ago(1).isoformat()
