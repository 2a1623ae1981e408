"""The shipped handler: recompute who is away for a batch of children, after a bulk import."""

from collections import Counter

import pytest

from kinlink.jobs import handlers
from kinlink.jobs.models import Job
from kinlink.jobs.services import job_retry, job_run, job_start
from kinlink.registry import services as registry
from kinlink.registry.models import AwayParents, Child
from tests.conftest import years_ago

from .conftest import run_worker


def _scramble(*children):
    """Make the derived columns wrong, as a bulk import that bypassed the services would."""
    Child.objects.filter(pk__in=[c.pk for c in children]).update(
        away_parents=AwayParents.BOTH, parent_abroad=True, separated_since=None
    )


def _start(user, ids):
    return job_start(
        kind="registry.refresh_left_behind",
        label="Refresh after import",
        user=user,
        params={"child_ids": ids},
    )


def test_it_recomputes_the_children_the_starter_may_see_and_leaves_the_others(
    caseworker_a, child_a, child_b
):
    _scramble(child_a, child_b)
    job = _start(caseworker_a, [child_a.pk, child_b.pk])

    run_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (2, 2)
    assert job.message == "Checked 2 of 2 children."
    child_a.refresh_from_db()
    assert (child_a.away_parents, child_a.parent_abroad) == (AwayParents.MOTHER, False)
    assert child_a.separated_since == years_ago(1)
    child_b.refresh_from_db()  # township B: not caseworker A's to touch
    assert child_b.away_parents == AwayParents.BOTH


@pytest.fixture
def five_children(county):
    children = [
        registry.child_register(
            family_name="刘",
            given_name=f"小{i}",
            sex="F",
            date_of_birth=years_ago(8),
            home_village=county.village_a2,
        )
        for i in "一二三四五"
    ]
    _scramble(*children)
    return children


def test_a_run_that_failed_midway_resumes_after_the_last_committed_batch(
    caseworker_a, five_children, monkeypatch
):
    calls = Counter()
    fail_on = {five_children[3].pk}
    real_refresh = handlers.refresh

    def flaky_refresh(child):
        calls[child.pk] += 1
        if child.pk in fail_on:
            fail_on.clear()
            raise OSError("disk went away")
        real_refresh(child)

    monkeypatch.setattr(handlers, "REFRESH_BATCH", 2)
    monkeypatch.setattr(handlers, "refresh", flaky_refresh)
    job = _start(caseworker_a, [c.pk for c in five_children])

    assert job_run(job_id=job.pk) == Job.Status.FAILED
    job.refresh_from_db()
    assert job.progress_done == 2
    statuses = [Child.objects.get(pk=c.pk).away_parents for c in five_children]
    # The first batch committed; the second (children 2 and 3) rolled back together.
    assert statuses == [AwayParents.NONE] * 2 + [AwayParents.BOTH] * 3

    job_retry(job=job)
    run_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert all(Child.objects.get(pk=c.pk).away_parents == AwayParents.NONE for c in five_children)
    assert [calls[c.pk] for c in five_children] == [1, 1, 2, 2, 1]


def test_ids_that_are_not_a_list_of_numbers_fail_with_a_message(caseworker_a):
    job = job_start(
        kind="registry.refresh_left_behind",
        label="",
        user=caseworker_a,
        params={"child_ids": "1,2"},
    )

    job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "The job was not given a list of child record numbers."


def test_an_empty_batch_finishes_at_once(caseworker_a):
    job = _start(caseworker_a, [])

    job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.percent) == (Job.Status.SUCCEEDED, 100)
