"""Background jobs: write a long imported list, link a list to the registry children in the
starter's scope, and look for children registered twice within the registry."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kinlink.accounts.models import Role, User
from kinlink.core.dates import today
from kinlink.identification import conf, services
from kinlink.identification.access import batches_visible_to, can_identify
from kinlink.identification.linkage.engine import LinkOptions, dedupe, link
from kinlink.identification.linkage.prepare import LinkageInputError, records_from_frame
from kinlink.identification.linking import (
    assign,
    duplicate_pairs,
    pairs_from_matches,
    registry_frame,
    source_frame,
)
from kinlink.identification.models import BatchStatus, DuplicateStatus, ImportBatch, SourceRow
from kinlink.jobs.models import Job
from kinlink.jobs.services import JobError, Progress, job_handler, job_start
from kinlink.registry.access import children_for_deduplication, children_visible_to

LINK_BATCH = "identification.link_batch"
IMPORT_BATCH = "identification.import_batch"
DEDUPE_REGISTRY = "identification.dedupe_registry"


def import_start(*, actor: User, batch: ImportBatch) -> Job:
    """Queue the writing of a checked list's good rows (for lists too long for one request)."""
    if batch.status != BatchStatus.CHECKED:
        raise services.IdentificationError(_("Check the list before accepting it."))
    return job_start(
        kind=IMPORT_BATCH,
        label=_("Import %(list)s") % {"list": batch},
        user=actor,
        params={"batch_id": batch.pk},
    )


@job_handler(IMPORT_BATCH, atomic=True)
def import_batch(job: Job, progress: Progress) -> dict[str, Any]:
    """All or nothing: the rows and the job's success commit together, so a retry after a
    failure starts afresh and can never write the rows twice."""
    user = job.created_by
    if user is None or not can_identify(user):
        raise JobError(_("Only a caseworker or supervisor can import a list."))
    batch = batches_visible_to(user).filter(pk=job.params.get("batch_id")).first()
    if batch is None:
        raise JobError(_("The list to import is not in your area."))
    try:
        batch = services.batch_accept(actor=user, batch=batch)
    except services.IdentificationError as exc:
        raise JobError(str(exc)) from None
    progress(1, 1, _("%(n)d rows imported.") % {"n": batch.good_rows})
    return {"batch": batch.pk, "rows": batch.good_rows}


def link_start(*, actor: User, batch: ImportBatch) -> Job:
    """Queue the linking of an imported list (params hold ids only, never names)."""
    if batch.status != BatchStatus.IMPORTED:
        raise services.IdentificationError(_("Only an imported list can be linked."))
    return job_start(
        kind=LINK_BATCH,
        label=_("Link %(list)s to the registry") % {"list": batch},
        user=actor,
        params={"batch_id": batch.pk},
    )


