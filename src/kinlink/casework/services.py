"""Every change to casework records, one function per act, keyword-only.

Each checks the actor (the assigned caseworker, or a supervisor; see `access.may_act_on`) and the
record's current state, raises `CaseworkError` (a message a user can read) when the act is not
allowed, or ValidationError naming the field when input is wrong, and writes the change, an
audit entry and a `CaseEvent` (the case's history) in one transaction. Callers fetch records
through `casework.access` first: scope is theirs to check, so out of scope stays a 404.

Time comes in as `now` (an aware datetime), so tests and back-dated entries set the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kinlink.accounts.models import Role, User
from kinlink.audit.models import Action
from kinlink.audit.services import audit_change
from kinlink.casework import conf
from kinlink.casework.access import is_supervisor, may_act_on
from kinlink.casework.models import (
    ESCALATION_REASONS,
    OPEN_REFERRAL_STATUSES,
    RISK_ORDER,
    ActionParty,
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Assent,
    Case,
    CaseEvent,
    CaseNote,
    CasePlan,
    CaseSource,
    CaseStatus,
    Challenge,
    ClosureReason,
    Contact,
    ContactKind,
    CopingStrategy,
    Domain,
    Goal,
    Group,
    GroupMember,
    GroupSession,
    IntakeReferral,
    IntakeStatus,
    PlanAction,
    PlanStatus,
    Referral,
    ReferralStatus,
    RiskLevel,
    ServiceOffer,
)
from kinlink.casework.selectors import child_findings
from kinlink.core.dates import age_in_years
from kinlink.core.errors import RuleRefused
from kinlink.places.models import Place, ServiceProvider
from kinlink.registry.access import children_visible_to
from kinlink.registry.derived import current_care
from kinlink.registry.models import Child
from kinlink.registry.services import Errors


class CaseworkError(RuleRefused):
    """An act that is not allowed now, or not for this person; the message says why."""


# Helpers ---------------------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _day(now: dt.datetime) -> dt.date:
    return timezone.localdate(now)


def _value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {f: _value(getattr(obj, f)) for f in fields}


def _save(obj: models.Model, before: dict[str, Any], *, created: bool = False) -> None:
    """Save the object and audit the fields in `before` whose value changed."""
    obj.save()
    after = _snapshot(obj, before)
    changes = {k: (None if created else before[k], v) for k, v in after.items()}
    changes = {k: c for k, c in changes.items() if c[0] != c[1]}
    audit_change(obj, action=Action.CREATE if created else Action.CHANGE, changes=changes)


def _event(case: Case, kind: str, actor: User | None, now: dt.datetime, **details: Any) -> None:
    CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        at=now,
        details={k: _value(v) for k, v in details.items()},
    )


def _locked_case(case: Case) -> Case:
    # Transitions read the current state under a row lock, so two people acting at once cannot
    # both succeed (two closures, a transfer during an approval).
    return Case.objects.select_for_update().select_related("child").get(pk=case.pk)


def _require_actor(actor: User, case: Case) -> None:
    if not may_act_on(actor, case):
        raise CaseworkError(
            _("Only the caseworker assigned to this case, or a supervisor, can do this.")
        )


def _require_open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise CaseworkError(_("The case is closed. Reopen it first."))


def _risk(level: str, errors: Errors, field: str = "risk_level") -> str:
    if level not in RiskLevel.values:
        errors.add(field, _("Choose high, medium or low."))
    return level


def _text(value: str, errors: Errors, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors.add(field, message)
    return value


def _sees_child(user: User, child: Child) -> bool:
    return children_visible_to(user).filter(pk=child.pk).exists()


# Opening and assessment ------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    actor: User,
    child: Child,
    risk_level: str,
    reason: str,
    source: str = CaseSource.CHILD,
    caseworker: User | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Open a case for a child (identification and registration); the first contact is due
    within the hours set for the risk level."""
    now = _now(now)
    caseworker = caseworker or actor
    if actor.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        raise CaseworkError(_("Only caseworkers and supervisors open cases."))
    if actor.role == Role.CASEWORKER and caseworker.pk != actor.pk:
        raise CaseworkError(_("Only a supervisor can open a case for another caseworker."))
    errors = Errors()
    _risk(risk_level, errors)
    reason = _text(reason, errors, "reason", _("Say why the case is opened."))
    if source not in CaseSource.values:
        errors.add("source", _("Unknown source."))
    if caseworker.role != Role.CASEWORKER or not caseworker.is_active:
        errors.add("caseworker", _("Choose an active caseworker."))
    elif not _sees_child(caseworker, child):
        errors.add("caseworker", _("This caseworker does not work where the child lives."))
    errors.raise_if_any()
    if Case.objects.open().filter(child=child).exists():
        raise CaseworkError(_("The child already has an open case."))
    case = Case(
        child=child,
        caseworker=caseworker,
        source=source,
        reason=reason,
        risk_level=risk_level,
        opened_at=now,
        opened_by=actor,
        first_contact_due=now + conf.first_contact_within(risk_level),
    )
    _save(
        case,
        _snapshot(
            case, ["child", "caseworker", "source", "risk_level", "opened_at", "first_contact_due"]
        ),
        created=True,
    )
    _event(case, "opened", actor, now, risk_level=risk_level, source=source)
    return case


