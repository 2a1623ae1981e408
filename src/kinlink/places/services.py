"""Writes to the place hierarchy."""

from __future__ import annotations

from django.db import transaction

from kinlink.places.models import Place, PlaceLevel


@transaction.atomic
def place_create(
    *, name: str, code: str, level: PlaceLevel, parent: Place | None = None, name_latin: str = ""
) -> Place:
    place = Place.objects.create(
        name=name, code=code, level=level, parent=parent, name_latin=name_latin
    )
    place.path = f"{parent.path if parent else ''}{place.pk}/"
    place.save(update_fields=["path"])
    return place
