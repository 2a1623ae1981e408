"""Reads for identification pages: the review queue, the outcomes of each child in scope
(enrolled, attendance, services, guardian), the two worklists and the coverage table.

A child's outcome comes from the *current* linking run of each imported list: a pair linked
automatically or confirmed by a caseworker says the child is on that list. Every query starts
from `registry.access.children_visible_to` (through `access`), so scope is applied once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Abs

from kinlink.accounts.models import User
from kinlink.core.published import published
from kinlink.identification import conf
from kinlink.identification.access import (
    batches_visible_to,
    candidates_visible_to,
    duplicates_visible_to,
)
from kinlink.identification.linking import registry_frame
from kinlink.identification.models import (
    MATCHED,
    OPEN_DUPLICATES,
    BatchStatus,
    Candidate,
    DedupeRun,
    DuplicatePair,
    ImportBatch,
    PairStatus,
    SourceKind,
    SourceRow,
)
from kinlink.places.models import Place
from kinlink.registry.access import children_visible_to
from kinlink.registry.models import AwayParents, Child

SMALL_CELL = 5  # aggregate cells under this are suppressed (domain.md §9)


# Links -----------------------------------------------------------------------------------------


def links(kind: str) -> QuerySet[Candidate]:
    """Pairs that currently say "this row is this child", for lists of one kind."""
    return Candidate.objects.filter(
        run__is_current=True,
        status__in=MATCHED,
        row__batch__kind=kind,
        row__batch__status=BatchStatus.IMPORTED,
    )


def _service_current(on: dt.date) -> Q:
    return (Q(row__service_start__isnull=True) | Q(row__service_start__lte=on)) & (
        Q(row__service_end__isnull=True) | Q(row__service_end__gte=on)
    )


def _enrolled() -> Exists:
    return Exists(links(SourceKind.ROSTER).filter(child=OuterRef("pk")))


def _served(on: dt.date) -> Exists:
    return Exists(links(SourceKind.SERVICES).filter(_service_current(on), child=OuterRef("pk")))


def _lowest_attendance() -> Subquery:
    return Subquery(
        links(SourceKind.ROSTER)
        .filter(child=OuterRef("pk"), row__attendance_rate__isnull=False)
        .values("child")
        .annotate(low=Min("row__attendance_rate"))
        .values("low")[:1]
    )


def guardian_covered(children: QuerySet[Child], on: dt.date) -> QuerySet[Child] | None:
    """The children with a guardian in force, from guardianship's published selector; None
    when that app is not installed (the question then has no answer here)."""
    covered = published("kinlink.guardianship", "kinlink.guardianship.selectors", "covered")
    if covered is None:
        return None
    return covered(children, on)


def with_outcomes(children: QuerySet[Child], on: dt.date) -> QuerySet[Child]:
    """Annotate `enrolled`, `lowest_attendance`, `served` and (when known) `has_guardian`."""
    children = children.annotate(
        enrolled=_enrolled(), lowest_attendance=_lowest_attendance(), served=_served(on)
    )
    covered = guardian_covered(Child.objects.all(), on)
    if covered is not None:
        children = children.annotate(has_guardian=Exists(covered.filter(pk=OuterRef("pk"))))
    return children


def school_age(children: QuerySet[Child], on: dt.date) -> QuerySet[Child]:
    low, high = conf.SCHOOL_AGE
    # Aged low..high on the day: born after (on - high - 1 years) and on or before (on - low).
    return children.filter(
        date_of_birth__gt=on - relativedelta(years=high + 1),
        date_of_birth__lte=on - relativedelta(years=low),
    )


def left_behind(children: QuerySet[Child]) -> QuerySet[Child]:
    return children.exclude(away_parents=AwayParents.NONE)


@dataclass(frozen=True)
class ChildOutcome:
    enrolled: list[SourceRow]
    services: list[SourceRow]
    has_guardian: bool | None
    reviews: list[Candidate]


def child_outcome(child: Child, on: dt.date) -> ChildOutcome:
    """The rows linked to one child (rosters and current services) and pairs waiting."""
    roster = [
        c.row
        for c in links(SourceKind.ROSTER)
        .filter(child=child)
        .select_related("row__school", "row__batch")
        .order_by("-row__batch__imported_at")
    ]
    services = [
        c.row
        for c in links(SourceKind.SERVICES)
        .filter(_service_current(on), child=child)
        .select_related("row__batch")
        .order_by("row__programme")
    ]
    covered = guardian_covered(Child.objects.filter(pk=child.pk), on)
    reviews = list(
        Candidate.objects.filter(child=child, run__is_current=True, status=PairStatus.REVIEW)
        .select_related("row__batch")
        .order_by("-probability")
    )
    return ChildOutcome(
        enrolled=roster,
        services=services,
        has_guardian=None if covered is None else covered.exists(),
        reviews=reviews,
    )


def guardian_of(child: Child, on: dt.date) -> str:
    """The guardian the linking compares for this child (name and phone), for the review page."""
    frame = registry_frame(Child.objects.filter(pk=child.pk), on)
    if frame.empty:
        return ""
    row = frame.iloc[0]
    return " ".join(v for v in (row["guardian_name"], row["guardian_phone"]) if v)


def programmes_of(child_ids: list[int], on: dt.date) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for child_id, programme in (
        links(SourceKind.SERVICES)
        .filter(_service_current(on), child_id__in=child_ids)
        .values_list("child_id", "row__programme")
        .order_by("row__programme")
        .distinct()
    ):
        out.setdefault(child_id, []).append(programme)
    return out


# Review queue ----------------------------------------------------------------------------------


def review_queue(user: User) -> QuerySet[Candidate]:
    """Pairs waiting for a caseworker, the most uncertain first (a probability near one half
    is where a person's answer teaches the most)."""
    return (
        candidates_visible_to(user)
        .filter(run__is_current=True, status=PairStatus.REVIEW)
        .annotate(uncertainty=Abs(F("probability") - 0.5))
        .select_related("row", "row__batch", "child", "child__home_village")
        .order_by("uncertainty", "pk")
    )


# Worklists -------------------------------------------------------------------------------------

WORKLISTS = ("not-enrolled", "no-service")


def worklist(user: User, name: str, on: dt.date, place: Place | None = None) -> QuerySet[Child]:
    """Left-behind children in scope of school age not on any current roster
    ("not-enrolled"), or receiving no service today ("no-service")."""
    children = left_behind(children_visible_to(user))
    if place is not None:
        children = children.filter(home_village__path__startswith=place.path)
    if name == "not-enrolled":
        children = school_age(children, on).filter(~_enrolled())
        kind = SourceKind.ROSTER
    else:
        children = children.filter(~_served(on))
        kind = SourceKind.SERVICES
    # A pair still waiting for review may yet show the child enrolled (or served): say so, so
    # nobody acts on a child a caseworker has not finished checking.
    pending = Candidate.objects.filter(
        run__is_current=True, status=PairStatus.REVIEW, row__batch__kind=kind, child=OuterRef("pk")
    )
    return (
        with_outcomes(children, on)
        .annotate(pending_review=Exists(pending))
        .select_related("home_village", "school")
        .order_by("home_village__name", "family_name", "given_name", "pk")
    )


def counts_by_village(children: QuerySet[Child]) -> list[tuple[Place, int]]:
    rows = (
        children.order_by()
        .values("home_village")
        .annotate(n=Count("pk"))
        .values_list("home_village", "n")
    )
    counts = dict(rows)
    places = Place.objects.in_bulk(list(counts))
    return sorted(((places[pk], n) for pk, n in counts.items()), key=lambda r: r[0].name)


def rosters_in_use(user: User) -> QuerySet[ImportBatch]:
    """The imported rosters whose current run gives the enrolment shown (for the page's note)."""
    return (
        batches_visible_to(user)
        .filter(kind=SourceKind.ROSTER, status=BatchStatus.IMPORTED, runs__is_current=True)
        .select_related("school")
        .distinct()
    )


def unmatched_rows(user: User) -> QuerySet[SourceRow]:
    """Ledger rows (children the village knows) that the latest run matched to no one: they
    are probably children not yet registered."""
    paired = Candidate.objects.filter(
        row=OuterRef("pk"),
        run__is_current=True,
        status__in=[*MATCHED, PairStatus.REVIEW],
    )
    return (
        SourceRow.objects.filter(
            batch__in=batches_visible_to(user).filter(
                kind=SourceKind.LEDGER, status=BatchStatus.IMPORTED, runs__is_current=True
            )
        )
        .filter(~Exists(paired))
        .select_related("batch", "village_place")
        .order_by("village", "family_name", "given_name", "pk")
    )


# Coverage --------------------------------------------------------------------------------------


@dataclass
class AreaCoverage:
    place: Place
    identified: int = 0  # registered left-behind children
    school_age: int = 0
    enrolled: int = 0  # of those of school age
    served: int = 0
    guardian: int | None = None
    villages: list[AreaCoverage] = field(default_factory=list)

    @property
    def small(self) -> bool:
        return 0 < self.identified < SMALL_CELL

    def share(self, part: int | None, whole: int) -> float | None:
        if part is None or whole < SMALL_CELL:
            return None  # too few to show without pointing at a child
        return part / whole if whole else None

    @property
    def enrolled_share(self) -> float | None:
        return self.share(self.enrolled, self.school_age)

    @property
    def served_share(self) -> float | None:
        return self.share(self.served, self.identified)

    @property
    def guardian_share(self) -> float | None:
        return self.share(self.guardian, self.identified)


def coverage(user: User, on: dt.date) -> tuple[AreaCoverage, list[AreaCoverage]]:
    """Left-behind children in scope and how many are enrolled, served and have a guardian:
    the whole scope, then by the places one level below it (each with its villages)."""
    scope = user.scope
    children = left_behind(children_visible_to(user))
    low, high = conf.SCHOOL_AGE
    annotated = with_outcomes(children, on).annotate(
        of_school_age=ExpressionWrapper(
            Q(
                date_of_birth__gt=on - relativedelta(years=high + 1),
                date_of_birth__lte=on - relativedelta(years=low),
            ),
            output_field=BooleanField(),
        )
    )
    has_guardian = "has_guardian" in annotated.query.annotations
    values = ["home_village_id", "home_village__path", "of_school_age", "enrolled", "served"]
    if has_guardian:
        values.append("has_guardian")
    total = AreaCoverage(place=scope, guardian=0 if has_guardian else None)
    areas: dict[int, AreaCoverage] = {}
    villages: dict[int, AreaCoverage] = {}
    rows = annotated.order_by().values(*values).annotate(n=Count("pk"))
    depth = scope.depth
    place_ids: set[int] = set()
    for row in rows:
        parts = row["home_village__path"].strip("/").split("/")
        area_id = int(parts[depth]) if len(parts) > depth else scope.pk
        place_ids.update({area_id, row["home_village_id"]})
        area = areas.setdefault(
            area_id, AreaCoverage(place=scope, guardian=0 if has_guardian else None)
        )
        village = villages.setdefault(
            row["home_village_id"],
            AreaCoverage(place=scope, guardian=0 if has_guardian else None),
        )
        if village not in area.villages:
            area.villages.append(village)
        for cell in (total, area, village):
            n = row["n"]
            cell.identified += n
            if row["of_school_age"]:
                cell.school_age += n
                cell.enrolled += n if row["enrolled"] else 0
            cell.served += n if row["served"] else 0
            if has_guardian and row["has_guardian"]:
                cell.guardian = (cell.guardian or 0) + n
    places = Place.objects.in_bulk(list(place_ids))
    for pk, area in areas.items():
        area.place = places[pk]
    for pk, village in villages.items():
        village.place = places[pk]
    for area in areas.values():
        area.villages.sort(key=lambda v: v.place.name)
    return total, sorted(areas.values(), key=lambda a: a.place.name)


# Duplicates within the registry ---------------------------------------------------------------


def duplicate_queue(user: User) -> QuerySet[DuplicatePair]:
    """Pairs of registered children waiting for a person: the likely duplicates first, then the
    uncertain ones, the most uncertain first."""
    return (
        duplicates_visible_to(user)
        .filter(status__in=OPEN_DUPLICATES)
        .annotate(uncertainty=Abs(F("probability") - 0.5))
        .select_related("child_a", "child_a__home_village", "child_b", "child_b__home_village")
        .order_by("status", "uncertainty", "pk")
    )


def duplicates_decided(user: User) -> QuerySet[DuplicatePair]:
    return (
        duplicates_visible_to(user)
        .exclude(status__in=OPEN_DUPLICATES)
        .select_related("child_a", "child_b", "decided_by", "merge")
        .order_by("-decided_at", "-pk")
    )


def latest_dedupe_run(user: User) -> DedupeRun | None:
    return DedupeRun.objects.filter(created_by=user).select_related("job").first()
