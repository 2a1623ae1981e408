"""In a phone-sized browser: a caseworker imports a school roster with a few bad rows, sees each
bad row with its number and reason, accepts the rest, links the roster to the registry, reviews
the uncertain pair, and finds the child on the *not enrolled* worklist."""

from __future__ import annotations

import pytest

from kinlink.jobs.models import Job
from kinlink.jobs.services import job_run
from tests.conftest import PASSWORD, sign_in
from tests.identification.conftest import ROSTER_HEADER, csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _born(child) -> str:
    return f"{child.date_of_birth.year}/{child.date_of_birth.month}/{child.date_of_birth.day}"


def test_import_review_and_find_the_child_not_enrolled(phone_page, township, caseworker_a):
    kids = township.children
    rows = [
        [f"X{i:03d}", c.full_name, "男" if c.sex == "M" else "女", _born(c), "S-A", "95%",
         c.home_village.name]
        for i, c in enumerate(kids[:18])
    ]  # fmt: skip
    sibling = kids[23]
    rows.append(["X100", f"{sibling.family_name}某某", "", _born(sibling), "S-A", "",
                 sibling.home_village.name])  # fmt: skip
    rows.append(["X101", "钱多多", "", "2015年13月1日", "S-A", "", "上坝村"])
    rows.append(["X102", "孙小圣", "", "2016-01-01", "西河乡小学", "", "上坝村"])
    raw = csv_bytes([*ROSTER_HEADER, "村"], rows, encoding="gb18030")

    page = phone_page
    sign_in(page, "caseworker_a", PASSWORD)
    page.goto(f"{page.base_url}/identification/imports/new/")
    page.check("input[name=kind][value=roster]")
    page.set_input_files(
        "input[name=file]", {"name": "roster.csv", "mimeType": "text/csv", "buffer": raw}
    )
    page.click("button[type=submit].primary")
    page.wait_for_selector("h2:has-text('The first rows of the file')")
    assert page.locator("table.preview td", has_text=kids[0].full_name).count() == 1
    assert no_horizontal_scroll(page)
    page.click("button:has-text('Check every row')")

    page.wait_for_selector("h2:has-text('Problems found')")
    assert page.locator("tr", has_text="Row 21").filter(has_text="is not a date").count() == 1
    assert (
        page.locator("tr", has_text="Row 22").filter(has_text="not a school in your area").count()
        == 1
    )
    assert no_horizontal_scroll(page)
    page.click("button:has-text('Import 19 rows')")
    page.wait_for_selector("text=19 rows imported.")

    page.click("button:has-text('Link to the registry')")
    page.wait_for_url("**/jobs/*/")
    job = Job.objects.get(kind="identification.link_batch")
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED  # what the worker would do

    page.goto(f"{page.base_url}/identification/worklists/not-enrolled/")
    card = page.locator("li.card", has_text=sibling.full_name)
    assert card.locator(".badge", has_text="A pair waits for review").count() == 1

    page.goto(f"{page.base_url}/identification/review/")
    page.click(f"a:has-text('{sibling.family_name}某某')")
    page.wait_for_selector("h1:has-text('Is this the same child?')")
    assert page.locator(".evidence li", has_text="same family name, different given name").count()
    assert no_horizontal_scroll(page)
    page.fill("#id_note", "Another child of the family")
    page.click("button:has-text('Not the same child')")
    page.wait_for_selector("text=Decision recorded.")

    page.goto(f"{page.base_url}/identification/worklists/not-enrolled/")
    card = page.locator("li.card", has_text=sibling.full_name)
    assert card.count() == 1 and card.locator(".badge", has_text="review").count() == 0
    assert page.locator("li.card", has_text=kids[0].full_name).count() == 0  # on the roster
    assert no_horizontal_scroll(page)
    card.locator("a.child-name").click()
    page.wait_for_url(f"**/children/{sibling.pk}/")
    assert page.locator("h1", has_text=sibling.full_name).count() == 1
