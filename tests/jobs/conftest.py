"""Job handlers for the tests, and helpers to run queued jobs the way the worker does.

The handlers' effect is one audit entry per item (object_type "tests.effect"): append-only rows,
so counting them shows whether an effect was applied once, twice or not at all.
"""

from __future__ import annotations

import os
import signal
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.management.commands import db_worker

from kinlink.audit.models import Action, AuditEntry
from kinlink.audit.services import audit_record
from kinlink.jobs.models import Job
from kinlink.jobs.services import JobError, job_handler

# What the handlers should do to the test that sets it: {"fail_at": i, "sigterm_at": i}.
TROUBLE: dict[str, int] = {}
# Stands for data about a child inside an exception's message (as a ValidationError may carry).
SECRET = "王小明 born 2015-03-01"


def _apply(job: Job, item: int) -> None:
    if TROUBLE.get("fail_at") == item:
        raise RuntimeError(SECRET)
    if TROUBLE.get("sigterm_at") == item:
        os.kill(os.getpid(), signal.SIGTERM)
    audit_record(action=Action.CHANGE, object_type="tests.effect", object_id=f"{job.pk}:{item}")


@job_handler("tests.count")
def count(job: Job, progress) -> dict:
    """Resumable: items in batches, each batch committed with its progress."""
    items, size = job.params["items"], job.params.get("batch", 3)
    for begin in range(job.progress_done, items, size):
        end = min(begin + size, items)
        with transaction.atomic():
            for item in range(begin, end):
                _apply(job, item)
            progress(end, items, f"{end} of {items}")
    return {"items": items}


@job_handler("tests.count_atomic", atomic=True)
def count_atomic(job: Job, progress) -> dict:
    """All or nothing: the framework commits the effects with the job's success."""
    items = job.params["items"]
    for item in range(items):
        _apply(job, item)
        progress(item + 1, items)
    return {"items": items}


@job_handler("tests.refuse")
def refuse(job: Job, progress) -> None:
    raise JobError("Row 3: the date of birth is not a date.")


@pytest.fixture(autouse=True)
def _no_trouble():
    TROUBLE.clear()
    yield
    TROUBLE.clear()


def effects(job: Job) -> list[str]:
    """The items whose effect was committed for this job, one entry per application."""
    prefix = f"{job.pk}:"
    return sorted(
        AuditEntry.objects.filter(
            object_type="tests.effect", object_id__startswith=prefix
        ).values_list("object_id", flat=True),
        key=lambda s: int(s.split(":")[1]),
    )


def expected(job: Job, items: int) -> list[str]:
    return [f"{job.pk}:{i}" for i in range(items)]


def run_worker() -> None:
    """Run every queued task with django-tasks' own database worker, then return."""
    # The worker closes "old" connections between tasks; inside a test's transaction Django
    # counts ours as unusable and would close it, ending the test's transaction.
    with mock.patch.object(db_worker, "close_old_connections"):
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
        )
