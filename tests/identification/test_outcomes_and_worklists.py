"""What linking tells about each registered child: on a school roster (and attending less than
80% of days), on a current service list (which), with a registered guardian; the worklists of
left-behind children not enrolled or receiving no service, by village; and the coverage table
for district officials, with small cells suppressed."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kinlink.audit.models import AuditEntry
from kinlink.core.dates import today
from kinlink.identification.models import PairStatus, SourceRow
from kinlink.identification.selectors import coverage, worklist
from kinlink.registry import services as registry
from tests.identification.conftest import csv_bytes, import_list, record_run


def _rows(batch):
    return list(SourceRow.objects.filter(batch=batch).order_by("row_number"))


@pytest.fixture
def linked(township, caseworker_a, county):
    """A roster links children 0-9 (children 0 and 6 attend 70% of days); a service list links
    children 0-4 to a current programme and child 5 to one that ended last year."""
    kids = township.children
    roster = import_list(
        caseworker_a,
        "roster",
        csv_bytes(
            ["姓名", "出勤率"],
            [[k.full_name, "70" if i in (0, 6) else "95"] for i, k in enumerate(kids[:10])],
        ),
        school=county.school_a,
    )
    pupils = zip(_rows(roster), kids[:10], strict=True)
    record_run(caseworker_a, roster, [(row, kid, 0.99, PairStatus.ACCEPTED) for row, kid in pupils])
    year = today().year
    lines = [[k.full_name, "营养餐", f"{year - 1}-09-01", ""] for k in kids[:5]]
    lines.append([kids[5].full_name, "课后托管", f"{year - 2}-09-01", f"{year - 1}-01-31"])
    services_list = import_list(
        caseworker_a, "services", csv_bytes(["姓名", "项目", "开始日期", "结束日期"], lines)
    )
    served = zip(_rows(services_list), kids[:6], strict=True)
    record_run(
        caseworker_a, services_list, [(row, kid, 0.97, PairStatus.ACCEPTED) for row, kid in served]
    )
    return kids


def test_not_enrolled_lists_left_behind_children_of_school_age_on_no_roster(linked, caseworker_a):
    names = {c.full_name for c in worklist(caseworker_a, "not-enrolled", today())}
    assert names == {c.full_name for c in linked[10:24]}  # 24-29 have no parent away


def test_a_child_just_past_school_age_is_not_on_the_not_enrolled_list(linked, caseworker_a):
    sixteen = linked[12]
    sixteen.date_of_birth = today().replace(year=today().year - 16)
    sixteen.save()
    assert sixteen not in worklist(caseworker_a, "not-enrolled", today())


def test_no_service_lists_left_behind_children_on_no_current_service_list(linked, caseworker_a):
    names = {c.full_name for c in worklist(caseworker_a, "no-service", today())}
    assert names == {c.full_name for c in linked[5:24]}  # child 5's programme has ended


def test_the_worklist_page_counts_by_village_and_links_to_each_child(
    client, linked, caseworker_a, county
):
    client.force_login(caseworker_a)
    page = client.get("/identification/worklists/not-enrolled/").content.decode()
    assert re.search(r"上坝村</a></td><td>7</td>", page)
    assert re.search(r"下坝村</a></td><td>7</td>", page)
    assert f'href="/children/{linked[10].pk}/"' in page
    assert "No registered guardian" in page  # asked of the guardianship app
    entry = AuditEntry.objects.filter(action="list", object_type="registry.child").latest("seq")
    assert set(entry.extra["ids"]) == {c.pk for c in linked[10:24]}
    page = client.get(f"/identification/worklists/not-enrolled/?place={county.village_a2.pk}")
    assert "14 children" not in page.content.decode() and "7 children" in page.content.decode()


def test_the_no_service_page_shows_low_attendance_and_programmes(client, linked, caseworker_a):
    client.force_login(caseworker_a)
    page = client.get("/identification/worklists/no-service/").content.decode()
    assert "19 children" in page
    card = page.split(linked[6].full_name, 1)[1].split("</li>", 1)[0]
    assert "On a school roster" in card and "Attendance 70%" in card
    card = page.split(linked[7].full_name, 1)[1].split("</li>", 1)[0]
    assert "On a school roster" in card and "Attendance" not in card


def test_the_child_page_says_where_the_child_was_found(client, linked, caseworker_a):
    client.force_login(caseworker_a)
    page = client.get(f"/identification/children/{linked[0].pk}/").content.decode()
    assert "On the roster of 东坪镇中心小学" in page and "Attendance 70%" in page
    assert "营养餐" in page and "No registered guardian is in force." in page
    page = client.get(f"/identification/children/{linked[20].pk}/").content.decode()
    assert "Not found on any imported school roster." in page
    assert "Not found on any current service list." in page


def test_the_registry_child_page_links_to_school_and_services(client, linked, caseworker_a):
    client.force_login(caseworker_a)
    page = client.get(f"/children/{linked[0].pk}/").content.decode()
    assert f'href="/identification/children/{linked[0].pk}/"' in page


def test_another_townships_caseworker_sees_none_of_these_children(client, linked, caseworker_b):
    assert not worklist(caseworker_b, "not-enrolled", today()).exists()
    client.force_login(caseworker_b)
    page = client.get("/identification/worklists/not-enrolled/").content.decode()
    assert linked[10].full_name not in page


def test_coverage_counts_enrolled_and_served_by_township_and_village(linked, official, county):
    lone = registry.child_register(
        family_name="孤", given_name="单", sex="F",
        date_of_birth=today() - dt.timedelta(days=365 * 9), home_village=county.village_b1,
    )  # fmt: skip
    lone.away_parents = "both"
    lone.save()
    total, areas = coverage(official, today())
    assert (total.identified, total.school_age, total.enrolled, total.served) == (25, 25, 10, 5)
    town_a, town_b = areas
    assert town_a.place == county.township_a and town_a.enrolled_share == pytest.approx(10 / 24)
    assert [v.place.name for v in town_a.villages] == ["上坝村", "下坝村"]
    assert town_b.identified == 1 and town_b.enrolled_share is None  # too few to show


def test_the_coverage_page_suppresses_small_cells_and_draws_a_chart(
    client, linked, official, county
):
    lone = registry.child_register(
        family_name="孤", given_name="单", sex="F",
        date_of_birth=today() - dt.timedelta(days=365 * 9), home_village=county.village_b1,
    )  # fmt: skip
    lone.away_parents = "both"
    lone.save()
    client.force_login(official)
    page = client.get("/identification/coverage/").content.decode()
    assert "<svg" in page and "42%" in page  # 10 of 24 enrolled in township A
    assert "<td>&lt;5</td>" in page
    assert "孤单" not in page and linked[0].full_name not in page  # counts, never names


@pytest.mark.parametrize("persona", ["teacher_a", "health_worker_a", "administrator"])
def test_coverage_is_for_officials_supervisors_and_caseworkers(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/identification/coverage/").status_code == 404


def test_ledger_rows_matched_to_no_one_lead_to_registering_the_child(
    client, township, caseworker_a
):
    ledger = import_list(
        caseworker_a,
        "ledger",
        csv_bytes(
            ["姓名", "出生日期"], [[township.children[0].full_name, ""], ["新来娃", "2017-02-02"]]
        ),
    )
    known, unknown = _rows(ledger)
    record_run(caseworker_a, ledger, [(known, township.children[0], 0.99, PairStatus.ACCEPTED)])
    client.force_login(caseworker_a)
    page = client.get("/identification/worklists/not-registered/").content.decode()
    assert "新来娃" in page and township.children[0].full_name not in page
    page = client.get(f"/identification/rows/{unknown.pk}/").content.decode()
    assert 'href="/children/register/"' in page
