"""Merging two records of one child, and undoing a merge exactly.

A merge keeps one record and moves to it every row that points at the other, in every app, by
walking the foreign keys to Child (hidden ones and many-to-many tables included), so the
registry never needs to know which apps hold records about children. The merged record is not
deleted: it is marked `merged_into` and disappears from every list (`access.children_visible_to`
leaves it out); its page sends the reader to the kept child. The `Merge` row names each row that
moved, so `merge_undo` moves back exactly those.

A row that would break a unique constraint once moved (a one-per-child record, the same adult
linked twice) is handled only when it is a pure duplicate, saying nothing the kept child's row
does not say, and nothing points to it: it is removed, its values kept in the merge, and put
back on undo. Any other collision refuses the merge, naming what collides.

Callers check scope (`access.child_for_user`) first; the right to merge (`access.can_merge`) is
checked here too, so no caller can forget it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.models import User
from kinlink.audit.models import Action
from kinlink.audit.services import audit_record
from kinlink.core.errors import RuleRefused
from kinlink.registry.access import can_merge
from kinlink.registry.hooks import merge_exempt, merge_undone
from kinlink.registry.models import Child, Merge
from kinlink.registry.services import refresh_left_behind


class MergeRefused(RuleRefused):
    """A merge or an undo that the rules refuse; the message says why, for the user."""


# The registry's own fields that name a child as the subject of a merge, never moved.
_OWN_FIELDS = frozenset(
    {"registry.child.merged_into", "registry.merge.kept", "registry.merge.merged"}
)


@dataclass(frozen=True)
class _Link:
    model: type[models.Model]
    field: models.ForeignKey

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field.name}"


def child_links() -> list[_Link]:
    """Every foreign key to Child in the project (hidden reverse relations and the tables of
    many-to-many fields included), except those a merge must leave alone."""
    exempt = _OWN_FIELDS | merge_exempt()
    links = []
    for relation in Child._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            continue  # forward fields, and m2m (reached through their table's foreign key)
        link = _Link(relation.related_model, relation.field)
        if link.label not in exempt:
            links.append(link)
    return sorted(links, key=lambda link: link.label)


def _unique_sets(model: type[models.Model], field: models.Field) -> list[tuple[list[str], Q]]:
    """The unique field sets of the model that include the field, each with its condition."""
    sets: list[tuple[list[str], Q]] = []
    if field.unique:
        sets.append(([field.name], Q()))
    for together in model._meta.unique_together:
        if field.name in together:
            sets.append((list(together), Q()))
    for constraint in model._meta.total_unique_constraints + [
        c
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.condition is not None and c.fields
    ]:
        if field.name in constraint.fields:
            sets.append((list(constraint.fields), constraint.condition or Q()))
    return sets


def _meaningful_values(obj: models.Model, skip: str) -> dict[str, Any]:
    """What a row says: its fields but the primary key, the child and bookkeeping timestamps."""
    return {
        f.attname: f.value_from_object(obj)
        for f in obj._meta.concrete_fields
        if not f.primary_key
        and f.name != skip
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    }


def _has_dependants(model: type[models.Model]) -> bool:
    return any(
        r.auto_created and not r.concrete for r in model._meta.get_fields(include_hidden=True)
    )


@dataclass
class MergePlan:
    """What a merge would do: rows to repoint, duplicates to drop, collisions that refuse it."""

    moves: list[tuple[_Link, list[int]]]
    drops: list[tuple[_Link, models.Model]]
    collisions: list[str]


def merge_plan(*, kept: Child, merged: Child) -> MergePlan:
    """Work out the merge without writing anything."""
    moves: list[tuple[_Link, list[int]]] = []
    drops: list[tuple[_Link, models.Model]] = []
    collisions: list[str] = []
    for link in child_links():
        manager = link.model._base_manager
        rows = list(manager.filter(**{link.field.name: merged.pk}).order_by("pk"))
        if not rows:
            continue
        dropped: set[int] = set()
        for fields, condition in _unique_sets(link.model, link.field):
            others = [f for f in fields if f != link.field.name]
            scoped = manager.filter(condition) if condition else manager.all()
            affected = {r.pk for r in scoped.filter(pk__in=[r.pk for r in rows])}
            for row in rows:
                if row.pk not in affected or row.pk in dropped:
                    continue
                same = {f: getattr(row, link.model._meta.get_field(f).attname) for f in others}
                twin = scoped.filter(**{link.field.name: kept.pk}, **same).first()
                if twin is None:
                    continue
                if not _has_dependants(link.model) and _meaningful_values(
                    row, link.field.name
                ) == _meaningful_values(twin, link.field.name):
                    dropped.add(row.pk)
                    drops.append((link, row))
                else:
                    collisions.append(str(link.model._meta.verbose_name))
        moving = [r.pk for r in rows if r.pk not in dropped]
        if moving:
            moves.append((link, moving))
    return MergePlan(moves=moves, drops=drops, collisions=sorted(set(collisions)))


def _refuse_unless_allowed(actor: User) -> None:
    if not can_merge(actor):
        raise MergeRefused(_("Only caseworkers and supervisors with an area merge records."))


def _refuse_unless_mergeable(kept: Child, merged: Child) -> None:
    if kept.pk == merged.pk:
        raise MergeRefused(_("A record cannot be merged with itself."))
    if kept.merged_into_id or merged.merged_into_id:
        raise MergeRefused(_("One of these records has already been merged into another."))


@transaction.atomic
def child_merge(*, actor: User, kept: Child, merged: Child, note: str = "") -> Merge:
    """Fold `merged` into `kept`: move every row of every app that points at it, mark it merged
    into `kept`, refresh what is derived, and audit what moved, in one transaction."""
    _refuse_unless_allowed(actor)
    both = Child.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])
    locked = {c.pk: c for c in both}
    kept, merged = locked.get(kept.pk, kept), locked.get(merged.pk, merged)
    _refuse_unless_mergeable(kept, merged)
    plan = merge_plan(kept=kept, merged=merged)
    if plan.collisions:
        raise MergeRefused(
            _(
                "Both records have their own %(records)s, and a child can have only one; "
                "settle which is right on one of the records, then merge."
            )
            % {"records": ", ".join(plan.collisions)}
        )
    removed = []
    for _link, row in plan.drops:
        values = {f.attname: f.value_to_string(row) for f in row._meta.concrete_fields}
        removed.append([row._meta.label_lower, values])
        row.delete()
    moved = []
    for link, pks in plan.moves:
        link.model._base_manager.filter(pk__in=pks).update(**{link.field.attname: kept.pk})
        moved.extend([link.model._meta.label_lower, pk, link.field.name] for pk in pks)
    merged.merged_into = kept
    merged.save(update_fields=["merged_into", "updated_at"])
    merge = Merge.objects.create(
        kept=kept, merged=merged, moved=moved, removed=removed, note=note.strip()[:500],
        merged_by=actor,
    )  # fmt: skip
    refresh_left_behind(kept)
    _audit(Action.MERGE, merge, kept, merged)
    return merge


@transaction.atomic
def merge_undo(*, actor: User, merge: Merge) -> Merge:
    """Undo a merge: move back exactly the rows it moved, put back the rows it removed, and
    make the merged record a child of its own again."""
    _refuse_unless_allowed(actor)
    merge = Merge.objects.select_for_update().select_related("kept", "merged").get(pk=merge.pk)
    kept, merged = merge.kept, merge.merged
    if merge.undone_at is not None:
        raise MergeRefused(_("This merge has already been undone."))
    if merged.merged_into_id != kept.pk:
        raise MergeRefused(_("The merged record no longer points to the kept one."))
    if kept.merged_into_id is not None:
        raise MergeRefused(
            _("The kept record has since been merged into another; undo that merge first.")
        )
    moved_back, gone = [], []
    for label, pk, field_name in merge.moved:
        model = apps.get_model(label)
        field = model._meta.get_field(field_name)
        count = model._base_manager.filter(pk=pk, **{field.attname: kept.pk}).update(
            **{field.attname: merged.pk}
        )
        (moved_back if count else gone).append([label, pk, field_name])
    for label, values in merge.removed:
        model = apps.get_model(label)
        obj = model(
            **{
                f.attname: f.to_python(values[f.attname])
                for f in model._meta.concrete_fields
                if f.attname in values
            }
        )
        obj.save(force_insert=True)
    merged.merged_into = None
    merged.save(update_fields=["merged_into", "updated_at"])
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    refresh_left_behind(kept)
    refresh_left_behind(merged)
    _audit(Action.UNMERGE, merge, kept, merged, moved=moved_back, gone=gone)
    merge_undone.send(sender=Merge, merge=merge)
    return merge


def moved_summary(rows: list[list[Any]]) -> dict[str, int]:
    """{model label: rows} of a merge's moved or removed list."""
    out: dict[str, int] = {}
    for row in rows:
        out[row[0]] = out.get(row[0], 0) + 1
    return out


def _audit(
    action: Action,
    merge: Merge,
    kept: Child,
    merged: Child,
    *,
    moved: list[list[Any]] | None = None,
    gone: list[list[Any]] | None = None,
) -> None:
    """One entry on each child, so both records' access logs show it, with every row moved."""
    rows = merge.moved if moved is None else moved
    removed = [[label, values.get("id")] for label, values in merge.removed]
    extra: dict[str, Any] = {"merge": merge.pk, "moved": rows, "removed": removed}
    if gone:
        extra["no_longer_there"] = gone
    before, after = (None, kept.pk) if action == Action.MERGE else (kept.pk, None)
    audit_record(
        action=action,
        object_type="registry.child",
        object_id=kept.pk,
        extra={**extra, "merged": merged.pk},
    )
    audit_record(
        action=action,
        object_type="registry.child",
        object_id=merged.pk,
        fields=["merged_into"],
        changes={"merged_into": (before, after)},
        extra={**extra, "kept": kept.pk},
    )
