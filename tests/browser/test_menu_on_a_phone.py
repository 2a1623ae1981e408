"""On a phone the main menu folds behind a "Menu" button (no script: a checkbox and CSS), so a
caseworker's page starts with her work, not with a dozen links; on a desktop it is always open."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_menu_folds_on_a_phone_and_opens_with_its_button(phone_page, caseworker_a):
    sign_in(phone_page, "caseworker_a", PASSWORD)
    nav = phone_page.locator("nav.mainnav")
    assert not nav.is_visible()
    phone_page.click("label.navtoggle-label")
    assert nav.is_visible()
    nav.locator("a", has_text="Register a child").click()
    phone_page.wait_for_url("**/children/register/**")


def test_the_menu_is_open_on_a_desktop(browser, live_server, caseworker_a):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.base_url = live_server.url
    try:
        sign_in(page, "caseworker_a", PASSWORD)
        assert page.locator("nav.mainnav").is_visible()
        assert not page.locator("label.navtoggle-label").is_visible()
    finally:
        context.close()
