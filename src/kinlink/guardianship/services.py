"""Every change to guardianship records: declarations and their status, assessments,
appointments and their approval, court referrals. One function per act, keyword-only.

Each checks the actor's role (`access.MAY`) and the record's current status, raises
`GuardianshipError` (a message a user can read) when the act is not allowed, or ValidationError
naming the field when input is wrong, and writes the change with an audit entry in one
transaction. Callers fetch records through `guardianship.access` first (scope is theirs to check).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.models import User
from kinlink.audit.models import Action
from kinlink.audit.services import audit_change, audit_record, object_type_of
from kinlink.core.dates import age_in_years, today
from kinlink.core.errors import RuleRefused
from kinlink.core.phones import normalise_phone
from kinlink.guardianship import conf, contact_plan
from kinlink.guardianship.access import may
from kinlink.guardianship.codes import new_code
from kinlink.guardianship.models import (
    CLOCK_STATUSES,
    OUTCOME_APPOINTMENT,
    Appointment,
    AppointmentKind,
    AppointmentSource,
    ApprovalStatus,
    BestInterestsAssessment,
    CaregiverCapacity,
    CareOption,
    ChecklistMark,
    ContactChannel,
    ContactFrequency,
    CourtOutcome,
    CourtReferral,
    Declaration,
    DeclarationStatus,
    EmergencyContact,
    EndReason,
    FollowUp,
    Hearing,
    InsuranceScheme,
    MarkState,
    PackHandover,
    PackLanguage,
    Power,
    PreDeparturePlan,
    ReferralKind,
    ReferralStatus,
    Registration,
    Siblings,
)
from kinlink.registry.derived import episodes_open_on
from kinlink.registry.models import Adult, Child, MigrationEpisode, Relationship
from kinlink.registry.services import Errors


class GuardianshipError(RuleRefused):
    """An act that is not allowed now, or not for this person; the message says why."""


def _require(actor: User, action: str, message: str) -> None:
    if not may(actor, action):
        raise GuardianshipError(message)


def _value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def _snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {f: _value(getattr(obj, f)) for f in fields}


def _save(obj: models.Model, before: dict[str, Any], *, action: Action) -> None:
    """Save the object and audit the fields in `before` whose value changed."""
    obj.save()
    after = _snapshot(obj, list(before))
    changes = {k: (None if action == Action.CREATE else before[k], v) for k, v in after.items()}
    changes = {k: c for k, c in changes.items() if c[0] != c[1]}
    audit_change(obj, action=action, changes=changes)


def _locked(model: type[models.Model], pk: int) -> Any:
    # Transitions read the current status under a row lock, so two people pressing "register"
    # at once cannot both succeed.
    return model.objects.select_for_update().get(pk=pk)


def is_away(adult: Adult, on: dt.date) -> bool:
    return MigrationEpisode.objects.filter(episodes_open_on(on), adult=adult).exists()


def _is_minor(adult: Adult, on: dt.date) -> bool:
    return adult.date_of_birth is not None and age_in_years(adult.date_of_birth, on) < (
        conf.age_of_majority()
    )


def _linked_to_child(adult: Adult, child: Child) -> bool:
    if Relationship.objects.filter(child=child, adult=adult).exists():
        return True
    return child.household_id is not None and adult.household_id == child.household_id


# Declarations ----------------------------------------------------------------------------------

DECLARATION_FIELDS = [
    "declarant",
    "declarant_kind",
    "representative",
    "representative_kind",
    "powers",
    "valid_from",
    "valid_until",
]


def _validate_declaration(decl: Declaration, errors: Errors) -> None:
    child = decl.child
    parent = (
        Relationship.objects.filter(
            child=child, adult_id=decl.declarant_id, kind__in=Relationship.PARENT_KINDS
        ).first()
        if decl.declarant_id
        else None
    )
    if parent is None:
        errors.add(
            "declarant", _("Choose the child's mother or father as recorded in the registry.")
        )
    elif not parent.adult.is_alive:
        errors.add("declarant", _("The parent is recorded as deceased."))
    else:
        decl.declarant_kind = parent.kind
    rep = decl.representative if decl.representative_id else None
    if rep is None:
        errors.add("representative", _("Choose the representative."))
    elif rep.pk == decl.declarant_id:
        errors.add("representative", _("The parent cannot name themselves as representative."))
    elif not rep.is_alive:
        errors.add("representative", _("The representative is recorded as deceased."))
    elif not _linked_to_child(rep, child):
        errors.add(
            "representative",
            _("Add the representative to the child's family in the registry first."),
        )
    else:
        rel = Relationship.objects.filter(child=child, adult=rep).first()
        decl.representative_kind = rel.kind if rel else ""
    powers = decl.powers if isinstance(decl.powers, list) else []
    if not powers:
        errors.add("powers", _("Choose at least one power."))
    elif any(p not in Power.values for p in powers):
        errors.add("powers", _("Unknown power."))
    else:
        decl.powers = [p for p in Power.values if p in powers]  # printed in a fixed order
    start, end = decl.valid_from, decl.valid_until
    if start is None:
        errors.add("valid_from", _("Enter the first day of the declaration."))
    if end is None:
        errors.add("valid_until", _("Enter the last day of the declaration."))
    if start is None or end is None:
        return
    if end < start:
        errors.add("valid_until", _("The last day cannot be before the first day."))
    if end < today():
        errors.add("valid_until", _("The last day has already passed."))
    majority = child.date_of_birth + relativedelta(years=conf.age_of_majority())
    if end >= majority:
        errors.add(
            "valid_until",
            _("The child comes of age on %(date)s; the declaration must end before then.")
            % {"date": majority.isoformat()},
        )
    if rep is not None and _is_minor(rep, start):
        errors.add("representative", _("The representative must be an adult."))


@transaction.atomic
def declaration_draft(
    *,
    actor: User,
    child: Child,
    declarant: Adult,
    representative: Adult,
    powers: list[str],
    valid_from: dt.date,
    valid_until: dt.date,
) -> Declaration:
    """Start a declaration for a parent (a draft, with its verification code)."""
    _require(actor, "declaration.draft", _("Your role cannot draft declarations."))
    decl = Declaration(
        child=child,
        declarant=declarant,
        representative=representative,
        powers=list(powers or []),
        valid_from=valid_from,
        valid_until=valid_until,
        status=DeclarationStatus.DRAFT,
        created_by=actor,
    )
    errors = Errors()
    _validate_declaration(decl, errors)
    errors.raise_if_any()
    before = dict.fromkeys([*DECLARATION_FIELDS, "child", "status"])
    for _attempt in range(3):
        decl.code = new_code()
        try:
            with transaction.atomic():  # a savepoint: a code clash (one in 2^100) retries
                _save(decl, before, action=Action.CREATE)
            return decl
        except IntegrityError:
            decl.pk = None
    raise GuardianshipError(_("Could not create a verification code; please try again."))


@transaction.atomic
def declaration_update(*, actor: User, declaration: Declaration, **values: Any) -> Declaration:
    """Change a draft. Anything signed is changed by revoking it and drafting a new one."""
    _require(actor, "declaration.draft", _("Your role cannot change declarations."))
    decl = _locked(Declaration, declaration.pk)
    if decl.status != DeclarationStatus.DRAFT:
        raise GuardianshipError(
            _("Only a draft can be changed; revoke this declaration and draft a new one.")
        )
    unknown = set(values) - {"declarant", "representative", "powers", "valid_from", "valid_until"}
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    before = _snapshot(decl, DECLARATION_FIELDS)
    for name, value in values.items():
        setattr(decl, name, value)
    errors = Errors()
    _validate_declaration(decl, errors)
    errors.raise_if_any()
    _save(decl, before, action=Action.CHANGE)
    return decl


@transaction.atomic
def declaration_sign(
    *,
    actor: User,
    declaration: Declaration,
    signed_on: dt.date,
    representative_accepted_on: dt.date,
) -> Declaration:
    """Record that the parent signed the paper and the representative accepted (draft -> signed)."""
    _require(actor, "declaration.sign", _("Your role cannot record signatures."))
    decl = _locked(Declaration, declaration.pk)
    if decl.status != DeclarationStatus.DRAFT:
        raise GuardianshipError(_("Only a draft can be signed."))
    errors = Errors()
    now = today()
    if signed_on is None:
        errors.add("signed_on", _("Enter the date the parent signed."))
    elif signed_on > now:
        errors.add("signed_on", _("The signature date cannot be in the future."))
    if representative_accepted_on is None:
        errors.add(
            "representative_accepted_on",
            _("The representative must accept before the declaration can be signed."),
        )
    elif representative_accepted_on > now:
        errors.add("representative_accepted_on", _("The acceptance date cannot be in the future."))
    if signed_on and decl.valid_until < signed_on:
        errors.add("signed_on", _("The declaration had already ended on the day it was signed."))
    errors.raise_if_any()
    before = _snapshot(decl, ["status", "signed_on", "representative_accepted_on"])
    decl.status = DeclarationStatus.SIGNED
    decl.signed_on = signed_on
    decl.representative_accepted_on = representative_accepted_on
    _save(decl, before, action=Action.CHANGE)
    return decl


@transaction.atomic
def declaration_register(
    *,
    actor: User,
    declaration: Declaration,
    registration: str,
    registered_on: dt.date,
    reference: str,
    notary: str = "",
) -> Declaration:
    """Register (or record the notarisation of) a signed declaration: signed -> registered or
    notarised, then active at once if its first day has come. A registered declaration by the
    same parent for the same child that would still run is superseded by this one."""
    _require(
        actor, "declaration.register", _("Only a guardianship officer can register declarations.")
    )
    decl = _locked(Declaration, declaration.pk)
    if decl.status != DeclarationStatus.SIGNED:
        raise GuardianshipError(_("Only a signed declaration can be registered."))
    errors = Errors()
    if registration not in Registration.values:
        errors.add("registration", _("Choose whether it was registered or notarised."))
    if registered_on is None:
        errors.add("registered_on", _("Enter the registration date."))
    else:
        if registered_on > today():
            errors.add("registered_on", _("The registration date cannot be in the future."))
        if decl.signed_on and registered_on < decl.signed_on:
            errors.add("registered_on", _("It cannot be registered before it was signed."))
        if registered_on > decl.valid_until:
            errors.add("registered_on", _("The declaration had already ended on that date."))
    reference = (reference or "").strip()
    if not reference:
        errors.add("reference", _("Enter the register or notarial number."))
    notary = (notary or "").strip()
    if registration == Registration.NOTARISED and not notary:
        errors.add("notary", _("Enter the notary's name."))
    errors.raise_if_any()
    before = _snapshot(
        decl,
        ["status", "registration", "registered_on", "registered_by", "registration_reference"],
    )
    decl.status = DeclarationStatus(registration)
    decl.registration = registration
    decl.registered_on = registered_on
    decl.registered_by = actor
    decl.registration_reference = reference
    decl.notary = notary if registration == Registration.NOTARISED else ""
    if decl.notary:
        before["notary"] = ""
    _save(decl, before, action=Action.CHANGE)
    _supersede_earlier(decl, actor)
    _apply_clock(decl, today())
    return decl


def _supersede_earlier(new: Declaration, actor: User) -> None:
    starts = new.in_force_from
    assert starts is not None
    earlier = (
        Declaration.objects.select_for_update()
        .filter(
            child_id=new.child_id,
            declarant_id=new.declarant_id,
            status__in=CLOCK_STATUSES,
            valid_until__gte=starts,
        )
        .exclude(pk=new.pk)
    )
    for old in earlier:
        before = _snapshot(old, ["status", "ended_on", "end_reason", "superseded_by", "ended_by"])
        old.status = DeclarationStatus.SUPERSEDED
        old.ended_on = max(starts, old.in_force_from or starts)
        old.end_reason = EndReason.SUPERSEDED
        old.superseded_by = new
        old.ended_by = actor
        _save(old, before, action=Action.CHANGE)


@transaction.atomic
def declaration_revoke(
    *,
    actor: User,
    declaration: Declaration,
    reason: str,
    ended_on: dt.date | None = None,
    note: str = "",
) -> Declaration:
    """End a declaration before its last day: the parent revoked it, the representative withdrew,
    or the authority revoked it. Before registration a caseworker records it; after, only the
    guardianship officer, who keeps the register."""
    decl = _locked(Declaration, declaration.pk)
    now = today()
    status_now = decl.status_on(now)
    if status_now in (
        DeclarationStatus.EXPIRED,
        DeclarationStatus.REVOKED,
        DeclarationStatus.SUPERSEDED,
    ):
        raise GuardianshipError(
            _("This declaration has already ended (%(status)s).")
            % {"status": DeclarationStatus(status_now).label.lower()}
        )
    registered = decl.registered_on is not None
    if registered:
        _require(
            actor,
            "declaration.revoke_registered",
            _("Only a guardianship officer can revoke a registered declaration."),
        )
    else:
        _require(
            actor, "declaration.revoke_unregistered", _("Your role cannot revoke declarations.")
        )
    errors = Errors()
    if reason not in (EndReason.PARENT, EndReason.REPRESENTATIVE, EndReason.AUTHORITY):
        errors.add("reason", _("Choose why the declaration ends."))
    elif reason == EndReason.AUTHORITY and not may(actor, "declaration.revoke_registered"):
        errors.add("reason", _("Only a guardianship officer can revoke on the authority's behalf."))
    ended_on = ended_on or now
    if ended_on > now:
        errors.add("ended_on", _("The date cannot be in the future."))
    if registered and ended_on < decl.registered_on:  # type: ignore[operator]
        errors.add("ended_on", _("The date cannot be before the registration."))
    if reason == EndReason.AUTHORITY and not note.strip():
        errors.add("note", _("Give the authority's reasons."))
    errors.raise_if_any()
    before = _snapshot(decl, ["status", "ended_on", "end_reason", "end_note", "ended_by"])
    decl.status = DeclarationStatus.REVOKED
    decl.ended_on = ended_on
    decl.end_reason = reason
    decl.end_note = note.strip()
    decl.ended_by = actor
    _save(decl, before, action=Action.CHANGE)
    return decl


# Only forward: the clock never moves an active declaration back to registered.
_CLOCK_ORDER = {
    DeclarationStatus.REGISTERED: 0,
    DeclarationStatus.NOTARISED: 0,
    DeclarationStatus.ACTIVE: 1,
    DeclarationStatus.EXPIRED: 2,
}


def _apply_clock(decl: Declaration, on: dt.date) -> bool:
    if decl.status not in CLOCK_STATUSES:
        return False
    new = decl.status_on(on)
    if new not in _CLOCK_ORDER or _CLOCK_ORDER[new] <= _CLOCK_ORDER[DeclarationStatus(decl.status)]:
        return False
    before = _snapshot(decl, ["status"])
    decl.status = new
    _save(decl, before, action=Action.CHANGE)
    return True


def declarations_apply_clock(*, on: dt.date) -> int:
    """Move registered declarations whose first day has come to active, and those past their
    last day to expired, as of `on`; return how many changed. Run daily (`guardianship_clock`);
    pages do not depend on it, they compute the status for the day they show."""
    changed = 0
    candidates = Declaration.objects.filter(status__in=CLOCK_STATUSES).filter(
        models.Q(valid_until__lt=on) | models.Q(valid_from__lte=on, registered_on__lte=on)
    )
    for pk in candidates.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            decl = _locked(Declaration, pk)
            changed += _apply_clock(decl, on)
    return changed


# Best-interests assessments --------------------------------------------------------------------


@transaction.atomic
def assessment_record(*, actor: User, child: Child, **values: Any) -> BestInterestsAssessment:
    """Record a best-interests assessment for a child (domain.md §4)."""
    _require(actor, "assessment.record", _("Your role cannot record assessments."))
    allowed = {
        "assessed_on",
        "child_heard",
        "child_views",
        "not_heard_reason",
        "options_considered",
        "options_note",
        "proposed_caregiver",
        "caregiver_capacity",
        "caregiver_note",
        "siblings",
        "siblings_note",
        "recommendation",
        "reasons",
    }
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    bia = BestInterestsAssessment(child=child, assessed_by=actor, **values)
    errors = Errors()
    if bia.assessed_on is None:
        errors.add("assessed_on", _("Enter the date of the assessment."))
    elif bia.assessed_on > today():
        errors.add("assessed_on", _("The date cannot be in the future."))
    bia.child_views = (bia.child_views or "").strip()
    bia.not_heard_reason = (bia.not_heard_reason or "").strip()
    if bia.child_heard and not bia.child_views:
        errors.add("child_views", _("Write down what the child said."))
    if not bia.child_heard and not bia.not_heard_reason:
        errors.add("not_heard_reason", _("Say why the child was not heard."))
    options = bia.options_considered if isinstance(bia.options_considered, list) else []
    if len(options) < 2 or any(o not in CareOption.values for o in options):
        errors.add("options_considered", _("Consider at least two options."))
    bia.options_considered = [o for o in CareOption.values if o in options]
    if bia.recommendation not in CareOption.values:
        errors.add("recommendation", _("Choose the recommended option."))
    elif bia.recommendation not in bia.options_considered:
        errors.add("recommendation", _("Recommend one of the options considered."))
    elif bia.recommendation == CareOption.RESIDENTIAL_CARE and not any(
        o not in (CareOption.RESIDENTIAL_CARE,) for o in bia.options_considered
    ):
        errors.add(
            "recommendation", _("Residential care is a last resort: consider family-based care.")
        )
    if bia.proposed_caregiver_id and not bia.caregiver_capacity:
        errors.add("caregiver_capacity", _("Assess the proposed caregiver's capacity."))
    if bia.caregiver_capacity and bia.caregiver_capacity not in CaregiverCapacity.values:
        errors.add("caregiver_capacity", _("Choose the caregiver's capacity."))
    if bia.siblings not in Siblings.values:
        errors.add("siblings", _("Say whether siblings stay together."))
    elif bia.siblings == Siblings.SEPARATED and not (bia.siblings_note or "").strip():
        errors.add("siblings_note", _("Explain why separating the siblings is in their interest."))
    if not (bia.reasons or "").strip():
        errors.add("reasons", _("Give the reasons for the recommendation."))
    errors.raise_if_any()
    before = dict.fromkeys(
        ["child", "assessed_on", "recommendation", "siblings", "options_considered"]
    )
    _save(bia, before, action=Action.CREATE)
    return bia


# Appointments ----------------------------------------------------------------------------------


def _validate_appointment(appt: Appointment, errors: Errors) -> None:
    needs_person = appt.kind in (AppointmentKind.GUARDIAN, AppointmentKind.PROXY_CARE)
    if appt.kind not in AppointmentKind.values:
        errors.add("kind", _("Choose the kind of appointment."))
    if needs_person:
        guardian = appt.guardian if appt.guardian_id else None
        if guardian is None:
            errors.add("guardian", _("Choose the guardian."))
        elif not guardian.is_alive:
            errors.add("guardian", _("The guardian is recorded as deceased."))
        elif appt.starts_on and _is_minor(guardian, appt.starts_on):
            errors.add("guardian", _("The guardian must be an adult."))
        elif appt.starts_on and is_away(guardian, appt.starts_on):
            errors.add("guardian", _("The guardian is recorded as away from home."))
    elif not (appt.placement or "").strip():
        errors.add("placement", _("Name the foster family or the institution."))
    if not (appt.reasons or "").strip():
        errors.add("reasons", _("Give the reasons."))
    if appt.starts_on is None:
        errors.add("starts_on", _("Enter the first day."))
    if appt.review_on is None:
        errors.add("review_on", _("Enter the date of the first review."))
    if appt.starts_on and appt.review_on:
        latest = appt.starts_on + relativedelta(months=conf.max_review_months())
        if appt.review_on <= appt.starts_on:
            errors.add("review_on", _("The review must come after the first day."))
        elif appt.review_on > latest:
            errors.add(
                "review_on",
                _("Review at least every %(months)d months: by %(date)s.")
                % {"months": conf.max_review_months(), "date": latest.isoformat()},
            )


@transaction.atomic
def appointment_request(
    *,
    actor: User,
    child: Child,
    assessment: BestInterestsAssessment,
    kind: str,
    reasons: str,
    starts_on: dt.date,
    review_on: dt.date,
    guardian: Adult | None = None,
    placement: str = "",
) -> Appointment:
    """The guardianship officer's decision to appoint, sent for a supervisor's approval."""
    _require(
        actor, "appointment.request", _("Only a guardianship officer can propose an appointment.")
    )
    appt = Appointment(
        child=child,
        kind=kind,
        source=AppointmentSource.AUTHORITY,
        guardian=guardian,
        placement=(placement or "").strip(),
        assessment=assessment,
        reasons=(reasons or "").strip(),
        starts_on=starts_on,
        review_on=review_on,
        status=ApprovalStatus.REQUESTED,
        requested_by=actor,
    )
    errors = Errors()
    if assessment is None or assessment.child_id != child.pk:
        errors.add("assessment", _("Choose a best-interests assessment of this child."))
    elif kind == AppointmentKind.RESIDENTIAL_CARE and (
        assessment.recommendation != CareOption.RESIDENTIAL_CARE
    ):
        errors.add(
            "kind",
            _("Residential care needs an assessment that found no family-based option."),
        )
    elif starts_on and starts_on < assessment.assessed_on:
        errors.add("starts_on", _("The appointment cannot start before the assessment."))
    _validate_appointment(appt, errors)
    errors.raise_if_any()
    before = dict.fromkeys(
        ["child", "kind", "guardian", "placement", "starts_on", "review_on", "status"]
    )
    _save(appt, before, action=Action.CREATE)
    return appt


@transaction.atomic
def appointment_take_up(*, actor: User, appointment: Appointment) -> Appointment:
    """A supervisor starts reviewing a request (requested -> pending), so that two supervisors
    do not decide the same request."""
    _require(actor, "appointment.decide", _("Only a supervisor can review appointments."))
    appt = _locked(Appointment, appointment.pk)
    if appt.status != ApprovalStatus.REQUESTED:
        raise GuardianshipError(_("Only a request waiting for review can be taken up."))
    if appt.requested_by_id == actor.pk:
        raise GuardianshipError(_("You cannot review your own request."))
    before = _snapshot(appt, ["status", "reviewer"])
    appt.status = ApprovalStatus.PENDING
    appt.reviewer = actor
    _save(appt, before, action=Action.CHANGE)
    return appt


@transaction.atomic
def appointment_decide(
    *, actor: User, appointment: Appointment, approve: bool, note: str = ""
) -> Appointment:
    """A supervisor approves or rejects (requested or pending -> approved or rejected). An
    approved appointment takes effect on its first day, and never before the approval."""
    _require(actor, "appointment.decide", _("Only a supervisor can approve appointments."))
    appt = _locked(Appointment, appointment.pk)
    if appt.status not in (ApprovalStatus.REQUESTED, ApprovalStatus.PENDING):
        raise GuardianshipError(_("This request has already been decided."))
    if appt.requested_by_id == actor.pk:
        raise GuardianshipError(_("You cannot approve your own request."))
    if appt.status == ApprovalStatus.PENDING and appt.reviewer_id not in (None, actor.pk):
        raise GuardianshipError(_("Another supervisor is reviewing this request."))
    note = (note or "").strip()
    if not approve and not note:
        raise GuardianshipError(_("Give the reasons for rejecting the request."))
    before = _snapshot(appt, ["status", "decided_by", "decided_at", "decision_note", "starts_on"])
    appt.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    appt.decided_by = actor
    appt.decided_at = timezone.now()
    appt.decision_note = note
    if approve:
        appt.starts_on = max(appt.starts_on, today())
    _save(appt, before, action=Action.CHANGE)
    return appt


@transaction.atomic
def appointment_review(
    *,
    actor: User,
    appointment: Appointment,
    reviewed_on: dt.date,
    next_review_on: dt.date,
) -> Appointment:
    """Record a review of an approved appointment and set the next one."""
    _require(actor, "appointment.review", _("Only a guardianship officer can record reviews."))
    appt = _locked(Appointment, appointment.pk)
    if appt.status != ApprovalStatus.APPROVED or appt.ended_on is not None:
        raise GuardianshipError(_("Only an appointment in force is reviewed."))
    errors = Errors()
    if reviewed_on is None or reviewed_on > today():
        errors.add("reviewed_on", _("Enter the review date (not in the future)."))
    latest = (reviewed_on or today()) + relativedelta(months=conf.max_review_months())
    if next_review_on is None or (reviewed_on and next_review_on <= reviewed_on):
        errors.add("next_review_on", _("The next review must come after this one."))
    elif next_review_on > latest:
        errors.add(
            "next_review_on",
            _("Review at least every %(months)d months: by %(date)s.")
            % {"months": conf.max_review_months(), "date": latest.isoformat()},
        )
    errors.raise_if_any()
    before = _snapshot(appt, ["last_reviewed_on", "review_on"])
    appt.last_reviewed_on = reviewed_on
    appt.review_on = next_review_on
    _save(appt, before, action=Action.CHANGE)
    return appt


@transaction.atomic
def appointment_end(
    *, actor: User, appointment: Appointment, ended_on: dt.date, note: str
) -> Appointment:
    _require(actor, "appointment.review", _("Only a guardianship officer can end appointments."))
    appt = _locked(Appointment, appointment.pk)
    if appt.status != ApprovalStatus.APPROVED or appt.ended_on is not None:
        raise GuardianshipError(_("Only an appointment in force can end."))
    errors = Errors()
    if ended_on is None or ended_on > today():
        errors.add("ended_on", _("Enter the last day (not in the future)."))
    elif ended_on < appt.starts_on:
        errors.add("ended_on", _("It cannot end before it started."))
    if not (note or "").strip():
        errors.add("note", _("Say why it ends."))
    errors.raise_if_any()
    before = _snapshot(appt, ["ended_on", "end_note"])
    appt.ended_on = ended_on
    appt.end_note = note.strip()
    _save(appt, before, action=Action.CHANGE)
    return appt


# Court -----------------------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    actor: User,
    child: Child,
    kind: str,
    court: str,
    referred_on: dt.date,
    reasons: str,
    attempts: str,
    assessments: list[BestInterestsAssessment],
    proposed_caregiver: Adult | None = None,
) -> CourtReferral:
    """Refer a child to court with the file: the assessments and the attempts made. Proxy care
    (a caregiver registered on the parents' proxy, approved by a court) takes the same route."""
    _require(actor, "court.refer", _("Only a guardianship officer can refer to court."))
    referral = CourtReferral(
        child=child,
        kind=kind,
        court=(court or "").strip(),
        referred_on=referred_on,
        referred_by=actor,
        reasons=(reasons or "").strip(),
        attempts=(attempts or "").strip(),
        proposed_caregiver=proposed_caregiver,
    )
    errors = Errors()
    if kind not in ReferralKind.values:
        errors.add("kind", _("Choose what the court is asked."))
    if not referral.court:
        errors.add("court", _("Name the court."))
    if referred_on is None or referred_on > today():
        errors.add("referred_on", _("Enter the referral date (not in the future)."))
    if not referral.reasons:
        errors.add("reasons", _("Say why the court is asked."))
    if not referral.attempts:
        errors.add("attempts", _("Describe what was tried before going to court."))
    if not assessments:
        errors.add("assessments", _("Send at least one best-interests assessment."))
    elif any(a.child_id != child.pk for a in assessments):
        errors.add("assessments", _("Send assessments of this child only."))
    if kind == ReferralKind.PROXY_CARE and proposed_caregiver is None:
        errors.add("proposed_caregiver", _("Choose the proposed proxy caregiver."))
    errors.raise_if_any()
    before = dict.fromkeys(["child", "kind", "court", "referred_on", "status"])
    _save(referral, before, action=Action.CREATE)
    referral.assessments.set(assessments)
    return referral


@transaction.atomic
def hearing_add(
    *, actor: User, referral: CourtReferral, held_on: dt.date, note: str = ""
) -> Hearing:
    _require(actor, "court.record", _("Only a guardianship officer can record hearings."))
    locked = _locked(CourtReferral, referral.pk)
    if locked.status not in (ReferralStatus.REFERRED, ReferralStatus.HEARING):
        raise GuardianshipError(_("The court has already decided."))
    if held_on is None:
        raise GuardianshipError(_("Enter the hearing date."))
    if held_on < locked.referred_on:
        raise GuardianshipError(_("A hearing cannot be before the referral."))
    hearing = Hearing(referral=locked, held_on=held_on, note=(note or "").strip())
    _save(hearing, dict.fromkeys(["referral", "held_on"]), action=Action.CREATE)
    if locked.status == ReferralStatus.REFERRED:
        before = _snapshot(locked, ["status"])
        locked.status = ReferralStatus.HEARING
        _save(locked, before, action=Action.CHANGE)
    return hearing


@transaction.atomic
def referral_decide(
    *,
    actor: User,
    referral: CourtReferral,
    decided_on: dt.date,
    outcome: str,
    reasons: str,
    guardian: Adult | None = None,
    placement: str = "",
    last_resort_reason: str = "",
    review_on: dt.date | None = None,
    follow_up_on: dt.date | None = None,
) -> CourtReferral:
    """Record the court's decision. Unless dismissed, it is recorded as an appointment decided
    by the court (approved, so it counts as cover from the decision day), with a review date."""
    _require(actor, "court.record", _("Only a guardianship officer can record court decisions."))
    ref = _locked(CourtReferral, referral.pk)
    if ref.status not in (ReferralStatus.REFERRED, ReferralStatus.HEARING):
        raise GuardianshipError(_("The court's decision has already been recorded."))
    errors = Errors()
    if outcome not in CourtOutcome.values:
        errors.add("outcome", _("Choose the decision."))
    if decided_on is None or decided_on > today():
        errors.add("decided_on", _("Enter the date of the decision (not in the future)."))
    elif decided_on < ref.referred_on:
        errors.add("decided_on", _("The decision cannot be before the referral."))
    if not (reasons or "").strip():
        errors.add("reasons", _("Summarise the court's reasons."))
    if outcome == CourtOutcome.RESIDENTIAL_CARE and not (last_resort_reason or "").strip():
        errors.add(
            "last_resort_reason",
            _("Residential care is a last resort: record why no family-based care was possible."),
        )
    if outcome != CourtOutcome.DISMISSED and follow_up_on is None:
        errors.add("follow_up_on", _("Plan the first follow-up visit."))
    errors.raise_if_any()
    appointment = None
    if outcome != CourtOutcome.DISMISSED:
        appointment = Appointment(
            child=ref.child,
            kind=OUTCOME_APPOINTMENT[CourtOutcome(outcome)],
            source=AppointmentSource.COURT,
            guardian=guardian,
            placement=(placement or "").strip(),
            court_referral=ref,
            status=ApprovalStatus.APPROVED,
            reasons=reasons.strip(),
            starts_on=decided_on,
            review_on=review_on,
            requested_by=actor,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=_("Decided by the court."),
        )
        _validate_appointment(appointment, errors)
        errors.raise_if_any()
    before = _snapshot(ref, ["status", "decided_on", "outcome", "decision_reasons", "follow_up_on"])
    ref.status = ReferralStatus.DECIDED
    ref.decided_on = decided_on
    ref.outcome = outcome
    ref.decision_reasons = reasons.strip()
    ref.last_resort_reason = (last_resort_reason or "").strip()
    ref.follow_up_on = follow_up_on
    _save(ref, before, action=Action.CHANGE)
    if appointment is not None:
        _save(
            appointment,
            dict.fromkeys(["child", "kind", "source", "guardian", "starts_on", "review_on"]),
            action=Action.CREATE,
        )
    return ref


@transaction.atomic
def follow_up_add(
    *,
    actor: User,
    referral: CourtReferral,
    visited_on: dt.date,
    note: str,
    next_on: dt.date | None = None,
    close: bool = False,
) -> FollowUp:
    """Record a visit after the court's decision; close the follow-up when it is complete."""
    _require(actor, "court.follow_up", _("Your role cannot record follow-up visits."))
    ref = _locked(CourtReferral, referral.pk)
    if ref.status != ReferralStatus.DECIDED:
        raise GuardianshipError(_("Follow-up starts once the court has decided."))
    errors = Errors()
    if visited_on is None or visited_on > today():
        errors.add("visited_on", _("Enter the visit date (not in the future)."))
    elif ref.decided_on and visited_on < ref.decided_on:
        errors.add("visited_on", _("The visit cannot be before the decision."))
    if not (note or "").strip():
        errors.add("note", _("Write what was found."))
    if not close and next_on is None:
        errors.add("next_on", _("Plan the next visit, or close the follow-up."))
    elif next_on is not None and visited_on and next_on <= visited_on:
        errors.add("next_on", _("The next visit must come after this one."))
    errors.raise_if_any()
    visit = FollowUp(
        referral=ref, visited_on=visited_on, visited_by=actor, note=note.strip(), next_on=next_on
    )
    _save(visit, dict.fromkeys(["referral", "visited_on", "next_on"]), action=Action.CREATE)
    before = _snapshot(ref, ["status", "follow_up_on"])
    ref.follow_up_on = None if close else next_on
    if close:
        ref.status = ReferralStatus.CLOSED
    _save(ref, before, action=Action.CHANGE)
    return visit


# Before a parent leaves (issue 6, item 5) ------------------------------------------------------

PLAN_FIELDS = [
    "parent",
    "departure_on",
    "destination",
    "language",
    "contact_frequency",
    "contact_channel",
    "contact_note",
    "school_name",
    "school_signatory",
    "school_note",
    "insurance_scheme",
    "insurance_card_holder",
    "treatment_consent_by",
    "health_note",
]
PLAN_TEXT_FIELDS = (
    "destination",
    "contact_note",
    "school_name",
    "school_note",
    "health_note",
)
# A change to these hands the agreed contact on to the connection app again.
CONTACT_FIELDS = ("parent", "contact_frequency", "contact_channel")
CONTACT_ITEM = "contact_plan"  # the checklist item that settles the contact
# People the plan names for the child while the parent is away; each must stay with the child.
PLAN_PEOPLE = ("school_signatory", "insurance_card_holder", "treatment_consent_by")


def _validate_person(plan: PreDeparturePlan, field: str, errors: Errors, *, on: dt.date) -> None:
    adult = getattr(plan, field)
    if adult is None:
        return
    if adult.pk == plan.parent_id:
        errors.add(field, _("Choose someone who stays with the child, not the parent who leaves."))
    elif not adult.is_alive:
        errors.add(field, _("This person is recorded as deceased."))
    elif not _linked_to_child(adult, plan.child):
        errors.add(field, _("Add this person to the child's family in the registry first."))
    elif _is_minor(adult, on):
        errors.add(field, _("Choose an adult."))


def _validate_plan(plan: PreDeparturePlan, errors: Errors, *, departure_changed: bool) -> None:
    child = plan.child
    parent = (
        Relationship.objects.filter(
            child=child, adult_id=plan.parent_id, kind__in=Relationship.PARENT_KINDS
        )
        .select_related("adult")
        .first()
        if plan.parent_id
        else None
    )
    if parent is None:
        errors.add("parent", _("Choose the child's mother or father as recorded in the registry."))
    elif not parent.adult.is_alive:
        errors.add("parent", _("The parent is recorded as deceased."))
    else:
        plan.parent_kind = parent.kind
    for name in PLAN_TEXT_FIELDS:
        setattr(plan, name, (getattr(plan, name) or "").strip())
    if not plan.destination:
        errors.add("destination", _("Enter where the parent is going."))
    if plan.language not in PackLanguage.values:
        errors.add("language", _("Choose the family's language."))
    if plan.contact_frequency and plan.contact_frequency not in ContactFrequency.values:
        errors.add("contact_frequency", _("Choose how often."))
    if plan.contact_channel and plan.contact_channel not in ContactChannel.values:
        errors.add("contact_channel", _("Choose how."))
    if plan.insurance_scheme and plan.insurance_scheme not in InsuranceScheme.values:
        errors.add("insurance_scheme", _("Choose the health insurance."))
    if plan.insurance_scheme == InsuranceScheme.NONE:
        plan.insurance_card_holder = None
    departure = plan.departure_on
    if departure is None:
        errors.add("departure_on", _("Enter the planned departure date."))
        return
    grace = conf.pre_departure_grace_days()
    if departure_changed and departure < today() - dt.timedelta(days=grace):
        errors.add(
            "departure_on",
            _(
                "The parent left more than %(days)d days ago: this is no longer pre-departure "
                "planning. See whether the child needs a guardian."
            )
            % {"days": grace},
        )
    majority = child.date_of_birth + relativedelta(years=conf.age_of_majority())
    if departure >= majority:
        errors.add("departure_on", _("The child will be an adult by then."))
    for field in PLAN_PEOPLE:
        _validate_person(plan, field, errors, on=max(departure, today()))
    if plan.parent_id and departure_changed:
        earliest = today() - dt.timedelta(days=grace)
        duplicate = PreDeparturePlan.objects.filter(
            child=child, parent_id=plan.parent_id, departure_on__gte=earliest
        ).exclude(pk=plan.pk)
        if duplicate.exists():
            errors.add(
                "departure_on",
                _("There is already a plan for this parent's coming departure; change that one."),
            )


@transaction.atomic
def plan_create(
    *,
    actor: User,
    child: Child,
    parent: Adult,
    departure_on: dt.date,
    destination: str,
    language: str,
    **details: Any,
) -> PreDeparturePlan:
    """Start a pre-departure plan with a parent who is about to leave, for one child. `details`
    are the plan's other fields (contact, school, health), which may also be filled in later.
    The contact agreed seeds the connection app's contact plan (`contact_plan.seed`); what
    happened is left in `plan.contact_seeding` for the page to say."""
    _require(actor, "pre_departure.plan", _("Your role cannot make pre-departure plans."))
    unknown = set(details) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"not plan fields: {sorted(unknown)}")
    plan = PreDeparturePlan(
        child=child,
        parent=parent,
        departure_on=departure_on,
        destination=destination,
        language=language,
        created_by=actor,
        **details,
    )
    if not plan.school_name and child.school_id:
        plan.school_name = child.school.name
    errors = Errors()
    _validate_plan(plan, errors, departure_changed=True)
    errors.raise_if_any()
    _save(plan, dict.fromkeys(["child", *PLAN_FIELDS]), action=Action.CREATE)
    plan.contact_seeding = contact_plan.seed(plan)
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan: PreDeparturePlan, **values: Any) -> PreDeparturePlan:
    """Change a plan's dates, destination, language, contact, school or health arrangements.
    A change of the contact agreed (or of the parent) is handed on to the connection app's
    contact plan, as when the plan was made."""
    _require(actor, "pre_departure.plan", _("Your role cannot change pre-departure plans."))
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    locked = _locked(PreDeparturePlan, plan.pk)
    before = _snapshot(locked, PLAN_FIELDS)
    for name, value in values.items():
        setattr(locked, name, value)
    errors = Errors()
    changed = (
        _value(locked.departure_on) != before["departure_on"]
        or locked.parent_id != before["parent"]
    )
    _validate_plan(locked, errors, departure_changed=changed)
    errors.raise_if_any()
    _save(locked, before, action=Action.CHANGE)
    if any(_value(getattr(locked, f)) != before[f] for f in CONTACT_FIELDS):
        locked.contact_seeding = contact_plan.seed(locked)
    return locked


