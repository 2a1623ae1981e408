import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from kinlink.audit.models import AuditEntry
from kinlink.jobs.models import Job
from kinlink.jobs.services import job_start


def test_it_records_a_queued_job_and_queues_one_task_carrying_only_its_id(caseworker_a):
    job = job_start(kind="tests.count", label="Count", user=caseworker_a, params={"items": 2})

    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert job.created_by == caseworker_a
    task = DBTaskResult.objects.get()
    assert str(task.id) == job.task_result_id
    assert task.task_path == "kinlink.jobs.tasks.run_job"
    assert task.args_kwargs == {"args": [], "kwargs": {"job_id": job.pk}}


def test_it_refuses_a_kind_no_handler_is_registered_for(caseworker_a):
    with pytest.raises(LookupError):
        job_start(kind="tests.no_such_kind", label="", user=caseworker_a, params={})
    assert not Job.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_job_and_its_task_are_written_together_or_not_at_all(caseworker_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        job_start(kind="tests.count", label="", user=caseworker_a, params={"items": 1})
        raise RuntimeError("the caller's own work failed")

    assert not Job.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_starting_a_job_is_audited_with_its_kind(caseworker_a):
    job = job_start(kind="tests.count", label="", user=caseworker_a, params={"items": 1})

    entry = AuditEntry.objects.get(object_type="jobs.job", object_id=str(job.pk))
    assert entry.extra == {"kind": "tests.count"}
