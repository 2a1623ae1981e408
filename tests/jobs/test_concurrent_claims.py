"""Two workers given the same job at the same moment: one runs it, the other does nothing."""

import threading

import pytest
from django.db import connection, connections

from kinlink.jobs.models import Job
from kinlink.jobs.services import job_run, job_start

from .conftest import effects, expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_runners_apply_a_job_once(caseworker_a):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: its row locks are what this test is about")
    jobs = [
        job_start(kind="tests.count", label="", user=caseworker_a, params={"items": 3})
        for _ in range(10)
    ]
    outcomes: list[str | None] = []
    lock = threading.Lock()

    def runner(job: Job, start: threading.Barrier) -> None:
        try:
            start.wait(timeout=10)
            outcome = job_run(job_id=job.pk)
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    for job in jobs:
        start = threading.Barrier(2)
        threads = [threading.Thread(target=runner, args=(job, start)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert sorted(outcomes, key=str) == sorted([Job.Status.SUCCEEDED] * 10 + [None] * 10, key=str)
    for job in jobs:
        job.refresh_from_db()
        assert job.attempts == 1
        assert effects(job) == expected(job, 3)
