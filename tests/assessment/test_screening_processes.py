"""On PostgreSQL the registry-wide screen shares its chunks between worker processes: every
child is screened exactly once, with the same result as one process, and a failing worker
loses only its chunk in hand."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kinlink.assessment import batch
from kinlink.assessment.models import Screening
from kinlink.assessment.screening.rules import current_rule_set
from kinlink.audit.models import AuditEntry
from kinlink.registry.models import Child

from .conftest import TODAY

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="worker processes run on PostgreSQL only"
    ),
]


@pytest.fixture
def children(family):
    kids = [
        family.child(mother="away", father="away"),
        family.child(mother="dead", father="away", age=4),
        family.child(mother="home", father="away"),
        family.child(mother=None, father=None),
        family.child(mother="away", father="home"),
        family.child(),
        family.child(father="away", age=3),
    ]
    return Child.objects.filter(pk__in=[k.pk for k in kids])


def _levels() -> dict[int, tuple[str, str, int]]:
    return {
        s.child_id: (s.suggested_level, s.possible_level, s.score) for s in Screening.objects.all()
    }


def test_a_process_running_other_threads_screens_in_one_process(children):
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert batch.worker_count(2, chunks=4) == 1
    finally:
        stop.set()
        thread.join()


@pytest.fixture
def may_fork():
    """Browser tests leave a live server's thread in the test process, which then screens in
    one process (see the test above)."""
    if threading.active_count() > 1:
        pytest.skip("another thread runs in this test process (a browser test's live server)")


def test_two_processes_screen_each_child_once_as_one_process_does(children, supervisor, may_fork):
    rules = current_rule_set()
    assert batch.worker_count(2, chunks=4) == 2
    one = batch.screen_children(children, on=TODAY, rule_set=rules, user=supervisor, workers=1)
    alone = _levels()
    Screening.objects.all().delete()
    audits_before = AuditEntry.objects.filter(object_type="assessment.screening").count()

    two = batch.screen_children(
        children, on=TODAY, rule_set=rules, user=supervisor, chunk_size=2, workers=2
    )

    assert two == one
    assert _levels() == alone
    assert Screening.objects.count() == children.count()
    audits = AuditEntry.objects.filter(object_type="assessment.screening").order_by("seq")
    chunks = [(e.extra["first_child"], e.extra["children"]) for e in audits[audits_before:]]
    assert sorted(n for _, n in chunks) == [1, 2, 2, 2]  # seven children in chunks of two
    assert batch.worker_count(2, chunks=4) == 2  # the parent's connection works again


def test_a_failing_worker_stops_the_run_and_a_rerun_finishes_it(
    children, supervisor, monkeypatch, may_fork
):
    from kinlink.assessment.tasks import screen_registry_start

    job = screen_registry_start(user=supervisor)
    ids = list(children.order_by("pk").values_list("pk", flat=True))
    write = batch._write

    def failing_on_the_last_chunk(rows):
        if rows[0][0] == ids[-1]:
            raise OSError("disk full")
        write(rows)

    monkeypatch.setattr(batch, "_write", failing_on_the_last_chunk)
    rules = current_rule_set()
    with pytest.raises(RuntimeError, match="worker process"):
        batch.screen_children(
            children,
            on=TODAY,
            rule_set=rules,
            user=supervisor,
            job_id=job.pk,
            chunk_size=2,
            workers=2,
        )
    assert ids[-1] not in set(Screening.objects.values_list("child_id", flat=True))

    monkeypatch.setattr(batch, "_write", write)
    batch.screen_children(
        children, on=TODAY, rule_set=rules, user=supervisor, job_id=job.pk, chunk_size=2
    )
    assert sorted(Screening.objects.filter(job=job).values_list("child_id", flat=True)) == ids
