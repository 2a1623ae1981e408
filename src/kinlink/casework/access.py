"""Who may read casework records and who may act on a case; built on `registry.access`.

Reads start from the registry's `children_visible_to`, so a record of a child outside the
user's scope is "not found" (404). Cases are read by caseworkers and supervisors; teachers and
health workers may only refer a child they see to a caseworker (an intake referral); district
officials see the aggregate coping report. Acting on a case is for the caseworker it is
assigned to, or a supervisor whose scope covers it (`may_act_on`), checked again in services.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kinlink.accounts.models import Role, User
from kinlink.casework.models import (
    Approval,
    Case,
    CaseNote,
    Group,
    IntakeReferral,
    PlanAction,
    Referral,
    ServiceOffer,
)
from kinlink.core.lookup import pk_or_404
from kinlink.registry.access import child_for_user, children_visible_to
from kinlink.registry.models import Child

CASE_READERS = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
INTAKE_REFERRERS = frozenset({Role.TEACHER, Role.HEALTH_WORKER})
REPORT_READERS = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.DISTRICT_OFFICIAL})


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_read_cases(user: User) -> bool:
    return _active(user) and user.role in CASE_READERS


def is_supervisor(user: User) -> bool:
    return _active(user) and user.role == Role.SUPERVISOR


def is_caseworker(user: User) -> bool:
    return _active(user) and user.role == Role.CASEWORKER


def can_refer_intake(user: User) -> bool:
    return _active(user) and user.role in INTAKE_REFERRERS


def can_read_report(user: User) -> bool:
    return _active(user) and user.role in REPORT_READERS


def can_manage_directory(user: User) -> bool:
    return is_supervisor(user)


def may_act_on(user: User, case: Case) -> bool:
    """The assigned caseworker, or a supervisor who sees the child (scope checked by callers)."""
    if is_supervisor(user):
        return True
    return is_caseworker(user) and case.caseworker_id == user.pk


def may_end_group(user: User, group: Group) -> bool:
    """Its facilitator, or a supervisor (who sees the group: checked by callers)."""
    return is_supervisor(user) or (is_caseworker(user) and group.facilitator_id == user.pk)


def may_read_note(user: User, note: CaseNote) -> bool:
    """A confidential note is for the assigned caseworker and her supervisor only."""
    if not note.confidential:
        return True
    return is_supervisor(user) or note.case.caseworker_id == user.pk


def cases_visible_to(user: User) -> QuerySet[Case]:
    if not can_read_cases(user):
        return Case.objects.none()
    return Case.objects.filter(child__in=children_visible_to(user))


def child_for_casework(user: User, child_id: object) -> Child:
    if not can_read_cases(user):
        raise Http404
    return child_for_user(user, child_id)


def child_for_intake(user: User, child_id: object) -> Child:
    if not can_refer_intake(user):
        raise Http404
    return child_for_user(user, child_id)


def case_for_user(user: User, case_id: object) -> Case:
    case = (
        cases_visible_to(user)
        .filter(pk=pk_or_404(case_id))
        .select_related("child", "child__home_village", "caseworker")
        .first()
    )
    if case is None:
        raise Http404
    return case


def approval_for_user(user: User, approval_id: object) -> Approval:
    approval = (
        Approval.objects.filter(pk=pk_or_404(approval_id), case__in=cases_visible_to(user))
        .select_related("case", "case__child", "plan", "requested_by")
        .first()
    )
    if approval is None:
        raise Http404
    return approval


def referral_for_user(user: User, referral_id: object) -> Referral:
    referral = (
        Referral.objects.filter(pk=pk_or_404(referral_id), case__in=cases_visible_to(user))
        .select_related("case", "case__child", "service", "service__provider")
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def action_for_user(user: User, action_id: object) -> PlanAction:
    action = (
        PlanAction.objects.filter(
            pk=pk_or_404(action_id), goal__plan__case__in=cases_visible_to(user)
        )
        .select_related("goal__plan__case")
        .first()
    )
    if action is None:
        raise Http404
    return action


def intake_for_user(user: User, intake_id: object) -> IntakeReferral:
    if not can_read_cases(user):
        raise Http404
    intake = (
        IntakeReferral.objects.filter(pk=pk_or_404(intake_id), child__in=children_visible_to(user))
        .select_related("child", "referred_by")
        .first()
    )
    if intake is None:
        raise Http404
    return intake


def services_visible_to(user: User) -> QuerySet[ServiceOffer]:
    """The directory holds no child's data; caseworkers and supervisors read all of it."""
    if not can_read_cases(user):
        return ServiceOffer.objects.none()
    return ServiceOffer.objects.select_related("provider", "provider__place")


def groups_visible_to(user: User) -> QuerySet[Group]:
    """Groups meeting in the user's place or below it, for caseworkers and supervisors."""
    if not can_read_cases(user) or user.scope_id is None:
        return Group.objects.none()
    return Group.objects.filter(place__path__startswith=user.scope.path)


def group_for_user(user: User, group_id: object) -> Group:
    group = (
        groups_visible_to(user)
        .filter(pk=pk_or_404(group_id))
        .select_related("place", "facilitator")
        .first()
    )
    if group is None:
        raise Http404
    return group
