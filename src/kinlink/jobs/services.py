"""Every change of a job's status: start, claim, progress, finish, retry, interrupt, requeue.

How a job runs
--------------
`job_start` writes a queued Job and enqueues the django-tasks task `kinlink.jobs.tasks.run_job`
with only the job's id. The worker calls `job_run`, which claims the job with a conditional UPDATE
(queued → running, attempts + 1) so that two workers never run the same job, then calls the handler
registered for the job's kind with `@job_handler`.

A handler receives the Job and `progress(done, total, message="")`. A retry must never apply an
effect twice, so a handler is written in one of two ways:

* `@job_handler(kind, atomic=True)`: the handler's effects and the job's success commit in one
  transaction. A failure leaves nothing behind and a retry starts afresh. Progress reported on
  the way is visible only at the end, so keep these short.
* `@job_handler(kind)` (resumable, for long work): commit in steps, each step inside
  `transaction.atomic()` with its effects and a `progress(done, ...)` call, so that
  `job.progress_done` always counts exactly the work committed. On a rerun the handler starts
  from `job.progress_done`. Effects committed outside such a step must be idempotent.

`progress` is one UPDATE of the job's row. It also fences the runner: once the job has been taken
back (the worker was thought dead, or is shutting down), it raises `JobLost` or `JobInterrupted`
and the step's transaction rolls back.

Params and labels are stored and shown: put ids in them, never a child's personal data.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kinlink.accounts.models import User
from kinlink.audit.context import SYSTEM, Actor, acting_as
from kinlink.audit.models import Action
from kinlink.audit.services import audit_record
from kinlink.jobs.models import Job

logger = logging.getLogger(__name__)

MESSAGE_LENGTH = Job._meta.get_field("message").max_length or 500


class Progress(Protocol):
    def __call__(self, done: int, total: int, message: str = "") -> None: ...


Handler = Callable[[Job, Progress], "dict[str, Any] | None"]


class JobError(Exception):
    """A handler's failure that the person who started the job should read (translated)."""


class JobStateError(Exception):
    """The job is not in a state that allows this change (message translated)."""


class JobLost(Exception):
    """This runner no longer holds the job: another claim took it; its step must not commit."""


class JobInterrupted(Exception):
    """The worker is stopping; the job goes back to the queue and resumes where it stood."""


@dataclass(frozen=True)
class HandlerSpec:
    kind: str
    func: Handler
    atomic: bool


_HANDLERS: dict[str, HandlerSpec] = {}


def job_handler(kind: str, *, atomic: bool = False) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of this kind (see the module docstring)."""

    def register(func: Handler) -> Handler:
        existing = _HANDLERS.get(kind)
        same = existing is not None and (existing.func.__module__, existing.func.__qualname__) == (
            func.__module__,
            func.__qualname__,
        )
        if existing is not None and not same:
            raise ImproperlyConfigured(f"Two handlers for the job kind {kind!r}")
        _HANDLERS[kind] = HandlerSpec(kind=kind, func=func, atomic=atomic)
        return func

    return register


# Starting -------------------------------------------------------------------------------------


def _queue_is_in_database() -> bool:
    # With the database backend the task row commits with the job row, so neither exists
    # without the other. Another backend (Redis, ...) must not see the task before the job exists.
    from django_tasks_db.backend import DatabaseBackend

    from kinlink.jobs.tasks import run_job

    return isinstance(run_job.get_backend(), DatabaseBackend)


def _enqueue(job: Job) -> None:
    from kinlink.jobs.tasks import run_job

    def send() -> None:
        result = run_job.enqueue(job_id=job.pk)
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))
        job.task_result_id = str(result.id)

    if _queue_is_in_database():
        send()
    else:
        transaction.on_commit(send)


@transaction.atomic
def job_start(*, kind: str, label: str, user: User | None, params: dict[str, Any]) -> Job:
    """Record a job and queue it for the worker; return it (queued). `user` is who started it,
    or None for upkeep that a write set off without a user (a command, a test)."""
    if kind not in _HANDLERS:
        raise LookupError(f"No handler is registered for the job kind {kind!r}")
    job = Job.objects.create(kind=kind, label=label[:200], created_by=user, params=params)
    _enqueue(job)
    audit_record(
        action=Action.CREATE,
        object_type="jobs.job",
        object_id=job.pk,
        extra={"kind": kind},
    )
    return job


@transaction.atomic
def job_retry(*, job: Job) -> Job:
    """Queue a failed job again; a resumable handler continues from its last committed step."""
    requeued = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
        status=Job.Status.QUEUED, finished_at=None, message=_("Waiting to try again.")
    )
    if not requeued:
        raise JobStateError(_("Only a job that failed can be tried again."))
    job.refresh_from_db()
    _enqueue(job)
    audit_record(
        action=Action.CHANGE, object_type="jobs.job", object_id=job.pk, extra={"retry": True}
    )
    return job


# Running --------------------------------------------------------------------------------------


def job_claim(*, job_id: int) -> int | None:
    """Take a queued job for this runner; return its attempt number, or None if it is not free."""
    now = timezone.now()
    # One transaction, so the count read back is the one this UPDATE wrote (the row stays locked).
    with transaction.atomic():
        claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
        )
        if not claimed:
            return None
        return Job.objects.values_list("attempts", flat=True).get(pk=job_id)


def _held(job: Job, attempt: int) -> QuerySet[Job]:
    """The job's row, while this runner's claim is still the current one."""
    return Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=attempt)


# Set by SIGTERM/SIGINT while a job runs in a worker: the handler stops at its next progress call.
_stop_requested = threading.Event()


def stop_requested() -> bool:
    """Whether the worker running this job was told to stop (for handlers that wait on others,
    such as worker processes, and so make no progress call of their own for a while)."""
    return _stop_requested.is_set()


class JobProgress:
    """The `progress` callable a handler receives: one UPDATE, failing if the claim was lost."""

    def __init__(self, job: Job, attempt: int) -> None:
        self.job = job
        self.attempt = attempt
        self.reported = False

    def __call__(self, done: int, total: int, message: str = "") -> None:
        if _stop_requested.is_set():
            raise JobInterrupted
        updated = _held(self.job, self.attempt).update(
            progress_done=max(done, 0),
            progress_total=max(total, 0),
            message=message[:MESSAGE_LENGTH],
            heartbeat_at=timezone.now(),
        )
        if not updated:
            raise JobLost
        self.job.progress_done, self.job.progress_total = done, total
        self.job.message = message
        self.reported = True


def _finish(
    job: Job, attempt: int, *, status: str, message: str, result: dict[str, Any] | None = None
) -> bool:
    values: dict[str, Any] = {
        "status": status,
        "message": message[:MESSAGE_LENGTH],
        "finished_at": timezone.now(),
    }
    if result is not None:
        values["result"] = result
    return bool(_held(job, attempt).update(**values))


def _requeue(job: Job, attempt: int, *, message: str) -> bool:
    with transaction.atomic():
        if not _held(job, attempt).update(status=Job.Status.QUEUED, message=message):
            return False
        _enqueue(job)
    return True


@contextlib.contextmanager
def _stop_on_signal() -> Iterator[None]:
    """While a job runs in a worker's main thread, SIGTERM/SIGINT ask it to stop at a safe point.

    The worker's own handler is still called, so the worker exits once this job returns.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.getsignal(sig) for sig in signals}

    def on_signal(signum: int, frame: Any) -> None:
        _stop_requested.set()
        handler = previous[signum]
        if callable(handler):
            handler(signum, frame)

    _stop_requested.clear()
    for sig in signals:
        signal.signal(sig, on_signal)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _stop_requested.clear()


