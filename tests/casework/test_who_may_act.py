"""Acting on a case is for the caseworker it is assigned to, or a supervisor; transfers go only to
a caseworker who works where the child lives."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kinlink.casework import services
from kinlink.casework.services import CaseworkError
from tests.casework.conftest import NOW, open_case


def test_a_caseworker_cannot_act_on_a_case_she_is_not_assigned_to(
    caseworker_a, colleague_a, child_a
):
    case = open_case(caseworker_a, child_a)
    attempts = [
        lambda: services.contact_record(actor=colleague_a, case=case, kind="visit", summary="x"),
        lambda: services.note_add(actor=colleague_a, case=case, text="x"),
        lambda: services.case_assess(actor=colleague_a, case=case, summary="x"),
        lambda: services.risk_change(actor=colleague_a, case=case, level="high", reason="x"),
        lambda: services.closure_request(
            actor=colleague_a, case=case, reason="goals_met", note="x"
        ),
        lambda: services.case_transfer(actor=colleague_a, case=case, to=colleague_a, reason="x"),
    ]
    for attempt in attempts:
        with pytest.raises(CaseworkError, match="assigned"):
            attempt()


def test_a_teacher_cannot_open_a_case(teacher_a, child_a):
    with pytest.raises(CaseworkError):
        open_case(teacher_a, child_a)


def test_a_caseworker_cannot_take_a_case_for_a_child_outside_her_area(caseworker_b, child_a):
    with pytest.raises(ValidationError):
        open_case(caseworker_b, child_a)


def test_a_transfer_hands_the_case_over_and_the_old_caseworker_can_no_longer_act(
    caseworker_a, colleague_a, child_a
):
    case = open_case(caseworker_a, child_a)
    services.case_transfer(
        actor=caseworker_a, case=case, to=colleague_a, reason="Leaving the post.", now=NOW
    )
    case.refresh_from_db()
    assert case.caseworker == colleague_a
    assert case.events.filter(kind="transferred").exists()
    with pytest.raises(CaseworkError, match="assigned"):
        services.note_add(actor=caseworker_a, case=case, text="Still here.")
    services.note_add(actor=colleague_a, case=case, text="Introduced myself.")


def test_a_case_is_not_transferred_to_a_caseworker_outside_the_childs_area(
    caseworker_a, caseworker_b, child_a
):
    case = open_case(caseworker_a, child_a)
    with pytest.raises(ValidationError) as error:
        services.case_transfer(actor=caseworker_a, case=case, to=caseworker_b, reason="x")
    assert "to" in error.value.message_dict


def test_a_supervisor_may_transfer_any_case_she_sees(
    caseworker_a, colleague_a, supervisor, child_a
):
    case = open_case(caseworker_a, child_a)
    services.case_transfer(actor=supervisor, case=case, to=colleague_a, reason="Caseload balance.")
    case.refresh_from_db()
    assert case.caseworker == colleague_a
