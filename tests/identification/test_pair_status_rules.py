"""The rule that gives each scored pair its status (no engine needed): decisions first, then the
best pairs, each row (and, on a ledger or roster, each child) linked at most once."""

from __future__ import annotations

from kinlink.identification.linking import Pair, assign
from kinlink.identification.models import PairStatus, Verdict

ACCEPT = 0.9


def pair(row, child, p):
    return Pair(row_id=row, child_id=child, probability=p, match_weight=None, evidence=[])


def statuses(assignment):
    return {(p.row_id, p.child_id): p.status for p in assignment.pairs}


def run(pairs, decisions=None, unique=True, children=None):
    return statuses(
        assign(
            pairs,
            fingerprints={1: "fp1", 2: "fp2", 3: "fp3"},
            decisions=decisions or {},
            children=children or {10, 20, 30},
            accept=ACCEPT,
            one_row_per_child=unique,
        )
    )


def test_pairs_above_the_upper_threshold_link_and_those_between_go_to_review():
    assert run([pair(1, 10, 0.99), pair(2, 20, 0.6)]) == {
        (1, 10): PairStatus.ACCEPTED,
        (2, 20): PairStatus.REVIEW,
    }


def test_each_row_and_each_child_is_linked_once_best_first():
    result = run([pair(1, 10, 0.95), pair(1, 20, 0.97), pair(2, 20, 0.96)])
    assert result == {
        (1, 20): PairStatus.ACCEPTED,
        (1, 10): PairStatus.SUPERSEDED,  # its row is taken
        (2, 20): PairStatus.SUPERSEDED,  # its child is taken
    }


def test_on_a_service_list_a_child_may_appear_on_several_rows():
    result = run([pair(1, 10, 0.99), pair(2, 10, 0.98)], unique=False)
    assert set(result.values()) == {PairStatus.ACCEPTED}


def test_a_rejected_pair_is_never_linked_however_sure_the_engine_is():
    result = run([pair(1, 10, 0.999), pair(1, 20, 0.7)], {("fp1", 10): Verdict.NON_MATCH})
    assert result == {(1, 10): PairStatus.REJECTED, (1, 20): PairStatus.REVIEW}


def test_a_confirmed_pair_is_kept_even_when_the_engine_no_longer_scores_it():
    result = run([pair(1, 20, 0.99), pair(2, 10, 0.95)], {("fp1", 10): Verdict.MATCH})
    assert result == {
        (1, 10): PairStatus.CONFIRMED,
        (1, 20): PairStatus.SUPERSEDED,
        (2, 10): PairStatus.SUPERSEDED,
    }


def test_a_confirmed_pair_whose_child_left_the_scope_is_not_invented():
    result = run([], {("fp1", 10): Verdict.MATCH}, children={20})
    assert result == {}
