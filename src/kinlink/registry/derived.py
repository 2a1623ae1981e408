"""What follows from the registry's facts: who is away, for how long, who cares, which
definitions of "left behind" a child meets. Computed, never typed by hand (domain.md §1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q

from kinlink.core.dates import age_band, age_in_years, months_between, today
from kinlink.registry.models import (
    AwayParents,
    CareArrangement,
    Child,
    MigrationEpisode,
    Relationship,
)


@dataclass(frozen=True)
class ParentsAway:
    mother_away: bool
    father_away: bool
    abroad: bool
    since: dt.date | None
    mother_deceased: bool = False
    father_deceased: bool = False

    @property
    def away_parents(self) -> AwayParents:
        if self.mother_away and self.father_away:
            return AwayParents.BOTH
        if self.mother_away:
            return AwayParents.MOTHER
        if self.father_away:
            return AwayParents.FATHER
        return AwayParents.NONE


def episodes_open_on(on: dt.date) -> Q:
    """Episodes under way on a date: departed by then and not yet back."""
    return Q(departed_on__lte=on) & (Q(returned_on__isnull=True) | Q(returned_on__gt=on))


def living_adults_away(on: dt.date, **where: Any) -> dict[int, dt.date]:
    """Each living adult away on the day (among the episodes `where` keeps, as filter keywords on
    `MigrationEpisode`), with the departure of the earliest episode under way: who is away,
    and since when, as `parents_away` decides it for one child."""
    away: dict[int, dt.date] = {}
    episodes = MigrationEpisode.objects.filter(
        episodes_open_on(on), adult__is_alive=True, **where
    ).values_list("adult_id", "departed_on")
    for adult_id, departed in episodes.iterator(chunk_size=50_000):
        if adult_id not in away or departed < away[adult_id]:
            away[adult_id] = departed
    return away


def parents_away(child: Child, on: dt.date | None = None) -> ParentsAway:
    on = on or today()
    parents = Relationship.objects.filter(
        child=child, kind__in=Relationship.PARENT_KINDS
    ).select_related("adult")
    away: dict[str, bool] = {Relationship.Kind.MOTHER: False, Relationship.Kind.FATHER: False}
    deceased = {Relationship.Kind.MOTHER: False, Relationship.Kind.FATHER: False}
    abroad = False
    since: dt.date | None = None
    for rel in parents:
        if not rel.adult.is_alive:
            deceased[rel.kind] = True
            continue
        episode = (
            MigrationEpisode.objects.filter(episodes_open_on(on), adult=rel.adult)
            .order_by("departed_on")
            .first()
        )
        if episode is None:
            continue
        away[rel.kind] = True
        abroad = abroad or episode.scope == MigrationEpisode.Scope.INTERNATIONAL
        since = episode.departed_on if since is None else min(since, episode.departed_on)
    return ParentsAway(
        mother_away=away[Relationship.Kind.MOTHER],
        father_away=away[Relationship.Kind.FATHER],
        abroad=abroad,
        since=since,
        mother_deceased=deceased[Relationship.Kind.MOTHER],
        father_deceased=deceased[Relationship.Kind.FATHER],
    )


def current_care(child: Child, on: dt.date | None = None) -> list[CareArrangement]:
    on = on or today()
    return list(
        CareArrangement.objects.filter(child=child, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .select_related("caregiver", "caregiver_child")
    )


@dataclass(frozen=True)
class ChildStatus:
    age: int
    age_band: str
    away: ParentsAway
    months_separated: int | None
    child_headed: bool
    elderly_sole_caregiver: bool
    care: list[CareArrangement] = field(default_factory=list)

    @property
    def left_behind(self) -> bool:
        return self.away.away_parents != AwayParents.NONE

    @property
    def meets_narrow_definition(self) -> bool:
        """MCA / State Council 2016: under 16, both parents away, or one away and the other
        unable to act as guardian (here: deceased). Rural residence is not checked."""
        a = self.away
        one_away_other_gone = (a.mother_away and a.father_deceased) or (
            a.father_away and a.mother_deceased
        )
        return self.age < 16 and (a.away_parents == AwayParents.BOTH or one_away_other_gone)

    @property
    def meets_broad_definition(self) -> bool:
        """Census / ACWF: under 18, one or both parents away for six months or more."""
        return (
            self.age < 18
            and self.left_behind
            and self.months_separated is not None
            and self.months_separated >= 6
        )

    @property
    def meets_mics_definition(self) -> bool:
        """MICS: at least one parent living abroad."""
        return self.away.abroad


def child_status(child: Child, on: dt.date | None = None) -> ChildStatus:
    on = on or today()
    away = parents_away(child, on)
    care = current_care(child, on)
    child_headed = any(c.kind in CareArrangement.CHILD_HEADED for c in care)
    adult_carers = [c.caregiver for c in care if c.caregiver is not None]
    elderly = (
        len(adult_carers) == 1
        and adult_carers[0].date_of_birth is not None
        and age_in_years(adult_carers[0].date_of_birth, on)
        >= settings.KINLINK_ELDERLY_CAREGIVER_AGE
    )
    age = age_in_years(child.date_of_birth, on)
    return ChildStatus(
        age=age,
        age_band=age_band(age),
        away=away,
        months_separated=months_between(away.since, on) if away.since else None,
        child_headed=child_headed,
        elderly_sole_caregiver=elderly,
        care=care,
    )
