"""The registry's pages as a caseworker, teacher, supervisor and others use them."""

import pytest
from django.urls import reverse

from kinlink.audit.models import AuditEntry
from kinlink.registry.models import Child
from tests.conftest import years_ago


@pytest.fixture
def as_caseworker(client, caseworker_a):
    client.force_login(caseworker_a)
    return client


def test_the_list_finds_a_child_by_toneless_pinyin_with_spaces(as_caseworker, child_a):
    response = as_caseworker.get(reverse("registry:child_list"), {"q": "wang xiao ming"})
    assert "王小明" in response.content.decode()


def test_the_list_finds_a_child_by_characters_and_by_given_name_alone(as_caseworker, child_a):
    for query in ("王小明", "小明", "Xiǎomíng"):
        response = as_caseworker.get(reverse("registry:child_list"), {"q": query})
        assert "王小明" in response.content.decode(), query


def test_the_list_shows_only_children_in_scope(as_caseworker, child_a, child_b):
    page = as_caseworker.get(reverse("registry:child_list")).content.decode()
    assert "王小明" in page and "张丽" not in page


def test_listing_is_audited_with_the_ids_shown(as_caseworker, child_a):
    as_caseworker.get(reverse("registry:child_list"))
    entry = AuditEntry.objects.get(action="list")
    assert entry.extra["ids"] == [child_a.pk]
    assert entry.actor_username == "caseworker_a"


def test_an_htmx_search_returns_only_the_results_fragment(as_caseworker, child_a):
    response = as_caseworker.get(
        reverse("registry:child_list"), {"q": "wang"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "王小明" in body and "<html" not in body


def test_the_child_page_shows_derived_status_and_is_audited(as_caseworker, child_a):
    response = as_caseworker.get(reverse("registry:child_detail", args=[child_a.pk]))
    body = response.content.decode()
    assert "Mother away" in body
    assert "Months since separation" in body
    assert "广东省东莞市" in body
    view = AuditEntry.objects.get(action="view", object_id=str(child_a.pk))
    assert "notes" in view.fields


def test_a_teacher_sees_education_but_not_family_or_notes(client, teacher_a, child_a):
    client.force_login(teacher_a)
    body = client.get(reverse("registry:child_detail", args=[child_a.pk])).content.decode()
    assert "东坪镇中心小学" in body
    assert "李秀英" not in body  # the mother
    assert "Grandmother is unwell" not in body  # notes
    assert AuditEntry.objects.get(action="view").fields == [
        "away_parents",
        "date_of_birth",
        "dob_estimated",
        "family_name",
        "family_name_latin",
        "given_name",
        "given_name_latin",
        "grade",
        "home_village",
        "parent_abroad",
        "school",
        "separated_since",
        "sex",
    ]


def test_registering_a_child_through_the_form(as_caseworker, county):
    response = as_caseworker.post(
        reverse("registry:child_register"),
        {
            "family_name": "陈",
            "given_name": "静",
            "sex": "F",
            "date_of_birth": years_ago(6).isoformat(),
            "home_village": county.village_a2.pk,
        },
    )
    child = Child.objects.get(family_name="陈")
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:child_detail", args=[child.pk])


def test_a_bad_registration_shows_the_field_message_and_saves_nothing(as_caseworker, county):
    response = as_caseworker.post(
        reverse("registry:child_register"),
        {
            "family_name": "陈",
            "given_name": "静",
            "sex": "F",
            "date_of_birth": years_ago(19).isoformat(),
            "home_village": county.village_a2.pk,
        },
    )
    assert response.status_code == 200
    assert "Kinlink registers children under 18" in response.content.decode()
    assert not Child.objects.exists()


def test_a_caseworker_cannot_register_into_a_village_outside_her_scope(as_caseworker, county):
    response = as_caseworker.post(
        reverse("registry:child_register"),
        {
            "family_name": "陈",
            "given_name": "静",
            "sex": "F",
            "date_of_birth": years_ago(6).isoformat(),
            "home_village": county.village_b1.pk,
        },
    )
    assert response.status_code == 200
    assert not Child.objects.exists()


def test_the_duplicate_check_offers_a_similar_child_born_within_a_year(
    as_caseworker, child_a, county
):
    response = as_caseworker.post(
        reverse("registry:duplicate_check"),
        {
            "family_name": "王",
            "given_name": "晓明",  # a homophone of 小明
            "date_of_birth": years_ago(9, 200).isoformat(),
            "home_village": county.village_a2.pk,  # the next village, same township
        },
    )
    assert reverse("registry:child_detail", args=[child_a.pk]) in response.content.decode()


def test_the_duplicate_check_ignores_children_born_years_apart(as_caseworker, child_a, county):
    response = as_caseworker.post(
        reverse("registry:duplicate_check"),
        {
            "family_name": "王",
            "given_name": "小明",
            "date_of_birth": years_ago(4).isoformat(),
            "home_village": county.village_a1.pk,
        },
    )
    assert "may already be registered" not in response.content.decode()


def test_adding_a_father_who_works_abroad_marks_both_parents_away(as_caseworker, child_a):
    as_caseworker.post(
        reverse("registry:adult_add", args=[child_a.pk]),
        {
            "relationship": "father",
            "family_name": "王",
            "given_name": "强",
            "sex": "M",
            "is_alive": "on",
            "phone": "+60 12-345 6789",
        },
    )
    father = child_a.relationships.get(kind="father").adult
    assert father.phone == "+60123456789"
    response = as_caseworker.post(
        reverse("registry:migration_add", args=[father.pk]),
        {
            "departed_on": years_ago(2).isoformat(),
            "destination_country": "MY",
            "destination_place": "Kuala Lumpur",
            "purpose": "work",
            "pattern": "long_term",
        },
    )
    assert response.status_code == 302
    child_a.refresh_from_db()
    assert child_a.away_parents == "both" and child_a.parent_abroad


def test_a_supervisor_sees_who_has_looked_at_a_child(client, supervisor, caseworker_a, child_a):
    client.force_login(caseworker_a)
    client.get(reverse("registry:child_detail", args=[child_a.pk]))
    client.force_login(supervisor)
    body = client.get(reverse("registry:child_access_log", args=[child_a.pk])).content.decode()
    assert "caseworker_a" in body


def test_a_caseworker_cannot_open_the_access_log(as_caseworker, child_a):
    response = as_caseworker.get(reverse("registry:child_access_log", args=[child_a.pk]))
    assert response.status_code == 404


def test_pages_need_a_signed_in_user(client, child_a):
    response = client.get(reverse("registry:child_detail", args=[child_a.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
