"""`kinlink connection_messages`: send contact-plan reminders and messages whose quiet hours
are over. Meant to run every hour (cron or the jobs worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kinlink.connection.messaging import contact_plan_reminders, deliveries_send_due
from kinlink.connection.models import Delivery


class Command(BaseCommand):
    help = "Send due reminders to parents who opted in, and deferred messages now due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-reminders", action="store_true", help="only send deferred messages"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent_due = deliveries_send_due()
        created = [] if options["no_reminders"] else contact_plan_reminders()
        counts = {status: 0 for status in Delivery.Status.values}
        for delivery in created:
            counts[delivery.status] += 1
        self.stdout.write(
            f"deferred messages sent: {sent_due}; reminders: "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
        )
