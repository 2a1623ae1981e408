"""What tests/test_scope.py needs to walk the casework pages: which record each route's <pk>
names, and one record of each kind for a child (written directly: these tests are about reach)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kinlink.casework.models import (
    Approval,
    Case,
    CasePlan,
    Goal,
    Group,
    GroupMember,
    IntakeReferral,
    PlanAction,
    Referral,
    ServiceOffer,
)
from kinlink.places.models import ServiceProvider
from kinlink.registry.models import Child

ROUTE_MODELS = {
    "casework/cases/<int:pk>": Case,
    "casework/approvals/<int:pk>": Approval,
    "casework/referrals/<int:pk>": Referral,
    "casework/actions/<int:pk>": PlanAction,
    "casework/intake/<int:pk>": IntakeReferral,
    "casework/groups/<int:pk>": Group,
    "casework/children/<int:pk>": Child,
}


def casework_model_for(route: str):
    return next((m for prefix, m in ROUTE_MODELS.items() if route.startswith(prefix)), None)


def casework_records(child: Child, caseworker, teacher=None) -> dict[type, int]:
    now = timezone.now()
    case = Case.objects.create(
        child=child,
        caseworker=caseworker,
        source="child",
        reason="-",
        risk_level="high",
        opened_at=now,
        first_contact_due=now + dt.timedelta(hours=24),
        assessed_on=now.date(),
    )
    plan = CasePlan.objects.create(case=case, version=1, status="approved", created_at=now)
    goal = Goal.objects.create(plan=plan, domain="education", description="-")
    action = PlanAction.objects.create(
        goal=goal, description="-", responsible="-", due_on=now.date()
    )
    approval = Approval.objects.create(
        case=case,
        kind="closure",
        requested_by=caseworker,
        requested_at=now,
        details={"reason": "goals_met", "note": "-"},
    )
    provider = ServiceProvider.objects.create(name="-", kind="clinic", place=child.home_village)
    service = ServiceOffer.objects.create(provider=provider, name="-", domain="health")
    referral = Referral.objects.create(
        case=case, service=service, priority="high", reason="-", sent_at=now, sent_by=caseworker
    )
    intake = IntakeReferral.objects.create(
        child=child, referred_by=caseworker, referred_at=now, concern="-"
    )
    # A group meeting in the child's village (outside the other caseworker's scope).
    group = Group.objects.create(
        name="-",
        domain="emotional",
        place=child.home_village,
        facilitator=caseworker,
        created_at=now,
    )
    GroupMember.objects.create(group=group, child=child, joined_on=now.date())
    return {
        Group: group.pk,
        Case: case.pk,
        Approval: approval.pk,
        Referral: referral.pk,
        PlanAction: action.pk,
        IntakeReferral: intake.pk,
    }
