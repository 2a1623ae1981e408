"""`kinlink serve`: the production web server and the job worker together (see jobs.server)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kinlink.jobs.server import ServerError, default_workers, serve


class Command(BaseCommand):
    help = "Serve Kinlink with gunicorn and run the background-job worker alongside it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=f"Gunicorn worker processes (default here: {default_workers()}).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Serve pages only; job workers run elsewhere (`kinlink db_worker`).",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int | None,
        no_worker: bool,
        **options: Any,
    ) -> None:
        if workers is not None and workers < 1:
            raise CommandError("--workers must be at least 1")
        try:
            serve(host=host, port=port, workers=workers, with_worker=not no_worker)
        except ServerError as exc:
            raise CommandError(str(exc)) from exc
