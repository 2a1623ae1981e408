"""What tests/test_scope.py needs to walk the identification pages: which record each route's
<pk> names, and one record of each kind in another township (written directly: these tests
are about reach, not about how the records come to be)."""

from __future__ import annotations

from kinlink.identification.models import (
    Candidate,
    Decision,
    DuplicatePair,
    ImportBatch,
    LinkRun,
    SourceRow,
)
from kinlink.registry.models import Child

ROUTE_MODELS = {
    "identification/imports/<int:pk>": ImportBatch,
    "identification/rows/<int:pk>": SourceRow,
    "identification/review/<int:pk>": Candidate,
    "identification/decisions/<int:pk>": Decision,
    "identification/children/<int:pk>": Child,
    "identification/duplicates/<int:pk>": DuplicatePair,
}


def identification_model_for(route: str):
    return next((m for prefix, m in ROUTE_MODELS.items() if route.startswith(prefix)), None)


def identification_records(child: Child, user) -> dict[type, int]:
    """An imported list in the user's place with a row paired with the child by the current
    run, a decision on that pair, and a pair of the child with a second record of it."""
    batch = ImportBatch.objects.create(
        kind="ledger", place=user.scope, created_by=user, file_name="a.csv", file_format="csv",
        content_hash="a" * 64, status="imported", total_rows=1, good_rows=1,
    )  # fmt: skip
    row = SourceRow.objects.create(
        batch=batch, row_number=2, record_id="1", family_name=child.family_name,
        given_name=child.given_name, fingerprint="f" * 64,
    )  # fmt: skip
    run = LinkRun.objects.create(
        batch=batch, created_by=user, accept_threshold=0.9, review_threshold=0.3
    )
    candidate = Candidate.objects.create(
        run=run, row=row, child=child, probability=0.6, status="review"
    )
    decision = Decision.objects.create(
        fingerprint=row.fingerprint, child=child, verdict="match", candidate=candidate,
        decided_by=user,
    )  # fmt: skip
    twin = Child.objects.create(
        family_name=child.family_name, given_name=child.given_name, sex=child.sex,
        date_of_birth=child.date_of_birth, home_village=child.home_village,
    )  # fmt: skip
    low, high = sorted((child.pk, twin.pk))
    pair = DuplicatePair.objects.create(
        child_a_id=low, child_b_id=high, probability=0.95, status="proposed"
    )
    return {
        DuplicatePair: pair.pk,
        ImportBatch: batch.pk,
        SourceRow: row.pk,
        Candidate: candidate.pk,
        Decision: decision.pk,
    }
