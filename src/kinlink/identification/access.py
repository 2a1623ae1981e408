"""Who may import lists, link them, review pairs and read outcomes; built on `registry.access`.

Imported rows are personal data about children: a batch belongs to the place scope of the
person who imported it and is seen only by caseworkers and supervisors whose scope covers that
place. A candidate pair or a decision is reached through its registered child, so it is seen
only by those who may see the child. Anything else is "not found" (404), never "forbidden".
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kinlink.accounts.models import Role, User
from kinlink.core.lookup import pk_or_404
from kinlink.identification.models import (
    Candidate,
    Decision,
    DuplicatePair,
    ImportBatch,
    SourceRow,
)
from kinlink.registry.access import children_visible_to

# Caseworkers and supervisors import, link and review; they read every field group.
IDENTIFYING_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
# Aggregate coverage (no names) is for these, within their scope.
COVERAGE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.DISTRICT_OFFICIAL})


def can_identify(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role in IDENTIFYING_ROLES
        and user.scope_id is not None
    )


def can_see_coverage(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role in COVERAGE_ROLES
        and user.scope_id is not None
    )


def batches_visible_to(user: User) -> QuerySet[ImportBatch]:
    if not can_identify(user):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(place__path__startswith=user.scope.path)


def batch_for_user(user: User, batch_id: object) -> ImportBatch:
    batch = (
        batches_visible_to(user)
        .filter(pk=pk_or_404(batch_id))
        .select_related("place", "school")
        .first()
    )
    if batch is None:
        raise Http404
    return batch


def rows_visible_to(user: User) -> QuerySet[SourceRow]:
    return SourceRow.objects.filter(batch__in=batches_visible_to(user))


def row_for_user(user: User, row_id: object) -> SourceRow:
    row = (
        rows_visible_to(user)
        .filter(pk=pk_or_404(row_id))
        .select_related("batch", "school", "village_place")
        .first()
    )
    if row is None:
        raise Http404
    return row


def candidates_visible_to(user: User) -> QuerySet[Candidate]:
    if not can_identify(user):
        return Candidate.objects.none()
    return Candidate.objects.filter(child__in=children_visible_to(user))


def candidate_for_user(user: User, candidate_id: object) -> Candidate:
    candidate = (
        candidates_visible_to(user)
        .filter(pk=pk_or_404(candidate_id))
        .select_related(
            "row",
            "row__batch",
            "row__school",
            "child",
            "child__home_village",
            "child__school",
            "run",
        )
        .first()
    )
    if candidate is None:
        raise Http404
    return candidate


def decisions_visible_to(user: User) -> QuerySet[Decision]:
    if not can_identify(user):
        return Decision.objects.none()
    return Decision.objects.filter(child__in=children_visible_to(user))


def decision_for_user(user: User, decision_id: object) -> Decision:
    decision = (
        decisions_visible_to(user)
        .filter(pk=pk_or_404(decision_id))
        .select_related("child", "candidate", "candidate__row")
        .first()
    )
    if decision is None:
        raise Http404
    return decision


def duplicates_visible_to(user: User) -> QuerySet[DuplicatePair]:
    """Pairs of registered children of which the user may see both (a merged record is no
    longer a child, so its pairs drop out)."""
    if not can_identify(user):
        return DuplicatePair.objects.none()
    children = children_visible_to(user).values("pk")
    return DuplicatePair.objects.filter(child_a__in=children, child_b__in=children)


_PAIR_RELATED = [
    f"{side}{path}"
    for side in ("child_a", "child_b")
    for path in ("", "__home_village", "__school", "__household")
] + ["merge", "decided_by"]


def duplicate_for_user(user: User, pair_id: object) -> DuplicatePair:
    pair = (
        duplicates_visible_to(user)
        .filter(pk=pk_or_404(pair_id))
        .select_related(*_PAIR_RELATED)
        .first()
    )
    if pair is None:
        raise Http404
    return pair
