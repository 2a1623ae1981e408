"""In a phone-sized browser: a health worker records a measurement and sees z-scores, flags and
the charts by age and by height; a caseworker screens a child, reads the factors and their
reasons, completes a PHQ-A with a self-harm answer and sees the alert and the task; the eco-map
fits a 360 px screen."""

from __future__ import annotations

import os

import pytest

from kinlink.assessment import services
from tests.conftest import (
    PASSWORD,
    sign_in,  # browser fixtures are shared from tests/conftest.py
)

from .conftest import ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("KINLINK_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_health_worker_records_a_measurement_and_sees_z_scores_and_flags(
    phone_page, health_worker_a, family
):
    child = family.child(age=3, sex="F")
    page = phone_page
    sign_in(page, "health_a", PASSWORD)
    page.goto(f"{page.base_url}/assessment/children/{child.pk}/growth/")
    page.fill("#id_measured_on", ago(days=1).isoformat())
    page.fill("#id_weight_kg", "10.2")
    page.fill("#id_height_cm", "84")
    page.check("input[name=measure][value=standing]")
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=Saved. The WHO z-scores of this measurement")
    assert page.locator(".badge.alert", has_text="Stunting").count() >= 1
    assert page.locator("svg.chart circle.point.flagged").count() == 1
    box = page.locator("svg.chart").bounding_box()
    assert box["width"] <= 360
    assert no_horizontal_scroll(page)
    shot(page, "growth")

    # Weight against height (a child of 3): the point at its height, the axis in cm.
    page.click(".tabs a:has-text('Weight-for-height')")
    page.wait_for_selector("svg.chart text:has-text('height (cm)')")
    assert page.locator("svg.chart polyline.curve").count() == 5
    assert page.locator("svg.chart circle.point").count() == 1
    box = page.locator("svg.chart").bounding_box()
    assert box["width"] <= 360
    assert no_horizontal_scroll(page)
    shot(page, "growth-weight-for-height")


def test_a_caseworker_screens_gives_a_phq_a_and_sees_the_alert_and_the_eco_map(
    phone_page, caseworker_a, supervisor, family
):
    child = family.child(age=14, mother="away", father="away", mother_left=ago(months=15))
    family.carer(child, age=72)
    for kind, label, strength in (
        ("grandparent", "奶奶", "strong"),
        ("teacher", "李老师", "moderate"),
        ("friend", "小红", "weak"),
        ("social_worker", "Social worker", "moderate"),
    ):
        services.support_tie_add(
            child=child, user=caseworker_a, kind=kind, label=label, strength=strength, supports=[]
        )
    page = phone_page
    sign_in(page, "caseworker_a", PASSWORD)
    page.goto(f"{page.base_url}/children/{child.pk}/")
    page.click("a.button:has-text('Assessment')")

    page.click("button:has-text('Screen now')")
    page.wait_for_selector("h2:has-text('Suggested level')")
    assert page.locator(".factors li.present strong", has_text="No parent at home").count() == 1
    assert page.locator("text=most depressive symptoms").count() >= 1
    assert page.locator(".factors li.unknown").count() >= 1
    assert no_horizontal_scroll(page)
    shot(page, "screening")

    page.goto(f"{page.base_url}/assessment/children/{child.pk}/screeners/?instrument=phq-a")
    page.fill("#id_administered_on", ago().isoformat())
    for item in range(1, 10):
        value = "1" if item in (1, 9) else "0"
        page.check(f"input[name=item_{item}][value='{value}']")
    page.click("button:has-text('Score and save')")
    page.wait_for_selector("section.safety")
    assert page.locator("section.safety").count() == 1
    assert page.locator("text=Make a safety plan with the child").count() == 1
    assert page.locator("svg.ecomap circle.node").count() == 4
    box = page.locator("svg.ecomap").bounding_box()
    assert box["width"] <= 360
    assert no_horizontal_scroll(page)
    shot(page, "child")
