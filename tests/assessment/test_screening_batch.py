"""Screening many children at once gives the same answers as screening each on its page, and
screening the whole registry is a background job within the starter's scope."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection as database

from kinlink.accounts.services import user_create
from kinlink.assessment import batch, services
from kinlink.assessment.models import Screening
from kinlink.assessment.screening import engine, providers, storage
from kinlink.assessment.screening.rules import current_rule_set
from kinlink.assessment.tasks import screen_registry_start
from kinlink.audit.models import AuditEntry
from kinlink.connection import services as connection
from kinlink.connection.conf import local_zone
from kinlink.jobs.models import Job
from kinlink.registry.derived import child_status
from kinlink.registry.models import AwayParents, Child, Relationship
from tests.jobs.conftest import run_worker

from .conftest import TODAY, ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(family, caseworker_a, health_worker_a):
    """Children covering every branch of the built-in providers."""
    kids = [
        family.child(mother="away", father="away", mother_left=ago(months=20)),
        family.child(mother="dead", father="away", age=4),
        family.child(mother="home", father="away", functioning={"seeing": "a_lot"}),
        family.child(mother=None, father="away"),
        family.child(mother=None, father=None, functioning={"hearing": "some"}),
        family.child(mother="away", father="home", mother_left=ago(days=20)),
        family.child(),
    ]
    family.alone(kids[0])
    family.carer(kids[1], age=75)
    family.carer(kids[2], age=50, health="severe")
    family.carer(kids[3], age=None)
    family.carer(kids[5], age=60, health="none")
    services.measurement_record(
        child=kids[1],
        user=health_worker_a,
        measured_on=ago(days=5),
        weight_kg="11",
        height_cm="90",
        measure="standing",
    )
    services.domain_assessment_record(
        child=kids[2],
        user=caseworker_a,
        domain="protection",
        assessed_on=ago(days=3),
        answers={"concerns": ["neglect"]},
        summary="",
    )
    for domain, answers in (
        ("education", {"enrolled": "yes", "attendance_percent": 70, "grades": "stable"}),
        ("social_protection", {"assistance": "dropped"}),
        ("protection", {"none_observed": True}),
    ):
        services.domain_assessment_record(
            child=kids[6],
            user=caseworker_a,
            domain=domain,
            assessed_on=ago(days=2),
            answers=answers,
            summary="",
        )
    return kids


def test_the_set_based_path_agrees_with_the_child_by_child_path(varied, caseworker_a):
    rules = current_rule_set()
    ids = [c.pk for c in varied]
    counts = batch.screen_children(
        Child.objects.filter(pk__in=ids), on=TODAY, rule_set=rules, user=caseworker_a, chunk_size=3
    )
    assert counts["children"] == len(varied)
    stored = {s.child_id: s for s in Screening.objects.filter(child_id__in=ids)}
    decoded = storage.decode_many(stored.values())
    for child in varied:
        single = engine.screen_one(child, TODAY, rules)
        bulk = stored[child.pk]
        for code, entry in single.factors.items():
            assert decoded[bulk.pk][code] == entry, (child.given_name, code)
        assert (bulk.score, bulk.suggested_level, bulk.possible_level, bulk.unknown_count) == (
            single.score,
            single.level,
            single.possible_level,
            single.unknown_count,
        )


def test_the_parents_facts_agree_with_the_registry_derivation(varied):
    rules = current_rule_set()
    for child in varied:
        status = child_status(child, TODAY)
        factors = engine.screen_one(child, TODAY, rules).factors
        mother_away = factors["mother_away"]["state"] == "present"
        assert mother_away == status.away.mother_away
        if status.away.away_parents == AwayParents.BOTH:
            assert factors["both_parents_away"]["state"] == "present"
        if status.child_headed or status.elderly_sole_caregiver:
            assert factors["caregiver_capacity"]["state"] == "present"


def _parent(child, kind):
    return Relationship.objects.get(child=child, kind=kind).adult


def _call(child, parent, day):
    connection.contact_record(
        child=child,
        parent=parent,
        happened_at=dt.datetime.combine(day, dt.time(12)).replace(tzinfo=local_zone()),
        channel="video",
        reported_by="caregiver",
    )


def test_contact_and_remittance_facts_are_read_set_based_and_agree_with_the_childs_page(
    varied, caseworker_a
):
    both_away, _, father_away, *_ = varied
    _call(both_away, _parent(both_away, "mother"), ago(days=45))  # silent for 45 days
    _call(father_away, _parent(father_away, "father"), ago(days=3))
    for months in range(5, 17):  # monthly, then nothing for the last five months
        connection.remittance_record(
            household=father_away.household,
            sender=_parent(father_away, "father"),
            amount=Decimal("800"),
            currency="CNY",
            received_on=ago(months=months),
            channel="mobile",
            reported_by="caregiver",
        )
    rules = current_rule_set()
    ids = [c.pk for c in varied]
    # Without the child-by-child path: the connection facts must come from the chunk query.
    batch.screen_children(
        Child.objects.filter(pk__in=ids),
        on=TODAY,
        rule_set=rules,
        user=caseworker_a,
        per_child=False,
        chunk_size=4,
    )
    stored = {s.child_id: s for s in Screening.objects.filter(child_id__in=ids)}
    decoded = storage.decode_many(stored.values())
    for child in varied:
        single = engine.screen_one(child, TODAY, rules).factors
        bulk = decoded[stored[child.pk].pk]
        for code in ("no_parent_contact", "remittances_stopped"):
            assert bulk[code] == single[code], (child.given_name, code)
    assert decoded[stored[both_away.pk].pk]["no_parent_contact"]["state"] == "present"
    assert decoded[stored[father_away.pk].pk]["no_parent_contact"]["state"] == "absent"
    assert decoded[stored[father_away.pk].pk]["remittances_stopped"]["state"] == "present"


def test_each_chunk_is_audited_once_with_its_range_of_children(varied, caseworker_a):
    before = AuditEntry.objects.filter(object_type="assessment.screening").count()
    batch.screen_children(
        Child.objects.all(), on=TODAY, rule_set=current_rule_set(), user=caseworker_a, chunk_size=4
    )
    entries = AuditEntry.objects.filter(object_type="assessment.screening").order_by("seq")[before:]
    assert [e.extra["children"] for e in entries] == [4, 3]
    assert entries[0].extra["first_child"] == varied[0].pk


def test_the_cycle_collector_runs_less_often_during_a_screen_and_as_before_after_it(
    varied, caseworker_a
):
    """A screen may run in a web or job process that lives on: it gets its collector back."""
    before = gc.get_threshold()
    seen = []
    real_score = batch.BatchScorer.score

    def score(self, answers):
        seen.append(gc.get_threshold())
        return real_score(self, answers)

    with mock.patch.object(batch.BatchScorer, "score", score):
        batch.screen_children(
            Child.objects.all(), on=TODAY, rule_set=current_rule_set(), user=caseworker_a
        )
    assert set(seen) == {batch.GC_THRESHOLDS} != {before}
    assert gc.get_threshold() == before


def _random_page_cost() -> float:
    with database.cursor() as cursor:
        cursor.execute("SELECT current_setting('random_page_cost')::float8")
        return cursor.fetchone()[0]


def test_facts_are_read_with_random_reads_costed_for_memory_and_the_setting_put_back(
    varied, caseworker_a
):
    if database.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    before, seen = _random_page_cost(), []
    real_batch_facts = batch.batch_facts

    def batch_facts(*args, **kwargs):
        seen.append(_random_page_cost())
        return real_batch_facts(*args, **kwargs)

    with mock.patch.object(batch, "batch_facts", batch_facts):
        batch.screen_children(
            Child.objects.all(), on=TODAY, rule_set=current_rule_set(), user=caseworker_a
        )
    assert seen == [min(before, batch.RANDOM_PAGE_COST)] and seen != [before]
    assert _random_page_cost() == before


def test_a_supervisor_screens_every_child_in_scope_as_a_background_job(county, varied, child_b):
    township_supervisor = user_create(
        username="sup_a", password="x" * 12, role="supervisor", scope=county.township_a
    )
    job = screen_registry_start(user=township_supervisor)
    assert job.status == Job.Status.QUEUED
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.message == f"Screened {len(varied)} of {len(varied)} children."
    screened = set(Screening.objects.filter(job=job).values_list("child_id", flat=True))
    assert screened == {c.pk for c in varied}  # child_b lives in township B
    assert sum(job.result[level] for level in ("high", "medium", "low")) == len(varied)


def test_a_fact_that_could_not_be_read_is_counted_and_told_to_whoever_started_the_job(
    county, varied
):
    """A failing provider leaves its factor unknown (the screenings stand), but the levels may
    then be too low: the job's result counts the answers lost, and its last message says so."""
    township_supervisor = user_create(
        username="sup_a", password="x" * 12, role="supervisor", scope=county.township_a
    )
    provider = providers.provider_for("remittances_stopped")

    def broken(chunk, params):
        raise RuntimeError("the remittance database is down")

    failing = dataclasses.replace(provider, batch=broken)
    with mock.patch.dict(providers._PROVIDERS, {"remittances_stopped": failing}):
        job = screen_registry_start(user=township_supervisor)
        run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["failed_facts"] == len(varied)
    assert f"but {len(varied)} facts could not be read" in job.message
    stored = Screening.objects.filter(job=job)
    assert stored.count() == len(varied)
    decoded = storage.decode_many(stored)
    assert {d["remittances_stopped"]["state"] for d in decoded.values()} == {engine.UNKNOWN}


