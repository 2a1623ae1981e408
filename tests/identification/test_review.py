"""Clerical review: a queue of uncertain pairs for the caseworkers who may see the child, both
records side by side with the evidence in words, a decision that is audited, never asked again,
and reversible."""

from __future__ import annotations

import pytest

from kinlink.audit.models import AuditEntry
from kinlink.identification import services
from kinlink.identification.models import Candidate, Decision, PairStatus, SourceRow, Verdict
from tests.identification.conftest import csv_bytes, import_list, record_run

HEADER = ["编号", "姓名", "出生日期", "村"]


@pytest.fixture
def pending(township, caseworker_a):
    """A ledger of two rows; row L1 may be 王子轩 (review) or 张欣怡 (less likely), row L2 is
    李浩宇 (linked)."""
    kids = township.children
    batch = import_list(
        caseworker_a,
        "ledger",
        csv_bytes(HEADER, [["L1", "王子萱", "2016-01-01", "上坝村"], ["L2", "李浩宇", "", ""]]),
    )
    first, second = SourceRow.objects.filter(batch=batch).order_by("row_number")
    run = record_run(
        caseworker_a,
        batch,
        [
            (first, kids[0], 0.7, PairStatus.REVIEW),
            (first, kids[2], 0.4, PairStatus.SUPERSEDED),
            (second, kids[1], 0.99, PairStatus.ACCEPTED),
        ],
    )
    return {c.child_id: c for c in Candidate.objects.filter(run=run)}, kids


def test_the_queue_shows_uncertain_pairs_to_caseworkers_who_may_see_the_child(
    client, pending, caseworker_a, caseworker_b
):
    candidates, kids = pending
    client.force_login(caseworker_a)
    page = client.get("/identification/review/").content.decode()
    assert "王子萱 ↔ 王子轩" in page and "李浩宇" not in page
    client.force_login(caseworker_b)
    assert "王子萱" not in client.get("/identification/review/").content.decode()
    url = f"/identification/review/{candidates[kids[0].pk].pk}/"
    assert client.get(url).status_code == 404


def test_a_pair_is_shown_side_by_side_with_the_evidence_in_words(client, pending, caseworker_a):
    candidates, kids = pending
    client.force_login(caseworker_a)
    candidate = candidates[kids[0].pk]
    before = AuditEntry.objects.count()
    page = client.get(f"/identification/review/{candidate.pk}/").content.decode()
    assert "王子萱" in page and "王子轩" in page
    assert "same name — strongly for the same child" in page
    assert "different village — clearly against" in page
    assert AuditEntry.objects.count() == before + 2  # the child and the row were read


def test_confirming_links_the_pair_and_the_next_pair_is_offered(client, pending, caseworker_a):
    candidates, kids = pending
    client.force_login(caseworker_a)
    candidate = candidates[kids[0].pk]
    response = client.post(f"/identification/review/{candidate.pk}/", {"verdict": "match"})
    assert response.url == "/identification/review/"  # nothing else waits
    candidate.refresh_from_db()
    assert candidate.status == PairStatus.CONFIRMED
    decision = Decision.objects.get()
    assert (decision.verdict, decision.decided_by, decision.child) == (
        Verdict.MATCH, caseworker_a, kids[0])  # fmt: skip
    entry = AuditEntry.objects.get(object_type="identification.decision")
    assert entry.changes == {"status": ["review", "confirmed"]}


def test_a_decided_pair_is_never_asked_again(pending, caseworker_a):
    candidates, kids = pending
    candidate = candidates[kids[0].pk]
    services.pair_decide(actor=caseworker_a, candidate=candidate, verdict=Verdict.NON_MATCH)
    with pytest.raises(services.IdentificationError, match="already been decided"):
        services.pair_decide(actor=caseworker_a, candidate=candidate, verdict=Verdict.MATCH)


def test_rejecting_offers_the_rows_next_best_pair(pending, caseworker_a):
    candidates, kids = pending
    services.pair_decide(
        actor=caseworker_a, candidate=candidates[kids[0].pk], verdict=Verdict.NON_MATCH
    )
    runner_up = candidates[kids[2].pk]
    runner_up.refresh_from_db()
    assert runner_up.status == PairStatus.REVIEW


def test_an_automatic_link_can_be_rejected_too(pending, caseworker_a):
    candidates, kids = pending
    linked = candidates[kids[1].pk]
    services.pair_decide(actor=caseworker_a, candidate=linked, verdict=Verdict.NON_MATCH)
    linked.refresh_from_db()
    assert linked.status == PairStatus.REJECTED


def test_a_decision_can_be_reversed_and_the_pair_is_asked_again(client, pending, caseworker_a):
    candidates, kids = pending
    candidate = candidates[kids[0].pk]
    decision = services.pair_decide(actor=caseworker_a, candidate=candidate, verdict="match")
    client.force_login(caseworker_a)
    page = client.get("/identification/decisions/").content.decode()
    assert "Same child" in page and "王子轩" in page
    response = client.post(f"/identification/decisions/{decision.pk}/reverse/")
    assert response.url == "/identification/decisions/"
    decision.refresh_from_db()
    candidate.refresh_from_db()
    assert decision.reversed_by == caseworker_a and decision.reversed_at is not None
    assert candidate.status == PairStatus.REVIEW
    assert AuditEntry.objects.filter(
        object_type="identification.decision", object_id=str(decision.pk), action="change"
    ).exists()
    # Decided afresh: the old decision stays as history.
    services.pair_decide(actor=caseworker_a, candidate=candidate, verdict="non_match")
    assert Decision.objects.filter(child=kids[0]).count() == 2


def test_a_pair_from_an_older_run_cannot_be_decided(pending, caseworker_a, township):
    candidates, kids = pending
    candidate = candidates[kids[0].pk]
    record_run(caseworker_a, candidate.run.batch, [])
    with pytest.raises(services.IdentificationError, match="newer linking"):
        services.pair_decide(actor=caseworker_a, candidate=candidate, verdict="match")
