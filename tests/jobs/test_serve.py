"""`kinlink serve` for real: gunicorn and the job worker as child processes, on a free port,
against a fresh database (SQLite, or a temporary PostgreSQL database when the suite runs there)."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError

import pytest

START_TIMEOUT = 60
STOP_TIMEOUT = 70


@dataclass
class Site:
    env: dict[str, str]
    database_url: str
    log: Path


def _run_kinlink(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "kinlink", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> Iterator[str]:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        yield f"sqlite:///{tmp_path_factory.mktemp('serve-db') / 'kinlink.sqlite3'}"
        return
    import psycopg

    name = f"kinlink_serve_{secrets.token_hex(4)}"
    server = base.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def site(tmp_path_factory, database_url) -> Site:
    var = tmp_path_factory.mktemp("serve-var")
    env = {
        **os.environ,
        "KINLINK_VAR_DIR": str(var),
        "DATABASE_URL": database_url,
        "KINLINK_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # The test speaks plain HTTP to gunicorn; in production nginx terminates TLS.
        "KINLINK_SSL_REDIRECT": "0",
        "DEBUG": "0",
    }
    _run_kinlink(env, "migrate", "--noinput")
    return Site(env=env, database_url=database_url, log=var / "serve.log")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(p) for p in found]


def _descendants(pid: int) -> list[int]:
    result = []
    for child in _children(pid):
        result += [child, *_descendants(child)]
    return result


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local test server
        return response.status, response.read().decode()


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Server:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = site.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kinlink", "serve", "--port", str(self.port), "--workers", "1"],
            env=site.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            # Its own process group, as a shell gives a foreground command (see the Ctrl-C test).
            start_new_session=True,
        )
        self.tree: set[int] = set()

    def remember_tree(self) -> None:
        self.tree |= set(_descendants(self.proc.pid))

    def page(self, path: str) -> tuple[int, str] | None:
        if self.proc.poll() is not None:
            raise AssertionError(f"serve exited early:\n{self.output()}")
        try:
            return _get(self.url + path)
        except (URLError, ConnectionError, TimeoutError):
            return None

    def output(self) -> str:
        return self.site.log.read_text(errors="replace")[-4000:]

    def kill_all(self) -> None:
        self.remember_tree()
        for pid in [self.proc.pid, *self.tree]:
            if _alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        try:
            self.proc.wait(timeout=10)
        finally:
            self.log.close()


@pytest.fixture
def server(site) -> Iterator[Server]:
    running = Server(site)
    try:
        _wait_for(lambda: running.page("/accounts/login/"), START_TIMEOUT, "the login page")
        _wait_for(lambda: len(_children(running.proc.pid)) == 2, 10, "both children")
        running.remember_tree()
        yield running
    finally:
        running.kill_all()


def _job_status(database_url: str, job_id: int) -> str:
    query = "SELECT status FROM jobs_job WHERE id = %s"
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            return conn.execute(query.replace("%s", "?"), (job_id,)).fetchone()[0]
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(query, (job_id,)).fetchone()[0]


START_JOB = """
from kinlink.accounts.models import User
from kinlink.jobs.services import job_start
user, _ = User.objects.get_or_create(username="ops", defaults={"role": "administrator"})
job = job_start(kind="registry.refresh_left_behind", label="serve test", user=user,
                params={"child_ids": [1, 2, 3]})
print(job.pk)
"""


def test_it_serves_pages_and_static_files_runs_jobs_and_stops_cleanly_on_sigterm(server, site):
    status, body = server.page("/accounts/login/")
    assert status == 200
    # collectstatic ran (production mode): pages point at hashed files that whitenoise serves.
    stylesheet = re.search(r'href="(/static/kinlink/kinlink\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, body[:2000]
    assert server.page(stylesheet.group(1))[0] == 200

    job_id = int(_run_kinlink(site.env, "shell", "-v", "0", "-c", START_JOB).strip())
    _wait_for(lambda: _job_status(site.database_url, job_id) == "succeeded", 30, "the worker")

    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=STOP_TIMEOUT) == 0, server.output()
    _wait_for(lambda: not any(map(_alive, server.tree)), 10, "the children to exit")


def test_it_stops_the_web_server_and_fails_when_the_worker_dies(server):
    worker = next(
        pid
        for pid in _children(server.proc.pid)
        if b"db_worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    )
    os.kill(worker, signal.SIGKILL)

    assert server.proc.wait(timeout=STOP_TIMEOUT) == 1
    assert "job worker stopped on its own" in server.output()
    _wait_for(lambda: not any(map(_alive, server.tree)), 10, "the web server to exit")
    with pytest.raises(URLError):
        _get(server.url + "/accounts/login/")


def test_ctrl_c_stops_both_once_and_exits_cleanly(server):
    # A terminal sends Ctrl-C to the whole foreground process group.
    os.killpg(server.proc.pid, signal.SIGINT)

    assert server.proc.wait(timeout=STOP_TIMEOUT) == 0, server.output()
    _wait_for(lambda: not any(map(_alive, server.tree)), 10, "the children to exit")
    assert "terminating current task" not in server.output()