def test_a_caseworker_cannot_screen_the_whole_registry(varied, caseworker_a):
    job = screen_registry_start(user=caseworker_a)
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "supervisor" in job.message
    assert not Screening.objects.exists()


def test_a_rerun_of_a_job_screens_only_the_children_it_has_not_screened(varied, supervisor):
    job = screen_registry_start(user=supervisor, on=dt.date.today())
    rules = current_rule_set()
    # Committed by an earlier attempt, with a gap (worker processes commit chunks out of order).
    earlier = [varied[0], varied[1], varied[4]]
    batch.screen_children(
        Child.objects.filter(pk__in=[c.pk for c in earlier]),
        on=TODAY,
        rule_set=rules,
        user=supervisor,
        job_id=job.pk,
    )
    ids = [c.pk for c in varied]
    assert batch.remaining_ids(Child.objects.filter(pk__in=ids), job.pk) == [
        c.pk for c in varied if c not in earlier
    ]
    counts = batch.screen_children(
        Child.objects.filter(pk__in=ids), on=TODAY, rule_set=rules, user=supervisor, job_id=job.pk
    )
    assert counts["children"] == len(varied) - len(earlier)
    screened = Screening.objects.filter(job=job).values_list("child_id", flat=True)
    assert sorted(screened) == sorted(ids)  # each child once


def test_worker_processes_are_used_only_where_they_can_see_the_data(varied):
    # Inside a test's transaction a forked process would not see the children: one process.
    assert batch.worker_count(4, chunks=10) == 1
    assert batch.worker_count(None, chunks=1) == 1
