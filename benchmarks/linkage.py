"""Linkage benchmark: link a synthetic village ledger of N children to a school roster of N
pupils (the Chinese corruptions of `identification.linkage.synthetic`, with known truth) and
report wall time, peak memory, and the precision and recall of the links and of the derived
*not enrolled* list. Sizes 10,000 and 100,000 are measured too (up to --size), so the growth of
the cost shows.

    .venv/bin/python benchmarks/linkage.py --size 1000000

Each run is a fresh process (so its peak memory is its own); a size's figures are the median of
--runs runs (one run at 1,000,000 unless asked). No database is used. Prints readable lines,
then one JSON object as the last line. Target at 1,000,000 × 1,000,000: under 3 minutes and
under 4 GB, F1 at least 0.95.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

TARGET = {"seconds": 180, "peak_memory_mb": 4096, "f1": 0.95}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="records on each side")
    parser.add_argument("--runs", type=int, default=3, help="runs per size below 1,000,000")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one run, in a child
    return parser.parse_args(argv)


def _one_run(size: int, seed: int) -> dict[str, Any]:
    """Generate, link and score once; only the link itself is timed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinlink.settings")
    import django

    django.setup()
    from kinlink.identification.linkage import engine, synthetic
    from kinlink.identification.linkage.prepare import prepare, records_from_frame

    started = time.perf_counter()
    data = synthetic.generate(size, seed=seed)
    generate_seconds = time.perf_counter() - started
    ledger = records_from_frame(data.ledger, name="ledger")
    roster = records_from_frame(data.roster, name="roster")
    del data.ledger, data.roster
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    started = time.perf_counter()
    cpu_started = time.process_time()
    prepared_ledger = prepare(ledger)
    result = engine.link(prepared_ledger, prepare(roster))
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started

    found = set(zip(result.matches.left_id, result.matches.right_id, strict=True))
    links = engine.pairwise_scores(found, data.true_links)
    listed = set(
        engine.unlinked_of_age(prepared_ledger, result.matches.left_id, on=data.reference_date)
    )
    not_enrolled = engine.pairwise_scores(
        {(i, i) for i in listed}, {(i, i) for i in data.not_enrolled}
    )
    return {
        "size": size,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "steps": result.timings,
        "generate_seconds": round(generate_seconds, 1),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "memory_before_link_mb": round(memory_before, 1),
        "candidate_pairs": result.candidate_pairs,
        "links": {k: links[k] for k in ("precision", "recall", "f1")},
        "not_enrolled": {k: not_enrolled[k] for k in ("precision", "recall", "f1")},
        "true_links": len(data.true_links),
    }


def _in_child(size: int, seed: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--one", str(size), "--seed", str(seed)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"the run at {size:,} records failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(runs: list[dict[str, Any]], *path: str) -> float:
    values = []
    for run in runs:
        value: Any = run
        for key in path:
            value = value[key]
        values.append(value)
    return round(statistics.median(values), 4)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    if args.one:
        print(json.dumps(_one_run(args.one, args.seed)))
        return
    sizes = sorted({s for s in (10_000, 100_000) if s < args.size} | {args.size})
    summary: dict[str, Any] = {"sizes": {}, "runs": {}}
    for size in sizes:
        count = 1 if size >= 1_000_000 else args.runs
        runs = [_in_child(size, args.seed + i) for i in range(count)]
        figures = {
            "seconds": _median(runs, "seconds"),
            "cpu_seconds": _median(runs, "cpu_seconds"),
            "peak_memory_mb": _median(runs, "peak_memory_mb"),
            "candidate_pairs": _median(runs, "candidate_pairs"),
            "links": {k: _median(runs, "links", k) for k in ("precision", "recall", "f1")},
            "not_enrolled": {
                k: _median(runs, "not_enrolled", k) for k in ("precision", "recall", "f1")
            },
        }
        summary["sizes"][str(size)] = figures
        summary["runs"][str(size)] = runs
        print(
            f"{size:>9,} × {size:,}: {figures['seconds']:7.1f} s (median of {count}), peak "
            f"{figures['peak_memory_mb']:,.0f} MB; links P {figures['links']['precision']} "
            f"R {figures['links']['recall']} F1 {figures['links']['f1']}; not enrolled F1 "
            f"{figures['not_enrolled']['f1']}",
            flush=True,
        )
    largest = summary["sizes"][str(sizes[-1])]
    summary.update(
        {
            "size": sizes[-1],
            "seconds": largest["seconds"],
            "peak_memory_mb": largest["peak_memory_mb"],
            "accuracy": {"links": largest["links"], "not_enrolled": largest["not_enrolled"]},
            "target": TARGET,
            "machine": {
                "cores": os.cpu_count(),
                "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
                "python": platform.python_version(),
            },
        }
    )
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
