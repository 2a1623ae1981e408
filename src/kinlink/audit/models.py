"""Audit entries, each chained to the one before by a SHA-256 hash.

Rows are never updated or deleted through the ORM. The chain makes tampering by other means
(SQL, a restored backup) detectable: `kinlink audit verify` recomputes it. The head row records
the last sequence number and hash, so removing entries from the end is detected too.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    pass


class Action(models.TextChoices):
    VIEW = "view", _("viewed")
    LIST = "list", _("listed")
    CREATE = "create", _("created")
    CHANGE = "change", _("changed")
    DELETE = "delete", _("deleted")
    EXPORT = "export", _("exported")
    MERGE = "merge", _("merged")
    UNMERGE = "unmerge", _("unmerged")


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(_("when"))
    actor_id = models.BigIntegerField(null=True)  # no foreign key: the log outlives accounts
    actor_username = models.CharField(_("who"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40, blank=True)
    fields = models.JSONField(_("fields"), default=list)
    changes = models.JSONField(default=dict)  # {field: [old, new]}
    extra = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx")
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")

    def payload(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "ip_address": self.ip_address,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "fields": self.fields,
            "changes": self.changes,
            "extra": self.extra,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(self.payload(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


class AuditHead(models.Model):
    """One row: the end of the chain. Locked while appending so entries are strictly ordered."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
