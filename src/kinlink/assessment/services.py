"""Writes of the assessment. Each validates (a ValidationError names every bad field), saves and
audits in one transaction. Callers fetch the child through `assessment.permissions` first.

Audit entries name the fields written and carry codes and scores, never free text (the child's
words, notes): the audit log is append-only and kept for ever, the records themselves are not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.models import Role, User
from kinlink.assessment import screeners
from kinlink.assessment.growth import zscores
from kinlink.assessment.models import (
    Assistance,
    Challenge,
    CopingProfile,
    CopingStrategy,
    Domain,
    DomainAssessment,
    ExternalScore,
    Finding,
    FollowUpTask,
    GrowthFlag,
    InstrumentResponse,
    Measurement,
    ProtectionConcern,
    RiskLevel,
    SafetyAlert,
    Screening,
    SupportTie,
    TaskStatus,
)
from kinlink.assessment.screening import engine, storage
from kinlink.assessment.screening.rules import RuleSet, current_rule_set
from kinlink.audit.models import Action
from kinlink.audit.services import audit_record
from kinlink.core.dates import today
from kinlink.registry.models import Child
from kinlink.registry.services import Errors

SAFETY_PLAN_WITHIN = timedelta(hours=24)
MAX_TEXT = 5000


def _audit(obj: Any, action: Action, *, child: Child, values: Mapping[str, Any]) -> None:
    audit_record(
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        fields=values.keys(),
        changes={k: (None, v) for k, v in values.items()} if action == Action.CREATE else {},
        extra={"child": child.pk},
    )


def _check_date(errors: Errors, field: str, value: dt.date | None, child: Child) -> None:
    if value is None:
        errors.add(field, _("Enter the date."))
    elif value > today():
        errors.add(field, _("The date cannot be in the future."))
    elif value < child.date_of_birth:
        errors.add(field, _("The date is before the child was born."))


def _text(errors: Errors, field: str, value: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.add(field, _("This cannot be left empty."))
    if len(value) > MAX_TEXT:
        errors.add(field, _("Keep this under %(n)s characters.") % {"n": MAX_TEXT})
    return value


# Screening ---------------------------------------------------------------------------------


@transaction.atomic
def screening_run(
    *, child: Child, user: User, on: dt.date | None = None, rule_set: RuleSet | None = None
) -> Screening:
    """Screen one child now with the current rule set (or the one given)."""
    on = on or today()
    errors = Errors()
    _check_date(errors, "on", on, child)
    errors.raise_if_any()
    rule_set = rule_set or current_rule_set()
    outcome = engine.screen_one(child, on, rule_set)
    entries = outcome.stored(storage.text_ids(outcome.messages()))
    screening = Screening.objects.create(
        child=child,
        on=on,
        rule_set=rule_set.version,
        rules=storage.rules_record(rule_set),
        performed_by=user,
        performed_at=timezone.now(),
        score=outcome.score,
        suggested_level=outcome.level,
        possible_level=outcome.possible_level,
        unknown_count=outcome.unknown_count,
        factors=entries,
    )
    _audit(
        screening,
        Action.CREATE,
        child=child,
        values={
            "rule_set": rule_set.version,
            "suggested_level": outcome.level,
            "score": outcome.score,
            "unknown_count": outcome.unknown_count,
        },
    )
    return screening


@transaction.atomic
def screening_confirm(
    *, screening: Screening, user: User, level: str, reason: str = ""
) -> Screening:
    """Record the caseworker's level: the suggested one, or another with a reason."""
    screening = Screening.objects.select_for_update().get(pk=screening.pk)
    errors = Errors()
    if screening.is_confirmed:
        errors.add("level", _("This screening was already confirmed; screen again to revise it."))
    if level not in RiskLevel.values:
        errors.add("level", _("Choose high, medium or low."))
    reason = _text(errors, "reason", reason)
    if level in RiskLevel.values and level != screening.suggested_level and not reason:
        errors.add(
            "reason",
            _("Say why the level differs from the suggested one; the reason is kept with it."),
        )
    errors.raise_if_any()
    screening.confirmed_level = level
    screening.override_reason = reason
    screening.confirmed_by = user
    screening.confirmed_at = timezone.now()
    screening.save(
        update_fields=["confirmed_level", "override_reason", "confirmed_by", "confirmed_at"]
    )
    audit_record(
        action=Action.CHANGE,
        object_type="assessment.screening",
        object_id=screening.pk,
        fields=["confirmed_level", "override_reason"],
        changes={"confirmed_level": ("", level)},
        extra={
            "child": screening.child_id,
            "suggested_level": screening.suggested_level,
            "override": level != screening.suggested_level,
        },
    )
    return screening