@transaction.atomic
def case_assess(
    *,
    actor: User,
    case: Case,
    summary: str,
    on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Record the assessment's findings; the plan is then due within the configured days."""
    now = _now(now)
    case = _locked_case(case)
    _require_actor(actor, case)
    _require_open(case)
    errors = Errors()
    summary = _text(summary, errors, "summary", _("Write what the assessment found."))
    on = on or _day(now)
    if on > _day(now):
        errors.add("on", _("The date is in the future."))
    errors.raise_if_any()
    before = _snapshot(case, ["assessed_on", "assessment_summary", "plan_due"])
    case.assessed_on = on
    case.assessment_summary = summary
    case.plan_due = on + conf.plan_within()
    _save(case, before)
    _event(case, "assessed", actor, now)
    return case


# Risk level ------------------------------------------------------------------------------------


def _apply_risk(case: Case, level: str, now: dt.datetime, *, raised: bool) -> None:
    """Set the level and recompute deadlines. A raise brings each due date forward at once (never
    later than before) and makes the plan's review due today; a lowering recomputes each date
    from the event it counts from."""
    today = _day(now)
    case.risk_level = level
    if case.first_contact_at is None:
        if raised:
            case.first_contact_due = min(
                case.first_contact_due, now + conf.first_contact_within(level)
            )
        else:
            case.first_contact_due = case.opened_at + conf.first_contact_within(level)
    if case.review_due is not None:
        if raised:
            # domain.md §4: a plan is reviewed at once after a change in risk.
            case.review_due = today
        else:
            anchor = case.last_reviewed_on or _approved_on(case) or today
            case.review_due = anchor + conf.review_every(level)
    if case.visit_due is not None:
        if raised:
            case.visit_due = min(case.visit_due, today + conf.visit_every(level))
        else:
            last = case.contacts.filter(kind__in=[ContactKind.VISIT, ContactKind.PHONE]).first()
            anchor = _day(last.at) if last else today
            case.visit_due = anchor + conf.visit_every(level)


def _approved_on(case: Case) -> dt.date | None:
    plan = case.plans.filter(status=PlanStatus.APPROVED).first()
    return plan.approved_on if plan else None


DUE_FIELDS = ["risk_level", "first_contact_due", "review_due", "visit_due"]


@transaction.atomic
def risk_change(
    *, actor: User, case: Case, level: str, reason: str, now: dt.datetime | None = None
) -> Case | Approval:
    """Raise the risk level at once (deadlines come forward), or ask a supervisor to lower it:
    lowering needs a reason and a supervisor's sign-off (domain.md §4)."""
    now = _now(now)
    case = _locked_case(case)
    _require_actor(actor, case)
    _require_open(case)
    errors = Errors()
    _risk(level, errors, "level")
    errors.raise_if_any()
    if level == case.risk_level:
        raise CaseworkError(_("The case is already at this risk level."))
    old = case.risk_level
    if RISK_ORDER[RiskLevel(level)] > RISK_ORDER[RiskLevel(old)]:
        before = _snapshot(case, DUE_FIELDS)
        _apply_risk(case, level, now, raised=True)
        _save(case, before)
        # A raise cancels a pending request to lower the level: it is out of date.
        for pending in case.approvals.filter(
            kind=ApprovalKind.RISK_LOWERING, status=ApprovalStatus.PENDING
        ):
            _reject(pending, None, _("Overtaken by a raise."), now)
        _event(case, "risk_raised", actor, now, old=old, new=level, reason=reason.strip())
        return case
    reason = _text(reason, errors, "reason", _("Say why the risk is lower."))
    errors.raise_if_any()
    return _request(
        case, ApprovalKind.RISK_LOWERING, actor, now, details={"level": level, "reason": reason}
    )


# Approvals -------------------------------------------------------------------------------------


def _request(
    case: Case,
    kind: str,
    actor: User,
    now: dt.datetime,
    *,
    plan: CasePlan | None = None,
    details: dict[str, Any] | None = None,
) -> Approval:
    if case.approvals.filter(kind=kind, status=ApprovalStatus.PENDING).exists():
        raise CaseworkError(_("A request of this kind is already waiting for a supervisor."))
    approval = Approval(
        case=case,
        kind=kind,
        plan=plan,
        details=details or {},
        requested_by=actor,
        requested_at=now,
    )
    _save(
        approval,
        _snapshot(approval, ["case", "kind", "plan", "details", "requested_by"]),
        created=True,
    )
    _event(case, f"{kind}_requested", actor, now, **(details or {}))
    return approval


def _reject(approval: Approval, actor: User | None, note: str, now: dt.datetime) -> None:
    """Reject a request; a rejected plan goes back to be redone as a new version."""
    if approval.plan is not None:
        plan = approval.plan
        before = _snapshot(plan, ["status"])
        plan.status = PlanStatus.REJECTED
        _save(plan, before)
    _decide(approval, actor, ApprovalStatus.REJECTED, note, now)


def _decide(
    approval: Approval, actor: User | None, status: str, note: str, now: dt.datetime
) -> None:
    before = _snapshot(approval, ["status", "decided_by", "decided_at", "decision_note"])
    approval.status = status
    approval.decided_by = actor
    approval.decided_at = now
    approval.decision_note = note
    _save(approval, before)
    _event(approval.case, f"{approval.kind}_{status}", actor, now, note=note)


@transaction.atomic
def approval_decide(
    *,
    actor: User,
    approval: Approval,
    approve: bool,
    note: str = "",
    now: dt.datetime | None = None,
) -> Approval:
    """A supervisor approves or rejects a plan, a closure or a lower risk level. Nobody decides
    her own request; a rejection says why."""
    now = _now(now)
    approval = Approval.objects.select_for_update().get(pk=approval.pk)
    case = _locked_case(approval.case)
    if not is_supervisor(actor):
        raise CaseworkError(_("Only a supervisor can approve or reject."))
    if approval.requested_by_id == actor.pk:
        raise CaseworkError(_("You cannot decide your own request; another supervisor must."))
    if approval.status != ApprovalStatus.PENDING:
        raise CaseworkError(_("This request has already been decided."))
    note = (note or "").strip()
    if not approve:
        if not note:
            raise CaseworkError(_("Say why the request is rejected."))
        _reject(approval, actor, note, now)
        return approval
    _require_open(case)
    if approval.kind == ApprovalKind.PLAN:
        _approve_plan(case, approval.plan, now)
    elif approval.kind == ApprovalKind.CLOSURE:
        _close(case, approval.details, now)
    elif approval.kind == ApprovalKind.RISK_LOWERING:
        before = _snapshot(case, DUE_FIELDS)
        _apply_risk(case, approval.details["level"], now, raised=False)
        _save(case, before)
    _decide(approval, actor, ApprovalStatus.APPROVED, note, now)
    return approval


# The plan --------------------------------------------------------------------------------------


@transaction.atomic
def plan_start(*, actor: User, case: Case, now: dt.datetime | None = None) -> CasePlan:
    """Start a draft plan (a new version), copying the goals and open actions of the plan in
    force so a revision starts from it."""
    now = _now(now)
    case = _locked_case(case)
    _require_actor(actor, case)
    _require_open(case)
    if case.assessed_on is None:
        raise CaseworkError(_("Record the assessment before planning."))
    if case.plans.filter(status__in=[PlanStatus.DRAFT, PlanStatus.PENDING]).exists():
        raise CaseworkError(_("A plan is already being prepared or waiting for approval."))
    current = case.plans.filter(status=PlanStatus.APPROVED).first()
    version = (case.plans.aggregate(v=models.Max("version"))["v"] or 0) + 1
    plan = CasePlan(case=case, version=version, created_at=now)
    _save(plan, _snapshot(plan, ["case", "version", "status"]), created=True)
    if current is not None:
        for goal in current.goals.prefetch_related("actions"):
            copy = Goal.objects.create(
                plan=plan,
                domain=goal.domain,
                findings=goal.findings,
                finding=goal.finding,
                description=goal.description,
            )
            for action in goal.actions.all():
                if action.done_on is None:
                    PlanAction.objects.create(
                        goal=copy,
                        description=action.description,
                        responsible=action.responsible,
                        party=action.party,
                        due_on=action.due_on,
                    )
    _event(case, "plan_started", actor, now, version=version)
    return plan


def _draft(plan: CasePlan, actor: User) -> None:
    _require_actor(actor, plan.case)
    _require_open(plan.case)
    if plan.status != PlanStatus.DRAFT:
        raise CaseworkError(_("Only a draft plan can be changed."))


@transaction.atomic
def goal_add(
    *,
    actor: User,
    plan: CasePlan,
    domain: str,
    description: str,
    findings: Iterable[str] = (),
    finding: str = "",
) -> Goal:
    """Add a goal in one domain, linked to what the assessment found: the child's findings by
    reference (`F-<id>`, checked against the assessment), or in words."""
    _draft(plan, actor)
    errors = Errors()
    if domain not in Domain.values:
        errors.add("domain", _("Choose a domain."))
    description = _text(description, errors, "description", _("Describe the goal."))
    references = list(dict.fromkeys(str(r).strip() for r in findings))
    known = {f.reference for f in child_findings(plan.case.child, references)}
    if any(reference not in known for reference in references):
        errors.add("findings", _("Choose findings of this child's assessment."))
    errors.raise_if_any()
    goal = Goal(
        plan=plan,
        domain=domain,
        description=description,
        findings=references,
        finding=finding.strip(),
    )
    _save(
        goal,
        _snapshot(goal, ["plan", "domain", "description", "findings", "finding"]),
        created=True,
    )
    return goal


@transaction.atomic
def action_add(
    *,
    actor: User,
    goal: Goal,
    description: str,
    responsible: str,
    due_on: dt.date | None,
    party: str = ActionParty.CASEWORKER,
) -> PlanAction:
    """Add an action to a goal: what, who does it (and whose task it is), by when."""
    _draft(goal.plan, actor)
    errors = Errors()
    description = _text(description, errors, "description", _("Describe the action."))
    responsible = _text(responsible, errors, "responsible", _("Say who does it."))
    if party not in ActionParty.values:
        errors.add("party", _("Choose whose task it is."))
    if due_on is None:
        errors.add("due_on", _("Say by when."))
    errors.raise_if_any()
    action = PlanAction(
        goal=goal, description=description, responsible=responsible, party=party, due_on=due_on
    )
    _save(
        action,
        _snapshot(action, ["goal", "description", "responsible", "party", "due_on"]),
        created=True,
    )
    return action


@transaction.atomic
def action_done(
    *, actor: User, action: PlanAction, on: dt.date | None = None, now: dt.datetime | None = None
) -> PlanAction:
    now = _now(now)
    plan = action.goal.plan
    _require_actor(actor, plan.case)
    _require_open(plan.case)
    if plan.status != PlanStatus.APPROVED:
        raise CaseworkError(_("Only actions of the plan in force can be marked done."))
    if action.done_on is not None:
        raise CaseworkError(_("This action is already done."))
    before = _snapshot(action, ["done_on"])
    action.done_on = on or _day(now)
    _save(action, before)
    _event(plan.case, "action_done", actor, now, action=action.pk)
    return action


@transaction.atomic
def plan_submit(
    *,
    actor: User,
    plan: CasePlan,
    child_participated: bool,
    caregiver_participated: bool,
    now: dt.datetime | None = None,
) -> Approval:
    """Send a draft plan to a supervisor. Every goal needs at least one action."""
    now = _now(now)
    case = _locked_case(plan.case)
    plan = CasePlan.objects.select_for_update().get(pk=plan.pk)
    _draft(plan, actor)
    goals = list(plan.goals.annotate(n=models.Count("actions")))
    if not goals:
        raise CaseworkError(_("Add at least one goal."))
    if any(goal.n == 0 for goal in goals):
        raise CaseworkError(_("Every goal needs at least one action: what, who, by when."))
    before = _snapshot(plan, ["status", "child_participated", "caregiver_participated"])
    plan.status = PlanStatus.PENDING
    plan.child_participated = child_participated
    plan.caregiver_participated = caregiver_participated
    _save(plan, before)
    return _request(
        case, ApprovalKind.PLAN, actor, now, plan=plan, details={"version": plan.version}
    )


def _approve_plan(case: Case, plan: CasePlan | None, now: dt.datetime) -> None:
    assert plan is not None
    today = _day(now)
    for old in case.plans.filter(status=PlanStatus.APPROVED):
        before = _snapshot(old, ["status"])
        old.status = PlanStatus.SUPERSEDED
        _save(old, before)
    before = _snapshot(plan, ["status", "approved_on"])
    plan.status = PlanStatus.APPROVED
    plan.approved_on = today
    _save(plan, before)
    before = _snapshot(case, ["review_due", "visit_due"])
    case.review_due = today + conf.review_every(case.risk_level)
    if case.visit_due is None:
        case.visit_due = today + conf.visit_every(case.risk_level)
    _save(case, before)


# Follow-up -------------------------------------------------------------------------------------


@transaction.atomic
def contact_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    summary: str,
    at: dt.datetime | None = None,
    next_due: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Contact:
    """Record a contact with the child: the first contact, a follow-up visit or call, or a review
    of the plan. Visits and reviews set the next date (by default, the interval for the risk)."""
    now = _now(now)
    case = _locked_case(case)
    _require_actor(actor, case)
    _require_open(case)
    at = at or now
    errors = Errors()
    if kind not in ContactKind.values:
        errors.add("kind", _("Choose the kind of contact."))
    summary = _text(summary, errors, "summary", _("Write what happened."))
    if at > now:
        errors.add("at", _("The date is in the future."))
    # Forms give the time to the minute: a contact in the minute the case opened is fine.
    if at < case.opened_at.replace(second=0, microsecond=0):
        errors.add("at", _("The date is before the case was opened."))
    day = _day(at)
    if next_due is not None and next_due <= day:
        errors.add("next_due", _("The next date must be after this one."))
    if kind == ContactKind.REVIEW and not case.plans.filter(status=PlanStatus.APPROVED).exists():
        errors.add("kind", _("A review needs an approved plan to review."))
    errors.raise_if_any()
    contact = Contact(case=case, kind=kind, at=at, by=actor, summary=summary)
    before = _snapshot(
        case, ["first_contact_at", "plan_due", "review_due", "last_reviewed_on", "visit_due"]
    )
    # Any contact with the child answers the first-contact deadline. The assessment starts
    # there: until it is recorded, the plan is due that many days after the first contact, so
    # a case cannot stall unassessed without showing as overdue.
    if case.first_contact_at is None:
        case.first_contact_at = at
        if case.assessed_on is None and case.plan_due is None:
            case.plan_due = day + conf.plan_within()
    if kind == ContactKind.REVIEW:
        case.last_reviewed_on = day
        case.review_due = next_due or day + conf.review_every(case.risk_level)
        contact.next_due = case.review_due
    elif kind in (ContactKind.VISIT, ContactKind.PHONE):
        case.visit_due = next_due or day + conf.visit_every(case.risk_level)
        contact.next_due = case.visit_due
    _save(contact, _snapshot(contact, ["case", "kind", "at", "by", "next_due"]), created=True)
    _save(case, before)
    _event(case, f"contact_{kind}", actor, now, contact=contact.pk)
    return contact


# Transfer, closure, reopening ------------------------------------------------------------------


@transaction.atomic
def case_transfer(
    *, actor: User, case: Case, to: User, reason: str, now: dt.datetime | None = None
) -> Case:
    """Hand the case to another caseworker who works where the child lives."""
    now = _now(now)
    case = _locked_case(case)
    _require_actor(actor, case)
    _require_open(case)
    errors = Errors()
    reason = _text(reason, errors, "reason", _("Say why the case is transferred."))
    if to.role != Role.CASEWORKER or not to.is_active:
        errors.add("to", _("Choose an active caseworker."))
    elif to.pk == case.caseworker_id:
        errors.add("to", _("The case is already assigned to this caseworker."))
    elif not _sees_child(to, case.child):
        errors.add("to", _("This caseworker does not work where the child lives."))
    errors.raise_if_any()
    before = _snapshot(case, ["caseworker"])
    old = case.caseworker_id
    case.caseworker = to
    _save(case, before)
    _event(case, "transferred", actor, now, old=old, new=to.pk, reason=reason)
    return case


def _closure_blockers(case: Case, reason: str, escalation: str) -> None:
    if (
        case.risk_level == RiskLevel.HIGH
        and reason in ESCALATION_REASONS
        and not escalation.strip()
    ):
        raise CaseworkError(
            _(
                "A high-risk case cannot be closed for this reason without escalation: record "
                "to whom it was escalated and what they decided."
            )
        )
    if case.referrals.filter(status__in=OPEN_REFERRAL_STATUSES, priority=RiskLevel.HIGH).exists():
        raise CaseworkError(
            _("A high-priority referral is still open: record its outcome before closing.")
        )


@transaction.atomic
def closure_request(
    *,
    actor: User,
    case: Case,
    reason: str,
    note: str,
    escalation: str = "",
    now: dt.datetime | None = None,
) -> Approval:
    """Ask a supervisor to close the case, with a reason from domain.md §4."""
    now = _now(now)
    case = _locked_case(case)
    _require_actor(actor, case)
    _require_open(case)
    errors = Errors()
    if reason not in ClosureReason.values:
        errors.add("reason", _("Choose a reason."))
    note = _text(note, errors, "note", _("Describe the situation at closure."))
    if reason == ClosureReason.TURNED_18 and (
        age_in_years(case.child.date_of_birth, _day(now)) < conf.age_of_majority()
    ):
        errors.add("reason", _("The registry records the child as younger than that."))
    errors.raise_if_any()
    _closure_blockers(case, reason, escalation)
    return _request(
        case,
        ApprovalKind.CLOSURE,
        actor,
        now,
        details={"reason": reason, "note": note, "escalation": escalation.strip()},
    )


def _close(case: Case, details: dict[str, Any], now: dt.datetime) -> None:
    # Checked again: a referral may have been sent since the request.
    _closure_blockers(case, details["reason"], details.get("escalation", ""))
    before = _snapshot(case, ["status", "closed_at", "closure_reason", "closure_note"])
    case.status = CaseStatus.CLOSED
    case.closed_at = now
    case.closure_reason = details["reason"]
    case.closure_note = details["note"]
    _save(case, before)
    for pending in case.approvals.filter(status=ApprovalStatus.PENDING).exclude(
        kind=ApprovalKind.CLOSURE
    ):
        _reject(pending, None, _("The case was closed."), now)
    for draft in case.plans.filter(status=PlanStatus.DRAFT):
        before = _snapshot(draft, ["status"])
        draft.status = PlanStatus.SUPERSEDED
        _save(draft, before)


@transaction.atomic
def case_reopen(
    *,
    actor: User,
    case: Case,
    reason: str,
    risk_level: str,
    now: dt.datetime | None = None,
) -> Case:
    """Reopen a closed case; its history stays, and it starts again from first contact and
    assessment, with the deadlines of the new risk level."""
    now = _now(now)
    case = _locked_case(case)
    _require_actor(actor, case)
    if case.status != CaseStatus.CLOSED:
        raise CaseworkError(_("The case is open."))
    if actor.role == Role.CASEWORKER and not _sees_child(actor, case.child):
        raise CaseworkError(_("This caseworker does not work where the child lives."))
    errors = Errors()
    _risk(risk_level, errors)
    reason = _text(reason, errors, "reason", _("Say why the case is reopened."))
    errors.raise_if_any()
    if Case.objects.open().filter(child=case.child).exists():
        raise CaseworkError(_("The child already has an open case."))
    fields = [
        "status",
        "risk_level",
        "first_contact_due",
        "first_contact_at",
        "assessed_on",
        "plan_due",
        "review_due",
        "visit_due",
        "closed_at",
        "closure_reason",
        "closure_note",
    ]
    before = _snapshot(case, fields)
    case.status = CaseStatus.OPEN
    case.risk_level = risk_level
    case.first_contact_due = now + conf.first_contact_within(risk_level)
    case.first_contact_at = None
    case.assessed_on = case.plan_due = case.review_due = case.visit_due = None
    case.closed_at = None
    case.closure_reason = case.closure_note = ""
    _save(case, before)
    for plan in case.plans.filter(status=PlanStatus.APPROVED):
        plan_before = _snapshot(plan, ["status"])
        plan.status = PlanStatus.SUPERSEDED
        _save(plan, plan_before)
    _event(case, "reopened", actor, now, reason=reason, risk_level=risk_level)
    return case


# Notes -----------------------------------------------------------------------------------------


def _codes(values: Iterable[str], allowed: list[str], errors: Errors, field: str) -> list[str]:
    values = list(values or [])
    if any(v not in allowed for v in values):
        errors.add(field, _("Unknown tag."))
    return [v for v in allowed if v in values]  # a fixed order


@transaction.atomic
def note_add(
    *,
    actor: User,
    case: Case,
    text: str,
    confidential: bool = False,
    coping: Iterable[str] = (),
    challenges: Iterable[str] = (),
    written_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> CaseNote:
    """Write a case note, tagged with the coping strategies and challenges the child described."""
    now = _now(now)
    case = _locked_case(case)
    _require_actor(actor, case)
    _require_open(case)
    errors = Errors()
    text = _text(text, errors, "text", _("Write the note."))
    coping = _codes(coping, CopingStrategy.values, errors, "coping")
    challenges = _codes(challenges, Challenge.values, errors, "challenges")
    written_on = written_on or _day(now)
    if written_on > _day(now):
        errors.add("written_on", _("The date is in the future."))
    errors.raise_if_any()
    note = CaseNote(
        case=case,
        author=actor,
        written_on=written_on,
        text=text,
        confidential=confidential,
        coping=coping,
        challenges=challenges,
    )
    # The audit entry names the tags, never the note's text.
    _save(
        note,
        _snapshot(note, ["case", "written_on", "confidential", "coping", "challenges"]),
        created=True,
    )
    _event(case, "note_added", actor, now, confidential=confidential)
    return note


# Services and referrals ------------------------------------------------------------------------


@transaction.atomic
def service_add(
    *,
    actor: User,
    provider: ServiceProvider,
    name: str,
    domain: str,
    description: str = "",
) -> ServiceOffer:
    """Add a service to the directory (supervisors keep it)."""
    if not is_supervisor(actor):
        raise CaseworkError(_("Only a supervisor can change the directory of services."))
    errors = Errors()
    name = _text(name, errors, "name", _("Name the service."))
    if domain not in Domain.values:
        errors.add("domain", _("Choose a domain."))
    errors.raise_if_any()
    offer = ServiceOffer(provider=provider, name=name, domain=domain, description=description)
    _save(offer, _snapshot(offer, ["provider", "name", "domain"]), created=True)
    return offer


def consent_missing(
    *,
    child: Child,
    on: dt.date,
    caregiver_consent: bool,
    child_assent: str,
    child_consent: bool,
) -> list[str]:
    """What the child's age band (casework.conf) needs and was not recorded; empty when enough."""
    rule = conf.consent_rule(age_in_years(child.date_of_birth, on))
    missing = []
    if rule.caregiver and not caregiver_consent:
        missing.append(_("the caregiver's consent"))
    if rule.assent == Assent.VERBAL and child_assent not in (Assent.VERBAL, Assent.WRITTEN):
        missing.append(_("the child's verbal assent"))
    if rule.assent == Assent.WRITTEN and child_assent != Assent.WRITTEN:
        missing.append(_("the child's written assent"))
    if rule.own_consent and not child_consent:
        missing.append(_("the child's own consent"))
    return missing


@transaction.atomic
def referral_send(
    *,
    actor: User,
    case: Case,
    service: ServiceOffer,
    reason: str,
    priority: str | None = None,
    caregiver_consent: bool = False,
    consent_by: str = "",
    child_assent: str = Assent.NONE,
    child_consent: bool = False,
    consent_on: dt.date | None = None,
    override_reason: str = "",
    now: dt.datetime | None = None,
) -> Referral:
    """Refer the child to a service. The consent the child's age needs must be recorded, unless
    a supervisor sends it anyway and records why."""
    now = _now(now)
    case = _locked_case(case)
    _require_actor(actor, case)
    _require_open(case)
    today = _day(now)
    errors = Errors()
    reason = _text(reason, errors, "reason", _("Say why the child is referred."))
    priority = priority or case.risk_level
    _risk(priority, errors, "priority")
    if child_assent not in Assent.values:
        errors.add("child_assent", _("Unknown kind of assent."))
    if not service.active:
        errors.add("service", _("This service is not taking referrals."))
    given = caregiver_consent or child_assent != Assent.NONE or child_consent
    if given and consent_on is None:
        errors.add("consent_on", _("Say when the consent was given."))
    if consent_on is not None and consent_on > today:
        errors.add("consent_on", _("The date is in the future."))
    if caregiver_consent and not consent_by.strip():
        errors.add("consent_by", _("Name who gave consent for the child."))
    errors.raise_if_any()
    override_reason = override_reason.strip()
    missing = consent_missing(
        child=case.child,
        on=today,
        caregiver_consent=caregiver_consent,
        child_assent=child_assent,
        child_consent=child_consent,
    )
    if missing and not override_reason:
        raise CaseworkError(
            _("The referral needs %(missing)s before it is sent.") % {"missing": ", ".join(missing)}
        )
    if override_reason and not is_supervisor(actor):
        raise CaseworkError(_("Only a supervisor can send a referral without the consent needed."))
    if override_reason and not missing:
        override_reason = ""  # consent is complete: nothing to override
    referral = Referral(
        case=case,
        service=service,
        priority=priority,
        reason=reason,
        caregiver_consent=caregiver_consent,
        consent_by=consent_by.strip(),
        child_assent=child_assent,
        child_consent=child_consent,
        consent_on=consent_on,
        override_reason=override_reason,
        sent_at=now,
        sent_by=actor,
    )
    _save(
        referral,
        _snapshot(
            referral,
            [
                "case",
                "service",
                "priority",
                "caregiver_consent",
                "child_assent",
                "child_consent",
                "consent_on",
                "override_reason",
                "status",
            ],
        ),
        created=True,
    )
    _event(case, "referral_sent", actor, now, referral=referral.pk, override=bool(override_reason))
    return referral


@transaction.atomic
def referral_respond(
    *,
    actor: User,
    referral: Referral,
    accepted: bool,
    note: str = "",
    on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Referral:
    """Record the service's answer: accepted or declined (a refusal says why)."""
    now = _now(now)
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    _require_actor(actor, referral.case)
    if referral.status != ReferralStatus.SENT:
        raise CaseworkError(_("Only a referral waiting for an answer can be accepted or declined."))
    note = note.strip()
    if not accepted and not note:
        raise CaseworkError(_("Say why the service declined."))
    before = _snapshot(referral, ["status", "responded_on", "response_note"])
    referral.status = ReferralStatus.ACCEPTED if accepted else ReferralStatus.DECLINED
    referral.responded_on = on or _day(now)
    referral.response_note = note
    _save(referral, before)
    _event(referral.case, f"referral_{referral.status}", actor, now, referral=referral.pk)
    return referral


@transaction.atomic
def referral_complete(
    *,
    actor: User,
    referral: Referral,
    feedback: str,
    on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Referral:
    """Record that the service was given, with the service's feedback."""
    now = _now(now)
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    _require_actor(actor, referral.case)
    if referral.status != ReferralStatus.ACCEPTED:
        raise CaseworkError(_("Only an accepted referral can be completed."))
    errors = Errors()
    feedback = _text(feedback, errors, "feedback", _("Write the service's feedback."))
    errors.raise_if_any()
    before = _snapshot(referral, ["status", "completed_on"])
    referral.status = ReferralStatus.COMPLETED
    referral.completed_on = on or _day(now)
    referral.feedback = feedback
    _save(referral, before)
    _event(referral.case, "referral_completed", actor, now, referral=referral.pk)
    return referral


# Intake referrals from teachers and health workers ---------------------------------------------


@transaction.atomic
def intake_refer(
    *,
    actor: User,
    child: Child,
    concern: str,
    urgent: bool = False,
    now: dt.datetime | None = None,
) -> IntakeReferral:
    """A teacher or health worker asks a caseworker to see a child."""
    now = _now(now)
    if actor.role not in (Role.TEACHER, Role.HEALTH_WORKER):
        raise CaseworkError(_("Only teachers and health workers make intake referrals."))
    errors = Errors()
    concern = _text(concern, errors, "concern", _("Say what worries you."))
    errors.raise_if_any()
    intake = IntakeReferral(
        child=child, referred_by=actor, referred_at=now, concern=concern, urgent=urgent
    )
    _save(intake, _snapshot(intake, ["child", "referred_by", "urgent"]), created=True)
    return intake


@transaction.atomic
def intake_accept(
    *,
    actor: User,
    intake: IntakeReferral,
    risk_level: str,
    now: dt.datetime | None = None,
) -> Case:
    """A caseworker takes an intake referral: a case is opened for her (or the child's open case
    is linked)."""
    now = _now(now)
    intake = IntakeReferral.objects.select_for_update().get(pk=intake.pk)
    if actor.role != Role.CASEWORKER:
        raise CaseworkError(_("Only a caseworker takes an intake referral."))
    if intake.status != IntakeStatus.NEW:
        raise CaseworkError(_("This referral has already been handled."))
    case = Case.objects.open().filter(child=intake.child).first()
    if case is None:
        case = case_open(
            actor=actor,
            child=intake.child,
            risk_level=risk_level,
            reason=intake.concern,
            source=CaseSource.REFERRAL,
            now=now,
        )
    before = _snapshot(intake, ["status", "case", "handled_by", "handled_at"])
    intake.status = IntakeStatus.ACCEPTED
    intake.case = case
    intake.handled_by = actor
    intake.handled_at = now
    _save(intake, before)
    return case


@transaction.atomic
def intake_decline(
    *, actor: User, intake: IntakeReferral, note: str, now: dt.datetime | None = None
) -> IntakeReferral:
    now = _now(now)
    intake = IntakeReferral.objects.select_for_update().get(pk=intake.pk)
    if actor.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        raise CaseworkError(_("Only caseworkers and supervisors handle intake referrals."))
    if intake.status != IntakeStatus.NEW:
        raise CaseworkError(_("This referral has already been handled."))
    errors = Errors()
    note = _text(note, errors, "note", _("Say why no case is needed."))
    errors.raise_if_any()
    before = _snapshot(intake, ["status", "handled_by", "handled_at"])
    intake.status = IntakeStatus.DECLINED
    intake.handled_by = actor
    intake.handled_at = now
    intake.handling_note = note
    _save(intake, before)
    return intake


# Groups and activities -------------------------------------------------------------------------


def _require_group_worker(actor: User) -> None:
    if actor.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        raise CaseworkError(_("Only caseworkers and supervisors run groups."))


def _require_running(group: Group) -> Group:
    """The group as it stands in the database, locked until the transaction ends, so that a
    group ended at the same moment by someone else takes no new member or session."""
    current = Group.objects.select_for_update().get(pk=group.pk)
    if current.ended_on is not None:
        raise CaseworkError(_("The group has ended."))
    return current


@transaction.atomic
def group_create(
    *,
    actor: User,
    name: str,
    domain: str,
    place: Place,
    description: str = "",
    now: dt.datetime | None = None,
) -> Group:
    """Start a group activity meeting in a place of the actor's scope; she facilitates it."""
    now = _now(now)
    _require_group_worker(actor)
    errors = Errors()
    name = _text(name, errors, "name", _("Name the group."))
    if domain not in Domain.values:
        errors.add("domain", _("Choose a domain."))
    if actor.scope is None or not place.path.startswith(actor.scope.path):
        errors.add("place", _("Choose a place where you work."))
    errors.raise_if_any()
    group = Group(
        name=name,
        domain=domain,
        place=place,
        description=description.strip(),
        facilitator=actor,
        created_at=now,
    )
    _save(group, _snapshot(group, ["name", "domain", "place", "facilitator"]), created=True)
    return group


@transaction.atomic
def group_join(
    *,
    actor: User,
    group: Group,
    child: Child,
    on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> GroupMember:
    """Add a child the actor sees to a group."""
    now = _now(now)
    _require_group_worker(actor)
    group = _require_running(group)
    if not _sees_child(actor, child):
        raise CaseworkError(_("You do not work where this child lives."))
    if GroupMember.objects.filter(group=group, child=child, left_on__isnull=True).exists():
        raise CaseworkError(_("The child is already in this group."))
    member = GroupMember(group=group, child=child, joined_on=on or _day(now))
    _save(member, _snapshot(member, ["group", "child", "joined_on"]), created=True)
    return member


@transaction.atomic
def group_leave(
    *,
    actor: User,
    group: Group,
    child: Child,
    on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> GroupMember:
    now = _now(now)
    _require_group_worker(actor)
    member = GroupMember.objects.filter(group=group, child=child, left_on__isnull=True).first()
    if member is None:
        raise CaseworkError(_("The child is not in this group."))
    before = _snapshot(member, ["left_on"])
    member.left_on = max(on or _day(now), member.joined_on)
    _save(member, before)
    return member


@transaction.atomic
def session_record(
    *,
    actor: User,
    group: Group,
    held_on: dt.date,
    topic: str,
    attendees: Iterable[Child],
    now: dt.datetime | None = None,
) -> GroupSession:
    """Record a meeting of the group and who came; only members on that day can attend."""
    now = _now(now)
    _require_group_worker(actor)
    group = _require_running(group)
    errors = Errors()
    topic = _text(topic, errors, "topic", _("Say what the session was about."))
    if held_on > _day(now):
        errors.add("held_on", _("The date is in the future."))
    attendees = list(attendees)
    members = set(
        GroupMember.objects.filter(group=group, joined_on__lte=held_on)
        .filter(models.Q(left_on__isnull=True) | models.Q(left_on__gte=held_on))
        .values_list("child_id", flat=True)
    )
    if any(child.pk not in members for child in attendees):
        errors.add("attendees", _("Only members of the group on that day can attend."))
    errors.raise_if_any()
    session = GroupSession(group=group, held_on=held_on, topic=topic, recorded_by=actor)
    _save(session, _snapshot(session, ["group", "held_on"]), created=True)
    session.attendees.set(attendees)
    audit_change(
        session,
        action=Action.CHANGE,
        changes={"attendees": (None, sorted(child.pk for child in attendees))},
    )
    return session


@transaction.atomic
def group_end(
    *,
    actor: User,
    group: Group,
    ended_on: dt.date,
    reason: str,
    now: dt.datetime | None = None,
) -> Group:
    """End a group: its facilitator or a supervisor, with the date and why. Members, their
    dates and the sessions they attended are kept; the group takes no new members or sessions."""
    now = _now(now)
    _require_group_worker(actor)
    group = _require_running(group)
    if actor.role != Role.SUPERVISOR and group.facilitator_id != actor.pk:
        raise CaseworkError(_("Only the group's facilitator or a supervisor can end it."))
    errors = Errors()
    reason = _text(reason, errors, "reason", _("Say why the group ends."))
    if ended_on is None:
        errors.add("ended_on", _("Give the date."))
    elif ended_on > _day(now):
        errors.add("ended_on", _("The date is in the future."))
    elif ended_on < _day(group.created_at):
        errors.add("ended_on", _("The group started after that date."))
    else:
        last = group.sessions.order_by("-held_on").values_list("held_on", flat=True).first()
        if last is not None and ended_on < last:
            errors.add("ended_on", _("The group met after that date."))
    errors.raise_if_any()
    before = _snapshot(group, ["ended_on", "end_reason"])
    group.ended_on = ended_on
    group.end_reason = reason
    _save(group, before)
    return group


# Reminders to caregivers -------------------------------------------------------------------


def caregiver_reminders_send(*, now: dt.datetime | None = None) -> list[Any]:
    """Remind each caregiver of her own tasks in an approved plan of an open case that fall due
    within `KINLINK_CASEWORK_REMINDER_DAYS` (2): once per task and week, through the connection
    app's `message_send`, which sends only to adults who agreed, outside their quiet hours, with
    a text that names no child and no case (only the date). Run daily (`kinlink
    casework_reminders`). Returns the deliveries; nothing is sent when the connection app is not
    installed."""
    if not apps.is_installed("kinlink.connection"):
        return []
    from kinlink.connection.messaging import message_send  # published by the connection app

    now = _now(now)
    today = _day(now)
    horizon = today + dt.timedelta(days=conf.reminder_days())
    actions = (
        PlanAction.objects.filter(
            party=ActionParty.CAREGIVER,
            done_on=None,
            due_on__gte=today,
            due_on__lte=horizon,
            goal__plan__status=PlanStatus.APPROVED,
            goal__plan__case__status=CaseStatus.OPEN,
        )
        .filter(models.Q(reminded_on=None) | models.Q(reminded_on__lte=today - REMINDER_GAP))
        .select_related("goal__plan__case__child")
        .order_by("due_on", "pk")
    )
    deliveries = []
    for action in actions:
        caregiver = current_caregiver(action.goal.plan.case.child, today)
        if caregiver is None:
            continue  # a child caring for himself: nobody to remind
        with transaction.atomic():
            deliveries.append(
                message_send(
                    adult=caregiver,
                    template="caregiver_due_action",
                    values={"due_on": formats.date_format(action.due_on, "DATE_FORMAT")},
                    now=now,
                )
            )
            PlanAction.objects.filter(pk=action.pk).update(reminded_on=today)
    return deliveries


REMINDER_GAP = dt.timedelta(days=7)


def current_caregiver(child: Child, on: dt.date) -> Any:
    """The living adult who cares for the child day to day on the day, if one is recorded."""
    adults = [c.caregiver for c in current_care(child, on) if c.caregiver is not None]
    adults = [a for a in adults if a.is_alive]
    return adults[0] if adults else None
