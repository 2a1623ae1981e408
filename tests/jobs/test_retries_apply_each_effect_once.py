"""A job run twice (a retry after success, after a failure midway, after the worker was thought
dead or was stopped) applies each effect exactly once."""

import signal
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kinlink.jobs import services
from kinlink.jobs.models import Job
from kinlink.jobs.services import (
    JobLost,
    JobProgress,
    JobStateError,
    job_claim,
    job_requeue_stale,
    job_retry,
    job_run,
    job_start,
)

from .conftest import TROUBLE, effects, expected, run_worker


@pytest.mark.parametrize("kind", ["tests.count", "tests.count_atomic"])
def test_running_a_job_again_after_it_succeeded_does_nothing(caseworker_a, kind):
    job = job_start(kind=kind, label="", user=caseworker_a, params={"items": 5})
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED

    # The same task delivered again, as a queue that retries on a lost acknowledgement would.
    assert job_run(job_id=job.pk) is None

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 1)
    assert effects(job) == expected(job, 5)


def test_a_resumable_job_that_failed_midway_continues_from_its_last_committed_step(
    caseworker_a,
):
    job = job_start(kind="tests.count", label="", user=caseworker_a, params={"items": 8})
    TROUBLE["fail_at"] = 4  # batches of 3: items 0-2 commit, 3 is undone with the failed batch
    assert job_run(job_id=job.pk) == Job.Status.FAILED
    job.refresh_from_db()
    assert job.progress_done == 3
    assert effects(job) == expected(job, 3)

    TROUBLE.clear()
    job_retry(job=job)
    run_worker()

    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress_done) == (Job.Status.SUCCEEDED, 2, 8)
    assert effects(job) == expected(job, 8)


def test_an_atomic_job_that_failed_midway_leaves_nothing_and_starts_afresh(caseworker_a):
    job = job_start(kind="tests.count_atomic", label="", user=caseworker_a, params={"items": 6})
    TROUBLE["fail_at"] = 4
    assert job_run(job_id=job.pk) == Job.Status.FAILED
    job.refresh_from_db()
    assert effects(job) == []
    assert job.progress_done == 0  # its progress rolled back with its effects

    TROUBLE.clear()
    job_retry(job=job)
    run_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert effects(job) == expected(job, 6)


def test_only_a_failed_job_can_be_tried_again(caseworker_a):
    job = job_start(kind="tests.count", label="", user=caseworker_a, params={"items": 1})
    with pytest.raises(JobStateError):
        job_retry(job=job)
    job_run(job_id=job.pk)
    with pytest.raises(JobStateError):
        job_retry(job=job)
    assert DBTaskResult.objects.count() == 1


def test_a_job_is_claimed_by_one_runner_only(caseworker_a):
    job = job_start(kind="tests.count", label="", user=caseworker_a, params={"items": 1})

    assert job_claim(job_id=job.pk) == 1
    assert job_claim(job_id=job.pk) is None
    assert job_run(job_id=job.pk) is None
    assert effects(job) == []


def test_a_silent_running_job_is_requeued_and_its_old_runner_can_no_longer_commit(
    caseworker_a,
):
    job = job_start(kind="tests.count", label="", user=caseworker_a, params={"items": 4})
    old_attempt = job_claim(job_id=job.pk)
    old_progress = JobProgress(Job.objects.get(pk=job.pk), old_attempt)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))

    assert job_requeue_stale(silent_for=timedelta(minutes=15)) == [job.pk]
    assert job_requeue_stale(silent_for=timedelta(minutes=15)) == []
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED

    with pytest.raises(JobLost):
        old_progress(1, 4)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress_done) == (Job.Status.SUCCEEDED, 2, 4)
    assert effects(job) == expected(job, 4)


def test_a_recently_active_job_is_not_requeued(caseworker_a):
    job = job_start(kind="tests.count", label="", user=caseworker_a, params={"items": 1})
    job_claim(job_id=job.pk)

    assert job_requeue_stale(silent_for=timedelta(minutes=15)) == []
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_a_job_stopped_by_sigterm_goes_back_to_the_queue_and_resumes_without_repeats(
    caseworker_a,
):
    swallowed = []
    # Stands in for the worker's own handler, which our runner must still call.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: swallowed.append(signum))
    try:
        job = job_start(kind="tests.count", label="", user=caseworker_a, params={"items": 7})
        TROUBLE["sigterm_at"] = 4  # during the second batch (items 3-5)
        assert job_run(job_id=job.pk) == Job.Status.QUEUED
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert swallowed == [signal.SIGTERM]
    assert not services._stop_requested.is_set()
    job.refresh_from_db()
    assert (job.status, job.progress_done) == (Job.Status.QUEUED, 3)
    assert "restarted" in job.message
    assert effects(job) == expected(job, 3)

    TROUBLE.clear()
    run_worker()  # the task queued when it was put back

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)
    assert effects(job) == expected(job, 7)