# Screeners and the safety alert ------------------------------------------------------------


def _people_to_alert(child: Child, raised_by: User) -> list[User]:
    """The caseworker who gave the screener and the supervisors whose scope holds the child.

    Until the casework app assigns cases, "her supervisor" is every active supervisor whose
    place scope contains the child's village.
    """
    village_path = child.home_village.path
    supervisors = [
        s
        for s in User.objects.filter(role=Role.SUPERVISOR, is_active=True, scope__isnull=False)
        .select_related("scope")
        .order_by("pk")
        if village_path.startswith(s.scope.path)
    ]
    people = [raised_by] if raised_by.role in (Role.CASEWORKER, Role.SUPERVISOR) else []
    return people + [s for s in supervisors if s.pk != raised_by.pk]


def safety_alert_raise(
    *, child: Child, raised_by: User, kind: str, response: InstrumentResponse | None = None
) -> SafetyAlert:
    """Raise an alert to the caseworker and her supervisors, with a safety-plan task due within
    24 hours for the caseworker. Called inside the transaction that recorded the answers."""
    now = timezone.now()
    alert = SafetyAlert.objects.create(child=child, kind=kind, response=response, raised_at=now)
    people = _people_to_alert(child, raised_by)
    alert.raised_for.set(people)
    task = FollowUpTask.objects.create(
        child=child,
        kind=FollowUpTask.Kind.SAFETY_PLAN,
        alert=alert,
        assigned_to=raised_by if raised_by in people else (people[0] if people else None),
        created_at=now,
        due_at=now + SAFETY_PLAN_WITHIN,
    )
    _audit(
        alert,
        Action.CREATE,
        child=child,
        values={"kind": kind, "raised_for": [p.pk for p in people]},
    )
    _audit(
        task,
        Action.CREATE,
        child=child,
        values={"kind": task.kind, "assigned_to": task.assigned_to_id},
    )
    return alert


@transaction.atomic
def screener_record(
    *,
    child: Child,
    user: User,
    code: str,
    answers: Mapping[int, Any],
    administered_on: dt.date | None,
    informant: str = InstrumentResponse.Informant.CHILD,
    language: str = "en",
) -> InstrumentResponse:
    """Score and keep a screener's result; a safety flag raises the alert whatever the total."""
    pack = screeners.pack(code)
    errors = Errors()
    if pack is None or pack.kind != "items":
        errors.add("instrument", _("Choose an instrument that is given on screen."))
        errors.raise_if_any()
    _check_date(errors, "administered_on", administered_on, child)
    if informant not in InstrumentResponse.Informant.values:
        errors.add("informant", _("Choose who answered."))
    try:
        scored = screeners.score(pack, answers)  # type: ignore[arg-type]
    except screeners.AnswerError as exc:
        errors.add(exc.field, exc.message)
    errors.raise_if_any()
    response = InstrumentResponse.objects.create(
        child=child,
        instrument=pack.code,  # type: ignore[union-attr]
        pack_version=pack.version,  # type: ignore[union-attr]
        administered_on=administered_on,
        administered_by=user,
        informant=informant,
        language=language,
        raw_score=scored.raw,
        score=scored.score,
        band=scored.band.code,
        flags=[f.code for f in scored.flags],
        kept_answers=scored.kept_answers,
    )
    _audit(
        response,
        Action.CREATE,
        child=child,
        values={"instrument": response.instrument, "score": response.score, "band": response.band},
    )
    if scored.safety_alert:
        safety_alert_raise(
            child=child, raised_by=user, kind=SafetyAlert.Kind.SELF_HARM, response=response
        )
    return response


