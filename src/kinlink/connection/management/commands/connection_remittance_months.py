"""`kinlink connection_remittance_months [--all]`: write the households' remittances by month.

The services keep `RemittanceMonths` as remittances and rates are written. Households whose
remittances came in another way (a database upgraded from before the table, rows loaded in
bulk, a change of home currency) have none, and are read from their records until this runs.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kinlink.connection import selectors, services


class Command(BaseCommand):
    help = (
        "Summarise remittances by month for the households that have none in the home currency "
        "(--all: for every household with a remittance)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="rewrite every household's, not only the missing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        households = selectors.households_with_remittances(missing_months=not options["all"])
        written = services.remittance_months_refresh(households)
        self.stdout.write(
            f"{len(households):,} households read, {written:,} summarised "
            f"({len(households) - written:,} with an amount that has no rate) "
            f"in {time.perf_counter() - started:.1f} s"
        )