def _actor(job: Job) -> Actor:
    # Audit entries written by the handler carry the person who started the job.
    if job.created_by is None:
        return SYSTEM
    return Actor(user_id=job.created_by_id, username=job.created_by.get_username())


def _log_failure(job: Job, exc: BaseException) -> None:
    # The stack without the exception's message: messages may quote data about a child.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("Job %s (%s) failed with %s\n%s", job.pk, job.kind, type(exc).__name__, frames)


def job_run(*, job_id: int) -> str | None:
    """Claim the job and run its handler; return the status it ended in (None if not claimed)."""
    attempt = job_claim(job_id=job_id)
    if attempt is None:
        return None
    job = Job.objects.select_related("created_by").get(pk=job_id)
    # Messages stored on the job are in the language of the person who will read them.
    language = (job.created_by.language if job.created_by else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        return _run_claimed(job, attempt)


def _run_claimed(job: Job, attempt: int) -> str | None:
    spec = _HANDLERS.get(job.kind)
    if spec is None:
        _finish(
            job,
            attempt,
            status=Job.Status.FAILED,
            message=_("This server does not know how to run this kind of job."),
        )
        return Job.Status.FAILED
    progress = JobProgress(job, attempt)

    def run_and_finish() -> None:
        result = spec.func(job, progress) or {}
        # The handler's last word ("Updated 40 of 40 children.") says more than "Finished".
        message = job.message if progress.reported and job.message else _("Finished.")
        if not _finish(job, attempt, status=Job.Status.SUCCEEDED, message=message, result=result):
            raise JobLost

    try:
        with acting_as(_actor(job)), _stop_on_signal():
            if spec.atomic:
                with transaction.atomic():
                    run_and_finish()
            else:
                run_and_finish()
    except JobLost:
        logger.warning("Job %s attempt %s was taken over by another run", job.pk, attempt)
        return None
    except JobInterrupted:
        _requeue(job, attempt, message=_("Waiting: the server restarted while this job ran."))
        return Job.Status.QUEUED
    except (KeyboardInterrupt, SystemExit):
        # Told twice to stop: the step in hand is rolled back; queue the job before leaving.
        _requeue(job, attempt, message=_("Waiting: the server restarted while this job ran."))
        raise
    except JobError as exc:
        _finish(job, attempt, status=Job.Status.FAILED, message=str(exc))
        return Job.Status.FAILED
    except Exception as exc:
        _log_failure(job, exc)
        _finish(
            job,
            attempt,
            status=Job.Status.FAILED,
            message=_(
                "The job stopped because of an unexpected error. An administrator can find "
                "the details in the server log under job %(id)s."
            )
            % {"id": job.pk},
        )
        return Job.Status.FAILED
    return Job.Status.SUCCEEDED


# Recovering -----------------------------------------------------------------------------------


def job_requeue_stale(*, silent_for: timedelta) -> list[int]:
    """Queue again the running jobs that showed no sign of life for this long; return their ids.

    Their old runner, if it is alive after all, is fenced off by the attempt count.
    """
    cutoff = timezone.now() - silent_for
    stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff)
    requeued = []
    for job in stale.only("pk", "attempts"):
        with transaction.atomic():
            taken = Job.objects.filter(
                pk=job.pk,
                status=Job.Status.RUNNING,
                attempts=job.attempts,
                heartbeat_at__lt=cutoff,
            ).update(
                status=Job.Status.QUEUED,
                message=_("Waiting: the worker running this job stopped answering."),
            )
            if taken:
                _enqueue(job)
                requeued.append(job.pk)
    if requeued:
        logger.warning("Requeued stale jobs: %s", ", ".join(map(str, requeued)))
    return requeued
