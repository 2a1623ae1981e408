"""`kinlink connection_rules [DIR]`: check the social-assistance programme files and list them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kinlink.connection import conf
from kinlink.connection.rules import RuleFileError, load_programmes


class Command(BaseCommand):
    help = "Check the programme rule files (JSON or YAML) and list the programmes they define."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "directory", nargs="?", help="Directory of rule files (default: the configured one)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"]) if options["directory"] else conf.rules_dir()
        try:
            programmes = load_programmes(directory)
        except RuleFileError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        if not programmes:
            self.stderr.write(f"No rule files in {directory}")
            sys.exit(1)
        for p in sorted(programmes, key=lambda p: (p.id, p.valid_from)):
            self.stdout.write(
                f"{p.key}\tfrom {p.valid_from}\t{p.measure}"
                f" ({p.smoothing_months} months)\t{p.threshold} {p.currency}\t{p.file}"
            )
