"""`kinlink requeue_stale_jobs`: put back in the queue running jobs whose worker went silent."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from kinlink.jobs.services import job_requeue_stale


class Command(BaseCommand):
    help = "Queue again the running jobs that reported no progress for --minutes (default 15)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--minutes", type=int, default=15)

    def handle(self, *args: Any, minutes: int, **options: Any) -> None:
        ids = job_requeue_stale(silent_for=timedelta(minutes=minutes))
        self.stdout.write(f"Requeued {len(ids)} job(s).")
