"""Who may read guardianship records and who may do what with them; built on `registry.access`.

Reads start from the registry's `children_visible_to`, so a record of a child outside the
user's scope is "not found" (404), as everywhere else. Guardianship records name the child's
family and the legal arrangements for the child, so only roles that read family and sensitive
details see them. What each role may *do* is the table `MAY` below: services check it, pages
use it to decide which buttons to show.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kinlink.accounts.models import Role, User
from kinlink.core.lookup import pk_or_404
from kinlink.guardianship.models import (
    Appointment,
    BestInterestsAssessment,
    CourtReferral,
    Declaration,
    PreDeparturePlan,
)
from kinlink.registry.access import Group, can_read, child_for_user, children_visible_to
from kinlink.registry.models import Child

CASEWORK = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.GUARDIANSHIP_OFFICER})
OFFICER = frozenset({Role.GUARDIANSHIP_OFFICER})
SUPERVISOR = frozenset({Role.SUPERVISOR})

# action -> roles allowed. A declaration is drafted and signed with the family (caseworkers do
# that); registering it, and ending one that is registered, is the guardianship authority's act.
MAY: dict[str, frozenset[str]] = {
    "declaration.draft": CASEWORK,
    "declaration.sign": CASEWORK,
    "declaration.register": OFFICER,
    "declaration.revoke_unregistered": CASEWORK,
    "declaration.revoke_registered": OFFICER,
    "declaration.print": CASEWORK,
    "assessment.record": CASEWORK,
    "appointment.request": OFFICER,
    "appointment.decide": SUPERVISOR,
    "appointment.review": OFFICER,
    "court.refer": OFFICER,
    "court.record": OFFICER,
    "court.follow_up": CASEWORK,
    # Before a parent leaves: the plan, its checklist, the family pack and its handover are
    # work done with the family, like drafting the declaration.
    "pre_departure.plan": CASEWORK,
    "pre_departure.print": CASEWORK,
    "pre_departure.give": CASEWORK,
}


def may(user: User, action: str) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.role in MAY.get(action, frozenset())
    )


def can_read_guardianship(user: User) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and can_read(user, Group.FAMILY)
        and can_read(user, Group.SENSITIVE)
    )


def children_for_guardianship(user: User) -> QuerySet[Child]:
    if not can_read_guardianship(user):
        return Child.objects.none()
    return children_visible_to(user)


def child_for_guardianship(user: User, child_id: object) -> Child:
    """The child if the user may see its guardianship records; Http404 otherwise."""
    if not can_read_guardianship(user):
        raise Http404
    return child_for_user(user, child_id)


def declaration_for_user(user: User, declaration_id: object) -> Declaration:
    declaration = (
        Declaration.objects.filter(
            pk=pk_or_404(declaration_id), child__in=children_for_guardianship(user)
        )
        .select_related("child", "declarant", "representative", "registered_by")
        .first()
    )
    if declaration is None:
        raise Http404
    return declaration


def assessment_for_user(user: User, assessment_id: object) -> BestInterestsAssessment:
    assessment = (
        BestInterestsAssessment.objects.filter(
            pk=pk_or_404(assessment_id), child__in=children_for_guardianship(user)
        )
        .select_related("child", "proposed_caregiver", "assessed_by")
        .first()
    )
    if assessment is None:
        raise Http404
    return assessment


def appointment_for_user(user: User, appointment_id: object) -> Appointment:
    appointment = (
        Appointment.objects.filter(
            pk=pk_or_404(appointment_id), child__in=children_for_guardianship(user)
        )
        .select_related("child", "guardian", "assessment", "requested_by", "decided_by")
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment


def referral_for_user(user: User, referral_id: object) -> CourtReferral:
    referral = (
        CourtReferral.objects.filter(
            pk=pk_or_404(referral_id), child__in=children_for_guardianship(user)
        )
        .select_related("child", "proposed_caregiver", "referred_by")
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def plan_for_user(user: User, plan_id: object) -> PreDeparturePlan:
    plan = (
        PreDeparturePlan.objects.filter(
            pk=pk_or_404(plan_id), child__in=children_for_guardianship(user)
        )
        .select_related(
            "child",
            "child__home_village",
            "child__school",
            "parent",
            "school_signatory",
            "insurance_card_holder",
            "treatment_consent_by",
        )
        .first()
    )
    if plan is None:
        raise Http404
    return plan
