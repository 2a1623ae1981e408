"""`kinlink connection_import_contacts FILE.csv`: import contacts reported in bulk."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kinlink.audit.context import Actor, acting_as
from kinlink.connection.services import IMPORT_COLUMNS, contacts_import


class Command(BaseCommand):
    help = (
        "Import contacts between parents and children from CSV with the columns "
        + ", ".join(IMPORT_COLUMNS)
        + ". Times without an offset are local time. All rows or none are written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file, UTF-8, header on the first row")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            with (
                path.open(encoding="utf-8-sig", newline="") as lines,
                acting_as(Actor(user_id=None, username="import")),
            ):
                result = contacts_import(lines)
        except (OSError, UnicodeDecodeError) as exc:
            self.stderr.write(f"{path.name}: cannot be read: {exc}")
            sys.exit(1)
        if result.errors:
            self.stderr.write(f"{path.name}: nothing imported.")
            for problem in result.errors:
                self.stderr.write(problem)
            sys.exit(1)
        self.stdout.write(f"{result.created} contacts imported from {path.name}.")
