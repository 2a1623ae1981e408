"""The one place that decides what a user may see and change of children's records.

Every read of personal data in views, API and exports starts from `children_visible_to`,
`child_for_user`, `households_visible_to` or `adults_visible_to`. A record outside the user's
scope is "not found" (404), never "forbidden", so its existence does not leak.

Scope is by place (the user's place and everything below it) except for teachers, who see the
pupils of their school. Within a visible record, a role sees only the field groups in
`READABLE_GROUPS` and changes only those in `EDITABLE_GROUPS`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from kinlink.accounts.models import Role, User
from kinlink.core.lookup import pk_or_404
from kinlink.registry.models import (
    Adult,
    CareArrangement,
    Child,
    Household,
    Merge,
    MigrationEpisode,
)


class Group:
    IDENTITY = "identity"  # names, sex, birth date, home village
    STATUS = "status"  # who is away, since when (derived)
    EDUCATION = "education"  # school and grade
    HEALTH = "health"  # functional difficulties
    FAMILY = "family"  # household, adults, migration, care arrangements
    SENSITIVE = "sensitive"  # national ID and free-text notes


ALL_GROUPS = frozenset(
    {Group.IDENTITY, Group.STATUS, Group.EDUCATION, Group.HEALTH, Group.FAMILY, Group.SENSITIVE}
)

CHILD_FIELD_GROUPS: dict[str, str] = {
    "family_name": Group.IDENTITY,
    "given_name": Group.IDENTITY,
    "family_name_latin": Group.IDENTITY,
    "given_name_latin": Group.IDENTITY,
    "sex": Group.IDENTITY,
    "date_of_birth": Group.IDENTITY,
    "dob_estimated": Group.IDENTITY,
    "home_village": Group.IDENTITY,
    "away_parents": Group.STATUS,
    "parent_abroad": Group.STATUS,
    "separated_since": Group.STATUS,
    "school": Group.EDUCATION,
    "grade": Group.EDUCATION,
    "functioning": Group.HEALTH,
    "household": Group.FAMILY,
    "national_id": Group.SENSITIVE,
    "notes": Group.SENSITIVE,
}

READABLE_GROUPS: dict[str, frozenset[str]] = {
    Role.CASEWORKER: ALL_GROUPS,
    Role.SUPERVISOR: ALL_GROUPS,
    Role.GUARDIANSHIP_OFFICER: ALL_GROUPS,
    Role.TEACHER: frozenset({Group.IDENTITY, Group.STATUS, Group.EDUCATION}),
    Role.HEALTH_WORKER: frozenset({Group.IDENTITY, Group.STATUS, Group.HEALTH, Group.FAMILY}),
    Role.DISTRICT_OFFICIAL: frozenset({Group.IDENTITY, Group.STATUS}),
    Role.ADMINISTRATOR: frozenset(),
}

EDITABLE_GROUPS: dict[str, frozenset[str]] = {
    Role.CASEWORKER: ALL_GROUPS - {Group.STATUS},
    Role.SUPERVISOR: ALL_GROUPS - {Group.STATUS},
    Role.GUARDIANSHIP_OFFICER: frozenset({Group.FAMILY}),
    Role.TEACHER: frozenset({Group.EDUCATION}),
    Role.HEALTH_WORKER: frozenset({Group.HEALTH}),
    Role.DISTRICT_OFFICIAL: frozenset(),
    Role.ADMINISTRATOR: frozenset(),
}

# Roles that may register a new child.
REGISTERING_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})


def readable_groups(user: User) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return READABLE_GROUPS.get(user.role, frozenset())


def editable_groups(user: User) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return EDITABLE_GROUPS.get(user.role, frozenset())


def can_read(user: User, group: str) -> bool:
    return group in readable_groups(user)


def can_edit(user: User, group: str) -> bool:
    return group in editable_groups(user)


def can_register_children(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in REGISTERING_ROLES


def readable_child_fields(user: User) -> list[str]:
    groups = readable_groups(user)
    return [field for field, group in CHILD_FIELD_GROUPS.items() if group in groups]


def editable_child_fields(user: User) -> list[str]:
    groups = editable_groups(user)
    return [field for field, group in CHILD_FIELD_GROUPS.items() if group in groups]


def _child_scope(user: User, prefix: str = "") -> Q | None:
    """The filter that limits children to the user's scope, or None when the user sees none."""
    if not readable_groups(user):
        return None
    if user.role == Role.TEACHER:
        return Q(**{f"{prefix}school_id": user.school_id}) if user.school_id else None
    if user.scope_id is None:
        return None
    return Q(**{f"{prefix}home_village__path__startswith": user.scope.path})


def children_visible_to(user: User) -> QuerySet[Child]:
    """Children in the user's scope; a record merged into another is no longer a child."""
    condition = _child_scope(user)
    if condition is None:
        return Child.objects.none()
    return Child.objects.filter(condition, merged_into__isnull=True)


