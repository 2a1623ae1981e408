"""Reads of the registry for a user: search with filters, likely duplicates. Every query starts
from `access.children_visible_to`, so scope is applied once, in one place."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.models import User
from kinlink.core.dates import today
from kinlink.core.names import fold, pinyin_key, query_key
from kinlink.places.models import Place
from kinlink.registry.access import Group, can_read, children_visible_to
from kinlink.registry.hooks import TimelineEntry
from kinlink.registry.models import (
    AwayParents,
    CareArrangement,
    Child,
    MigrationEpisode,
    Relationship,
)


@dataclass(frozen=True)
class ChildFilters:
    q: str = ""  # name in characters, pinyin (tones and spaces optional) or Latin; or an ID number
    place: Place | None = None  # the place and everything below it
    away: str = ""  # "any", "mother", "father", "both", "none", or "" for no filter
    abroad: bool | None = None
    sex: str = ""
    age_min: int | None = None
    age_max: int | None = None
    school_id: int | None = None
    child_headed: bool | None = None
    elderly_caregiver: bool | None = None


def _current_care(on: dt.date) -> Q:
    return Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))


def child_search(user: User, filters: ChildFilters) -> QuerySet[Child]:
    """Children the user may see that match the filters, ordered by name."""
    children = children_visible_to(user)
    on = today()
    q = filters.q.strip()
    if q:
        compact = q.replace(" ", "").upper()
        if compact[:17].isdigit() and len(compact) >= 15:
            children = children.filter(national_id=compact)
        else:
            key = query_key(q)
            children = children.filter(name_key__contains=key) if key else children.none()
    if filters.place is not None:
        children = children.filter(home_village__path__startswith=filters.place.path)
    if filters.away == "any":
        children = children.exclude(away_parents=AwayParents.NONE)
    elif filters.away in AwayParents.values:
        children = children.filter(away_parents=filters.away)
    if filters.abroad is not None:
        children = children.filter(parent_abroad=filters.abroad)
    if filters.sex:
        children = children.filter(sex=filters.sex)
    if filters.age_min is not None:
        # Aged at least N: born on or before today minus N years.
        children = children.filter(date_of_birth__lte=on - relativedelta(years=filters.age_min))
    if filters.age_max is not None:
        # Aged at most N: born after today minus N+1 years.
        children = children.filter(date_of_birth__gt=on - relativedelta(years=filters.age_max + 1))
    if filters.school_id:
        children = children.filter(school_id=filters.school_id)
    if filters.child_headed is not None:
        headed = CareArrangement.objects.filter(
            _current_care(on), child=OuterRef("pk"), kind__in=CareArrangement.CHILD_HEADED
        )
        children = children.filter(Exists(headed) if filters.child_headed else ~Exists(headed))
    if filters.elderly_caregiver is not None:
        born_before = on - relativedelta(years=settings.KINLINK_ELDERLY_CAREGIVER_AGE)
        elderly = CareArrangement.objects.filter(
            _current_care(on), child=OuterRef("pk"), caregiver__date_of_birth__lte=born_before
        )
        other_adult = CareArrangement.objects.filter(
            _current_care(on), child=OuterRef("pk"), caregiver__isnull=False
        ).exclude(caregiver__date_of_birth__lte=born_before)
        sole_elderly = Exists(elderly) & ~Exists(other_adult)
        children = children.filter(sole_elderly if filters.elderly_caregiver else ~sole_elderly)
    return children.order_by("family_name_latin", "given_name_latin", "pk")


def _name_similarity(a: Child, family_name: str, given_name: str) -> float:
    """Similarity of names in characters and in pinyin (so 明 and 铭 agree), 0 to 1."""
    chars = difflib.SequenceMatcher(
        None, fold(a.family_name + a.given_name), fold(family_name + given_name)
    ).ratio()
    sounds = difflib.SequenceMatcher(
        None, pinyin_key(a.family_name + a.given_name), pinyin_key(family_name + given_name)
    ).ratio()
    return max(chars, sounds)


def likely_duplicates(
    user: User,
    *,
    family_name: str,
    given_name: str,
    date_of_birth: dt.date | None,
    village: Place | None,
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[Child]:
    """Children already registered that may be the one being typed in: same township, a
    similar name in characters or pinyin, born within a year."""
    if not (family_name or given_name) or village is None:
        return []
    area = village.parent or village
    candidates = children_visible_to(user).filter(home_village__path__startswith=area.path)
    if date_of_birth is not None:
        candidates = candidates.filter(
            date_of_birth__gte=date_of_birth - relativedelta(years=1),
            date_of_birth__lte=date_of_birth + relativedelta(years=1),
        )
    family_key = pinyin_key(family_name)
    if family_key:
        candidates = candidates.filter(name_key__contains=family_key)
    if exclude_id:
        candidates = candidates.exclude(pk=exclude_id)
    scored = [
        (score, child)
        for child in candidates.select_related("home_village")[:500]
        if (score := _name_similarity(child, family_name, given_name)) >= 0.75
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1].pk))
    return [child for _, child in scored[:limit]]


@dataclass(frozen=True)
class AreaCounts:
    place: Place
    total: int
    by_away: dict[str, int]


SMALL_CELL = 5  # aggregate cells under this are suppressed (domain.md §9)


def counts_by_area(user: User) -> list[AreaCounts]:
    """Children in the user's scope by the places one level below it and by who is away.
    Counts are of registered children: a caseload, not a population estimate."""
    from django.db.models import Count

    scope = user.scope
    if scope is None:
        return []
    depth = scope.depth
    rows = (
        children_visible_to(user)
        .values("home_village__path", "away_parents")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals: dict[int, dict[str, int]] = {}
    for row in rows:
        parts = row["home_village__path"].strip("/").split("/")
        area_id = int(parts[depth]) if len(parts) > depth else scope.pk
        cell = totals.setdefault(area_id, {})
        cell[row["away_parents"]] = cell.get(row["away_parents"], 0) + row["n"]
    places = Place.objects.in_bulk(list(totals))
    result = [
        AreaCounts(place=places[pk], total=sum(cells.values()), by_away=cells)
        for pk, cells in totals.items()
    ]
    return sorted(result, key=lambda a: a.place.name)


# The registry's part of the child's timeline -----------------------------------------------------


def registry_timeline(user: User, child: Child) -> list[TimelineEntry]:
    """The child's registration, for anyone who sees the child; for users who read family
    details, the facts that change a child's situation: a parent leaving or returning, a care
    arrangement beginning or ending."""
    entries = [
        TimelineEntry(
            timezone.localdate(child.created_at),
            "registry",
            _("Registered"),
            reverse("registry:child_detail", args=[child.pk]),
            at=child.created_at,
        )
    ]
    if can_read(user, Group.FAMILY):
        entries += _family_facts(child)
    return entries


def _family_facts(child: Child) -> list[TimelineEntry]:
    def fact(on: dt.date, text: str) -> TimelineEntry:
        return TimelineEntry(on, "registry", text)

    entries = []
    parents = {
        rel.adult_id: rel.get_kind_display()
        for rel in Relationship.objects.filter(child=child, kind__in=Relationship.PARENT_KINDS)
    }
    for episode in MigrationEpisode.objects.filter(adult_id__in=parents):
        parent = parents[episode.adult_id]
        place = episode.destination_place or str(episode.destination_country.name)
        entries.append(
            fact(
                episode.departed_on,
                _("%(parent)s left for %(place)s") % {"parent": parent, "place": place},
            )
        )
        if episode.returned_on:
            entries.append(
                fact(episode.returned_on, _("%(parent)s came back") % {"parent": parent})
            )
    for care in CareArrangement.objects.filter(child=child):
        kind = care.get_kind_display()
        entries.append(fact(care.started_on, _("Care began: %(kind)s") % {"kind": kind}))
        if care.ended_on:
            entries.append(fact(care.ended_on, _("Care ended: %(kind)s") % {"kind": kind}))
    return entries