@dataclass(frozen=True)
class ContactInput:
    name: str
    phone: str
    relationship: str = ""


def _contacts_value(contacts: Any) -> list[list[str]]:
    return [[c.name, c.relationship, c.phone] for c in contacts]


@transaction.atomic
def plan_set_emergency_contacts(
    *, actor: User, plan: PreDeparturePlan, contacts: list[ContactInput]
) -> list[EmergencyContact]:
    """Replace the plan's emergency contacts (in the order given). Each needs a name and a
    phone number the phone helper accepts; errors name the row: `name_2`, `phone_2`."""
    _require(actor, "pre_departure.plan", _("Your role cannot change pre-departure plans."))
    locked = _locked(PreDeparturePlan, plan.pk)
    errors = Errors()
    rows = [c for c in contacts if (c.name or "").strip() or (c.phone or "").strip()]
    if len(rows) > conf.emergency_contacts_max():
        errors.add(
            "__all__",
            _("List at most %(count)d emergency contacts.")
            % {"count": conf.emergency_contacts_max()},
        )
    cleaned = []
    for number, contact in enumerate(contacts, start=1):
        name, phone = (contact.name or "").strip(), (contact.phone or "").strip()
        if not name and not phone:
            continue
        if not name:
            errors.add(f"name_{number}", _("Enter the name."))
        if not phone:
            errors.add(f"phone_{number}", _("Enter the phone number."))
        else:
            try:
                phone = normalise_phone(phone)
            except ValidationError as exc:
                errors.add(f"phone_{number}", exc.messages[0])
        cleaned.append(
            EmergencyContact(
                plan=locked,
                position=len(cleaned),
                name=name,
                relationship=(contact.relationship or "").strip(),
                phone=phone,
            )
        )
    errors.raise_if_any()
    old = _contacts_value(locked.emergency_contacts.all())
    locked.emergency_contacts.all().delete()
    saved = EmergencyContact.objects.bulk_create(cleaned)
    new = _contacts_value(cleaned)
    if old != new:
        audit_change(locked, action=Action.CHANGE, changes={"emergency_contacts": (old, new)})
    return saved


