"""What tests/test_scope.py needs to walk the guardianship pages: which record each route's
<pk> names, the routes that are public by design, and one record of each kind for a child."""

from __future__ import annotations

from kinlink.core.dates import today
from kinlink.guardianship.codes import new_code
from kinlink.guardianship.models import (
    Appointment,
    BestInterestsAssessment,
    CourtReferral,
    Declaration,
    PreDeparturePlan,
)
from kinlink.registry.models import Adult, Child

# The public verification page takes a code, not a record number, and needs no login.
PUBLIC_ROUTES = {"verify:result"}

ROUTE_MODELS = {
    "guardianship/declarations/<int:pk>": Declaration,
    "guardianship/assessments/<int:pk>": BestInterestsAssessment,
    "guardianship/appointments/<int:pk>": Appointment,
    "guardianship/court/<int:pk>": CourtReferral,
    "guardianship/pre-departure/<int:pk>": PreDeparturePlan,
    "guardianship/children/<int:pk>": Child,
}


def guardianship_model_for(route: str):
    return next((m for prefix, m in ROUTE_MODELS.items() if route.startswith(prefix)), None)


def guardianship_records(child: Child, parent: Adult, user) -> dict[type, int]:
    """One record of each kind for the child (written directly: these tests are about reach)."""
    on = today()
    decl = Declaration.objects.create(
        child=child,
        declarant=parent,
        declarant_kind="father",
        representative=parent,
        powers=["schooling"],
        valid_from=on,
        valid_until=on,
        code=new_code(),
        created_by=user,
    )
    bia = BestInterestsAssessment.objects.create(
        child=child,
        assessed_on=on,
        assessed_by=user,
        options_considered=["kinship", "foster"],
        siblings="none",
        recommendation="kinship",
        reasons="-",
    )
    appt = Appointment.objects.create(
        child=child,
        kind="guardian",
        guardian=parent,
        assessment=bia,
        reasons="-",
        starts_on=on,
        review_on=on,
        requested_by=user,
    )
    referral = CourtReferral.objects.create(
        child=child,
        kind="care",
        court="-",
        referred_on=on,
        referred_by=user,
        reasons="-",
        attempts="-",
    )
    plan = PreDeparturePlan.objects.create(
        child=child,
        parent=parent,
        parent_kind="father",
        departure_on=on,
        destination="-",
        created_by=user,
    )
    return {
        PreDeparturePlan: plan.pk,
        Declaration: decl.pk,
        BestInterestsAssessment: bia.pk,
        Appointment: appt.pk,
        CourtReferral: referral.pk,
    }