@transaction.atomic
def external_score_record(
    *,
    child: Child,
    user: User,
    code: str,
    informant: str,
    administered_on: dt.date | None,
    scored_by: str,
    scores: Mapping[str, Any],
    band: str,
) -> ExternalScore:
    """Record the scores and band of a paper instrument (the SDQ) as a practitioner gave them."""
    pack = screeners.pack(code)
    errors = Errors()
    if pack is None or pack.kind != "scores_only":
        errors.add("instrument", _("Choose an instrument scored on paper."))
        errors.raise_if_any()
    _check_date(errors, "administered_on", administered_on, child)
    if informant not in pack.informants:  # type: ignore[union-attr]
        errors.add("informant", _("Choose who filled in the form."))
    scored_by = _text(errors, "scored_by", scored_by, required=True)
    clean: dict[str, int] = {}
    try:
        clean = screeners.check_scales(pack, scores, band)  # type: ignore[arg-type]
    except screeners.AnswerError as exc:
        errors.add(exc.field, exc.message)
    errors.raise_if_any()
    record = ExternalScore.objects.create(
        child=child,
        instrument=code,
        informant=informant,
        administered_on=administered_on,
        scored_by=scored_by,
        scores=clean,
        band=band,
        recorded_by=user,
    )
    _audit(record, Action.CREATE, child=child, values={"instrument": code, "band": band, **clean})
    return record


@transaction.atomic
def safety_alert_acknowledge(*, alert: SafetyAlert, user: User) -> SafetyAlert:
    alert = SafetyAlert.objects.select_for_update().get(pk=alert.pk)
    errors = Errors()
    if alert.acknowledged_at is not None:
        errors.add("alert", _("This alert was already acknowledged."))
    if not alert.raised_for.filter(pk=user.pk).exists():
        errors.add("alert", _("Only the people the alert was raised for can acknowledge it."))
    errors.raise_if_any()
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = user
    alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(
        action=Action.CHANGE,
        object_type="assessment.safetyalert",
        object_id=alert.pk,
        fields=["acknowledged_at"],
        extra={"child": alert.child_id},
    )
    return alert


@transaction.atomic
def task_complete(*, task: FollowUpTask, user: User, note: str) -> FollowUpTask:
    task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    errors = Errors()
    if task.status == TaskStatus.DONE:
        errors.add("task", _("This task is already done."))
    note = _text(errors, "note", note, required=True)
    errors.raise_if_any()
    task.status = TaskStatus.DONE
    task.done_at = timezone.now()
    task.done_by = user
    task.note = note
    task.save(update_fields=["status", "done_at", "done_by", "note"])
    audit_record(
        action=Action.CHANGE,
        object_type="assessment.followuptask",
        object_id=task.pk,
        fields=["status", "note"],
        changes={"status": (TaskStatus.OPEN, TaskStatus.DONE)},
        extra={"child": task.child_id},
    )
    return task


# Growth ------------------------------------------------------------------------------------

WEIGHT_RANGE = (Decimal("0.5"), Decimal("250"))
HEIGHT_RANGE = (Decimal("35"), Decimal("230"))


def _decimal(
    errors: Errors, field: str, value: Any, bounds: tuple[Decimal, Decimal]
) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.add(field, _("Enter a number."))
        return None
    if not number.is_finite() or not bounds[0] <= number <= bounds[1]:
        errors.add(
            field,
            _("Enter a value from %(low)s to %(high)s.") % {"low": bounds[0], "high": bounds[1]},
        )
        return None
    return number


