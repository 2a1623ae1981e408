"""Reads of the audit log."""

from __future__ import annotations

from django.db.models import Model

from kinlink.audit.models import AuditEntry, AuditQuerySet
from kinlink.audit.services import object_type_of


def audit_entries_for(obj: Model) -> AuditQuerySet:
    """Who did what to this record, newest first."""
    return AuditEntry.objects.filter(
        object_type=object_type_of(obj), object_id=str(obj.pk)
    ).order_by("-seq")
