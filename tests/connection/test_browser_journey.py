"""On a 360 px phone, a caseworker records a child's contacts and the household's remittances,
sees the timeline and the chart, sees the no-contact alert come and go with the clock, and sees
the household's eligibility change when the income rule switches."""

from __future__ import annotations

import datetime as dt

import pytest

from kinlink.connection.models import ContactEvent, Remittance
from tests.conftest import (
    PASSWORD,
    sign_in,  # browser fixtures are shared from tests/conftest.py
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _record_contact(page, child, mother, day: dt.date, time: str = "") -> None:
    page.goto(f"{page.base_url}/connection/children/{child.pk}/")
    page.select_option("#id_parent", str(mother.pk))
    page.fill("#id_day", day.isoformat())
    page.fill("#id_time", time)
    page.select_option("#id_channel", "video")
    page.select_option("#id_initiated_by", "parent")
    page.fill("#id_duration_minutes", "20")
    page.click("form[action$='/contacts/add/'] button[type=submit].primary")
    page.wait_for_url(f"**/connection/children/{child.pk}/")


def test_contacts_remittances_alert_and_rule_switch_on_a_phone(
    phone_page,
    caseworker_a,
    child_a,
):
    page = phone_page
    mother = child_a.relationships.get(kind="mother").adult
    today = dt.date.today()
    sign_in(page, "caseworker_a", PASSWORD)

    # A video call 35 days ago: the no-contact alert stands today.
    _record_contact(page, child_a, mother, today - dt.timedelta(days=35), "20:15")
    assert ContactEvent.objects.count() == 1
    alert = page.locator("#alerts .alert-item[data-code=no_contact]")
    assert "35 days" in alert.inner_text()
    assert "Video call" in page.locator(".timeline").inner_text()
    # Moving the clock back to the day after the call, there was no alert.
    page.goto(
        f"{page.base_url}/connection/children/{child_a.pk}/"
        f"?on={(today - dt.timedelta(days=34)).isoformat()}"
    )
    assert page.locator("#alerts .alert-item").count() == 0
    # A call today clears it.
    _record_contact(page, child_a, mother, today)
    assert page.locator("#alerts .alert-item").count() == 0
    assert page.locator(".timeline li").count() == 2

    # One large remittance last month, recorded from the household page.
    page.goto(f"{page.base_url}/connection/households/{child_a.household_id}/")
    page.click(f"a[href='/connection/households/{child_a.household_id}/remittances/add/']")
    page.select_option("#id_sender", str(mother.pk))
    page.fill("#id_amount", "9000")
    page.fill("#id_received_on", (today.replace(day=1) - dt.timedelta(days=3)).isoformat())
    page.select_option("#id_channel", "mobile")
    page.check("input[name=uses][value=school]")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/connection/households/{child_a.household_id}/")
    assert Remittance.objects.count() == 1
    assert page.locator(".chart svg rect.bar").count() == 12

    # The smoothed rule averages 750 a month: kept, but at risk; a single-month rule drops it.
    dibao = page.locator("article[data-programme=rural-dibao]")
    assert "At risk of exclusion" in dibao.locator(".status").inner_text()
    page.click("a[href='?measure=single_month']")
    page.wait_for_url("**measure=single_month")
    dibao = page.locator("article[data-programme=rural-dibao]")
    assert "Not eligible" in dibao.locator(".status").inner_text()
    assert "single-month rule" in dibao.locator(".explanation").inner_text()

    # Nothing is wider than the phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
