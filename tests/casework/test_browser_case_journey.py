"""In a phone-sized browser (360 px), a whole case: a caseworker opens it, assesses, plans; a
supervisor approves the plan; the caseworker refers the child, records the service's acceptance
and completion, follows up, and asks to close; the supervisor approves the closure."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from kinlink.casework.models import Case, CaseStatus
from tests.conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


SHOTS = os.environ.get("KINLINK_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/casework-{name}.png", full_page=True)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def submit(page) -> None:
    page.click("form.form button[type=submit].primary")


def this_minute() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def switch_user(page, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username, PASSWORD)


def test_a_whole_case_from_opening_to_closure(
    phone_page, caseworker_a, supervisor, child_a, counselling
):
    page = phone_page
    today = timezone.localdate().isoformat()
    sign_in(page, "caseworker_a", PASSWORD)

    page.goto(f"{page.base_url}/children/{child_a.pk}/")
    page.click("a:has-text('Casework')")
    page.click("a:has-text('Open a case')")
    page.select_option("#id_risk_level", "high")
    page.fill("#id_reason", "Alone at home after school; grandmother unwell.")
    submit(page)
    page.wait_for_selector("text=The case is open.")
    assert page.locator(".tasks li", has_text="First contact with the child").count() == 1
    assert no_horizontal_scroll(page)
    case = Case.objects.get(child=child_a)

    page.click("a.button:has-text('Record a contact')")
    page.fill("#id_at", this_minute())
    page.fill("#id_summary", "Met him at home with his grandmother.")
    submit(page)
    page.click("a.button:has-text('Assessment')")
    page.fill("#id_summary", "Lonely since his mother left; misses meals.")
    page.fill("#id_on", today)
    submit(page)

    page.click("button:has-text('Start the plan')")
    page.select_option("#id_domain", "health")
    page.fill("form[action$='goals/add/'] #id_description", "Eats lunch every school day.")
    page.click("button:has-text('Add the goal')")
    page.fill("form[action$='actions/add/'] #id_description", "Apply for the free lunch")
    page.fill("#id_responsible", "Caseworker with the school")
    page.fill("#id_due_on", today)
    page.click("button:has-text('Add the action')")
    page.check("#id_child_participated")
    page.check("#id_caregiver_participated")
    page.click("button:has-text('Send to a supervisor')")
    page.wait_for_selector("text=The plan is sent to a supervisor for approval.")
    assert no_horizontal_scroll(page)
    shot(page, "case")

    switch_user(page, "supervisor")
    page.goto(f"{page.base_url}/casework/supervision/")
    shot(page, "supervision")
    page.click("a:has-text('Case plan')")
    page.check("input[name=decision][value=approve]")
    submit(page)
    page.wait_for_selector("text=The decision is recorded.")

    switch_user(page, "caseworker_a")
    page.goto(f"{page.base_url}/casework/cases/{case.pk}/")
    page.click("a.button:has-text('Refer to a service')")
    page.select_option("#id_service", str(counselling.pk))
    page.fill("#id_reason", "Sad and withdrawn; sleeps badly.")
    page.check("#id_caregiver_consent")
    page.fill("#id_consent_by", "李桂兰, grandmother")
    page.select_option("#id_child_assent", "verbal")
    submit(page)
    page.wait_for_selector("text=The referral is sent.")
    page.check("input[name=decision][value=accepted]")
    page.click("form[action$='respond/'] button")
    page.fill("#id_feedback", "Six sessions; he sleeps better.")
    page.click("form[action$='complete/'] button")
    page.wait_for_selector("dd:has-text('Completed')")

    page.goto(f"{page.base_url}/casework/cases/{case.pk}/contacts/add/?kind=visit")
    page.fill("#id_at", this_minute())
    page.fill("#id_summary", "Eating lunch at school; calmer.")
    submit(page)
    page.click("a.button:has-text('Close')")
    page.select_option("#id_reason", "goals_met")
    page.fill("#id_note", "Stable; grandmother supported by the village.")
    submit(page)
    page.wait_for_selector("text=The closure is sent to a supervisor for approval.")

    switch_user(page, "supervisor")
    page.goto(f"{page.base_url}/casework/supervision/")
    page.click("a:has-text('Closure')")
    page.check("input[name=decision][value=approve]")
    submit(page)
    page.wait_for_selector("text=The decision is recorded.")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closure_reason == "goals_met"
    page.goto(f"{page.base_url}/casework/cases/{case.pk}/")
    assert page.locator(".history li", has_text="Referral completed").count() == 1
    assert no_horizontal_scroll(page)
    shot(page, "closed")


def test_an_overdue_high_risk_case_is_first_on_the_supervisors_page_on_a_phone(
    phone_page, caseworker_a, supervisor, child_a, county
):
    """A low-risk case left ten days and a high-risk case left two: both are overdue for their
    first contact, and the supervisor sees the high-risk one first."""
    from kinlink.registry import services as registry
    from tests.casework.conftest import open_case
    from tests.conftest import years_ago

    other = registry.child_register(
        family_name="赵",
        given_name="小红",
        sex="F",
        date_of_birth=years_ago(7),
        home_village=county.village_a1,
    )
    now = timezone.now()
    open_case(caseworker_a, child_a, risk="low", now=now - dt.timedelta(days=10))
    open_case(caseworker_a, other, risk="high", now=now - dt.timedelta(days=2))
    page = phone_page
    sign_in(page, "supervisor", PASSWORD)
    page.goto(f"{page.base_url}/casework/supervision/")
    rows = page.locator("li.overdue:has(a[href*='/casework/cases/'])")
    assert rows.count() == 2
    assert "赵小红" in rows.nth(0).inner_text()
    assert "王小明" in rows.nth(1).inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "supervision-overdue")
