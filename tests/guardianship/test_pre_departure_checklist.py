"""The pre-departure checklist: the declaration item follows the parent's own declaration
through its stages; the other items are marked by the caseworker, never done while what they
need is missing; not applicable needs a reason; completeness counts what is settled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kinlink.core.dates import today
from kinlink.guardianship import services
from kinlink.guardianship.checklist import ITEM_KEYS, checklist_for
from kinlink.guardianship.models import MarkState
from tests.guardianship.conftest import draft, fill_plan, make_plan, make_registered

DAY = dt.timedelta(days=1)


def _state(plan, key: str):
    return next(s for s in checklist_for(plan).items if s.item.key == key)


@pytest.fixture
def plan(family, caseworker_a):
    return make_plan(caseworker_a, family)


def test_a_new_plan_has_every_item_open_and_names_what_is_missing(plan):
    checklist = checklist_for(plan)
    assert [s.item.key for s in checklist.items] == list(ITEM_KEYS)
    assert all(s.state == MarkState.NOT_DONE for s in checklist.items)
    assert (checklist.resolved, checklist.total, checklist.complete) == (0, 7, False)
    assert "no declaration" in _state(plan, "declaration").detail
    assert "how often" in _state(plan, "contact_plan").detail


def test_the_declaration_item_follows_the_parents_declaration_from_draft_to_registered(
    plan, family, caseworker_a, guardianship_officer
):
    decl = draft(caseworker_a, family, declarant=family.father)
    state = _state(plan, "declaration")
    assert (state.state, state.detail, state.declaration) == (
        MarkState.NOT_DONE,
        "Drafted; not yet signed.",
        decl,
    )
    services.declaration_sign(
        actor=caseworker_a, declaration=decl, signed_on=today(), representative_accepted_on=today()
    )
    assert _state(plan, "declaration").detail == "Signed; waiting for registration."
    services.declaration_register(
        actor=guardianship_officer,
        declaration=decl,
        registration="registered",
        registered_on=today(),
        reference="R-1",
    )
    state = _state(plan, "declaration")
    assert state.state == MarkState.DONE
    assert family.grandmother.full_name in state.detail


def test_another_parents_declaration_does_not_count_for_this_parents_departure(
    plan, family, caseworker_a, guardianship_officer
):
    make_registered(caseworker_a, guardianship_officer, family, declarant=family.mother)
    assert _state(plan, "declaration").state == MarkState.NOT_DONE


def test_a_declaration_ending_before_the_departure_is_not_enough(
    family, caseworker_a, guardianship_officer
):
    make_registered(
        caseworker_a,
        guardianship_officer,
        family,
        declarant=family.father,
        valid_until=today() + 10 * DAY,
    )
    plan = make_plan(caseworker_a, family, departure_on=today() + 30 * DAY)
    state = _state(plan, "declaration")
    assert state.state == MarkState.NOT_DONE
    assert state.detail == "Registered, but it ends before the departure."


def test_a_revoked_declaration_no_longer_counts(plan, family, caseworker_a, guardianship_officer):
    decl = make_registered(caseworker_a, guardianship_officer, family, declarant=family.father)
    assert _state(plan, "declaration").state == MarkState.DONE
    services.declaration_revoke(
        actor=guardianship_officer, declaration=decl, reason="parent", ended_on=today()
    )
    assert _state(plan, "declaration").state == MarkState.NOT_DONE


def test_the_declaration_is_never_marked_done_by_hand_but_may_not_apply_with_a_reason(
    plan, caseworker_a
):
    with pytest.raises(ValidationError) as err:
        services.checklist_mark(actor=caseworker_a, plan=plan, item="declaration", state="done")
    assert "registered" in err.value.message_dict["state"][0]
    with pytest.raises(ValidationError) as err:
        services.checklist_mark(actor=caseworker_a, plan=plan, item="declaration", state="n_a")
    assert "note" in err.value.message_dict
    services.checklist_mark(
        actor=caseworker_a,
        plan=plan,
        item="declaration",
        state="n_a",
        note="The mother comes home next month and keeps parental authority.",
    )
    state = _state(plan, "declaration")
    assert state.state == MarkState.NOT_APPLICABLE and state.resolved
    assert "comes home" in state.note


def test_an_item_cannot_be_marked_done_while_the_plan_lacks_what_it_needs(plan, caseworker_a):
    for item, needs in [
        ("contact_plan", "how often"),
        ("school", "school papers"),
        ("health", "health insurance"),
        ("emergency_contacts", "emergency contact"),
    ]:
        with pytest.raises(ValidationError) as err:
            services.checklist_mark(actor=caseworker_a, plan=plan, item=item, state="done")
        assert needs in err.value.message_dict["state"][0], item


def test_with_everything_recorded_and_marked_the_checklist_is_complete(
    family, caseworker_a, guardianship_officer
):
    plan = fill_plan(caseworker_a, family, make_plan(caseworker_a, family))
    make_registered(caseworker_a, guardianship_officer, family, declarant=family.father)
    for key in ITEM_KEYS[1:]:
        services.checklist_mark(actor=caseworker_a, plan=plan, item=key, state="done")
    checklist = checklist_for(plan)
    assert checklist.complete and checklist.percent == 100


def test_an_item_marked_done_reopens_when_what_it_needed_is_removed(family, caseworker_a):
    plan = fill_plan(caseworker_a, family, make_plan(caseworker_a, family))
    services.checklist_mark(actor=caseworker_a, plan=plan, item="emergency_contacts", state="done")
    assert _state(plan, "emergency_contacts").state == MarkState.DONE
    services.plan_set_emergency_contacts(actor=caseworker_a, plan=plan, contacts=[])
    state = _state(plan, "emergency_contacts")
    assert state.state == MarkState.NOT_DONE
    assert "Add at least one emergency contact." in state.detail


def test_health_without_insurance_needs_no_card_holder(family, caseworker_a):
    plan = make_plan(
        caseworker_a,
        family,
        insurance_scheme="none",
        insurance_card_holder=family.grandmother,
        treatment_consent_by=family.grandmother,
    )
    assert plan.insurance_card_holder is None
    services.checklist_mark(actor=caseworker_a, plan=plan, item="health", state="done")
    assert _state(plan, "health").state == MarkState.DONE


def test_marks_are_audited_on_the_plan(plan, caseworker_a):
    from kinlink.audit.models import AuditEntry

    services.checklist_mark(actor=caseworker_a, plan=plan, item="help", state="done")
    entry = AuditEntry.objects.filter(
        object_type="guardianship.predepartureplan", action="change"
    ).last()
    assert entry.object_id == str(plan.pk)
    assert entry.changes["checklist.help"] == ["", "done"]
