"""Supervisor approval of plans, closures and a lower risk level: requested (pending), approved,
rejected; nobody decides her own request."""

from __future__ import annotations

import pytest

from kinlink.casework import services
from kinlink.casework.models import ApprovalStatus, PlanStatus
from kinlink.casework.services import CaseworkError
from tests.casework.conftest import NOW, assessed, day, later


def submitted_plan(caseworker, child):
    case = assessed(caseworker, child)
    plan = services.plan_start(actor=caseworker, case=case, now=NOW)
    goal = services.goal_add(
        actor=caseworker, plan=plan, domain="emotional", description="Weekly call with mother."
    )
    services.action_add(
        actor=caseworker,
        goal=goal,
        description="Set up the call",
        responsible="grandmother",
        due_on=day(days=7),
    )
    approval = services.plan_submit(
        actor=caseworker, plan=plan, child_participated=True, caregiver_participated=True, now=NOW
    )
    return case, plan, approval


def test_a_submitted_plan_waits_for_a_supervisor_and_her_approval_puts_it_in_force(
    caseworker_a, supervisor, child_a
):
    _, plan, approval = submitted_plan(caseworker_a, child_a)
    plan.refresh_from_db()
    assert (plan.status, approval.status) == (PlanStatus.PENDING, ApprovalStatus.PENDING)
    services.approval_decide(actor=supervisor, approval=approval, approve=True, now=later(days=1))
    plan.refresh_from_db()
    approval.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_on == day(days=1)
    assert approval.status == ApprovalStatus.APPROVED and approval.decided_by == supervisor


def test_approving_ones_own_plan_is_refused(caseworker_a, supervisor, second_supervisor, child_a):
    case, plan, _ = submitted_plan(caseworker_a, child_a)
    # The supervisor rejects it, then revises and submits it herself: she cannot approve it.
    services.approval_decide(
        actor=supervisor,
        approval=plan.approvals.get(),
        approve=False,
        note="Add health goal.",
        now=NOW,
    )
    revised = services.plan_start(actor=supervisor, case=case, now=NOW)
    goal = services.goal_add(
        actor=supervisor, plan=revised, domain="health", description="Eat well."
    )
    services.action_add(
        actor=supervisor,
        goal=goal,
        description="Free lunch",
        responsible="school",
        due_on=day(days=3),
    )
    own = services.plan_submit(
        actor=supervisor,
        plan=revised,
        child_participated=True,
        caregiver_participated=False,
        now=NOW,
    )
    with pytest.raises(CaseworkError, match="your own request"):
        services.approval_decide(actor=supervisor, approval=own, approve=True, now=NOW)
    services.approval_decide(actor=second_supervisor, approval=own, approve=True, now=NOW)
    revised.refresh_from_db()
    assert revised.status == PlanStatus.APPROVED


def test_a_caseworker_cannot_approve(caseworker_a, colleague_a, child_a):
    _, _, approval = submitted_plan(caseworker_a, child_a)
    with pytest.raises(CaseworkError, match="Only a supervisor"):
        services.approval_decide(actor=colleague_a, approval=approval, approve=True, now=NOW)


def test_a_rejection_says_why_and_the_plan_goes_back_to_be_redone(
    caseworker_a, supervisor, child_a
):
    case, plan, approval = submitted_plan(caseworker_a, child_a)
    with pytest.raises(CaseworkError, match="why"):
        services.approval_decide(actor=supervisor, approval=approval, approve=False, now=NOW)
    services.approval_decide(
        actor=supervisor,
        approval=approval,
        approve=False,
        note="The child's view is missing.",
        now=NOW,
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REJECTED
    again = services.plan_start(actor=caseworker_a, case=case, now=NOW)
    assert again.version == 2


def test_a_decided_request_cannot_be_decided_again(caseworker_a, supervisor, child_a):
    _, _, approval = submitted_plan(caseworker_a, child_a)
    services.approval_decide(actor=supervisor, approval=approval, approve=True, now=NOW)
    with pytest.raises(CaseworkError, match="already been decided"):
        services.approval_decide(actor=supervisor, approval=approval, approve=False, note="x")


def test_a_plan_needs_goals_each_with_an_action(caseworker_a, child_a):
    case = assessed(caseworker_a, child_a)
    plan = services.plan_start(actor=caseworker_a, case=case, now=NOW)
    with pytest.raises(CaseworkError, match="at least one goal"):
        services.plan_submit(
            actor=caseworker_a, plan=plan, child_participated=True, caregiver_participated=True
        )
    services.goal_add(actor=caseworker_a, plan=plan, domain="protection", description="Safe home.")
    with pytest.raises(CaseworkError, match="at least one action"):
        services.plan_submit(
            actor=caseworker_a, plan=plan, child_participated=True, caregiver_participated=True
        )


def test_planning_starts_after_the_assessment(caseworker_a, child_a):
    from tests.casework.conftest import open_case

    case = open_case(caseworker_a, child_a)
    with pytest.raises(CaseworkError, match="assessment"):
        services.plan_start(actor=caseworker_a, case=case, now=NOW)


def test_a_revision_starts_from_the_plan_in_force_and_replaces_it_when_approved(
    caseworker_a, supervisor, child_a
):
    case, plan, approval = submitted_plan(caseworker_a, child_a)
    services.approval_decide(actor=supervisor, approval=approval, approve=True, now=NOW)
    revision = services.plan_start(actor=caseworker_a, case=case, now=later(days=30))
    assert [g.description for g in revision.goals.all()] == ["Weekly call with mother."]
    approval = services.plan_submit(
        actor=caseworker_a,
        plan=revision,
        child_participated=True,
        caregiver_participated=True,
        now=later(days=30),
    )
    services.approval_decide(actor=supervisor, approval=approval, approve=True, now=later(days=30))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED
