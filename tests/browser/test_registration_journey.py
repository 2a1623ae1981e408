"""A caseworker on a phone registers a child whose mother works in another province, is warned
of a near-duplicate, and finds the child by typing pinyin without tones: in English and Chinese."""

from __future__ import annotations

import pytest

from kinlink.registry.models import Child
from tests.conftest import PASSWORD, sign_in, years_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _register_child(page, county, family, given, born):
    page.goto(page.base_url + "/children/register/")
    page.fill("#id_family_name", family)
    page.fill("#id_given_name", given)
    page.check("input[name=sex][value=F]")
    page.fill("#id_date_of_birth", born.isoformat())
    page.select_option("#id_home_village", str(county.village_a1.pk))


def _journey(page, county, *, family, given, pinyin, labels):
    sign_in(page, "caseworker_a", PASSWORD)
    assert page.locator("html").get_attribute("lang") == labels["lang"]

    # Register the child.
    born = years_ago(8, 40)
    _register_child(page, county, family, given, born)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/children/*/")
    child = Child.objects.get(family_name=family, given_name=given)

    # Her mother works in another province.
    page.click(f"a[href='/children/{child.pk}/adults/add/']")
    page.select_option("#id_relationship", "mother")
    page.fill("#id_family_name", "周")
    page.fill("#id_given_name", "慧")
    page.check("input[name=sex][value=F]")
    page.fill("#id_phone", "139 0000 1111")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/children/{child.pk}/")
    mother = child.relationships.get(kind="mother").adult
    page.click(f"a[href='/children/adults/{mother.pk}/migrations/add/']")
    page.fill("#id_departed_on", years_ago(1).isoformat())
    page.select_option("#id_destination_country", "CN")
    page.fill("#id_destination_place", "广东省深圳市")
    page.select_option("#id_purpose", "work")
    page.select_option("#id_pattern", "long_term")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/children/{child.pk}/")
    assert page.locator(".status .badge.away-mother").inner_text() == labels["mother_away"]

    # A near-duplicate: a homophone given name, born a few months apart.
    _register_child(page, county, family, labels["homophone"], years_ago(8, 150))
    warning = page.locator("#duplicates .warning")
    warning.wait_for()
    assert warning.locator(f"a[href='/children/{child.pk}/']").count() == 1

    # Find the child by typing pinyin without tones.
    page.goto(page.base_url + "/children/")
    page.fill("#id_q", pinyin)
    page.locator(f"#results a[href='/children/{child.pk}/']").wait_for()
    # The page fits a phone: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_registration_journey_in_english(phone_page, county, caseworker_a):
    _journey(
        phone_page,
        county,
        family="林",
        given="小红",
        pinyin="lin xiaohong",
        labels={"lang": "en", "mother_away": "Mother away", "homophone": "晓红"},
    )
