"""Background jobs of the connection app: writing the remittances by month that a rate change
left missing (`services.exchange_rate_set` starts it)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import ngettext

from kinlink.connection import selectors, services
from kinlink.jobs.models import Job
from kinlink.jobs.services import Progress, job_handler


@job_handler(services.REWRITE_MONTHS)
def rewrite_remittance_months(job: Job, progress: Progress) -> dict[str, int]:
    """Resumable: each step writes the months of a batch of households that have none, with
    its progress; a rerun (or a later job) finds the households still without."""
    households = selectors.households_with_remittances(missing_months=True)
    already = job.progress_done
    total = already + len(households)
    written = 0
    for start in range(0, len(households), services.REFRESH_CHUNK):
        batch = households[start : start + services.REFRESH_CHUNK]
        with transaction.atomic():
            written += services.remittance_months_refresh(batch)
            done = already + start + len(batch)
            progress(
                done,
                total,
                ngettext(
                    "Remittances by month written for %(done)d of %(total)d household.",
                    "Remittances by month written for %(done)d of %(total)d households.",
                    total,
                )
                % {"done": done, "total": total},
            )
    return {"households": len(households), "written": written}
