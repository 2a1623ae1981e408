"""The one django-tasks task: run a Job by id. Everything else about jobs is in `services`."""

from __future__ import annotations

from django_tasks import task

from kinlink.jobs.services import job_run


@task()
def run_job(job_id: int) -> str | None:
    # Only the id travels through the queue; the job's row is the truth. Failures are recorded on
    # the Job, not raised, so the task log never carries a traceback with a child's data in it.
    return job_run(job_id=job_id)
