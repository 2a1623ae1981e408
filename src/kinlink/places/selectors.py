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
