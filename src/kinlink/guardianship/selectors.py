"""Reads of guardianship records: who is covered on a given day, the step-two worklist, the
records of one child, the approvals waiting for a supervisor, and the public verification.

The coverage rule (issue 6, step two): on a day D a child *needs a guardian* when
  * at least one living parent is away on D (a migration episode departed on or before D and
    not returned by D: the registry's `episodes_open_on`), and
  * no declaration is in force on D (registered or notarised, D between its first and last
    day, not before registration, not ended by revocation or replacement on or before D), and
  * no appointment is in force on D (approved, started by D, not ended by D).
Any declaration counts, whichever parent made it and whatever powers it gives: the child has a
legal representative, and an incomplete one shows as an alert, not as a child without cover.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from kinlink.accounts.models import User
from kinlink.core.dates import today
from kinlink.guardianship.access import can_read_guardianship, children_for_guardianship
from kinlink.guardianship.codes import normalise_code
from kinlink.guardianship.models import (
    ENDED_STATUSES,
    Appointment,
    ApprovalStatus,
    BestInterestsAssessment,
    CourtReferral,
    Declaration,
    DeclarationStatus,
    PreDeparturePlan,
)
from kinlink.places.models import Place
from kinlink.registry.derived import episodes_open_on
from kinlink.registry.hooks import TimelineEntry
from kinlink.registry.models import Child, MigrationEpisode, Relationship


def _parent_away_on(on: dt.date, kind: str | None = None) -> Exists:
    kinds = [kind] if kind else list(Relationship.PARENT_KINDS)
    # One filter() call, so the relationship that makes the adult a parent is the same row
    # that points at this child.
    return Exists(
        MigrationEpisode.objects.filter(
            episodes_open_on(on),
            adult__is_alive=True,
            adult__relationships__child=OuterRef("pk"),
            adult__relationships__kind__in=kinds,
        )
    )


def _parent_at_home_on(on: dt.date) -> Exists:
    away = MigrationEpisode.objects.filter(episodes_open_on(on), adult=OuterRef("adult"))
    return Exists(
        Relationship.objects.filter(
            child=OuterRef("pk"), kind__in=Relationship.PARENT_KINDS, adult__is_alive=True
        ).filter(~Exists(away))
    )


def _declaration_in_force_on(on: dt.date) -> Exists:
    return Exists(Declaration.objects.in_force_on(on).filter(child=OuterRef("pk")))


def _appointment_in_force_on(on: dt.date) -> Exists:
    return Exists(Appointment.objects.in_force_on(on).filter(child=OuterRef("pk")))


def with_parent_away(children: QuerySet[Child], on: dt.date) -> QuerySet[Child]:
    return children.filter(_parent_away_on(on))


def covered(children: QuerySet[Child], on: dt.date) -> QuerySet[Child]:
    """The children with a declaration or an appointment in force on the day."""
    return children.filter(_declaration_in_force_on(on) | _appointment_in_force_on(on))


def needing_guardian(children: QuerySet[Child], on: dt.date) -> QuerySet[Child]:
    """The children among these who need a guardian on the day (the module's coverage rule)."""
    return children.filter(_parent_away_on(on)).exclude(
        _declaration_in_force_on(on) | _appointment_in_force_on(on)
    )


def child_needs_guardian(child: Child, on: dt.date) -> bool:
    return needing_guardian(Child.objects.filter(pk=child.pk), on).exists()


@dataclass(frozen=True)
class WorklistFilters:
    on: dt.date
    place: Place | None = None
    no_parent_at_home: bool = False  # only children with neither parent at home


def worklist(user: User, filters: WorklistFilters) -> QuerySet[Child]:
    """Step two: the children in the user's scope who need a guardian on the day, those with no
    parent at home first, each annotated with who is away and whether anything is under way."""
    on = filters.on
    children = needing_guardian(children_for_guardianship(user), on)
    if filters.place is not None:
        children = children.filter(home_village__path__startswith=filters.place.path)
    children = children.annotate(
        mother_away=_parent_away_on(on, Relationship.Kind.MOTHER),
        father_away=_parent_away_on(on, Relationship.Kind.FATHER),
        parent_at_home=_parent_at_home_on(on),
        declaration_under_way=Exists(
            Declaration.objects.filter(
                child=OuterRef("pk"),
                status__in=[DeclarationStatus.DRAFT, DeclarationStatus.SIGNED],
            )
        ),
        appointment_under_way=Exists(
            Appointment.objects.filter(
                child=OuterRef("pk"),
                status__in=[ApprovalStatus.REQUESTED, ApprovalStatus.PENDING],
            )
        ),
        last_declaration_until=_last_declaration_until(on),
    )
    if filters.no_parent_at_home:
        children = children.filter(parent_at_home=False)
    return children.select_related("home_village").order_by(
        "parent_at_home", "home_village__path", "family_name_latin", "given_name_latin", "pk"
    )


def _last_declaration_until(on: dt.date) -> Subquery:
    """The last day of the latest registered declaration that ended before the day."""
    ended = (
        Declaration.objects.filter(
            child=OuterRef("pk"), registered_on__isnull=False, valid_until__lt=on
        )
        .order_by("-valid_until")
        .values("valid_until")[:1]
    )
    return Subquery(ended)


# One child's records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildGuardianship:
    declarations: list[Declaration]
    assessments: list[BestInterestsAssessment]
    appointments: list[Appointment]
    referrals: list[CourtReferral]
    needs_guardian: bool


def child_guardianship(child: Child, on: dt.date) -> ChildGuardianship:
    """Everything on guardianship for a child the caller has already fetched through access."""
    return ChildGuardianship(
        declarations=list(
            Declaration.objects.filter(child=child).select_related("declarant", "representative")
        ),
        assessments=list(
            BestInterestsAssessment.objects.filter(child=child).select_related("proposed_caregiver")
        ),
        appointments=list(
            Appointment.objects.filter(child=child).select_related("guardian", "assessment")
        ),
        referrals=list(CourtReferral.objects.filter(child=child)),
        needs_guardian=child_needs_guardian(child, on),
    )


def approvals_waiting(user: User) -> QuerySet[Appointment]:
    """Appointment requests in the user's scope waiting for a supervisor, oldest first."""
    return (
        Appointment.objects.filter(
            child__in=children_for_guardianship(user),
            status__in=[ApprovalStatus.REQUESTED, ApprovalStatus.PENDING],
        )
        .exclude(requested_by=user)
        .select_related("child", "guardian", "requested_by", "reviewer")
        .order_by("requested_at", "pk")
    )


def reviews_due(user: User, on: dt.date) -> QuerySet[Appointment]:
    """Appointments in force in the user's scope whose review date has come."""
    return (
        Appointment.objects.in_force_on(on)
        .filter(child__in=children_for_guardianship(user), review_on__lte=on)
        .select_related("child", "guardian")
        .order_by("review_on", "pk")
    )


# Public verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """All that the public verification page may tell: nothing else of the child or family is
    ever loaded into it, so nothing else can leak through a template change."""

    declaration_id: int
    status: DeclarationStatus
    powers: tuple[str, ...]
    valid_from: dt.date
    valid_until: dt.date
    ended_on: dt.date | None
    representative_name: str
    representative_name_latin: str
    child_initials: str
    child_birth_year: int

    @property
    def is_active(self) -> bool:
        return self.status == DeclarationStatus.ACTIVE


def initials(family_name_latin: str, given_name_latin: str, family: str, given: str) -> str:
    """ "W. X." from Wang Xiaoming: Latin initials, or the first characters when none."""
    first = (family_name_latin or family or "?")[:1].upper()
    second = (given_name_latin or given or "?")[:1].upper()
    return f"{first}. {second}."


def verify_code(raw: str, on: dt.date) -> Verification | None:
    """The verification of a typed or scanned code on a day, or None if no declaration has it."""
    code = normalise_code(raw)
    if code is None:
        return None
    decl = (
        Declaration.objects.filter(code=code)
        .select_related("representative")
        .only(
            "pk",
            "status",
            "powers",
            "valid_from",
            "valid_until",
            "registered_on",
            "registration",
            "ended_on",
            "representative__family_name",
            "representative__given_name",
            "representative__family_name_latin",
            "representative__given_name_latin",
            "child_id",
        )
        .first()
    )
    if decl is None:
        return None
    child = Child.objects.only(
        "family_name", "given_name", "family_name_latin", "given_name_latin", "date_of_birth"
    ).get(pk=decl.child_id)
    rep = decl.representative
    status = decl.status_on(on)
    return Verification(
        declaration_id=decl.pk,
        status=status,
        powers=tuple(decl.power_labels()),
        valid_from=decl.valid_from,
        valid_until=decl.valid_until,
        ended_on=decl.ended_on
        if status
        in (
            DeclarationStatus.REVOKED,
            DeclarationStatus.SUPERSEDED,
        )
        else None,
        representative_name=rep.full_name,
        representative_name_latin=rep.full_name_latin,
        child_initials=initials(
            child.family_name_latin, child.given_name_latin, child.family_name, child.given_name
        ),
        child_birth_year=child.date_of_birth.year,
    )


def in_scope_place(user: User, place_id: int | None) -> Place | None:
    if place_id is None or user.scope is None:
        return None
    return Place.objects.within(user.scope).filter(pk=place_id).first()


# Before a parent leaves ------------------------------------------------------------------------


def child_plans(child: Child) -> list[PreDeparturePlan]:
    """The pre-departure plans for a child the caller fetched through access, latest first."""
    return list(
        PreDeparturePlan.objects.filter(child=child)
        .select_related("parent")
        .prefetch_related("handovers")
    )


def other_parent_away(plan: PreDeparturePlan, on: dt.date) -> bool:
    """Whether the child's other living parent is away on the day (so both will be away)."""
    return (
        MigrationEpisode.objects.filter(
            episodes_open_on(on),
            adult__is_alive=True,
            adult__relationships__child_id=plan.child_id,
            adult__relationships__kind__in=Relationship.PARENT_KINDS,
        )
        .exclude(adult_id=plan.parent_id)
        .exists()
    )


# Guardianship's part of the child's timeline -----------------------------------------------------


def guardianship_timeline(user: User, child: Child) -> list[TimelineEntry]:
    """Declarations signed, registered, revoked or replaced, and expired; appointments decided
    and ended; court referrals and decisions. Only for users who read guardianship records."""
    if not can_read_guardianship(user):
        return []
    entries: list[TimelineEntry] = []

    def add(on: dt.date | None, text: str, url_name: str, pk: int) -> None:
        if on is not None:
            url = reverse(f"guardianship:{url_name}", args=[pk])
            entries.append(TimelineEntry(on, "guardianship", text, url))

    now = today()
    for declaration in Declaration.objects.filter(child=child):
        add(
            declaration.signed_on,
            _("Guardianship declaration signed"),
            "declaration_detail",
            declaration.pk,
        )
        add(
            declaration.registered_on,
            _("Guardianship declaration registered"),
            "declaration_detail",
            declaration.pk,
        )
        if declaration.status in ENDED_STATUSES:
            add(
                declaration.ended_on,
                _("Guardianship declaration ended: %(reason)s")
                % {"reason": declaration.get_end_reason_display()},
                "declaration_detail",
                declaration.pk,
            )
        elif declaration.status_on(now) == DeclarationStatus.EXPIRED:
            add(
                declaration.valid_until + dt.timedelta(days=1),
                _("Guardianship declaration expired"),
                "declaration_detail",
                declaration.pk,
            )
    for appointment in Appointment.objects.filter(child=child, status=ApprovalStatus.APPROVED):
        kind = appointment.get_kind_display()
        add(
            appointment.starts_on,
            _("Appointed: %(kind)s") % {"kind": kind},
            "appointment_detail",
            appointment.pk,
        )
        add(
            appointment.ended_on,
            _("Appointment ended: %(kind)s") % {"kind": kind},
            "appointment_detail",
            appointment.pk,
        )
    for referral in CourtReferral.objects.filter(child=child):
        add(referral.referred_on, _("Referred to the court"), "referral_detail", referral.pk)
        if referral.outcome:
            add(
                referral.decided_on,
                _("Court decision: %(outcome)s") % {"outcome": referral.get_outcome_display()},
                "referral_detail",
                referral.pk,
            )
    return entries