@transaction.atomic
def measurement_record(
    *,
    child: Child,
    user: User,
    measured_on: dt.date | None,
    weight_kg: Any = None,
    height_cm: Any = None,
    measure: str = "",
    oedema: bool = False,
) -> Measurement:
    """Record a measurement with its WHO z-scores and flags (computed now, kept with it)."""
    errors = Errors()
    _check_date(errors, "measured_on", measured_on, child)
    weight = _decimal(errors, "weight_kg", weight_kg, WEIGHT_RANGE)
    height = _decimal(errors, "height_cm", height_cm, HEIGHT_RANGE)
    if weight is None and height is None and "weight_kg" not in errors.messages:
        errors.add("weight_kg", _("Enter the weight, the length or height, or both."))
    if height is not None and measure not in Measurement.Measure.values:
        errors.add("measure", _("Say whether the child was measured lying or standing."))
    if measure and measure not in Measurement.Measure.values:
        errors.add("measure", _("Choose lying or standing."))
    errors.raise_if_any()
    age_days = (measured_on - child.date_of_birth).days  # type: ignore[operator]
    try:
        result = zscores.compute(
            child.sex,  # type: ignore[arg-type]
            age_days,
            weight_kg=float(weight) if weight is not None else None,
            height_cm=float(height) if height is not None else None,
            measure=zscores.Measure(measure) if measure else None,
            oedema=oedema,
        )
    except zscores.GrowthInputError as exc:
        raise ValidationError(
            {exc.field if exc.field != "age_days" else "measured_on": [exc.message]}
        ) from None
    flags = [name for name in GrowthFlag.values if getattr(result, name)]
    implausible = [
        name for name in ("hfa", "wfa", "wfh", "bmi") if getattr(result, f"{name}_implausible")
    ]
    measurement = Measurement.objects.create(
        child=child,
        measured_on=measured_on,
        weight_kg=weight,
        height_cm=height,
        measure=measure,
        oedema=oedema,
        measured_by=user,
        age_days=age_days,
        hfa_z=result.hfa_z,
        wfa_z=result.wfa_z,
        wfh_z=result.wfh_z,
        bmi_z=result.bmi_z,
        flags=flags,
        implausible=implausible,
    )
    _audit(
        measurement,
        Action.CREATE,
        child=child,
        values={
            "measured_on": measured_on.isoformat(),  # type: ignore[union-attr]
            "weight_kg": str(weight) if weight is not None else None,
            "height_cm": str(height) if height is not None else None,
            "flags": flags,
        },
    )
    return measurement


# Coping and the support network ------------------------------------------------------------

STRATEGIES = tuple(CopingStrategy.values)
CHALLENGES = tuple(Challenge.values)


def _codes(errors: Errors, field: str, values: Iterable[str], allowed: Sequence[str]) -> list[str]:
    chosen = list(dict.fromkeys(values))
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        errors.add(field, _("Unknown choice: %(value)s") % {"value": ", ".join(unknown)})
    return [v for v in allowed if v in chosen]


@transaction.atomic
def coping_record(
    *,
    child: Child,
    user: User,
    recorded_on: dt.date | None,
    strategies: Iterable[str],
    challenges: Iterable[str],
    strengths_note: str = "",
    challenges_note: str = "",
) -> CopingProfile:
    errors = Errors()
    _check_date(errors, "recorded_on", recorded_on, child)
    strategies = _codes(errors, "strategies", strategies, STRATEGIES)
    challenges = _codes(errors, "challenges", challenges, CHALLENGES)
    strengths_note = _text(errors, "strengths_note", strengths_note)
    challenges_note = _text(errors, "challenges_note", challenges_note)
    errors.raise_if_any()
    profile = CopingProfile.objects.create(
        child=child,
        recorded_on=recorded_on,
        recorded_by=user,
        strategies=strategies,
        challenges=challenges,
        strengths_note=strengths_note,
        challenges_note=challenges_note,
    )
    _audit(
        profile,
        Action.CREATE,
        child=child,
        values={"strategies": strategies, "challenges": challenges},
    )
    return profile


