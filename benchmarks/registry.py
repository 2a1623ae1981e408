"""Registry benchmark: name search (characters and pinyin) and the child's page, within a
caseworker's scope, on a synthetic registry of N children (made with `kinlink synth` if the
database is empty, reused if it already holds N).

    .venv/bin/python benchmarks/registry.py --size 1000000 --runs 200 \
        --database-url postgres://postgres@127.0.0.1:5432/kinlink_bench

Prints readable lines, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

from common import ensure_registry, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kinlink_bench"
BENCH_USER = "bench_caseworker"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="children in the registry")
    parser.add_argument("--runs", type=int, default=200, help="repetitions per measurement")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--seed", type=int, default=2024, help="seed of the synthetic registry")
    return parser.parse_args(argv)


def _setup(database_url: str) -> None:
    setup_django(database_url)
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client use its "testserver" host


def _caseworker() -> Any:
    """A caseworker scoped to the first township of the demo county, made once."""
    from kinlink.accounts.models import User
    from kinlink.accounts.services import user_create
    from kinlink.demo.synthetic import DEMO_COUNTY_CODE
    from kinlink.places.models import Place

    user = User.objects.filter(username=BENCH_USER).first()
    if user is not None:
        return user
    county = Place.objects.get(code=f"{DEMO_COUNTY_CODE}000000")
    township = Place.objects.filter(parent=county).order_by("code").first()
    return user_create(
        username=BENCH_USER,
        password=os.urandom(16).hex(),
        role="caseworker",
        scope=township,
        check_password=False,
    )


def _p(ordered: list[float], percent: int) -> float:
    return round(statistics.quantiles(ordered, n=100, method="inclusive")[percent - 1] * 1000, 2)


def _measure(runs: int, inputs: list[Any], action: Callable[[Any], object]) -> dict[str, Any]:
    """Wall-clock p50/p95 in ms, and this process's CPU time per run (Python and Django, not
    the database server), which other load on the machine inflates far less."""
    for value in inputs[:5]:  # warm the caches and the connection
        action(value)
    wall, cpu = [], []
    for i in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        action(inputs[i % len(inputs)])
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    wall.sort()
    cpu.sort()
    return {
        "p50_ms": _p(wall, 50),
        "p95_ms": _p(wall, 95),
        "max_ms": round(wall[-1] * 1000, 2),
        "cpu_p50_ms": _p(cpu, 50),
        "cpu_p95_ms": _p(cpu, 95),
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    _setup(args.database_url)
    from django.db import connection
    from django.test import Client

    from kinlink.core.names import fold
    from kinlink.registry import access
    from kinlink.registry.derived import child_status
    from kinlink.registry.models import Adult, Child, Household
    from kinlink.registry.selectors import ChildFilters, child_search

    started = time.perf_counter()
    synth_seconds = ensure_registry(args.size, args.seed)
    user = _caseworker()
    in_scope = access.children_visible_to(user)
    scope_size = in_scope.count()
    rng = random.Random(args.seed)
    ids = list(in_scope.values_list("id", flat=True))
    sample = list(
        Child.objects.filter(id__in=rng.sample(ids, min(len(ids), 100))).values_list(
            "id", "family_name", "given_name", "family_name_latin", "given_name_latin"
        )
    )
    characters = [f + g for _, f, g, _, _ in sample]
    pinyin = [f"{fold(fl)} {fold(gl)}" for _, _, _, fl, gl in sample]
    print(f"caseworker scope: {scope_size:,} of {args.size:,} children; {len(sample)} sample names")

    def search(query: str) -> None:
        results = child_search(user, ChildFilters(q=query))
        page = list(results[:25])
        total = results.count()
        assert page and total >= 1, query  # each query names a child in scope

    results: dict[str, Any] = {}
    results["search_characters"] = _measure(args.runs, characters, search)
    results["search_pinyin"] = _measure(args.runs, pinyin, search)

    client = Client()
    client.force_login(user)
    child_ids = [row[0] for row in sample]
    try:
        probe_status = client.get(f"/children/{child_ids[0]}/").status_code
    except Exception as exc:  # a page still being built elsewhere must not stop the search figures
        probe_status = f"{type(exc).__name__}: {exc}"
    if probe_status == 200:
        page_label = "child_page"

        def child_page(pk: int) -> None:
            response = client.get(f"/children/{pk}/")
            assert response.status_code == 200, response.status_code

        results[page_label] = _measure(args.runs, child_ids, child_page)
    else:
        page_label = "child_for_user_and_status"
        print(f"/children/<id>/ answered {probe_status}: measuring the reads it would make")

        def child_reads(pk: int) -> None:
            child_status(access.child_for_user(user, pk))

        results[page_label] = _measure(args.runs, child_ids, child_reads)

    for name, figures in results.items():
        print(
            f"{name:<26} p50 {figures['p50_ms']:8.2f} ms   p95 {figures['p95_ms']:8.2f} ms   "
            f"max {figures['max_ms']:8.2f} ms   (this process's CPU: p50 "
            f"{figures['cpu_p50_ms']:.2f} ms, p95 {figures['cpu_p95_ms']:.2f} ms; "
            f"{figures['runs']} runs)"
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 1")
        database_version = cursor.fetchone()[0]
    summary = {
        "sizes": {
            "children": Child.objects.count(),
            "adults": Adult.objects.count(),
            "households": Household.objects.count(),
            "children_in_scope": scope_size,
        },
        "seconds": {
            "synth": round(synth_seconds, 1) if synth_seconds is not None else None,
            "synth_cpu": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime, 1)
            if synth_seconds is not None
            else None,
            "total": round(time.perf_counter() - started, 1),
        },
        "measurements_ms": results,
        "peak_memory_mb": {
            "benchmark": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "synth": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
            if synth_seconds is not None
            else None,
        },
        "machine": {
            "cores": os.cpu_count(),
            # Other work on the machine inflates every figure: say how busy it was.
            "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "database": connection.vendor,
            "database_version": str(database_version),
        },
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
