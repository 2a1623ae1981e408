"""`kinlink serve`: gunicorn for the web and django-tasks' database worker for jobs, run as one
unit that starts together, stops together, and stops entirely when either part dies.

Both run as child processes in their own sessions, so a Ctrl-C in a terminal reaches only this
process, which passes SIGINT/SIGTERM on exactly once (the worker treats a second signal as "kill
the running job now"). On Linux the children also get SIGTERM if this process is killed outright.
While both run, this process also puts back in the queue any job whose worker went silent.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections

logger = logging.getLogger(__name__)

# How long the children get to finish requests and the current job step before being killed;
# below systemd's default TimeoutStopSec of 90 s.
STOP_TIMEOUT = 60.0
POLL_INTERVAL = 0.2
# A running job that has not reported progress for this long is presumed orphaned.
STALE_AFTER = timedelta(minutes=15)
STALE_SWEEP_EVERY = 60.0

FORWARDED = (signal.SIGINT, signal.SIGTERM)


class ServerError(RuntimeError):
    """The web server or the worker stopped on its own; the message says which and how."""


def default_workers() -> int:
    # Gunicorn's rule of thumb (2 × cores + 1), capped: each worker holds a database connection.
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def _bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def web_command(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "kinlink.wsgi:application",
        "--bind",
        _bind_address(host, port),
        "--workers",
        str(workers),
        # Gunicorn 24+ opens a control socket under $HOME by default; a service user may have none.
        "--no-control-socket",
        "--graceful-timeout",
        str(int(STOP_TIMEOUT) - 10),
    ]


def worker_command() -> list[str]:
    return [
        sys.executable,
        "-m",
        "kinlink",
        "db_worker",
        "--no-reload",
        "--interval",
        "1",
    ]


def _die_with_parent() -> Callable[[], None] | None:
    """A pre-exec hook asking Linux to send SIGTERM to the child when `serve` dies."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1

    def hook() -> None:
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)

    return hook


def _spawn(command: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        start_new_session=True,
        preexec_fn=_die_with_parent(),  # serve starts no threads, so a pre-exec hook is safe
    )


def _send(proc: subprocess.Popen[bytes], signum: int) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signum)


@contextlib.contextmanager
def _forwarding(
    children: dict[str, subprocess.Popen[bytes]], received: list[int]
) -> Iterator[None]:
    def forward(signum: int, frame: object) -> None:
        received.append(signum)
        for proc in children.values():
            _send(proc, signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _wait_all(children: dict[str, subprocess.Popen[bytes]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for name, proc in children.items():
        try:
            proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            logger.warning("The %s did not stop within %.0f s; killing it", name, timeout)
            proc.kill()
            proc.wait(timeout=10)


def _sweep_stale_jobs() -> None:
    from kinlink.jobs.services import job_requeue_stale

    try:
        job_requeue_stale(silent_for=STALE_AFTER)
    except Exception:
        # A database hiccup must not bring the site down; the next sweep tries again.
        logger.exception("Could not check for stale jobs")
    finally:
        close_old_connections()


def _queue_is_in_database() -> bool:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int | None = None,
    *,
    with_worker: bool = True,
) -> None:
    """Serve the site with gunicorn and run the job worker until a signal or either one dies.

    Returns after a SIGINT/SIGTERM once both have stopped; raises ServerError if one of them
    stopped on its own (the other is stopped first). Without `with_worker`, or when the task
    backend is not the database, only the web server runs: workers run elsewhere.
    """
    if with_worker and not _queue_is_in_database():
        logger.warning("The task backend is not the database: run its own worker separately")
        with_worker = False
    if settings.PRODUCTION:
        # Whitenoise serves the collected, hashed files; collect them for this release.
        call_command("collectstatic", interactive=False, verbosity=0)
    # Connections must not be shared with the children; close ours before they start.
    close_old_connections()
    children: dict[str, subprocess.Popen[bytes]] = {}
    received: list[int] = []
    died: tuple[str, int] | None = None
    try:
        with _forwarding(children, received):
            children["web server"] = _spawn(web_command(host, port, workers or default_workers()))
            if with_worker:
                children["job worker"] = _spawn(worker_command())
            for signum in received:  # a signal that came while the children were starting
                for proc in children.values():
                    _send(proc, signum)
            died = _supervise(children, received, sweep=with_worker)
            if died is not None:
                for proc in children.values():
                    _send(proc, signal.SIGTERM)
            _wait_all(children, STOP_TIMEOUT)
    finally:
        for proc in children.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    if died is not None and not received:
        name, code = died
        raise ServerError(f"The {name} stopped on its own (exit status {code})")


def _supervise(
    children: dict[str, subprocess.Popen[bytes]], received: list[int], *, sweep: bool
) -> tuple[str, int] | None:
    """Wait until a signal arrives (None) or a child exits (its name and exit status)."""
    next_sweep = time.monotonic() + STALE_SWEEP_EVERY
    while not received:
        for name, proc in children.items():
            code = proc.poll()
            if code is not None:
                return name, code
        if sweep and time.monotonic() >= next_sweep:
            _sweep_stale_jobs()
            next_sweep = time.monotonic() + STALE_SWEEP_EVERY
        time.sleep(POLL_INTERVAL)
    return None