RING_OF_KIND = {
    SupportTie.Kind.GRANDPARENT: SupportTie.Ring.FAMILY,
    SupportTie.Kind.PARENT_AWAY: SupportTie.Ring.FAMILY,
    SupportTie.Kind.AUNT_UNCLE: SupportTie.Ring.FAMILY,
    SupportTie.Kind.SIBLING: SupportTie.Ring.FAMILY,
    SupportTie.Kind.OTHER_RELATIVE: SupportTie.Ring.FAMILY,
    SupportTie.Kind.TEACHER: SupportTie.Ring.SCHOOL,
    SupportTie.Kind.CLASSMATE: SupportTie.Ring.SCHOOL,
    SupportTie.Kind.FRIEND: SupportTie.Ring.COMMUNITY,
    SupportTie.Kind.NEIGHBOUR: SupportTie.Ring.COMMUNITY,
    SupportTie.Kind.VILLAGE_COMMITTEE: SupportTie.Ring.COMMUNITY,
    SupportTie.Kind.CHILDREN_DIRECTOR: SupportTie.Ring.COMMUNITY,
    SupportTie.Kind.SOCIAL_WORKER: SupportTie.Ring.SOCIETY,
    SupportTie.Kind.WELFARE_PROGRAMME: SupportTie.Ring.SOCIETY,
    SupportTie.Kind.HEALTH_SERVICE: SupportTie.Ring.SOCIETY,
}


@transaction.atomic
def support_tie_add(
    *,
    child: Child,
    user: User,
    kind: str,
    label: str,
    strength: str,
    supports: Iterable[str],
    ring: str = "",
    notes: str = "",
) -> SupportTie:
    """Add a person or body to the child's network; the ring follows from the kind unless the
    kind is "other" (a friend met at school may be put in the school ring by hand)."""
    errors = Errors()
    if kind not in SupportTie.Kind.values:
        errors.add("kind", _("Choose who this is."))
    ring = ring or RING_OF_KIND.get(kind, "")  # type: ignore[call-overload]
    if ring not in SupportTie.Ring.values:
        errors.add("ring", _("Choose the ring: family, school, community or society."))
    label = _text(errors, "label", label, required=True)
    if len(label) > 40:
        errors.add("label", _("Keep the short name under 40 characters."))
    if strength not in SupportTie.Strength.values:
        errors.add("strength", _("Choose how strong the tie is."))
    supports = _codes(errors, "supports", supports, SupportTie.Support.values)
    notes = _text(errors, "notes", notes)
    errors.raise_if_any()
    tie = SupportTie.objects.create(
        child=child,
        ring=ring,
        kind=kind,
        label=label,
        supports=supports,
        strength=strength,
        notes=notes,
        recorded_by=user,
    )
    _audit(
        tie,
        Action.CREATE,
        child=child,
        values={"ring": ring, "kind": kind, "strength": strength, "supports": supports},
    )
    return tie


@transaction.atomic
def support_tie_end(*, tie: SupportTie, user: User, ended_on: dt.date | None = None) -> SupportTie:
    errors = Errors()
    ended_on = ended_on or today()
    if tie.ended_on is not None:
        errors.add("tie", _("This tie has already ended."))
    if ended_on > today():
        errors.add("ended_on", _("The date cannot be in the future."))
    errors.raise_if_any()
    tie.ended_on = ended_on
    tie.save(update_fields=["ended_on"])
    audit_record(
        action=Action.CHANGE,
        object_type="assessment.supporttie",
        object_id=tie.pk,
        fields=["ended_on"],
        changes={"ended_on": (None, ended_on.isoformat())},
        extra={"child": tie.child_id},
    )
    return tie


# Assessment by domain ----------------------------------------------------------------------

PROTECTION_CONCERNS = tuple(ProtectionConcern.values)
ASSISTANCE_ANSWERS = tuple(Assistance.values)


