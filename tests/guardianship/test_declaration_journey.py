"""On a 360 px phone: a mother's declaration from draft to active, printed (the PDF is parsed),
verified on the public page, then expired by the clock and back on the step-two worklist."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from kinlink.core.dates import today
from kinlink.guardianship.models import Declaration
from kinlink.guardianship.services import declarations_apply_clock
from tests.conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _sign_out(page) -> None:
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_url("**/accounts/login/**")


def test_a_declaration_from_draft_to_active_printed_verified_and_expired(
    phone_page, browser, family, caseworker_a, guardianship_officer, monkeypatch
):
    page = phone_page
    child = family.child
    start, end = today(), today() + dt.timedelta(days=180)

    # The caseworker drafts the mother's declaration with the family.
    sign_in(page, "caseworker_a", PASSWORD)
    page.goto(f"{page.base_url}/guardianship/children/{child.pk}/")
    assert "without a guardianship declaration" in page.inner_text("main")
    page.click(f"a[href='/guardianship/children/{child.pk}/declarations/new/']")
    page.select_option("#id_declarant", str(family.mother.pk))
    page.select_option("#id_representative", str(family.grandmother.pk))
    for power in ("schooling", "routine_medical", "emergency_medical"):
        page.check(f"input[name=powers][value={power}]")
    page.fill("#id_valid_from", start.isoformat())
    page.fill("#id_valid_until", end.isoformat())
    assert _fits_the_screen(page)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/guardianship/declarations/*/")
    decl = Declaration.objects.get(child=child)

    # Printed, signed by the mother, accepted by the grandmother.
    page.click(f"a[href='/guardianship/declarations/{decl.pk}/sign/']")
    page.fill("#id_signed_on", start.isoformat())
    page.fill("#id_representative_accepted_on", start.isoformat())
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/guardianship/declarations/{decl.pk}/")
    assert page.locator(f"a[href='/guardianship/declarations/{decl.pk}/register/']").count() == 0
    _sign_out(page)

    # The guardianship officer registers it: active from today.
    sign_in(page, "guardianship", PASSWORD)
    page.goto(f"{page.base_url}/guardianship/declarations/{decl.pk}/")
    page.click(f"a[href='/guardianship/declarations/{decl.pk}/register/']")
    page.check("input[name=registration][value=registered]")
    page.fill("#id_registered_on", start.isoformat())
    page.fill("#id_reference", "QSX-2025-118")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/guardianship/declarations/{decl.pk}/")
    assert "Active" in page.inner_text("h1")
    assert _fits_the_screen(page)

    # The printed paper holds the names, powers, dates and the code.
    pdf = page.request.get(f"{page.base_url}/guardianship/declarations/{decl.pk}/pdf/")
    assert pdf.headers["content-type"] == "application/pdf"
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    )
    decl.refresh_from_db()
    for expected in (
        "王小明",
        "李秀英",
        "李桂兰",
        "同意紧急医疗救治",
        "Consenttoemergencymedicalcare",
        f"{end.year}年{end.month}月{end.day}日",
        decl.code_display,
    ):
        assert expected in text, expected

    # A teacher checks the code on the public page, signed in as nobody.
    public = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-GB")
    school = public.new_page()
    school.goto(f"{page.base_url}/verify/")
    school.fill("#id_code", decl.code_display.lower())
    school.click("button[type=submit].primary")
    school.wait_for_url(f"**/verify/{decl.code_display}/")
    answer = school.inner_text("main")
    assert "In force" in answer and "李桂兰" in answer and "王小明" not in answer
    assert _fits_the_screen(school)

    # Half a year later the clock has expired it: the paper says so, and the child is back on
    # the officer's worklist.
    later = end + dt.timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: later)
    assert declarations_apply_clock(on=later) == 1
    school.reload()
    answer = school.inner_text("main")
    assert "Not in force" in answer and "expired" in answer
    public.close()
    page.goto(f"{page.base_url}/guardianship/")
    assert "王小明" in page.inner_text("main")
    assert _fits_the_screen(page)
