"""Closure with a reason, approved by a supervisor; the closures that must be refused; reopening
keeps the history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kinlink.casework import services
from kinlink.casework.models import ApprovalStatus, CaseEvent, CaseStatus
from kinlink.casework.services import CaseworkError
from tests.casework.conftest import NOW, full_consent, later, open_case, planned


def test_a_closure_approved_by_a_supervisor_closes_the_case_with_its_reason(
    caseworker_a, supervisor, child_a
):
    case = planned(caseworker_a, supervisor, child_a)
    request = services.closure_request(
        actor=caseworker_a, case=case, reason="goals_met", note="Stable for three months.", now=NOW
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and request.status == ApprovalStatus.PENDING
    services.approval_decide(actor=supervisor, approval=request, approve=True, now=later(days=1))
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closure_reason == "goals_met" and case.closed_at == later(days=1)


def test_a_case_cannot_be_closed_with_an_open_high_risk_referral(
    caseworker_a, supervisor, child_a, counselling
):
    case = planned(caseworker_a, supervisor, child_a, risk="high")
    services.referral_send(
        actor=caseworker_a,
        case=case,
        service=counselling,
        reason="Night terrors.",
        **full_consent(),
        now=NOW,
    )
    with pytest.raises(CaseworkError, match="referral is still open"):
        services.closure_request(
            actor=caseworker_a, case=case, reason="goals_met", note="Better.", now=NOW
        )


def test_a_referral_sent_after_the_closure_request_still_blocks_the_approval(
    caseworker_a, supervisor, child_a, counselling
):
    case = planned(caseworker_a, supervisor, child_a, risk="medium")
    request = services.closure_request(
        actor=caseworker_a, case=case, reason="goals_met", note="Better.", now=NOW
    )
    services.referral_send(
        actor=caseworker_a,
        case=case,
        service=counselling,
        reason="Relapse.",
        priority="high",
        **full_consent(),
        now=NOW,
    )
    with pytest.raises(CaseworkError, match="referral is still open"):
        services.approval_decide(actor=supervisor, approval=request, approve=True, now=NOW)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


@pytest.mark.parametrize("reason", ["consent_withdrawn", "lost_contact"])
def test_a_high_risk_case_closes_for_withdrawn_consent_or_lost_contact_only_with_escalation(
    caseworker_a, supervisor, child_a, reason
):
    case = open_case(caseworker_a, child_a, risk="high")
    with pytest.raises(CaseworkError, match="without escalation"):
        services.closure_request(
            actor=caseworker_a, case=case, reason=reason, note="Family moved away.", now=NOW
        )
    request = services.closure_request(
        actor=caseworker_a,
        case=case,
        reason=reason,
        note="Family moved away.",
        escalation="Escalated to the county civil affairs bureau, who will trace the family.",
        now=NOW,
    )
    assert request.details["escalation"].startswith("Escalated")


def test_a_medium_risk_case_may_close_for_lost_contact_without_escalation(caseworker_a, child_a):
    case = open_case(caseworker_a, child_a, risk="medium")
    services.closure_request(
        actor=caseworker_a,
        case=case,
        reason="lost_contact",
        note="Traced for three months.",
        now=NOW,
    )


def test_a_closed_case_reopens_with_its_history_kept(caseworker_a, supervisor, child_a):
    case = planned(caseworker_a, supervisor, child_a)
    request = services.closure_request(
        actor=caseworker_a, case=case, reason="goals_met", note="Stable.", now=NOW
    )
    services.approval_decide(actor=supervisor, approval=request, approve=True, now=NOW)
    events_before = CaseEvent.objects.filter(case=case).count()
    services.case_reopen(
        actor=caseworker_a,
        case=case,
        reason="Grandmother died.",
        risk_level="high",
        now=later(days=60),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.risk_level == "high"
    assert case.first_contact_due == later(days=60, hours=24)
    assert case.assessed_on is None  # assessed again
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert len(kinds) == events_before + 1 and "closure_approved" in kinds
    assert kinds[0] == "reopened"
    assert case.approvals.filter(kind="closure", status="approved").exists()


def test_an_open_case_cannot_be_reopened_nor_a_second_case_opened(caseworker_a, child_a):
    case = open_case(caseworker_a, child_a)
    with pytest.raises(CaseworkError, match="open"):
        services.case_reopen(actor=caseworker_a, case=case, reason="x", risk_level="low")
    with pytest.raises(CaseworkError, match="already has an open case"):
        open_case(caseworker_a, child_a)


def test_nothing_is_recorded_on_a_closed_case(caseworker_a, supervisor, child_a):
    case = open_case(caseworker_a, child_a, risk="low")
    request = services.closure_request(
        actor=caseworker_a, case=case, reason="goals_met", note="Stable.", now=NOW
    )
    services.approval_decide(actor=supervisor, approval=request, approve=True, now=NOW)
    with pytest.raises(CaseworkError, match="closed"):
        services.note_add(actor=caseworker_a, case=case, text="Called.")


def test_closing_rejects_a_plan_still_waiting_for_approval(caseworker_a, supervisor, child_a):
    from kinlink.casework.models import PlanStatus
    from tests.casework.conftest import day

    case = planned(caseworker_a, supervisor, child_a)
    revision = services.plan_start(actor=caseworker_a, case=case, now=NOW)
    services.action_add(
        actor=caseworker_a,
        goal=revision.goals.get(),
        description="More",
        responsible="me",
        due_on=day(days=3),
    )
    plan_request = services.plan_submit(
        actor=caseworker_a,
        plan=revision,
        child_participated=True,
        caregiver_participated=True,
        now=NOW,
    )
    closure = services.closure_request(
        actor=caseworker_a, case=case, reason="goals_met", note="Stable.", now=NOW
    )
    services.approval_decide(actor=supervisor, approval=closure, approve=True, now=NOW)
    plan_request.refresh_from_db()
    revision.refresh_from_db()
    assert plan_request.status == ApprovalStatus.REJECTED
    assert revision.status == PlanStatus.REJECTED


def test_a_case_closes_as_turned_18_only_for_a_child_who_is_18(caseworker_a, child_a):
    case = open_case(caseworker_a, child_a)
    with pytest.raises(ValidationError) as error:
        services.closure_request(
            actor=caseworker_a, case=case, reason="turned_18", note="Adult now.", now=NOW
        )
    assert "reason" in error.value.message_dict
