"""A caseworker's home page lists due and overdue tasks and new referrals, high-risk first; a
supervisor's page lists every caseload in her scope, overdue counts and approvals waiting."""

from __future__ import annotations

from django.urls import reverse

from kinlink.casework import services
from kinlink.casework.selectors import my_work, supervision
from kinlink.registry import services as registry
from tests.casework.conftest import NOW, assessed, later, open_case


def another_child(county, given="小红"):
    return registry.child_register(
        family_name="刘",
        given_name=given,
        sex="F",
        date_of_birth=NOW.date().replace(year=2016),
        home_village=county.village_a2,
    )


def test_an_overdue_high_risk_case_comes_first_on_my_work(caseworker_a, county, child_a):
    low = open_case(caseworker_a, child_a, risk="low")
    high = open_case(caseworker_a, another_child(county), risk="high", now=later(hours=1))
    medium = assessed(caseworker_a, another_child(county, "小兰"), risk="medium")
    work = my_work(caseworker_a, later(days=2))
    assert [row.case for row in work.cases] == [high, medium, low]
    assert work.tasks[0].case == high and work.tasks[0].overdue
    assert {t.kind for t in work.tasks if t.case == low} == {"first_contact"}  # due within 7 days


def test_my_work_lists_new_intake_referrals_for_children_i_see(
    teacher_a, caseworker_a, caseworker_b, child_a
):
    services.intake_refer(actor=teacher_a, child=child_a, concern="Crying at school.", now=NOW)
    assert len(my_work(caseworker_a, NOW).intake) == 1
    assert my_work(caseworker_b, NOW).intake == []


def test_the_supervisor_sees_every_caseload_its_overdue_count_and_approvals_waiting(
    caseworker_a, caseworker_b, supervisor, child_a, child_b
):
    open_case(caseworker_a, child_a, risk="high")
    case_b = open_case(caseworker_b, child_b, risk="low")
    services.closure_request(
        actor=caseworker_b, case=case_b, reason="lost_contact", note="Family moved.", now=NOW
    )
    page = supervision(supervisor, later(days=2))
    loads = {
        load.caseworker.username: (load.open, load.overdue, load.high_risk)
        for load in page.caseloads
    }
    assert loads == {"caseworker_a": (1, 1, 1), "caseworker_b": (1, 0, 0)}
    assert page.caseloads[0].caseworker == caseworker_a  # the overdue caseload first
    assert [row.case.child for row in page.overdue_cases] == [child_a]
    assert [a.kind for a in page.approvals] == ["closure"]


def test_a_caseworker_has_no_supervision_of_others(caseworker_a, caseworker_b, child_b):
    open_case(caseworker_b, child_b)
    assert my_work(caseworker_a, NOW).cases == []


def test_an_overdue_high_risk_case_is_first_on_the_supervisors_page(
    caseworker_a, colleague_a, supervisor, county, child_a
):
    open_case(caseworker_a, child_a, risk="low")
    high = open_case(colleague_a, another_child(county), risk="high", now=later(days=1))
    page = supervision(supervisor, later(days=10))
    assert [row.case.risk_level for row in page.overdue_cases] == ["high", "low"]
    assert page.overdue_cases[0].case == high


def test_a_caseworker_without_cases_still_has_a_caseload_row(
    caseworker_a, colleague_a, supervisor, child_a
):
    open_case(caseworker_a, child_a)
    loads = {load.caseworker.username: load.open for load in supervision(supervisor, NOW).caseloads}
    assert loads["colleague_a"] == 0 and loads["caseworker_a"] == 1


def test_a_township_supervisor_sees_only_caseloads_in_her_township(
    county, caseworker_a, caseworker_b, child_a, child_b
):
    from kinlink.accounts.services import user_create

    town_supervisor = user_create(
        username="supervisor_a",
        password="x-long-password-1",
        role="supervisor",
        scope=county.township_a,
    )
    open_case(caseworker_a, child_a)
    open_case(caseworker_b, child_b)
    names = {load.caseworker.username for load in supervision(town_supervisor, NOW).caseloads}
    assert names == {"caseworker_a"}


def test_family_connection_alerts_of_my_cases_reach_my_work(caseworker_a, child_a, client):
    """child_a's mother left a year ago and no contact is recorded: the connection app's
    no-contact alert shows on the caseworker's work page, linked to the child's contact page."""
    open_case(caseworker_a, child_a, risk="medium")
    work = my_work(caseworker_a, NOW)
    assert [(child, alert.code) for child, alert in work.family_alerts] == [(child_a, "no_contact")]
    client.force_login(caseworker_a)
    page = client.get(reverse("casework:my_work")).content.decode()
    assert "Family connection alerts" in page
    assert reverse("connection:child", args=[child_a.pk]) in page


def test_no_family_alert_for_children_outside_my_cases(caseworker_a, child_a):
    assert my_work(caseworker_a, NOW).family_alerts == []
