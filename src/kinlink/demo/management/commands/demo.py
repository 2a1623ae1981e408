"""`kinlink demo`: a database with a synthetic county and one account per role, then serve."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kinlink.demo import services
from kinlink.registry.models import Child

DEFAULT_SEED = 2024
DEFAULT_CHILDREN = 6000


class Command(BaseCommand):
    help = "Create the database, load a synthetic county and demo accounts, and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--children", type=int, default=DEFAULT_CHILDREN, help="size of the county"
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve", action="store_true", help="prepare the database and accounts only"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["children"] < 1:
            raise CommandError(_("--children must be at least 1."))
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write(_("Preparing the database…"))
        call_command("migrate", interactive=False, verbosity=0)
        if Child.objects.exists():
            self.stdout.write(_("The database already has children: reusing them."))
        else:
            self.stdout.write(
                _("Loading a synthetic county of %(n)s children (seed %(seed)s)…")
                % {"n": f"{options['children']:,}", "seed": options["seed"]}
            )
            result = services.registry_load(
                children=options["children"], seed=options["seed"], command="demo"
            )
            self.stdout.write(
                _("Loaded %(children)s children in %(households)s households in %(seconds).1f s.")
                % {
                    "children": f"{result.counts['children']:,}",
                    "households": f"{result.counts['households']:,}",
                    "seconds": result.seconds,
                }
            )
        password = services.demo_password()
        try:
            users = services.demo_users_ensure(password=password)
        except services.DemoCountyMissing as exc:
            raise CommandError(
                _("This database holds children but not the demo county; use an empty database.")
            ) from exc
        except ValidationError as exc:
            raise CommandError(
                _("KINLINK_DEMO_PASSWORD is too weak: %(reasons)s")
                % {"reasons": " ".join(exc.messages)}
            ) from exc
        self._print_accounts(users, password, options)
        if not options["no_serve"]:
            self._serve(options["host"], options["port"])

    def _print_accounts(self, users: list, password: str, options: dict[str, Any]) -> None:
        url = f"http://{options['host']}:{options['port']}/"
        lines = ["", _("Demo accounts (all with the same password):")]
        for user in users:
            where = user.school.name if user.school_id else user.scope.name if user.scope else ""
            lines.append(f"  {user.username:<14} {user.role_label:<22} {where}")
        lines += ["", _("Password: %(password)s") % {"password": password}]
        if not options["no_serve"]:
            lines.append(_("Open %(url)s and sign in.") % {"url": url})
        lines.append("")
        self.stdout.write("\n".join(lines))

    def _serve(self, host: str, port: int) -> None:
        try:
            # Imported here: the jobs app's server is built alongside this command.
            from kinlink.jobs.server import serve
        except ImportError:
            self.stderr.write(
                _("The background worker is not available; serving pages only (runserver).")
            )
            call_command("runserver", f"{host}:{port}", use_reloader=False)
            return
        sys.stdout.flush()
        serve(host, port)
