"""Import benchmark: a synthetic school roster of N rows (CSV, and XLSX) imported through the
services the import page uses: upload (the format told from the bytes, headers read), check
(every row read and validated, nothing written) and accept (read and validated again, then every
good row written in one transaction). The issue's target: 100,000 rows in under a minute.

    .venv/bin/python benchmarks/import.py                       # SQLite, var/bench/import.sqlite3
    .venv/bin/python benchmarks/import.py --size 10000 --runs 1
    .venv/bin/python benchmarks/import.py \\
        --database-url postgres://postgres@127.0.0.1:5432/kinlink_h_import_bench

Each run is a fresh process (so its peak memory is its own) importing a file no run imported
before (re-importing the same bytes would change nothing); the rows of earlier benchmark runs
are deleted first, untimed. A format's figures are the median of --runs runs. Prints readable
lines, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import setup_django

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'bench' / 'import.sqlite3'}"
TARGET = {"rows": 100_000, "seconds": 60}
HEADER = ["学号", "姓名", "性别", "出生日期", "学校", "年级", "出勤率", "村"]
FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "子轩浩宇欣怡梓涵雨桐宇航思彤俊杰可馨一诺佳琪博文诗涵天佑语嫣嘉豪若曦明轩雅静志强"
VILLAGES = ["上坝村", "下坝村", "河口村", "石桥村"]
USERNAME = "import-benchmark"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="rows in the file")
    parser.add_argument("--runs", type=int, default=3, help="runs per format")
    parser.add_argument("--formats", default="csv,xlsx", help="csv, xlsx or both")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # "format:run": one run, in a child
    return parser.parse_args(argv)


def roster_rows(size: int, seed: int) -> list[list[Any]]:
    """Rows as a school clerk types them: a few date styles, sex in characters, a share with
    typos the check names (an unreadable date, a percentage over 100)."""
    rng = random.Random(seed)
    on = dt.date(2026, 9, 1)
    rows = []
    for i in range(size):
        born = on - dt.timedelta(days=rng.randint(6 * 365, 15 * 365))
        style = i % 3
        date = (
            f"{born.year}/{born.month}/{born.day}"
            if style == 0
            else born.isoformat()
            if style == 1
            else f"{born.year}年{born.month}月{born.day}日"
        )
        if i % 997 == 0:
            date = f"{born.year}年13月{born.day}日"  # an error the check reports
        given = "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        rows.append(
            [
                f"S{seed}-{i:07d}",
                rng.choice(FAMILY) + given,
                rng.choice("男女"),
                date,
                "S-BENCH",
                str(rng.randint(1, 9)),
                f"{rng.randint(60, 100)}%",
                rng.choice(VILLAGES),
            ]
        )
    return rows


def file_bytes(fmt: str, rows: list[list[Any]]) -> bytes:
    if fmt == "csv":
        lines = [",".join(HEADER)] + [",".join(map(str, row)) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fixtures() -> tuple[Any, Any]:
    """A county with a township, its villages and one school, and a caseworker there."""
    from kinlink.accounts.models import User
    from kinlink.accounts.services import user_create
    from kinlink.places.models import Place, PlaceLevel, School
    from kinlink.places.services import place_create

    user = User.objects.filter(username=USERNAME).first()
    if user is not None:
        return user, School.objects.get(code="S-BENCH")
    levels = {
        depth: PlaceLevel.objects.get_or_create(depth=depth, defaults={"name": name})[0]
        for depth, name in enumerate(["province", "county", "township", "village"], start=1)
    }
    province = place_create(name="基准省", code="990000", level=levels[1])
    county = place_create(name="基准县", code="990100", level=levels[2], parent=province)
    town = place_create(name="基准镇", code="990101001", level=levels[3], parent=county)
    for i, name in enumerate(VILLAGES):
        place_create(name=name, code=f"990101001{i:03d}", level=levels[4], parent=town)
    school = School.objects.create(name="基准镇中心小学", code="S-BENCH", place=town)
    assert Place.objects.filter(parent=town).count() == len(VILLAGES)
    user = user_create(username=USERNAME, password=os.urandom(16).hex(), role="caseworker",
                       scope=town)  # fmt: skip
    return user, school


def _one_run(fmt: str, run: int, size: int, seed: int, database_url: str) -> dict[str, Any]:
    """Make the file, clear earlier runs' rows, then time upload, check and accept."""
    setup_django(database_url)
    from django.core.management import call_command

    from kinlink.identification import services
    from kinlink.identification.models import ImportBatch

    call_command("migrate", interactive=False, verbosity=0)
    user, school = _fixtures()
    ImportBatch.objects.filter(created_by=user).delete()
    raw = file_bytes(fmt, roster_rows(size, seed * 1000 + run))
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    steps: dict[str, float] = {}
    started = time.perf_counter()
    cpu_started = time.process_time()
    batch, is_new = services.batch_upload(
        actor=user, kind="roster", file_name=f"roster.{fmt}", raw=raw, school=school
    )
    assert is_new, "this file was imported before"
    steps["upload"] = time.perf_counter() - started
    batch = services.batch_check(actor=user, batch=batch, mapping=batch.mapping, school=school)
    steps["check"] = time.perf_counter() - started - steps["upload"]
    batch = services.batch_accept(actor=user, batch=batch)
    seconds = time.perf_counter() - started
    steps["accept"] = seconds - steps["upload"] - steps["check"]
    return {
        "format": fmt,
        "rows": size,
        "bytes": len(raw),
        "imported_rows": batch.good_rows,
        "problems": len(batch.problems),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(time.process_time() - cpu_started, 2),
        "steps": {k: round(v, 2) for k, v in steps.items()},
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "memory_before_import_mb": round(memory_before, 1),
    }


