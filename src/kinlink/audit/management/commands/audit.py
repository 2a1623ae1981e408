"""`kinlink audit verify`: recompute the hash chain and name the first entry that fails."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kinlink.audit.models import AuditEntry
from kinlink.audit.services import audit_verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        problem = audit_verify()
        if problem is not None:
            raise CommandError(f"audit entry {problem.seq}: {problem.reason}")
        self.stdout.write(f"audit log intact: {AuditEntry.objects.count()} entries")
