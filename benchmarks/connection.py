"""Connection benchmark: derive contact and remittance measures for every child and household
of a synthetic registry of N children with 20 contact events each (and 20 remittances per
household), set-based in PostgreSQL (`kinlink.connection.bulk`). Target: under 2 minutes.

    createdb -h 127.0.0.1 -U postgres kinlink_conn_bench
    .venv/bin/python benchmarks/connection.py --size 1000000 \
        --database-url postgres://postgres@127.0.0.1:5432/kinlink_conn_bench

The registry comes from `kinlink synth` (reused when the database already holds N children);
the events are generated in SQL the first time and reused after. Prints readable lines, then
one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from typing import Any

from common import ensure_registry, ensure_remittance_months, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kinlink_conn_bench"
EVENTS_PER_CHILD = 20
REMITTANCES_PER_HOUSEHOLD = 20
TARGET_SECONDS = 120


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="children in the registry")
    parser.add_argument("--runs", type=int, default=2, help="repetitions of each derivation")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--seed", type=int, default=2024, help="seed of the synthetic registry")
    return parser.parse_args(argv)


# Generated in SQL so that 20 million rows take minutes, not hours; setseed makes it repeatable.
# Contacts fall in the 240 days before `on`, alternating between the child's parents; a third
# of the children have a plan with each parent; one pair in twenty had a visit home.
# Remittances: 20 per household over 24 months from a parent of one of its children, one in
# ten in USD and one in twenty in EUR, with weekly rates over three years.
GENERATE = [
    "SELECT setseed(0.2024)",
    """
    CREATE TEMP TABLE bench_pairs AS
    SELECT r.child_id, array_agg(r.adult_id ORDER BY r.kind) AS parents
    FROM registry_relationship r WHERE r.kind IN ('mother', 'father')
    GROUP BY r.child_id
    """,
    """
    INSERT INTO connection_contactevent
        (child_id, parent_id, happened_at, channel, initiated_by, duration_minutes, quality,
         reported_by, created_at)
    SELECT p.child_id,
           p.parents[1 + g %% cardinality(p.parents)],
           %(now)s - make_interval(secs => floor(random() * 240 * 86400)::int),
           (ARRAY['call', 'video', 'message', 'visit'])[1 + floor(random() * 4)::int],
           (ARRAY['parent', 'child', 'caregiver', 'unknown'])[1 + floor(random() * 4)::int],
           CASE WHEN random() < 0.7 THEN floor(random() * 60)::int END,
           (ARRAY['good', 'mixed', 'poor', ''])[1 + floor(random() * 4)::int],
           'import', %(now)s
    FROM bench_pairs p CROSS JOIN generate_series(1, %(events)s) AS g
    """,
    """
    INSERT INTO connection_contactplan
        (child_id, parent_id, contacts_per_30_days, channel, agreed_on, from_pre_departure,
         seeded_from, updated_at)
    SELECT p.child_id, unnest(p.parents), 1 + floor(random() * 8)::int, 'video',
           %(on)s::date - 400, TRUE, '', %(now)s
    FROM bench_pairs p WHERE p.child_id %% 3 = 0
    """,
    """
    INSERT INTO connection_visit
        (child_id, parent_id, kind, started_on, ended_on, reported_by, created_at)
    SELECT p.child_id, p.parents[1], 'home_visit', %(on)s::date - 100 - (p.child_id %% 60)::int,
           %(on)s::date - 90 - (p.child_id %% 60)::int, 'caregiver', %(now)s
    FROM bench_pairs p WHERE p.child_id %% 20 = 0
    """,
    """
    INSERT INTO connection_exchangerate (currency, home_currency, "on", rate, source, created_at)
    SELECT c.currency, 'CNY', d::date, c.base + (random() - 0.5) / 5, 'benchmark', %(now)s
    FROM (VALUES ('USD', 7.1), ('EUR', 7.8)) AS c(currency, base),
         generate_series(%(on)s::date - 1100, %(on)s::date, interval '7 days') AS d
    """,
    """
    CREATE TEMP TABLE bench_senders AS
    SELECT c.household_id, min(p.parents[1]) AS sender
    FROM registry_child c JOIN bench_pairs p ON p.child_id = c.id
    WHERE c.household_id IS NOT NULL GROUP BY c.household_id
    """,
    """
    INSERT INTO connection_remittance
        (household_id, sender_id, amount, currency, received_on, channel, uses, reported_by,
         created_at)
    SELECT s.household_id, s.sender, round((200 + random() * 3000)::numeric, 2),
           CASE WHEN u < 0.10 THEN 'USD' WHEN u < 0.15 THEN 'EUR' ELSE 'CNY' END,
           %(on)s::date - floor(random() * 730)::int, 'mobile', '["school", "food"]', 'caregiver',
           %(now)s
    FROM bench_senders s CROSS JOIN generate_series(1, %(remittances)s) AS g,
         LATERAL (SELECT random() + g * 0 AS u) AS draw
    """,
    "ANALYZE connection_contactevent",
    "ANALYZE connection_remittance",
    "ANALYZE connection_contactplan",
    "ANALYZE connection_exchangerate",
]


def _ensure_events(on: dt.date) -> float | None:
    from django.db import connection, transaction
    from django.utils import timezone

    from kinlink.connection.models import ContactEvent

    if ContactEvent.objects.exists():
        print("reusing the generated contacts and remittances")
        return None
    print("generating contacts, plans, visits, rates and remittances in SQL…", flush=True)
    started = time.perf_counter()
    params = {
        "now": timezone.now(),
        "on": on,
        "events": EVENTS_PER_CHILD,
        "remittances": REMITTANCES_PER_HOUSEHOLD,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in GENERATE:
            step = time.perf_counter()
            cursor.execute(statement, params if "%(" in statement else None)
            print(f"  {statement.split()[0]:<8} {time.perf_counter() - step:7.1f} s", flush=True)
    return time.perf_counter() - started


def _derive(sql: str, params: dict[str, Any], table: str) -> tuple[float, int]:
    """Seconds to compute the measures of everyone into a temporary table, and its rows."""
    from django.db import connection

    from kinlink.connection.bulk import tuned

    with tuned(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")  # table: one of the two names below
        started = time.perf_counter()
        cursor.execute(f"CREATE TEMP TABLE {table} AS {sql}", params)
        seconds = time.perf_counter() - started
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (our own table name)
        return seconds, cursor.fetchone()[0]


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    setup_django(args.database_url)
    from django.db import connection

    from kinlink.connection import bulk
    from kinlink.connection.models import ContactEvent, Remittance
    from kinlink.core.dates import today
    from kinlink.registry.models import Child, Household

    if connection.vendor != "postgresql":
        sys.exit("this benchmark needs PostgreSQL (--database-url postgres://...)")
    on = today()
    started = time.perf_counter()
    synth_seconds = ensure_registry(args.size, args.seed)
    generate_seconds = _ensure_events(on)
    months_seconds = ensure_remittance_months()
    sizes = {
        "children": Child.objects.count(),
        "households": Household.objects.count(),
        "contact_events": ContactEvent.objects.count(),
        "remittances": Remittance.objects.count(),
    }
    print(", ".join(f"{k} {v:,}" for k, v in sizes.items()))

    contact_runs, remittance_runs = [], []
    contact_rows = remittance_rows = 0
    for _ in range(args.runs):
        seconds, contact_rows = _derive(
            bulk.contact_measures_sql(), bulk.contact_params(on), "bench_contact_measures"
        )
        contact_runs.append(round(seconds, 2))
        seconds, remittance_rows = _derive(
            bulk.remittance_measures_sql(), bulk.remittance_params(on), "bench_remittance_measures"
        )
        remittance_runs.append(round(seconds, 2))
        print(
            f"contact measures {contact_runs[-1]:7.2f} s ({contact_rows:,} child-parent pairs)   "
            f"remittance measures {remittance_runs[-1]:7.2f} s ({remittance_rows:,} households)",
            flush=True,
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT child_id) FILTER (WHERE days_since_last >= 30), "
            "count(*) FILTER (WHERE plan_per_30 IS NOT NULL AND last_30 * 2 < plan_per_30) "
            "FROM bench_contact_measures"
        )
        no_contact_30, below_plan = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FILTER (WHERE trend_12 = 'falling'), "
            "count(*) FILTER (WHERE months_since_last >= 3) FROM bench_remittance_measures"
        )
        falling, three_months = cursor.fetchone()
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
    best = min(contact_runs) + min(remittance_runs)
    print(f"both derivations: {best:.1f} s (best runs), target {TARGET_SECONDS} s")
    summary = {
        "sizes": sizes,
        "on": on.isoformat(),
        "seconds": {
            "contact_measures_runs": contact_runs,
            "remittance_measures_runs": remittance_runs,
            "derive_all_best": round(best, 2),
            "synth": round(synth_seconds, 1) if synth_seconds is not None else None,
            "remittance_months": round(months_seconds, 1) if months_seconds is not None else None,
            "generate_events": round(generate_seconds, 1) if generate_seconds else None,
            "total": round(time.perf_counter() - started, 1),
        },
        "target_seconds": TARGET_SECONDS,
        "within_target": best < TARGET_SECONDS,
        "rows": {"contact_pairs": contact_rows, "households": remittance_rows},
        "flags": {
            "children_no_contact_30_days_from_a_parent": no_contact_30,
            "pairs_below_half_plan": below_plan,
            "households_falling_trend": falling,
            "households_3_months_without": three_months,
        },
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "database_version": version,
            "work_mem": work_mem,
        },
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
