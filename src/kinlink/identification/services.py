"""Every change to identification records: uploading a list, mapping and checking its columns,
accepting (or discarding) it, storing a linking run, and caseworkers' decisions on pairs.

One function per act, keyword-only. Each raises `IdentificationError` (a message a user can
read) when the act is not allowed now, writes in one transaction and leaves an audit entry.
Callers fetch records through `identification.access` first: scope is theirs to check.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.models import User
from kinlink.audit.models import Action
from kinlink.audit.services import audit_record
from kinlink.core.errors import RuleRefused
from kinlink.core.names import fold
from kinlink.identification import conf, reading
from kinlink.identification.linking import Assignment, Pair
from kinlink.identification.models import (
    MATCHED,
    OPEN_DUPLICATES,
    BatchStatus,
    Candidate,
    ColumnMapping,
    Decision,
    DedupeRun,
    DuplicatePair,
    DuplicateStatus,
    ImportBatch,
    LinkRun,
    PairStatus,
    SourceKind,
    SourceRow,
    Verdict,
)
from kinlink.jobs.models import Job
from kinlink.places.models import Place, School
from kinlink.registry import merging
from kinlink.registry.models import Child, Merge

# Candidates written per INSERT: large enough to be fast, small enough for SQLite's limit.
BULK_SIZE = 1000
# Imported rows sent per executemany call, so memory stays flat on 100,000-row lists.
INSERT_CHUNK = 5000


class IdentificationError(RuleRefused):
    """An act that is not allowed now; the message says why."""


def _audit(batch_or_obj: Any, action: Action, **extra: Any) -> None:
    audit_record(
        action=action,
        object_type=batch_or_obj._meta.label_lower,
        object_id=batch_or_obj.pk,
        extra=extra,
    )


# Uploading -------------------------------------------------------------------------------------


def _already_imported(*, kind: str, place: Place, content_hash: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(
        kind=kind, place=place, content_hash=content_hash, status=BatchStatus.IMPORTED
    ).first()


def saved_mapping(kind: str, headers: list[str]) -> dict[str, str] | None:
    saved = ColumnMapping.objects.filter(
        kind=kind, headers_key=reading.headers_signature(headers)
    ).first()
    if saved is None:
        return None
    return {f: h for f, h in saved.mapping.items() if h in headers}


@transaction.atomic
def batch_upload(
    *,
    actor: User,
    kind: str,
    file_name: str,
    raw: bytes,
    school: School | None = None,
    programme: str = "",
) -> tuple[ImportBatch, bool]:
    """Keep an uploaded list until its columns are mapped and it is accepted.

    Returns (batch, is_new). The same file already imported in the same place is not taken
    again: that batch comes back with is_new False, and nothing is written.
    """
    if kind not in SourceKind.values:
        raise IdentificationError(_("Choose what kind of list this is."))
    if actor.scope_id is None:
        raise IdentificationError(_("Your account has no area; ask an administrator."))
    if len(raw) > conf.max_bytes():
        raise IdentificationError(
            _("The file is larger than %(mb)d MB; split it, for example by township.")
            % {"mb": conf.max_bytes() // (1024 * 1024)}
        )
    content_hash = hashlib.sha256(raw).hexdigest()
    existing = _already_imported(kind=kind, place=actor.scope, content_hash=content_hash)
    if existing is not None:
        return existing, False
    try:
        fmt = reading.file_format(file_name, raw)
        table = reading.read_table(raw, fmt, max_rows=conf.max_rows())
    except reading.ImportFileError as exc:
        raise IdentificationError(str(exc)) from None
    mapping = saved_mapping(kind, table.headers) or reading.guess_mapping(kind, table.headers)
    batch = ImportBatch.objects.create(
        kind=kind,
        place=actor.scope,
        created_by=actor,
        file_name=re.sub(r"[\x00-\x1f]", "", file_name)[-200:],
        file_format=fmt,
        content_hash=content_hash,
        # A workbook is kept as the table read from it (see reading.table_bytes); a CSV file as
        # it came, which reads again in a second.
        payload=reading.table_bytes(table) if fmt == "xlsx" else raw,
        headers=table.headers,
        mapping=mapping,
        school=school,
        programme=programme.strip()[:200],
        total_rows=len(table.rows),
    )
    _audit(batch, Action.CREATE, kind=kind, rows=len(table.rows))
    return batch, True


def batch_table(batch: ImportBatch) -> reading.Table:
    if batch.payload is None:
        raise IdentificationError(_("The file is no longer kept; upload it again."))
    raw = bytes(batch.payload)
    if reading.is_table_bytes(raw):
        return reading.table_from_bytes(raw)
    try:
        return reading.read_table(raw, batch.file_format, max_rows=conf.max_rows())
    except reading.ImportFileError as exc:
        raise IdentificationError(str(exc)) from None


def _lookups(place: Place) -> tuple[dict[str, int], dict[str, int]]:
    """Schools (by name and code) and places (by name) in the scope, keyed by folded text."""
    schools: dict[str, int] = {}
    for pk, name, code in School.objects.filter(place__path__startswith=place.path).values_list(
        "pk", "name", "code"
    ):
        schools.setdefault(fold(name), pk)
        schools.setdefault(fold(code), pk)
    villages: dict[str, int] = {}
    for pk, name in Place.objects.within(place).order_by("-path").values_list("pk", "name"):
        villages[fold(name)] = pk  # deepest place last wins for a repeated name
    return schools, villages


def _check(batch: ImportBatch, table: reading.Table) -> reading.CheckedRows:
    schools, villages = _lookups(batch.place)
    return reading.check_rows(
        table,
        batch.mapping,
        schools=schools,
        villages=villages,
        default_school=batch.school_id,
        default_programme=batch.programme,
    )


@transaction.atomic
def batch_check(
    *,
    actor: User,
    batch: ImportBatch,
    mapping: Mapping[str, str],
    school: School | None = None,
    programme: str = "",
) -> ImportBatch:
    """Save the column mapping (and remember it for files laid out the same way), then check
    every row; nothing is imported until `batch_accept`."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (BatchStatus.UPLOADED, BatchStatus.CHECKED):
        raise IdentificationError(_("This list was already imported or discarded."))
    fields = reading.KIND_FIELDS[batch.kind]
    clean = {f: h for f, h in mapping.items() if f in fields and h in batch.headers}
    if "full_name" in clean and ("family_name" in clean or "given_name" in clean):
        raise IdentificationError(
            _("Choose either the full name column or the family and given name columns.")
        )
    used = list(clean.values())
    if len(used) != len(set(used)):
        raise IdentificationError(_("Each column can be used for one field only."))
    problems = reading.mapping_problems(
        batch.kind, clean, has_school=school is not None, has_programme=bool(programme.strip())
    )
    if problems:
        raise IdentificationError(" ".join(problems))
    batch.mapping = clean
    batch.school = school
    batch.programme = programme.strip()[:200]
    checked = _check(batch, batch_table(batch))
    batch.total_rows = checked.total
    batch.good_rows = len(checked.rows)
    batch.problems = [[p.row, p.column, p.message, p.is_error] for p in checked.problems]
    batch.status = BatchStatus.CHECKED
    batch.save()
    ColumnMapping.objects.update_or_create(
        kind=batch.kind,
        headers_key=reading.headers_signature(batch.headers),
        defaults={"headers": batch.headers, "mapping": clean},
    )
    _audit(
        batch,
        Action.CHANGE,
        mapping=clean,
        rows=checked.total,
        good=len(checked.rows),
        problems=len(checked.problems),
    )
    return batch


