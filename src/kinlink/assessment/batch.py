"""Screening many children at once: the whole registry, or everyone in a supervisor's scope.

Children are taken in chunks in id order. For each chunk every provider answers for all its
children with a few set-based queries (`Chunk`, `engine.batch_facts`), the same rules score them
(`engine.BatchScorer`), and the screenings are written in one statement: COPY on PostgreSQL,
bulk INSERT elsewhere. Each chunk commits with one audit entry naming the job, the rule set and
the range of children, and reports progress; a rerun resumes after the last committed chunk.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from kinlink.accounts.models import User
from kinlink.assessment.models import Screening
from kinlink.assessment.screening import storage
from kinlink.assessment.screening.engine import BatchScorer, batch_facts
from kinlink.assessment.screening.providers import Chunk
from kinlink.assessment.screening.rules import RuleSet
from kinlink.audit.models import Action
from kinlink.audit.services import audit_record
from kinlink.registry.models import Child

CHUNK_SIZE = 50_000
# Above this many children, facts whose provider can only answer child by child are left
# unknown (saying so) rather than read with thousands of queries per chunk.
PER_CHILD_LIMIT = 20_000

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


def resume_after(job_id: int | None) -> int:
    """The last child a job already screened (0 if none): chunks commit in id order."""
    if job_id is None:
        return 0
    last = Screening.objects.filter(job_id=job_id).aggregate(last=Max("child_id"))["last"]
    return last or 0


def screen_children(
    children: QuerySet[Child],
    *,
    on: dt.date,
    rule_set: RuleSet,
    user: User | None,
    job_id: int | None = None,
    after: int = 0,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
    per_child: bool = True,
    timings: dict[str, float] | None = None,
) -> dict[str, int]:
    """Screen every child of the queryset with an id above `after`; return counts by level.

    `progress(done)` is called inside each chunk's transaction, after its rows are written, so
    that a job's progress counts exactly what is committed.
    """
    scorer = BatchScorer(rule_set, storage.text_id)
    rules_id = storage.rules_record(rule_set).pk
    ids_query = children.order_by("pk").values_list("pk", flat=True)
    performed_at = timezone.now()
    counts = {"high": 0, "medium": 0, "low": 0, "unknown_factors": 0}
    # Seconds spent reading facts, scoring and writing: the benchmark reports them.
    spent = {"facts": 0.0, "scoring": 0.0, "writing": 0.0}
    done = 0
    last = after
    run: dict[str, Any] = {}  # facts read once for every chunk (see providers.Chunk)
    while True:
        ids = list(ids_query.filter(pk__gt=last)[:chunk_size])
        if not ids:
            break
        chunk = Chunk(ids=ids, on=on, run=run)
        with transaction.atomic():
            clock = time.perf_counter()
            answers = batch_facts(chunk, rule_set, _load_children, per_child=per_child)
            spent["facts"] += time.perf_counter() - clock
            clock = time.perf_counter()
            rows: list[Row] = []
            for pk, child_answers in zip(ids, answers, strict=True):
                factors, score, level, possible, unknown = scorer.score(child_answers)
                counts[level] += 1
                counts["unknown_factors"] += unknown
                rows.append(
                    (
                        pk,
                        on,
                        rule_set.version,
                        rules_id,
                        user.pk if user else None,
                        performed_at,
                        job_id,
                        score,
                        level,
                        possible,
                        unknown,
                        factors,
                        "",
                        "",
                    )
                )
            spent["scoring"] += time.perf_counter() - clock
            clock = time.perf_counter()
            _write(rows)
            spent["writing"] += time.perf_counter() - clock
            audit_record(
                action=Action.CREATE,
                object_type="assessment.screening",
                extra={
                    "job": job_id,
                    "rule_set": rule_set.version,
                    "on": on.isoformat(),
                    "children": len(ids),
                    "first_child": ids[0],
                    "last_child": ids[-1],
                },
            )
            done += len(ids)
            if progress is not None:
                progress(done)
        last = ids[-1]
    counts["children"] = done
    if timings is not None:
        timings.update({k: round(v, 1) for k, v in spent.items()})
    return counts
