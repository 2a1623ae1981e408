"""What the registry-sized benchmarks share: Django set up against the benchmark's database,
and a synthetic registry of N children made once with `kinlink synth` and reused after."""

from __future__ import annotations

import os
import subprocess
import sys
import time


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinlink.settings")
    import django

    django.setup()


def ensure_registry(size: int, seed: int) -> float | None:
    """Seconds spent synthesising, or None when the registry was reused."""
    from django.core.management import call_command

    from kinlink.registry.models import Child

    call_command("migrate", interactive=False, verbosity=0)
    existing = Child.objects.count()
    if existing == size:
        print(f"reusing the registry of {size:,} children")
        return None
    if existing:
        sys.exit(
            f"the database holds {existing:,} children, not {size:,}: "
            "choose another --database-url or drop this database"
        )
    print(f"synthesising {size:,} children (progress on stderr)…", flush=True)
    started = time.perf_counter()
    # In a child process, so this process's peak memory is that of the measurements alone.
    command = [sys.executable, "-m", "kinlink", "synth", f"--children={size}", f"--seed={seed}"]
    subprocess.run(command, check=True)
    return time.perf_counter() - started


def ensure_remittance_months() -> float | None:
    """Seconds spent by `kinlink connection_remittance_months` (rows generated in SQL skip the
    services that keep `RemittanceMonths`), or None if no household lacked its months."""
    from django.core.management import call_command

    from kinlink.connection import selectors

    if not selectors.households_with_remittances(missing_months=True):
        return None
    started = time.perf_counter()
    call_command("connection_remittance_months")
    return time.perf_counter() - started