def _domain_answers(domain: str, answers: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    """The structured answers a domain keeps (the screen reads them), validated."""
    clean: dict[str, Any] = {}
    if domain == Domain.EDUCATION:
        enrolled = answers.get("enrolled") or ""
        if enrolled not in ("", "yes", "no"):
            errors.add("enrolled", _("Choose yes, no or not known."))
        clean["enrolled"] = enrolled
        attendance = answers.get("attendance_percent")
        if attendance not in (None, ""):
            try:
                attendance = int(attendance)
            except (TypeError, ValueError):
                attendance = -1
            if not 0 <= attendance <= 100:
                errors.add("attendance_percent", _("Enter a percentage from 0 to 100."))
            clean["attendance_percent"] = attendance
        else:
            clean["attendance_percent"] = None
        grades = answers.get("grades") or ""
        if grades not in ("", "improving", "stable", "falling"):
            errors.add("grades", _("Choose how grades are going."))
        clean["grades"] = grades
    elif domain == Domain.PROTECTION:
        concerns = _codes(errors, "concerns", answers.get("concerns") or (), PROTECTION_CONCERNS)
        none_seen = bool(answers.get("none_observed"))
        if concerns and none_seen:
            errors.add("none_observed", _("Either tick concerns or 'no concern found', not both."))
        if not concerns and not none_seen:
            errors.add(
                "concerns",
                _(
                    "Tick each concern found, or tick 'no concern found' if you looked and found "
                    "none."
                ),
            )
        clean["concerns"] = concerns
        clean["none_observed"] = none_seen
    elif domain == Domain.SOCIAL_PROTECTION:
        assistance = answers.get("assistance") or ""
        if assistance not in ASSISTANCE_ANSWERS:
            errors.add("assistance", _("Choose what happened with social assistance."))
        clean["assistance"] = assistance
    elif domain == Domain.HEALTH:
        for key in ("insured", "immunised", "can_consent"):
            value = answers.get(key) or ""
            if value not in ("", "yes", "no"):
                errors.add(key, _("Choose yes, no or not known."))
            clean[key] = value
    elif domain == Domain.CHILD_VIEW:
        how = answers.get("recorded_how") or ""
        if how not in ("own_words", "written_down", "drawing"):
            errors.add("recorded_how", _("Say how the child's view was recorded."))
        clean["recorded_how"] = how
    return clean


@transaction.atomic
def domain_assessment_record(
    *,
    child: Child,
    user: User,
    domain: str,
    assessed_on: dt.date | None,
    answers: Mapping[str, Any],
    summary: str,
    findings: Sequence[tuple[str, str]] = (),
) -> DomainAssessment:
    """Record an assessment of one domain with its findings (kind, text), each kept with an id
    a case-plan goal can link to."""
    errors = Errors()
    if domain not in Domain.values:
        errors.add("domain", _("Choose the domain."))
    _check_date(errors, "assessed_on", assessed_on, child)
    clean = _domain_answers(domain, answers, errors)
    summary = _text(errors, "summary", summary, required=domain == Domain.CHILD_VIEW)
    kept: list[tuple[str, str]] = []
    for kind, text in findings:
        text = (text or "").strip()
        if not text:
            continue
        if kind not in Finding.Kind.values:
            errors.add("findings", _("Choose concern, need or strength for each finding."))
        if len(text) > 1000:
            errors.add("findings", _("Keep each finding under 1000 characters."))
        kept.append((kind, text))
    errors.raise_if_any()
    assessment = DomainAssessment.objects.create(
        child=child,
        domain=domain,
        assessed_on=assessed_on,
        assessed_by=user,
        answers=clean,
        summary=summary,
    )
    made = [
        Finding.objects.create(
            assessment=assessment, child=child, domain=domain, kind=kind, text=text
        )
        for kind, text in kept
    ]
    _audit(
        assessment,
        Action.CREATE,
        child=child,
        # Which answers were given, not what they say: a protection concern's kind stays in the
        # record (which has a retention schedule), out of the permanent log.
        values={"domain": domain, "answers": sorted(clean), "findings": [f.pk for f in made]},
    )
    return assessment
