"""Screening benchmark: screen every child of a synthetic registry of N children on PostgreSQL
with the set-based path the registry-wide job uses (made with `kinlink synth` if the database is
empty, reused if it already holds N).

    createdb -h 127.0.0.1 -U postgres kinlink_screen_bench
    .venv/bin/python benchmarks/screening.py --size 1000000 \
        --database-url postgres://postgres@127.0.0.1:5432/kinlink_screen_bench

Screenings of earlier runs are removed before each run, so runs compare; the median of
`--runs` runs (3) is reported. On PostgreSQL the screen uses one worker process per core
(`--workers` to choose). Prints readable
lines, then one JSON object as the last line. Target: 1,000,000 children in under 60 seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from typing import Any

from common import ensure_registry, ensure_remittance_months, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kinlink_screen_bench"
TARGET_SECONDS = 60


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="children in the registry")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--seed", type=int, default=2024, help="seed of the synthetic registry")
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is reported")
    parser.add_argument("--chunk", type=int, default=0, help="children per chunk (0: default)")
    parser.add_argument(
        "--workers", type=int, default=0, help="worker processes (0: the setting, one per core)"
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=0,
        help="screen only the first N children by id (0: all); the registry keeps --size",
    )
    parser.add_argument(
        "--per-child",
        action="store_true",
        help="also read facts whose provider has no set-based path, child by child (slow)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    setup_django(args.database_url)
    from django.db import connection

    from kinlink.assessment import batch
    from kinlink.assessment.models import Screening
    from kinlink.assessment.screening import providers
    from kinlink.assessment.screening.rules import current_rule_set
    from kinlink.core.dates import today
    from kinlink.registry.models import Child

    if connection.vendor != "postgresql":
        sys.exit("this benchmark measures PostgreSQL: give a postgres:// --database-url")
    synth_seconds = ensure_registry(args.size, args.seed)
    months_seconds = ensure_remittance_months()
    rules = current_rule_set()
    child_by_child = [
        f.code
        for f in rules.factors
        if (p := providers.provider_for(f.code)) is not None and p.batch is None
    ]
    print(f"rule set {rules.version}: {len(rules.factors)} factors")
    if child_by_child and not args.per_child:
        print(f"read child by child, left unknown in bulk: {', '.join(child_by_child)}")
    chunk = args.chunk or batch.CHUNK_SIZE
    children = Child.objects.all()
    if args.limit:
        last = children.order_by("pk").values_list("pk", flat=True)[args.limit - 1]
        children = children.filter(pk__lte=last)
    # What the connection facts have to read: the registry from `kinlink synth` has none;
    # benchmarks/connection.py adds 20 contacts a child and 20 remittances a household.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM connection_contactevent")
        contact_events = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM connection_remittance")
        remittances = cursor.fetchone()[0]
    print(f"{contact_events:,} contact events and {remittances:,} remittances in the database")

    def one_run() -> tuple[float, dict[str, int], dict[str, float]]:
        # Only this benchmark writes screenings in its database: start from none, so runs
        # compare.
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {connection.ops.quote_name(Screening._meta.db_table)}")
            cursor.execute("ANALYZE")
        marks: list[float] = []
        started = time.perf_counter()

        def progress(done: int) -> None:
            marks.append(time.perf_counter() - started)
            if len(marks) % 10 == 0:
                print(f"  {done:,} children, {marks[-1]:.1f} s", flush=True)

        timings: dict[str, float] = {}
        counts = batch.screen_children(
            children,
            on=today(),
            rule_set=rules,
            user=None,
            chunk_size=chunk,
            progress=progress,
            per_child=args.per_child,
            timings=timings,
            workers=args.workers or None,
        )
        return time.perf_counter() - started, counts, timings

    runs = []
    for number in range(1, args.runs + 1):
        seconds, counts, timings = one_run()
        runs.append((seconds, counts, timings))
        print(f"run {number}: {counts['children']:,} children in {seconds:.1f} s", flush=True)
    seconds, counts, timings = sorted(runs, key=lambda run: run[0])[len(runs) // 2]  # median
    stored = Screening.objects.count()
    rate = counts["children"] / seconds if seconds else 0.0
    failed_facts = max(run_counts["failed_facts"] for _s, run_counts, _t in runs)
    if failed_facts:
        print(f"WARNING: {failed_facts:,} facts could not be read in a run (see the log above)")
    print(
        f"median of {len(runs)} runs: {counts['children']:,} children in {seconds:.1f} s "
        f"({rate:,.0f} a second); high {counts['high']:,}, medium {counts['medium']:,}, "
        f"low {counts['low']:,}"
    )
    workers = batch.worker_count(args.workers or None, -(-counts["children"] // chunk))
    print(
        f"{workers} worker process(es); summed over them: reading facts {timings['facts']} s, "
        f"scoring {timings['scoring']} s, writing {timings['writing']} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        database_version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_total_relation_size(%s)", [Screening._meta.db_table])
        table_bytes = cursor.fetchone()[0]
    summary: dict[str, Any] = {
        "benchmark": "screening",
        "children": counts["children"],
        "registry_children": args.size,
        "contact_events_in_database": contact_events,
        "remittances_in_database": remittances,
        "screenings_stored": stored,
        "seconds": round(seconds, 1),
        "runs_seconds": [round(run[0], 1) for run in runs],
        "workers": workers,
        "seconds_by_step_summed_over_workers": timings,
        "children_per_second": round(rate),
        "target_seconds": TARGET_SECONDS,
        # A provider that failed left its factor unknown: such a run measures less work.
        "failed_facts": failed_facts,  # the most in any run
        "met_target": seconds < TARGET_SECONDS
        and counts["children"] >= 1_000_000
        and not failed_facts,
        "levels": {k: counts[k] for k in ("high", "medium", "low")},
        "unknown_factors_per_child": round(
            counts["unknown_factors"] / max(counts["children"], 1), 2
        ),
        "rule_set": rules.version,
        "chunk": chunk,
        "left_unknown_in_bulk": [] if args.per_child else child_by_child,
        "synth_seconds": round(synth_seconds, 1) if synth_seconds is not None else None,
        "remittance_months_seconds": (
            round(months_seconds, 1) if months_seconds is not None else None
        ),
        "screening_table_mb": round(table_bytes / 2**20, 1),
        # The largest of this process and its worker processes (RUSAGE_CHILDREN: the largest
        # child), in MB.
        "peak_memory_mb": round(
            max(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            )
            / 1024,
            1,
        ),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "database": database_version.split(" on ")[0],
        },
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
