"""Background jobs of the assessment: screening every child in the starter's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kinlink.accounts.models import User
from kinlink.assessment import batch
from kinlink.assessment.permissions import can_screen_registry
from kinlink.assessment.screening.rules import RuleSetError, current_rule_set, rule_set
from kinlink.core.dates import today
from kinlink.jobs.models import Job
from kinlink.jobs.services import JobError, Progress, job_handler, job_start
from kinlink.registry.access import children_visible_to

SCREEN_REGISTRY = "assessment.screen_registry"


def screen_registry_start(*, user: User, on: dt.date | None = None) -> Job:
    """Queue a screening of every child the user may see, with today's rule set."""
    rules = current_rule_set()
    return job_start(
        kind=SCREEN_REGISTRY,
        label=_("Screen every child in scope (%(rules)s)") % {"rules": rules.version},
        user=user,
        params={"on": (on or today()).isoformat(), "rule_set": rules.version},
    )


@job_handler(SCREEN_REGISTRY)
def screen_registry(job: Job, progress: Progress) -> dict[str, Any]:
    """Resumable: each chunk commits with its progress; a rerun screens the children this job
    has not screened yet. Scope is checked when the job runs, not when it was started."""
    user = job.created_by
    if user is None or not can_screen_registry(user):
        raise JobError(_("Only a supervisor can screen every child in scope."))
    try:
        on = dt.date.fromisoformat(job.params["on"])
        rules = rule_set(job.params["rule_set"])
    except (KeyError, ValueError, RuleSetError):
        raise JobError(_("The job was not given a valid date and rule set.")) from None
    children = children_visible_to(user)
    total = children.count()
    already = job.progress_done

    def report(done: int) -> None:
        count = already + done
        progress(
            count,
            total,
            ngettext(
                "Screened %(done)d of %(total)d child.",
                "Screened %(done)d of %(total)d children.",
                total,
            )
            % {"done": count, "total": total},
        )

    counts = batch.screen_children(
        children,
        on=on,
        rule_set=rules,
        user=user,
        job_id=job.pk,
        progress=report,
        per_child=total <= batch.PER_CHILD_LIMIT,
    )
    if total == 0:
        progress(0, 0, _("There were no children to screen."))
    elif counts["failed_facts"]:
        # The screenings stand (the factors say "could not be read"), but whoever started the
        # job must know that levels may be too low: the job's last message says so.
        done = already + counts["children"]
        progress(
            done,
            total,
            ngettext(
                "Screened %(done)d of %(total)d children, but %(failed)d fact could not be read "
                "(its factor is unknown): an administrator should check the log.",
                "Screened %(done)d of %(total)d children, but %(failed)d facts could not be read "
                "(their factors are unknown): an administrator should check the log.",
                counts["failed_facts"],
            )
            % {"done": done, "total": total, "failed": counts["failed_facts"]},
        )
    return counts