@transaction.atomic
def checklist_mark(
    *, actor: User, plan: PreDeparturePlan, item: str, state: str, note: str = ""
) -> ChecklistMark:
    """Mark one checklist item done, not done, or not applicable (with a note saying why). An
    item is marked done only when the plan holds what it needs; the declaration is done only
    when it is registered, and can be marked by hand only as not applicable."""
    from kinlink.guardianship import checklist

    _require(actor, "pre_departure.plan", _("Your role cannot change pre-departure plans."))
    locked = _locked(PreDeparturePlan, plan.pk)
    errors = Errors()
    note = (note or "").strip()
    if item not in checklist.ITEM_KEYS:
        errors.add("item", _("Unknown checklist item."))
        errors.raise_if_any()
    spec = checklist.item(item)
    if state not in MarkState.values:
        errors.add("state", _("Choose done, not done or not applicable."))
    elif state == MarkState.NOT_APPLICABLE and not note:
        errors.add("note", _("Say why this does not apply to this family."))
    elif state == MarkState.DONE and spec.derived:
        errors.add(
            "state",
            _("The declaration is done once it is registered; it is not marked by hand."),
        )
    elif state == MarkState.DONE and (missing := spec.missing(locked)):
        errors.add("state", missing)
    errors.raise_if_any()
    mark = ChecklistMark.objects.filter(plan=locked, item=item).first()
    old = (mark.state, mark.note) if mark else ("", "")
    if mark is None:
        mark = ChecklistMark(plan=locked, item=item)
    mark.state, mark.note, mark.marked_by = state, note, actor
    mark.save()
    changes = {f"checklist.{item}": (old[0], state), f"checklist.{item}.note": (old[1], note)}
    changes = {k: c for k, c in changes.items() if c[0] != c[1]}
    if changes:
        audit_change(locked, action=Action.CHANGE, changes=changes)
    if item == CONTACT_ITEM and state == MarkState.DONE:
        # Settled: make sure the connection app has it (a plan made before seeding existed).
        mark.contact_seeding = contact_plan.seed(locked)
    return mark


