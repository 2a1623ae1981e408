"""Linking an imported roster to the registry with the real engine, as the background job does:
pairs at or above the upper threshold link, those between the thresholds wait for review, every
pair keeps its probability and evidence, and caseworkers' decisions hold on the next run.

The engine takes seconds a run, so these tests are few and each checks a whole story."""

from __future__ import annotations

import datetime as dt

import pytest

from kinlink.identification import services, tasks
from kinlink.identification.models import Candidate, PairStatus, SourceRow, Verdict
from kinlink.identification.selectors import review_queue
from kinlink.jobs.models import Job
from kinlink.jobs.services import job_run
from tests.identification.conftest import ROSTER_HEADER, csv_bytes, import_list, link_now

HEADER = [*ROSTER_HEADER, "村"]


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.KINLINK_LINKAGE_ACCEPT = "0.95"
    settings.KINLINK_LINKAGE_REVIEW = "0.3"


def _born(child, days: int = 0) -> str:
    born = child.date_of_birth + dt.timedelta(days=days)
    return f"{born.year}/{born.month}/{born.day}"


@pytest.fixture
def roster(township, caseworker_a):
    """Eighteen pupils written as in the registry; 唐某某 shares family name, birth date and
    village with 唐海燕 (a sibling? the same girl?); 欧阳娜娜 is in no registry."""
    kids = township.children
    rows = [
        [f"X{i:03d}", c.full_name, "男" if c.sex == "M" else "女", _born(c), "S-A", "95%",
         c.home_village.name]
        for i, c in enumerate(kids[:18])
    ]  # fmt: skip
    sibling = kids[23]
    rows.append(["X100", f"{sibling.family_name}某某", "", _born(sibling), "S-A", "",
                 sibling.home_village.name])  # fmt: skip
    rows.append(["X101", "欧阳娜娜", "女", "2016-05-05", "S-A", "", "上坝村"])
    return import_list(caseworker_a, "roster", csv_bytes(HEADER, rows))


def _pairs(run):
    return {
        (c.row.record_id, c.child.full_name): c
        for c in Candidate.objects.filter(run=run).select_related("row", "child")
    }


def test_a_roster_links_sure_pairs_and_sends_uncertain_ones_to_review(
    roster, township, caseworker_a
):
    run = link_now(caseworker_a, roster)
    pairs = _pairs(run)
    kids = township.children
    accepted = {k for k, c in pairs.items() if c.status == PairStatus.ACCEPTED}
    assert accepted == {(f"X{i:03d}", kids[i].full_name) for i in range(18)}
    uncertain = pairs[("X100", kids[23].full_name)]
    assert uncertain.status == PairStatus.REVIEW and 0.3 <= uncertain.probability < 0.95
    assert not any(k[0] == "X101" for k in pairs)  # nobody in the registry
    # Every pair keeps its probability and each field's level and weight.
    levels = {name: level for name, level, _weight in uncertain.evidence}
    assert levels["name"] == "family_only" and levels["dob"] == "exact"
    assert levels["village"] == "same"
    assert run.counts == {"accepted": 18, "review": 1}
    assert run.accept_threshold == 0.95 and run.review_threshold == 0.3
    assert list(review_queue(caseworker_a)) == [uncertain]
    assert Job.objects.get(pk=run.job_id).message.startswith("18 rows linked, 1 pairs to review")


def test_decisions_hold_when_the_list_is_linked_again(roster, township, caseworker_a):
    kids = township.children
    first = _pairs(link_now(caseworker_a, roster))
    services.pair_decide(
        actor=caseworker_a, candidate=first[("X100", kids[23].full_name)], verdict=Verdict.MATCH
    )
    services.pair_decide(
        actor=caseworker_a,
        candidate=first[("X000", kids[0].full_name)],
        verdict=Verdict.NON_MATCH,
        note="a namesake from another family",
    )
    second_run = link_now(caseworker_a, roster)
    second = _pairs(second_run)
    # The rejected pair is never linked again, however sure the engine is ...
    assert second[("X000", kids[0].full_name)].status == PairStatus.REJECTED
    # ... and the confirmed one is kept, without asking again.
    assert second[("X100", kids[23].full_name)].status == PairStatus.CONFIRMED
    assert list(review_queue(caseworker_a)) == []
    assert first[("X100", kids[23].full_name)].run.is_current is False
    assert second_run.is_current


def test_a_list_outside_the_starters_area_is_not_linked(roster, caseworker_b):
    job = Job.objects.create(
        kind=tasks.LINK_BATCH, created_by=caseworker_b, params={"batch_id": roster.pk}
    )
    job_run_status = job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job_run_status == Job.Status.FAILED
    assert "not in your area" in job.message
    assert not SourceRow.objects.filter(candidates__isnull=False).exists()
