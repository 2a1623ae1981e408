"""The registration journey in the Chinese interface."""

from __future__ import annotations

import pytest

from tests.browser.test_registration_journey import _journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_registration_journey_in_chinese(phone_page, county, caseworker_a):
    caseworker_a.language = "zh-hans"
    caseworker_a.save(update_fields=["language"])
    _journey(
        phone_page,
        county,
        family="黄",
        given="佳怡",
        pinyin="huangjiayi",
        labels={"lang": "zh-hans", "mother_away": "母亲外出", "homophone": "嘉怡"},
    )
    # The interface is in Chinese, not just the data.
    assert "儿童" in phone_page.locator("nav.mainnav").inner_text()
