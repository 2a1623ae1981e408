"""Job handlers that ship with the jobs app: upkeep of the registry's derived columns.

Other apps register their handlers in their own `tasks.py`; this one lives here so that the
registry itself needs no change (move it to `registry/tasks.py` when its owner wants it).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kinlink.jobs.models import Job
from kinlink.jobs.services import JobError, Progress, job_handler
from kinlink.registry.access import children_visible_to
from kinlink.registry.services import refresh_left_behind as refresh

# Children per committed step: small enough that a SQLite write lock is held briefly, large
# enough that progress updates cost little next to the work.
REFRESH_BATCH = 100


def _child_ids(params: dict[str, Any]) -> list[int]:
    raw = params.get("child_ids")
    if not isinstance(raw, list) or not all(isinstance(i, int) for i in raw):
        raise JobError(_("The job was not given a list of child record numbers."))
    return list(dict.fromkeys(raw))  # without repeats, in the order given


@job_handler("registry.refresh_left_behind")
def refresh_left_behind(job: Job, progress: Progress) -> dict[str, Any]:
    """Recompute who is away for each child in params["child_ids"] the starter may see.

    Resumable: each batch commits with its progress, and a rerun starts at `job.progress_done`.
    Recomputing is idempotent too, so a batch done twice would do no harm.
    """
    ids = _child_ids(job.params)
    total = len(ids)
    user = job.created_by
    start = min(job.progress_done, total)
    for begin in range(start, total, REFRESH_BATCH):
        batch = ids[begin : begin + REFRESH_BATCH]
        end = begin + len(batch)
        with transaction.atomic():
            # Scope is checked now, not when the job was started: access may have changed.
            children = children_visible_to(user).filter(pk__in=batch).order_by("pk") if user else []
            for child in children:
                refresh(child)
            progress(
                end,
                total,
                ngettext(
                    "Checked %(done)d of %(total)d child.",
                    "Checked %(done)d of %(total)d children.",
                    total,
                )
                % {"done": end, "total": total},
            )
    if total == 0:
        progress(0, 0, _("There were no children to check."))
    return {"children": total}
