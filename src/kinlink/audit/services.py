"""Appending to the audit log and verifying its chain."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from kinlink.audit.context import Actor, current_actor
from kinlink.audit.models import Action, AuditEntry, AuditHead


def object_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def _json_safe(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return str(value)


@transaction.atomic
def audit_record(
    *,
    action: Action | str,
    object_type: str,
    object_id: Any = "",
    fields: Iterable[str] = (),
    changes: dict[str, tuple[Any, Any]] | None = None,
    extra: dict[str, Any] | None = None,
    actor: Actor | None = None,
) -> AuditEntry:
    """Append one entry, chained to the previous one."""
    actor = actor or current_actor()
    head = _locked_head()
    entry = AuditEntry(
        seq=head.seq + 1,
        at=timezone.now(),
        actor_id=actor.user_id,
        actor_username=actor.username,
        ip_address=actor.ip_address,
        action=Action(action),
        object_type=object_type,
        object_id=str(object_id),
        fields=sorted(fields),
        changes={k: [_json_safe(o), _json_safe(n)] for k, (o, n) in (changes or {}).items()},
        extra=_json_safe(extra or {}),
        prev_hash=head.hash,
    )
    entry.hash = entry.compute_hash()
    entry.save()
    AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


def _locked_head() -> AuditHead:
    """The end of the chain, locked until the transaction ends. The first append of a new
    database creates it with INSERT ... ON CONFLICT DO NOTHING, so that two first appends at
    once both go on (get_or_create would fail one of them with an IntegrityError)."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.bulk_create([AuditHead(pk=1)], ignore_conflicts=True)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def audit_view(obj: models.Model, *, fields: Iterable[str] = ()) -> AuditEntry:
    return audit_record(
        action=Action.VIEW, object_type=object_type_of(obj), object_id=obj.pk, fields=fields
    )


def audit_change(
    obj: models.Model, *, action: Action, changes: dict[str, tuple[Any, Any]]
) -> AuditEntry:
    return audit_record(
        action=action,
        object_type=object_type_of(obj),
        object_id=obj.pk,
        fields=changes.keys(),
        changes=changes,
    )


def model_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose values differ, as {field: (old, new)}."""
    return {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def audit_verify(batch_size: int = 5000) -> ChainProblem | None:
    """Walk the chain from the start; return the first entry that does not hold, or None."""
    expected_prev = "0" * 64
    expected_seq = 1
    last_seq = 0
    queryset = AuditEntry.objects.order_by("seq")
    start = 0
    while True:
        batch = list(queryset.filter(seq__gt=start)[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.seq != expected_seq:
                return ChainProblem(expected_seq, f"missing: the sequence jumps to {entry.seq}")
            if entry.prev_hash != expected_prev:
                return ChainProblem(entry.seq, "does not follow the entry before it")
            if entry.compute_hash() != entry.hash:
                return ChainProblem(entry.seq, "its contents were altered")
            expected_prev = entry.hash
            expected_seq += 1
            last_seq = entry.seq
        start = batch[-1].seq
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != last_seq or head.hash != expected_prev):
        return ChainProblem(last_seq + 1, f"missing: entries after {last_seq} were removed")
    return None