@transaction.atomic
def pack_given(
    *,
    actor: User,
    plan: PreDeparturePlan,
    given_on: dt.date,
    given_to: Adult,
    note: str = "",
) -> PackHandover:
    """Record that the family pack was given: when, to whom (the parent or someone in the
    child's family), by whom, in which language, and how complete the checklist was."""
    from kinlink.guardianship.checklist import checklist_for

    _require(actor, "pre_departure.give", _("Your role cannot record that a pack was given."))
    locked = _locked(PreDeparturePlan, plan.pk)
    errors = Errors()
    if given_on is None:
        errors.add("given_on", _("Enter the day the pack was given."))
    elif given_on > today():
        errors.add("given_on", _("The day cannot be in the future."))
    elif given_on < locked.created_at.date() - dt.timedelta(days=1):
        errors.add("given_on", _("The pack cannot be given before the plan was made."))
    if given_to is None:
        errors.add("given_to", _("Choose who received the pack."))
    elif not given_to.is_alive:
        errors.add("given_to", _("This person is recorded as deceased."))
    elif given_to.pk != locked.parent_id and not _linked_to_child(given_to, locked.child):
        errors.add("given_to", _("Choose the parent or someone in the child's family."))
    errors.raise_if_any()
    state = checklist_for(locked, on=given_on)
    handover = PackHandover(
        plan=locked,
        given_on=given_on,
        given_to=given_to,
        given_by=actor,
        language=locked.language,
        items_resolved=state.resolved,
        items_total=state.total,
        note=(note or "").strip(),
    )
    _save(
        handover,
        dict.fromkeys(
            [
                "plan",
                "given_on",
                "given_to",
                "given_by",
                "language",
                "items_resolved",
                "items_total",
            ]
        ),
        action=Action.CREATE,
    )
    return handover


HANDOVER_FIELDS = [
    "plan",
    "given_on",
    "given_to",
    "given_by",
    "language",
    "items_resolved",
    "items_total",
]


def pack_exported(*, plan: PreDeparturePlan) -> None:
    """Audit a download of the family pack (an export of the child's data)."""
    audit_record(
        action=Action.EXPORT,
        object_type=object_type_of(plan),
        object_id=plan.pk,
        extra={"format": "pdf", "document": "family pack", "language": plan.language},
    )
