"""`kinlink synth`: a large synthetic registry in the configured database, for benchmarks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from kinlink.demo import services


class Command(BaseCommand):
    help = "Generate a synthetic registry of N children into the configured (empty) database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, required=True)
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument(
            "--batch", type=int, default=50_000, help="children generated and written at a time"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        children, batch = options["children"], options["batch"]
        if children < 1 or batch < 1:
            raise CommandError(_("--children and --batch must be at least 1."))

        def progress(done: int, total: int, seconds: float) -> None:
            left = seconds / done * (total - done) if done else 0
            self.stderr.write(
                _("synth: %(done)s / %(total)s children, %(seconds).0f s, about %(left).0f s left")
                % {"done": f"{done:,}", "total": f"{total:,}", "seconds": seconds, "left": left}
            )

        try:
            result = services.registry_load(
                children=children,
                seed=options["seed"],
                batch_size=batch,
                command="synth",
                progress=progress,
            )
        except services.RegistryNotEmpty as exc:
            raise CommandError(
                _("The database already has children; synth fills an empty registry only.")
            ) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        counts = result.counts
        self.stdout.write(
            _(
                "Wrote %(children)s children, %(adults)s adults, %(households)s households in "
                "%(villages)s villages of %(counties)s counties into %(vendor)s in %(seconds).1f s."
            )
            % {
                "children": f"{counts['children']:,}",
                "adults": f"{counts['adults']:,}",
                "households": f"{counts['households']:,}",
                "villages": f"{sum(1 for _ in result.layout.villages()):,}",
                "counties": len(result.layout.counties),
                "vendor": connection.vendor,
                "seconds": result.seconds,
            }
        )
