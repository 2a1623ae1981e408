"""Shared personas: a small county with two townships, and one user per role.

caseworker_a works in township A, caseworker_b in township B; the teacher teaches at the school
in township A; the supervisor and the district official cover the whole county.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import pytest

from kinlink.accounts.models import User
from kinlink.accounts.services import user_create
from kinlink.places.models import Place, PlaceLevel, School
from kinlink.places.services import place_create
from kinlink.registry import services as registry

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Argon2 is slow by design (about half a second a user here); tests that are not about
    hashing use a fast hasher. Mark a test `argon2` to keep the production hasher."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class County:
    county: Place
    township_a: Place
    township_b: Place
    village_a1: Place
    village_a2: Place
    village_b1: Place
    school_a: School
    school_b: School


@pytest.fixture
def county(db) -> County:
    levels = {
        depth: PlaceLevel.objects.create(depth=depth, name=name)
        for depth, name in enumerate(["province", "county", "township", "village"], start=1)
    }
    province = place_create(name="四川省", code="510000", level=levels[1], name_latin="Sichuan")
    county = place_create(name="青山县", code="511623", level=levels[2], parent=province)
    town_a = place_create(name="东坪镇", code="511623101", level=levels[3], parent=county)
    town_b = place_create(name="西河乡", code="511623201", level=levels[3], parent=county)
    v_a1 = place_create(name="上坝村", code="511623101001", level=levels[4], parent=town_a)
    v_a2 = place_create(name="下坝村", code="511623101002", level=levels[4], parent=town_a)
    v_b1 = place_create(name="河口村", code="511623201001", level=levels[4], parent=town_b)
    school_a = School.objects.create(name="东坪镇中心小学", code="S-A", place=town_a)
    school_b = School.objects.create(name="西河乡小学", code="S-B", place=town_b)
    return County(county, town_a, town_b, v_a1, v_a2, v_b1, school_a, school_b)


def _user(username: str, role: str, **kwargs) -> User:
    return user_create(username=username, password=PASSWORD, role=role, **kwargs)


@pytest.fixture
def caseworker_a(county) -> User:
    return _user("caseworker_a", "caseworker", scope=county.township_a)


@pytest.fixture
def caseworker_b(county) -> User:
    return _user("caseworker_b", "caseworker", scope=county.township_b)


@pytest.fixture
def supervisor(county) -> User:
    return _user("supervisor", "supervisor", scope=county.county)


@pytest.fixture
def teacher_a(county) -> User:
    return _user("teacher_a", "teacher", scope=county.township_a, school=county.school_a)


@pytest.fixture
def health_worker_a(county) -> User:
    return _user("health_a", "health_worker", scope=county.township_a)


@pytest.fixture
def guardianship_officer(county) -> User:
    return _user("guardianship", "guardianship_officer", scope=county.county)


@pytest.fixture
def official(county) -> User:
    return _user("official", "district_official", scope=county.county)


@pytest.fixture
def administrator(county) -> User:
    return _user("admin", "administrator", scope=county.county)


def years_ago(years: int, days: int = 0) -> dt.date:
    today = dt.date.today()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


@pytest.fixture
def child_a(county) -> object:
    """王小明, 9, in village A1, pupil of school A, mother working in Guangdong."""
    child = registry.child_register(
        family_name="王",
        given_name="小明",
        sex="M",
        date_of_birth=years_ago(9, 30),
        home_village=county.village_a1,
        school=county.school_a,
        grade="3",
        national_id="",
        notes="Grandmother is unwell.",
    )
    mother = registry.adult_create(
        family_name="李",
        given_name="秀英",
        sex="F",
        date_of_birth=years_ago(34),
        phone="13800138000",
    )
    registry.relationship_add(child=child, adult=mother, kind="mother")
    registry.migration_record(
        adult=mother,
        departed_on=years_ago(1),
        destination_country="CN",
        destination_place="广东省东莞市",
        purpose="work",
        pattern="long_term",
    )
    child.refresh_from_db()
    return child


@pytest.fixture
def child_b(county) -> object:
    """张丽, 12, in village B1 (township B), pupil of school B."""
    return registry.child_register(
        family_name="张",
        given_name="丽",
        sex="F",
        date_of_birth=years_ago(12),
        home_village=county.village_b1,
        school=county.school_b,
        grade="6",
    )


# Browser tests ------------------------------------------------------------------------------
# Playwright for Python driving Debian's Chromium (never a downloaded browser) against Django's
# live test server. One browser per test process: a second sync Playwright in the same thread
# would fail, so these fixtures live here for every test folder to share.

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread for the whole session;
    # the ORM calls the tests (and the test database's teardown) make are still synchronous
    # and safe, so Django's async guard is lifted while the browser is open.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def phone_page(browser, live_server):
    """A page the size of a small phone (360 px wide)."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


def sign_in(page, username: str, password: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/children/**")
