"""`kinlink guardianship_clock [--on YYYY-MM-DD]`: move registered declarations to active on their
first day and to expired after their last. Run once a day (a systemd timer or cron); pages do
not wait for it, they compute each declaration's status for the day they show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kinlink.core.dates import today
from kinlink.guardianship.services import declarations_apply_clock


class Command(BaseCommand):
    help = "Activate and expire guardianship declarations by the calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="The day to apply (YYYY-MM-DD); today by default.")

    def handle(self, *args: Any, **options: Any) -> None:
        on = today()
        if options["on"]:
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError("--on takes a date as YYYY-MM-DD") from None
        changed = declarations_apply_clock(on=on)
        self.stdout.write(f"{changed} declaration(s) changed status on {on.isoformat()}.")
