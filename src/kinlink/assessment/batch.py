"""Screening many children at once: the whole registry, or everyone in a supervisor's scope.

Children are taken in chunks in id order. For each chunk every provider answers for all its
children with a few set-based queries (`Chunk`, `engine.batch_facts`), the same rules score them
(`engine.BatchScorer`), and the screenings are written in one statement: COPY on PostgreSQL,
bulk INSERT elsewhere. Each chunk commits with one audit entry naming the job, the rule set and
the range of children, and reports progress; a rerun of a job screens only the children it has
not screened yet.

On PostgreSQL the chunks are shared out between worker processes (one per core by default,
`KINLINK_SCREENING_WORKERS`): Python scores one chunk on one core, so a single process leaves
the machine's other cores idle while a million children are screened. Each worker has its own
database connection; chunks commit independently, so a worker that fails loses only its chunk
in hand and a rerun finishes the rest.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from kinlink.accounts.models import User
from kinlink.assessment.models import Screening
from kinlink.assessment.screening import storage
from kinlink.assessment.screening.engine import BatchScorer, batch_facts
from kinlink.assessment.screening.providers import Chunk
from kinlink.assessment.screening.rules import RuleSet
from kinlink.audit.models import Action
from kinlink.audit.services import audit_record
from kinlink.jobs.services import JobInterrupted, JobLost, stop_requested
from kinlink.registry.models import Child

logger = logging.getLogger(__name__)

CHUNK_SIZE = 50_000
# Above this many children, facts whose provider can only answer child by child are left
# unknown (saying so) rather than read with thousands of queries per chunk.
PER_CHILD_LIMIT = 20_000
# A cap, so that one job on a large server does not take dozens of database connections.
MAX_WORKERS = 8

_COLUMNS = (
    "child_id",
    "on",
    "rule_set",
    "rules_id",
    "performed_by_id",
    "performed_at",
    "job_id",
    "score",
    "suggested_level",
    "possible_level",
    "unknown_count",
    "factors",
    "confirmed_level",
    "override_reason",
)

Row = tuple[Any, ...]


def _load_children(ids: Sequence[int]) -> dict[int, Child]:
    return Child.objects.in_bulk(list(ids))


def _write(rows: list[Row]) -> None:
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Screening._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
        # The driver's own cursor (Django's wrapper has no COPY); names are ours, not input.
        sql = f"COPY {table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(row)
        return
    objects = []
    for row in rows:
        values = dict(zip(_COLUMNS, row, strict=True))
        values["factors"] = json.loads(values["factors"])  # the ORM encodes it again
        objects.append(Screening(**values))
    Screening.objects.bulk_create(objects, batch_size=500)


def remaining_ids(children: QuerySet[Child], job_id: int | None) -> list[int]:
    """The children of the queryset, in id order, that the job has not screened yet."""
    ids = children.order_by("pk").values_list("pk", flat=True)
    if job_id is not None and Screening.objects.filter(job_id=job_id).exists():
        # NOT EXISTS (an anti-join), not NOT IN: fast however many were screened already.
        screened = Screening.objects.filter(job_id=job_id, child_id=OuterRef("pk"))
        ids = ids.filter(~Exists(screened))
    return list(ids)


def worker_count(requested: int | None, chunks: int) -> int:
    """How many processes screen `chunks` chunks: `requested`, else the setting, else one per
    core on PostgreSQL. One process where others could not see this one's data (inside a
    transaction, as in tests), on SQLite (one writer at a time), without fork(), or in a
    process running other threads."""
    if chunks < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    if not _can_fork() or threading.active_count() > 1:
        # A process with other threads (a threaded server, a test's live server) must not
        # fork: the child inherits locks and library state those threads held, and the
        # database driver was seen to crash in it.
        return 1
    wanted = requested or getattr(settings, "KINLINK_SCREENING_WORKERS", 0) or os.cpu_count()
    return max(1, min(wanted or 1, chunks, MAX_WORKERS))


_LEVELS = ("high", "medium", "low")
_STEPS = ("facts", "scoring", "writing")


class _Tally:
    """Counts and seconds in shared memory, so that worker processes add to the same totals.

    `add` is called inside each chunk's transaction after its audit entry, which on PostgreSQL
    holds the audit head's row lock until the commit: the totals grow in commit order, and the
    progress each chunk reports never goes backwards.
    """

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork") if _can_fork() else multiprocessing
        # done, unknown, failed facts, levels...
        self._counts = context.Array("q", 3 + len(_LEVELS))
        self._seconds = context.Array("d", len(_STEPS))

    def add(self, counts: dict[str, int], spent: dict[str, float]) -> int:
        with self._counts.get_lock():
            self._counts[0] += counts["children"]
            self._counts[1] += counts["unknown_factors"]
            self._counts[2] += counts["failed_facts"]
            for index, level in enumerate(_LEVELS, start=3):
                self._counts[index] += counts[level]
            for index, step in enumerate(_STEPS):
                self._seconds[index] += spent[step]
            return int(self._counts[0])

    @property
    def done(self) -> int:
        return int(self._counts[0])

    def counts(self) -> dict[str, int]:
        counts = {
            "children": self.done,
            "unknown_factors": int(self._counts[1]),
            "failed_facts": int(self._counts[2]),
        }
        counts.update({level: int(self._counts[i]) for i, level in enumerate(_LEVELS, start=3)})
        return counts

    def seconds(self) -> dict[str, float]:
        return {step: round(self._seconds[i], 1) for i, step in enumerate(_STEPS)}


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


@dataclass
class _Run:
    """What every chunk of one screening run shares."""

    on: dt.date
    rule_set: RuleSet
    user: User | None
    job_id: int | None
    per_child: bool
    progress: Callable[[int], None] | None
    tally: _Tally = field(default_factory=_Tally)
    memo: dict[str, Any] = field(default_factory=dict)  # facts read once (see providers.Chunk)

    def __post_init__(self) -> None:
        self.scorer = BatchScorer(self.rule_set, storage.text_id)
        self.rules_id = storage.rules_record(self.rule_set).pk
        self.performed_at = timezone.now()

    def screen(self, ids: list[int]) -> None:
        """Screen one chunk and commit it with its audit entry and progress."""
        spent = {}
        # Facts are read and scored before the transaction: reading needs none, and a message
        # seen for the first time is stored at once, so that two workers meeting the same new
        # message never wait on each other's open transactions.
        clock = time.perf_counter()
        chunk = Chunk(ids=ids, on=self.on, run=self.memo)
        failed: list[str] = []
        with planned_for_memory():
            answers = batch_facts(
                chunk, self.rule_set, _load_children, per_child=self.per_child, failed=failed
            )
        spent["facts"] = time.perf_counter() - clock
        clock = time.perf_counter()
        counts = {
            "children": len(ids),
            "unknown_factors": 0,
            "failed_facts": len(failed) * len(ids),  # a failed provider: unknown for the chunk
            "high": 0,
            "medium": 0,
            "low": 0,
        }
        user_id = self.user.pk if self.user else None
        rows: list[Row] = []
        for pk, child_answers in zip(ids, answers, strict=True):
            factors, score, level, possible, unknown = self.scorer.score(child_answers)
            counts[level] += 1
            counts["unknown_factors"] += unknown
            rows.append(
                (
                    pk,
                    self.on,
                    self.rule_set.version,
                    self.rules_id,
                    user_id,
                    self.performed_at,
                    self.job_id,
                    score,
                    level,
                    possible,
                    unknown,
                    factors,
                    "",
                    "",
                )
            )
        spent["scoring"] = time.perf_counter() - clock
        with transaction.atomic():
            clock = time.perf_counter()
            _write(rows)
            spent["writing"] = time.perf_counter() - clock
            audit_record(
                action=Action.CREATE,
                object_type="assessment.screening",
                extra={
                    "job": self.job_id,
                    "rule_set": self.rule_set.version,
                    "on": self.on.isoformat(),
                    "children": len(ids),
                    "first_child": ids[0],
                    "last_child": ids[-1],
                },
            )
            done = self.tally.add(counts, spent)
            if self.progress is not None:
                self.progress(done)


# PostgreSQL's advice for storage whose random reads cost little more than sequential ones, such
# as data in memory or on solid-state drives; its default (4) models spinning disks.
RANDOM_PAGE_COST = 1.1


@contextmanager
def planned_for_memory() -> Iterator[None]:
    """Read a chunk's facts with PostgreSQL costing a random page read at `RANDOM_PAGE_COST`
    (or the server's setting, if lower), then put the connection's setting back.

    With the default, PostgreSQL joined a chunk's 30,000 caregivers to the adults by scanning
    all 1.8 million of them (0.5 s, against 0.08 s through the index; 1,000,000 children,
    2026-11-30): a screen reads the same tables chunk after chunk, so they are in memory."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('random_page_cost')::float8")
        (before,) = cursor.fetchone()
        cursor.execute(
            "SELECT set_config('random_page_cost', %s, false)", [str(min(before, RANDOM_PAGE_COST))]
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('random_page_cost', %s, false)", [str(before)])


# How a worker process ended, as its exit code.
_OK, _FAILED, _LOST, _INTERRUPTED = 0, 1, 2, 3


def _worker(run: _Run, chunks: Sequence[list[int]]) -> None:
    # Stopped by the parent with SIGTERM: die at once; the chunk in hand is rolled back by the
    # database when the connection drops. Ctrl-C is the parent's to handle.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    code = _OK
    try:
        for ids in chunks:
            run.screen(ids)
    except JobLost:
        code = _LOST
    except JobInterrupted:
        code = _INTERRUPTED
    except BaseException as exc:  # reported to the parent by the exit code
        # The stack without the message, which may quote a child's data.
        frames = "".join(traceback.format_tb(exc.__traceback__))
        logger.error("A screening worker failed with %s\n%s", type(exc).__name__, frames)
        code = _FAILED
    finally:
        connections.close_all()
    sys.exit(code)


def _in_processes(run: _Run, chunks: list[list[int]], workers: int) -> None:
    """Share the chunks out (round robin, so each worker's chunks stay in id order) and wait.

    If one worker fails, or the job is told to stop, the others are stopped too: what they
    committed stays, and a rerun of the job screens the rest.
    """
    context = multiprocessing.get_context("fork")
    # A forked process must not share the parent's database socket: each opens its own.
    connections.close_all()
    processes = [
        context.Process(target=_worker, args=(run, chunks[index::workers]), daemon=True)
        for index in range(workers)
    ]
    for process in processes:
        process.start()
    try:
        running = list(processes)
        while running:
            multiprocessing.connection.wait([p.sentinel for p in running], timeout=1.0)
            if stop_requested():
                raise JobInterrupted
            for process in [p for p in running if p.exitcode is not None]:
                running.remove(process)
                if process.exitcode == _LOST:
                    raise JobLost
                if process.exitcode == _INTERRUPTED:
                    raise JobInterrupted
                if process.exitcode != _OK:
                    raise RuntimeError(
                        f"A screening worker process ended with code {process.exitcode}"
                    )
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join()


# Allocations between two collections of the youngest generation (Python's default: 700), and
# how many of those before each older one is collected (10 and 10).
GC_THRESHOLDS = (50_000, 20, 100)


@contextmanager
def _collecting_less() -> Iterator[None]:
    """A chunk makes millions of small objects that live until its rows are written, and
    Python's cycle collector scanned them again and again: with the defaults it took a quarter
    of a chunk's time (one chunk of 50,000 children with their contact and remittance history,
    2026-11-30). A chunk's objects are freed by their reference counts once its rows are
    written, so the collector runs less often here, and as before once the screen is done."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def screen_children(
    children: QuerySet[Child],
    *,
    on: dt.date,
    rule_set: RuleSet,
    user: User | None,
    job_id: int | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
    per_child: bool = True,
    timings: dict[str, float] | None = None,
    workers: int | None = None,
) -> dict[str, int]:
    """Screen every child of the queryset that the job (if any) has not screened yet; return
    the counts by level, of children, of unknown factors and of `failed_facts` (answers left
    unknown because a fact provider failed, which the log names: the levels of those children
    may be lower than their facts warrant).

    `progress(done)` is called inside each chunk's transaction, after its rows are written, so
    that a job's progress counts exactly what is committed; `workers` overrides the number of
    processes (see `worker_count`). `timings` receives the seconds spent reading facts, scoring
    and writing, summed over the workers.
    """
    ids = remaining_ids(children, job_id)
    chunks = [ids[start : start + chunk_size] for start in range(0, len(ids), chunk_size)]
    run = _Run(on, rule_set, user, job_id, per_child, progress)
    processes = worker_count(workers, len(chunks))
    with _collecting_less():  # inherited by the workers
        if processes == 1:
            for chunk_ids in chunks:
                run.screen(chunk_ids)
        else:
            _in_processes(run, chunks, processes)
            if progress is not None:
                # The workers reported as they went; this process's own record of the job
                # learns the total (its last message is the one the finished job keeps).
                progress(run.tally.done)
    if timings is not None:
        timings.update(run.tally.seconds())
    return run.tally.counts()
