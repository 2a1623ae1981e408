import logging

from django_tasks_db.models import DBTaskResult

from kinlink.audit.models import AuditEntry
from kinlink.jobs.models import Job
from kinlink.jobs.services import job_run, job_start

from .conftest import TROUBLE, effects, expected, run_worker


def test_the_database_worker_runs_a_started_job_to_the_end(caseworker_a):
    job = job_start(kind="tests.count", label="", user=caseworker_a, params={"items": 7})

    run_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total, job.percent) == (7, 7, 100)
    assert job.message == "7 of 7"
    assert job.result == {"items": 7}
    assert job.attempts == 1
    assert job.started_at <= job.finished_at
    assert effects(job) == expected(job, 7)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_what_a_handler_does_is_recorded_as_done_by_the_person_who_started_it(caseworker_a):
    job = job_start(kind="tests.count", label="", user=caseworker_a, params={"items": 1})

    job_run(job_id=job.pk)

    entry = AuditEntry.objects.get(object_type="tests.effect")
    assert (entry.actor_id, entry.actor_username) == (caseworker_a.pk, "caseworker_a")


def test_a_handlers_own_error_message_is_shown_on_the_failed_job(caseworker_a):
    job = job_start(kind="tests.refuse", label="", user=caseworker_a, params={})

    assert job_run(job_id=job.pk) == Job.Status.FAILED

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "Row 3: the date of birth is not a date."
    assert job.finished_at is not None


def test_an_unexpected_error_fails_the_job_without_its_details_reaching_page_or_log(
    caseworker_a, caplog
):
    TROUBLE["fail_at"] = 1
    job = job_start(kind="tests.count", label="", user=caseworker_a, params={"items": 3})

    with caplog.at_level(logging.INFO):
        run_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert f"job {job.pk}" in job.message
    assert "王小明" not in job.message
    assert "RuntimeError" in caplog.text
    assert "王小明" not in caplog.text
    assert "2015-03-01" not in caplog.text
    task = DBTaskResult.objects.get()
    assert "王小明" not in task.traceback


def test_a_job_of_a_kind_this_server_does_not_know_fails_with_a_clear_message(caseworker_a):
    job = job_start(kind="tests.count", label="", user=caseworker_a, params={"items": 1})
    Job.objects.filter(pk=job.pk).update(kind="tests.retired_kind")

    assert job_run(job_id=job.pk) == Job.Status.FAILED

    job.refresh_from_db()
    assert job.message == "This server does not know how to run this kind of job."