@job_handler(LINK_BATCH)
def link_batch(job: Job, progress: Progress) -> dict[str, Any]:
    """One step: the engine scores the pairs (no writes), then the run and every pair are
    stored with the job's progress in one transaction. A rerun starts afresh and replaces
    the run it finds. Scope is checked when the job runs, not when it was started."""
    user = job.created_by
    if user is None or not can_identify(user):
        raise JobError(_("Only a caseworker or supervisor can link a list to the registry."))
    batch = (
        batches_visible_to(user)
        .filter(pk=job.params.get("batch_id"), status=BatchStatus.IMPORTED)
        .first()
    )
    if batch is None:
        raise JobError(_("The list to link is not in your area or was not imported."))
    accept, review = conf.thresholds()
    progress(0, 3, _("Reading the list and the registry."))
    children = children_visible_to(user).filter(home_village__path__startswith=batch.place.path)
    registry = registry_frame(children, today())
    if registry.empty:
        raise JobError(_("There are no registered children in this area to link with."))
    rows = SourceRow.objects.filter(batch=batch)
    try:
        left = records_from_frame(source_frame(rows), name=str(batch))
        right = records_from_frame(registry, name=_("the registry"))
        progress(1, 3, _("Comparing %(rows)d rows with %(children)d registered children.") % {
            "rows": len(left), "children": len(right)})  # fmt: skip
        result = link(
            left,
            right,
            LinkOptions(threshold=review, one_to_one=False, backend=conf.backend()),
        )
    except LinkageInputError as exc:
        raise JobError(str(exc)) from None
    fingerprints = dict(rows.values_list("pk", "fingerprint"))
    assignment = assign(
        pairs_from_matches(result.matches, result.fields),
        fingerprints=fingerprints,
        decisions=services.live_decisions(batch),
        children={int(i) for i in registry["record_id"]},
        accept=accept,
        one_row_per_child=services.one_row_per_child(batch.kind),
    )
    counts = assignment.counts()
    with transaction.atomic():
        run = services.link_run_record(
            actor=user,
            batch=batch,
            job=job,
            assignment=assignment,
            accept=accept,
            review=review,
            registry_children=len(registry),
            fields=list(result.fields),
            notes=list(result.notes),
        )
        linked = counts.get("accepted", 0) + counts.get("confirmed", 0)
        progress(
            3,
            3,
            _("%(linked)d rows linked, %(review)d pairs to review, out of %(rows)d rows.")
            % {"linked": linked, "review": counts.get("review", 0), "rows": len(left)},
        )
    return {"run": run.pk, **counts}


def can_deduplicate(user: User) -> bool:
    """Caseworkers and supervisors search their scope; an administrator the whole registry."""
    return can_identify(user) or (
        user.is_authenticated and user.is_active and user.role == Role.ADMINISTRATOR
    )


def dedupe_start(*, actor: User) -> Job:
    """Queue a search for children registered twice (no params: the scope is the starter's,
    read when the job runs)."""
    if not can_deduplicate(actor):
        raise services.IdentificationError(_("You may not search the registry for duplicates."))
    return job_start(
        kind=DEDUPE_REGISTRY,
        label=_("Look for children registered twice"),
        user=actor,
        params={},
    )


@job_handler(DEDUPE_REGISTRY)
def dedupe_registry(job: Job, progress: Progress) -> dict[str, Any]:
    """The engine deduplicates the registry children in the starter's scope (no writes), then
    the run and its pairs are stored in one transaction, replacing the open pairs of earlier
    runs; pairs a person decided stay decided and are not asked again."""
    user = job.created_by
    if user is None or not can_deduplicate(user):
        raise JobError(_("Only a caseworker, supervisor or administrator can do this."))
    accept, review = conf.thresholds()
    progress(0, 3, _("Reading the registry."))
    children = children_for_deduplication(user)
    registry = registry_frame(children, today())
    if len(registry) < 2:
        raise JobError(_("There are not enough registered children here to compare."))
    try:
        records = records_from_frame(registry, name=_("the registry"))
        progress(1, 3, _("Comparing %(children)d registered children.") % {
            "children": len(registry)})  # fmt: skip
        result = dedupe(
            records, LinkOptions(threshold=review, one_to_one=False, backend=conf.backend())
        )
    except LinkageInputError as exc:
        raise JobError(str(exc)) from None
    pairs = duplicate_pairs(
        pairs_from_matches(result.pairs, result.fields),
        decided=services.decided_duplicates(children.values("pk")),
        accept=accept,
    )
    with transaction.atomic():
        run = services.dedupe_run_record(
            actor=user,
            job=job,
            children=children,
            pairs=pairs,
            accept=accept,
            review=review,
            fields=list(result.fields),
            notes=list(result.notes),
        )
        progress(
            3,
            3,
            _("%(proposed)d likely duplicates and %(review)d pairs to review among %(n)d children.")
            % {
                "proposed": run.counts.get(DuplicateStatus.PROPOSED, 0),
                "review": run.counts.get(DuplicateStatus.REVIEW, 0),
                "n": len(registry),
            },
        )
    return {"run": run.pk, **run.counts}
