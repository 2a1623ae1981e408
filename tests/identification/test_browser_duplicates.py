"""In a phone-sized browser: a caseworker looks for children registered twice, reviews the pair
found, merges the two records, finds one child where there were two (the old record's page
leads to the kept one), then undoes the merge from its page and finds two children again."""

from __future__ import annotations

import pytest

from kinlink.jobs.models import Job
from kinlink.jobs.services import job_run
from tests.conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def children_named(page, name: str) -> int:
    page.goto(f"{page.base_url}/children/?q={name}")
    return page.locator("li.card a.child-name", has_text=name).count()


def test_find_review_merge_and_unmerge_a_child_registered_twice(phone_page, planted, caseworker_a):
    original, again = planted
    name = original.full_name
    page = phone_page
    sign_in(page, "caseworker_a", PASSWORD)
    assert children_named(page, name) == 2

    page.goto(f"{page.base_url}/identification/duplicates/")
    page.click("button:has-text('Look for children registered twice')")
    page.wait_for_url("**/jobs/*/")
    job = Job.objects.get(kind="identification.dedupe_registry")
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED  # what the worker would do

    page.goto(f"{page.base_url}/identification/duplicates/")
    page.click(f"a.child-name:has-text('{name}')")
    page.wait_for_selector("h1:has-text('Is this one child registered twice?')")
    assert page.locator(".evidence li", has_text="Date of birth").count() == 1
    assert no_horizontal_scroll(page)
    page.fill("#id_note", "Registered again at school enrolment")
    page.click(f"button:has-text('Same child: keep record #{original.pk}')")
    page.wait_for_url(f"**/children/{original.pk}/")
    page.wait_for_selector("text=The records were merged.")
    assert page.locator(".notice", has_text=f"Record #{again.pk} was merged").count() == 1

    assert children_named(page, name) == 1
    page.goto(f"{page.base_url}/children/{again.pk}/")
    page.wait_for_url(f"**/children/{original.pk}/")

    page.goto(f"{page.base_url}/children/merges/")
    page.click(f"a.child-name:has-text('{name}')")
    page.wait_for_selector("h2:has-text('What moved to the kept record')")
    assert no_horizontal_scroll(page)
    page.click("button:has-text('Undo this merge')")
    page.wait_for_url(f"**/children/{again.pk}/")
    page.wait_for_selector("text=The merge was undone")
    assert children_named(page, name) == 2