def merged_record_target(user: User, child_id: object) -> Child | None:
    """For a record merged into another (perhaps in turn merged), the child it now is, if the
    user may see both; None otherwise. Old links to a merged record lead there."""
    condition = _child_scope(user)
    if condition is None:
        return None
    record = Child.objects.filter(condition, pk=pk_or_404(child_id)).first()
    seen: set[int] = set()
    while record is not None and record.merged_into_id and record.pk not in seen:
        seen.add(record.pk)
        record = Child.objects.filter(condition, pk=record.merged_into_id).first()
    if record is None or not seen:
        return None
    return record


def can_merge(user: User) -> bool:
    """Merging two records moves everything held about a child: for those who may change every
    group of a child's record a registering role changes (caseworkers and supervisors)."""
    return can_register_children(user) and user.scope_id is not None


def children_for_deduplication(user: User) -> QuerySet[Child]:
    """The children a duplicate search started by the user covers: those in scope, or the whole
    registry for an administrator (who then reads no names: pairs are reviewed by those who
    may see both children)."""
    if user.is_authenticated and user.is_active and user.role == Role.ADMINISTRATOR:
        return Child.objects.filter(merged_into__isnull=True)
    return children_visible_to(user)


def merges_visible_to(user: User) -> QuerySet[Merge]:
    """Merges whose two records are both in the user's scope, for those who may merge."""
    condition = _child_scope(user)
    if condition is None or not can_merge(user):
        return Merge.objects.none()
    in_scope = Child.objects.filter(condition).values("pk")
    return Merge.objects.filter(kept__in=in_scope, merged__in=in_scope)


def merge_for_user(user: User, merge_id: object) -> Merge:
    merge = (
        merges_visible_to(user)
        .filter(pk=pk_or_404(merge_id))
        .select_related("kept", "merged", "merged_by", "undone_by")
        .first()
    )
    if merge is None:
        raise Http404
    return merge


def child_for_user(user: User, child_id: object) -> Child:
    """The child if the user may see it; Http404 otherwise, whether or not it exists."""
    pk = pk_or_404(child_id)
    child = (
        children_visible_to(user)
        .select_related("home_village", "school", "household")
        .filter(pk=pk)
        .first()
    )
    if child is None:
        raise Http404
    return child


def child_for_editing(user: User, child_id: object, group: str) -> Child:
    """As `child_for_user`, and the user may change this group of fields (else 404 too)."""
    child = child_for_user(user, child_id)
    if not can_edit(user, group):
        raise Http404
    return child


def households_visible_to(user: User) -> QuerySet[Household]:
    """Households in scope, for users who may read family details."""
    if not can_read(user, Group.FAMILY) or user.scope_id is None:
        return Household.objects.none()
    return Household.objects.filter(village__path__startswith=user.scope.path)


def household_for_user(user: User, household_id: object) -> Household:
    pk = pk_or_404(household_id)
    household = households_visible_to(user).filter(pk=pk).select_related("village").first()
    if household is None:
        raise Http404
    return household


def adults_visible_to(user: User) -> QuerySet[Adult]:
    """Adults related to a child the user may see, or living in a household in scope."""
    if not can_read(user, Group.FAMILY):
        return Adult.objects.none()
    child_scope = _child_scope(user, prefix="relationships__child__")
    if child_scope is None:
        return Adult.objects.none()
    by_household = (
        Q(household__village__path__startswith=user.scope.path) if user.scope_id else Q(pk=None)
    )
    ids = Adult.objects.filter(child_scope | by_household).values("pk")
    return Adult.objects.filter(pk__in=ids)


def adult_for_user(user: User, adult_id: object) -> Adult:
    pk = pk_or_404(adult_id)
    adult = adults_visible_to(user).filter(pk=pk).first()
    if adult is None:
        raise Http404
    return adult


def migration_episode_for_user(user: User, episode_id: object) -> MigrationEpisode:
    """A migration episode of an adult the user may see; Http404 otherwise."""
    pk = pk_or_404(episode_id)
    episode = (
        MigrationEpisode.objects.filter(pk=pk, adult__in=adults_visible_to(user))
        .select_related("adult")
        .first()
    )
    if episode is None:
        raise Http404
    return episode


def care_arrangement_for_user(user: User, care_id: object) -> CareArrangement:
    """A care arrangement of a child the user may see, for users who read family details."""
    pk = pk_or_404(care_id)
    if not can_read(user, Group.FAMILY):
        raise Http404
    care = (
        CareArrangement.objects.filter(pk=pk, child__in=children_visible_to(user))
        .select_related("child", "caregiver")
        .first()
    )
    if care is None:
        raise Http404
    return care
