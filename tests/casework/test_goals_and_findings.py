"""A case-plan goal links to the assessment's findings by reference (F-<id>), chosen from the
child's findings and read through the assessment's published `child_findings`: the plan, the
case and the approval show each finding's text; a revision keeps the links; a finding of another
child, or none at all, is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kinlink.assessment import services as assessment
from kinlink.casework import selectors, services
from kinlink.casework.models import Goal
from kinlink.core.dates import today
from tests.casework.conftest import NOW, assessed


def findings_of(user, child, domain, *texts):
    record = assessment.domain_assessment_record(
        child=child,
        user=user,
        domain=domain,
        assessed_on=today(),
        answers={},
        summary="",
        findings=[("need", text) for text in texts],
    )
    return [f.reference for f in record.findings.all()]


def goal_with_action(caseworker, plan, domain, description, findings):
    goal = services.goal_add(
        actor=caseworker, plan=plan, domain=domain, description=description, findings=findings
    )
    services.action_add(
        actor=caseworker, goal=goal, description="-", responsible="caseworker", due_on=today()
    )
    return goal


@pytest.fixture
def draft(caseworker_a, child_a):
    case = assessed(caseworker_a, child_a)
    return services.plan_start(actor=caseworker_a, case=case, now=NOW)


def test_a_goal_keeps_the_references_of_the_childs_findings_it_answers(
    draft, caseworker_a, child_a
):
    first, second = findings_of(caseworker_a, child_a, "education", "Misses Mondays.", "Behind.")
    goal = services.goal_add(
        actor=caseworker_a,
        plan=draft,
        domain="education",
        description="Back to regular attendance.",
        findings=[second, first, second],
    )
    goal.refresh_from_db()
    assert goal.findings == [second, first]  # in the order chosen, once each
    [linked] = selectors.with_findings(child_a, [goal])
    assert [(f.reference, f.text) for f in linked.linked_findings] == [
        (second, "Behind."),
        (first, "Misses Mondays."),
    ]


def test_a_finding_of_another_child_or_an_unknown_reference_is_refused(
    draft, caseworker_a, caseworker_b, child_a, child_b
):
    [theirs] = findings_of(caseworker_b, child_b, "education", "Not hers.")
    for references in ([theirs], ["F-99999"], ["nonsense"]):
        with pytest.raises(ValidationError) as error:
            services.goal_add(
                actor=caseworker_a,
                plan=draft,
                domain="education",
                description="-",
                findings=references,
            )
        assert "findings" in error.value.message_dict
    assert not Goal.objects.exists()


def test_a_revision_of_the_plan_keeps_the_links(draft, caseworker_a, supervisor, child_a):
    [need] = findings_of(caseworker_a, child_a, "emotional", "Cries at night.")
    goal_with_action(caseworker_a, draft, "emotional", "Sleeps.", [need])
    approval = services.plan_submit(
        actor=caseworker_a, plan=draft, child_participated=True, caregiver_participated=True
    )
    services.approval_decide(actor=supervisor, approval=approval, approve=True)
    revision = services.plan_start(actor=caseworker_a, case=draft.case)
    assert [g.findings for g in revision.goals.all()] == [[need]]


def test_the_plan_page_offers_the_childs_findings_and_shows_each_goals_text(
    client, draft, caseworker_a, child_a, child_b, caseworker_b
):
    [need] = findings_of(caseworker_a, child_a, "education", "Misses Mondays.")
    findings_of(caseworker_b, child_b, "education", "Someone else's finding.")
    client.force_login(caseworker_a)
    page = client.get(f"/casework/cases/{draft.case.pk}/plan/").content.decode()
    assert f'value="{need}"' in page and "Misses Mondays." in page
    assert "Someone else" not in page
    response = client.post(
        f"/casework/cases/{draft.case.pk}/plan/goals/add/",
        {"domain": "education", "description": "Attends every day.", "findings": [need]},
    )
    assert response.status_code == 302
    assert Goal.objects.get().findings == [need]
    page = client.get(f"/casework/cases/{draft.case.pk}/plan/").content.decode()
    assert f"{need} (Education, Need): Misses Mondays." in page


def test_the_approved_plan_on_the_case_page_shows_the_findings(
    client, draft, caseworker_a, supervisor, child_a
):
    [need] = findings_of(caseworker_a, child_a, "health", "Toothache for weeks.")
    goal_with_action(caseworker_a, draft, "health", "Dentist.", [need])
    approval = services.plan_submit(
        actor=caseworker_a, plan=draft, child_participated=True, caregiver_participated=True
    )
    client.force_login(supervisor)
    page = client.get(f"/casework/approvals/{approval.pk}/").content.decode()
    assert "Toothache for weeks." in page
    services.approval_decide(actor=supervisor, approval=approval, approve=True)
    page = client.get(f"/casework/cases/{draft.case.pk}/").content.decode()
    assert f"{need} (Health and nutrition, Need): Toothache for weeks." in page


def test_without_the_assessment_app_there_are_no_findings_to_link(
    monkeypatch, draft, caseworker_a, child_a
):
    findings_of(caseworker_a, child_a, "education", "Misses Mondays.")
    monkeypatch.setattr(selectors, "ASSESSMENT", ("kinlink.not_installed", "-", "child_findings"))
    assert selectors.child_findings(child_a) == []
