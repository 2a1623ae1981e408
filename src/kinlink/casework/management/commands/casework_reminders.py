"""`kinlink casework_reminders`: remind caregivers of their plan tasks falling due (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kinlink.casework.services import caregiver_reminders_send


class Command(BaseCommand):
    help = "Remind caregivers who agreed to reminders of their case-plan tasks falling due."

    def handle(self, *args: Any, **options: Any) -> None:
        deliveries = caregiver_reminders_send()
        counts: dict[str, int] = {}
        for delivery in deliveries:
            counts[delivery.status] = counts.get(delivery.status, 0) + 1
        summary = ", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "none"
        self.stdout.write(f"{len(deliveries)} reminders: {summary}")