@transaction.atomic
def batch_accept(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Write every good row, all or nothing; the file itself is then forgotten."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.CHECKED:
        raise IdentificationError(_("Check the list before accepting it."))
    if _already_imported(kind=batch.kind, place=batch.place, content_hash=batch.content_hash):
        raise IdentificationError(_("This file has already been imported."))
    checked = _check(batch, batch_table(batch))
    if not checked.rows:
        raise IdentificationError(
            _("No row can be imported; correct the file and upload it again.")
        )
    _insert_rows(batch, checked.rows)
    batch.status = BatchStatus.IMPORTED
    batch.good_rows = len(checked.rows)
    batch.payload = None
    batch.imported_at = timezone.now()
    batch.imported_by = actor
    batch.save()
    _audit(batch, Action.CREATE, imported_rows=len(checked.rows), skipped_rows=batch.bad_rows)
    return batch


def _insert_rows(batch: ImportBatch, rows: list[dict[str, Any]]) -> None:
    """COPY the rows on PostgreSQL; elsewhere INSERT them in chunks with one prepared statement
    (executemany).

    Set-based like bulk_create, without building a model instance and compiling SQL per row:
    that made 100,000 rows take a minute on SQLite; this takes seconds.
    """
    fields = [f for f in SourceRow._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(SourceRow._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    defaults = {f.attname: f.get_default() for f in fields}
    defaults["batch_id"] = batch.pk

    def values(row: dict[str, Any]) -> list[Any]:
        return [
            f.get_db_prep_save(row.get(f.attname, defaults[f.attname]), connection) for f in fields
        ]

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY (benchmarks/import.py, 100,000 XLSX rows: the accept step 32.2 s with
            # executemany, 14.3 s with COPY). The driver's own cursor (Django's wrapper has no
            # COPY); names are ours, not input.
            copy_sql = f"COPY {table} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(values(row))
            return
        for start in range(0, len(rows), INSERT_CHUNK):
            cursor.executemany(sql, [values(row) for row in rows[start : start + INSERT_CHUNK]])


@transaction.atomic
def batch_discard(*, actor: User, batch: ImportBatch) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (BatchStatus.UPLOADED, BatchStatus.CHECKED):
        raise IdentificationError(_("Only a list not yet imported can be discarded."))
    batch.status = BatchStatus.DISCARDED
    batch.payload = None
    batch.save()
    _audit(batch, Action.DELETE, discarded=True)
    return batch


# Linking runs ----------------------------------------------------------------------------------


def one_row_per_child(kind: str) -> bool:
    """A ledger or roster names each child once; a service list may name a child per programme."""
    return kind != SourceKind.SERVICES


def live_decisions(batch: ImportBatch) -> dict[tuple[str, int], str]:
    """{(fingerprint, child id): verdict} for the decisions in force on this batch's rows."""
    fingerprints = SourceRow.objects.filter(batch=batch).values("fingerprint")
    return {
        (fp, child_id): verdict
        for fp, child_id, verdict in Decision.objects.filter(
            fingerprint__in=fingerprints, reversed_at__isnull=True
        ).values_list("fingerprint", "child_id", "verdict")
    }


@transaction.atomic
def link_run_record(
    *,
    actor: User,
    batch: ImportBatch,
    job: Job | None,
    assignment: Assignment,
    accept: float,
    review: float,
    registry_children: int,
    fields: list[str],
    notes: list[str],
) -> LinkRun:
    """Store a run and every pair it scored; it replaces the batch's previous run."""
    LinkRun.objects.filter(batch=batch, is_current=True).update(is_current=False)
    run = LinkRun.objects.create(
        batch=batch,
        job=job,
        created_by=actor,
        accept_threshold=accept,
        review_threshold=review,
        registry_children=registry_children,
        fields=list(fields),
        notes=[str(n) for n in notes],
        counts=assignment.counts(),
    )
    Candidate.objects.bulk_create(
        (
            Candidate(
                run=run,
                row_id=p.row_id,
                child_id=p.child_id,
                probability=p.probability,
                match_weight=p.match_weight,
                evidence=p.evidence,
                status=p.status,
            )
            for p in assignment.pairs
        ),
        batch_size=BULK_SIZE,
    )
    _audit(run, Action.CREATE, batch=batch.pk, counts=run.counts)
    return run


# Decisions -------------------------------------------------------------------------------------

DECIDABLE = (PairStatus.REVIEW, PairStatus.ACCEPTED)


def _promote_next(candidate: Candidate) -> None:
    """After a rejection, the row's next best pair (if its child is free) goes to review."""
    run = candidate.run
    unique = one_row_per_child(run.batch.kind)
    taken = set(
        Candidate.objects.filter(run=run, status__in=[*MATCHED, PairStatus.REVIEW]).values_list(
            "child_id", flat=True
        )
    )
    rejected = set(
        Decision.objects.filter(
            fingerprint=candidate.row.fingerprint,
            verdict=Verdict.NON_MATCH,
            reversed_at__isnull=True,
        ).values_list("child_id", flat=True)
    )
    if Candidate.objects.filter(
        run=run, row=candidate.row, status__in=[*MATCHED, PairStatus.REVIEW]
    ).exists():
        return
    for other in Candidate.objects.filter(
        run=run, row=candidate.row, status=PairStatus.SUPERSEDED
    ).order_by("-probability", "pk"):
        if other.child_id in rejected or (unique and other.child_id in taken):
            continue
        other.status = PairStatus.REVIEW
        other.save(update_fields=["status"])
        return


@transaction.atomic
def pair_decide(*, actor: User, candidate: Candidate, verdict: str, note: str = "") -> Decision:
    """Record that the row and the child are (or are not) the same child. Honoured by every
    later run for rows that describe the child in the same words, until reversed."""
    candidate = (
        Candidate.objects.select_for_update()
        .select_related("run__batch", "row")
        .get(pk=candidate.pk)
    )
    if verdict not in Verdict.values:
        raise IdentificationError(_("Say whether the records are of the same child."))
    if not candidate.run.is_current:
        raise IdentificationError(_("A newer linking of this list replaced this pair."))
    if (
        candidate.status not in DECIDABLE
        or Decision.objects.filter(
            fingerprint=candidate.row.fingerprint, child=candidate.child, reversed_at__isnull=True
        ).exists()
    ):
        raise IdentificationError(_("This pair has already been decided."))
    decision = Decision.objects.create(
        fingerprint=candidate.row.fingerprint,
        child=candidate.child,
        verdict=verdict,
        candidate=candidate,
        note=note.strip()[:500],
        decided_by=actor,
    )
    before = candidate.status
    candidate.status = PairStatus.CONFIRMED if verdict == Verdict.MATCH else PairStatus.REJECTED
    candidate.save(update_fields=["status"])
    if verdict == Verdict.MATCH:
        others = Candidate.objects.filter(
            run=candidate.run, status__in=[PairStatus.REVIEW, PairStatus.ACCEPTED]
        ).exclude(pk=candidate.pk)
        others.filter(row=candidate.row).update(status=PairStatus.SUPERSEDED)
        if one_row_per_child(candidate.run.batch.kind):
            others.filter(child=candidate.child).update(status=PairStatus.SUPERSEDED)
    else:
        _promote_next(candidate)
    audit_record(
        action=Action.CREATE,
        object_type="identification.decision",
        object_id=decision.pk,
        changes={"status": (before, candidate.status)},
        extra={"candidate": candidate.pk, "child": candidate.child_id, "verdict": verdict},
    )
    return decision


@transaction.atomic
def decision_reverse(*, actor: User, decision: Decision) -> Decision:
    """Take a decision back: it is kept as history, and its pair is asked about again."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.reversed_at is not None:
        raise IdentificationError(_("This decision has already been reversed."))
    decision.reversed_at = timezone.now()
    decision.reversed_by = actor
    decision.save(update_fields=["reversed_at", "reversed_by"])
    candidate = decision.candidate
    if candidate is not None and candidate.run.is_current:
        if decision.verdict == Verdict.MATCH:
            # The row is open again: whatever now holds it gives way to the question.
            Candidate.objects.filter(run=candidate.run, row=candidate.row).exclude(
                pk=candidate.pk
            ).filter(status=PairStatus.REVIEW).update(status=PairStatus.SUPERSEDED)
        candidate.status = PairStatus.REVIEW
        candidate.save(update_fields=["status"])
    audit_record(
        action=Action.CHANGE,
        object_type="identification.decision",
        object_id=decision.pk,
        changes={"reversed_at": (None, decision.reversed_at.isoformat())},
        extra={"child": decision.child_id, "verdict": decision.verdict},
    )
    return decision


# Duplicates within the registry -------------------------------------------------------------


def decided_duplicates(child_ids: QuerySet[Child]) -> set[tuple[int, int]]:
    """Pairs among these children that a person has decided: never asked again."""
    return set(
        DuplicatePair.objects.filter(child_a__in=child_ids, child_b__in=child_ids)
        .exclude(status__in=OPEN_DUPLICATES)
        .values_list("child_a_id", "child_b_id")
    )


@transaction.atomic
def dedupe_run_record(
    *,
    actor: User,
    job: Job | None,
    children: QuerySet[Child],
    pairs: list[Pair],
    accept: float,
    review: float,
    fields: list[str],
    notes: list[str],
) -> DedupeRun:
    """Store a search for duplicates: open pairs among these children are replaced by the pairs
    found now (`linking.duplicate_pairs`); decided pairs stay as they are."""
    counts: dict[str, int] = {}
    for pair in pairs:
        counts[pair.status] = counts.get(pair.status, 0) + 1
    run = DedupeRun.objects.create(
        job=job,
        created_by=actor,
        accept_threshold=accept,
        review_threshold=review,
        registry_children=children.count(),
        fields=list(fields),
        notes=[str(n) for n in notes],
        counts=counts,
    )
    ids = children.values("pk")
    DuplicatePair.objects.filter(
        child_a__in=ids, child_b__in=ids, status__in=OPEN_DUPLICATES
    ).delete()
    DuplicatePair.objects.bulk_create(
        (
            DuplicatePair(
                child_a_id=p.row_id,
                child_b_id=p.child_id,
                run=run,
                probability=p.probability,
                match_weight=p.match_weight,
                evidence=p.evidence,
                status=p.status,
            )
            for p in pairs
        ),
        batch_size=BULK_SIZE,
    )
    _audit(run, Action.CREATE, children=run.registry_children, counts=counts)
    return run


@transaction.atomic
def duplicate_decide(
    *, actor: User, pair: DuplicatePair, verdict: str, keep: Child | None = None, note: str = ""
) -> DuplicatePair:
    """Record a person's word on two registered children. "Different" is kept and never asked
    again; "same" merges them (`registry.merging.child_merge`), keeping the record chosen."""
    pair = (
        DuplicatePair.objects.select_for_update()
        .select_related("child_a", "child_b")
        .get(pk=pair.pk)
    )
    if verdict not in Verdict.values:
        raise IdentificationError(_("Say whether the records are of the same child."))
    if pair.status not in OPEN_DUPLICATES:
        raise IdentificationError(_("This pair has already been decided."))
    before = pair.status
    pair.note = note.strip()[:500]
    if verdict == Verdict.MATCH:
        if keep is None or keep.pk not in (pair.child_a_id, pair.child_b_id):
            raise IdentificationError(_("Choose which of the two records to keep."))
        merged = pair.other(keep)
        kept = pair.child_a if keep.pk == pair.child_a_id else pair.child_b
        pair.merge = merging.child_merge(actor=actor, kept=kept, merged=merged, note=pair.note)
        pair.status = DuplicateStatus.MERGED
    else:
        pair.status = DuplicateStatus.DIFFERENT
    pair.decided_by = actor
    pair.decided_at = timezone.now()
    pair.save(update_fields=["status", "note", "decided_by", "decided_at", "merge"])
    audit_record(
        action=Action.CHANGE,
        object_type="identification.duplicatepair",
        object_id=pair.pk,
        changes={"status": (before, pair.status)},
        extra={
            "children": [pair.child_a_id, pair.child_b_id],
            "verdict": verdict,
            "merge": pair.merge_id,
        },
    )
    return pair


@transaction.atomic
def duplicate_reopen(*, actor: User, pair: DuplicatePair) -> DuplicatePair:
    """Take back a "different children" decision: the pair is asked about again."""
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != DuplicateStatus.DIFFERENT:
        raise IdentificationError(_("Only a pair decided as different children can be reopened."))
    pair.status = DuplicateStatus.REVIEW
    pair.save(update_fields=["status"])
    audit_record(
        action=Action.CHANGE,
        object_type="identification.duplicatepair",
        object_id=pair.pk,
        changes={"status": (DuplicateStatus.DIFFERENT, DuplicateStatus.REVIEW)},
        extra={"children": [pair.child_a_id, pair.child_b_id]},
    )
    return pair


def duplicate_merge_undone(sender: Any, merge: Merge, **kwargs: Any) -> None:
    """When a merge is undone (registry.hooks.merge_undone), its pair is asked about again."""
    DuplicatePair.objects.filter(merge=merge, status=DuplicateStatus.MERGED).update(
        status=DuplicateStatus.REVIEW
    )
