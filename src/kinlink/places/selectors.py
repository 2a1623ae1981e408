"""Reads of places: pickers limited to a user's scope."""

from __future__ import annotations

from kinlink.places.models import Place, PlaceQuerySet, School


def leaf_places_within(scope: Place | None) -> PlaceQuerySet:
    """Villages (places with no children) inside a scope, for registration forms."""
    places = Place.objects.filter(children__isnull=True)
    return places.within(scope) if scope else places


def schools_within(scope: Place | None):
    schools = School.objects.select_related("place")
    return schools.filter(place__path__startswith=scope.path) if scope else schools


def village_choices(scope: Place | None) -> list[tuple[int, str]]:
    """(id, "Township › Village") for every village in scope, built from one query."""
    if scope is None:
        return []
    places = list(Place.objects.within(scope).only("id", "name", "path", "parent_id"))
    by_id = {p.pk: p for p in places}
    parents = {p.parent_id for p in places}
    choices = []
    for place in places:
        if place.pk in parents:
            continue
        parent = by_id.get(place.parent_id)
        label = f"{parent.name} › {place.name}" if parent and place is not scope else place.name
        choices.append((place.pk, label))
    return sorted(choices, key=lambda c: c[1])


def area_choices(scope: Place | None) -> list[tuple[int, str]]:
    """Every place in scope with its depth shown by indentation, for list filters."""
    if scope is None:
        return []
    base = scope.depth
    return [
        (p.pk, "\u2003" * (p.depth - base) + p.name)
        for p in Place.objects.within(scope).only("id", "name", "path")
    ]