def _in_child(args: argparse.Namespace, fmt: str, run: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--one", f"{fmt}:{run}", "--size", str(args.size),
               "--seed", str(args.seed), "--database-url", args.database_url]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"the {fmt} run {run} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    if args.database_url.startswith("sqlite:///"):
        Path(args.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if args.one:
        fmt, run = args.one.split(":")
        print(json.dumps(_one_run(fmt, int(run), args.size, args.seed, args.database_url)))
        return
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if not formats or set(formats) - {"csv", "xlsx"}:
        sys.exit("--formats takes csv, xlsx or csv,xlsx")
    engine = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    summary: dict[str, Any] = {"rows": args.size, "database": engine, "formats": {}, "runs": {}}
    for fmt in formats:
        runs = [_in_child(args, fmt, i) for i in range(args.runs)]
        figures = {
            "seconds": round(statistics.median(r["seconds"] for r in runs), 2),
            # CPU time of the importing process: on a busy machine, wall time says more about
            # the neighbours than about the import (the database's own work is not in it).
            "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in runs), 2),
            "steps": {
                step: round(statistics.median(r["steps"][step] for r in runs), 2)
                for step in ("upload", "check", "accept")
            },
            "peak_memory_mb": round(statistics.median(r["peak_memory_mb"] for r in runs), 1),
            "bytes": runs[0]["bytes"],
            "imported_rows": runs[0]["imported_rows"],
            "problems": runs[0]["problems"],
        }
        summary["formats"][fmt] = figures
        summary["runs"][fmt] = runs
        steps = figures["steps"]
        print(
            f"{fmt:>4} {args.size:,} rows on {engine}: {figures['seconds']:.1f} s (median of "
            f"{len(runs)}; upload {steps['upload']:.1f}, check {steps['check']:.1f}, accept "
            f"{steps['accept']:.1f}; CPU {figures['cpu_seconds']:.1f} s), peak "
            f"{figures['peak_memory_mb']:,.0f} MB, "
            f"{figures['imported_rows']:,} rows written, {figures['problems']:,} problems named",
            flush=True,
        )
    first = summary["formats"][formats[0]]
    summary.update(
        {
            "seconds": first["seconds"],
            "peak_memory_mb": first["peak_memory_mb"],
            "target": TARGET,
            "machine": {
                "cores": os.cpu_count(),
                "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
        }
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
