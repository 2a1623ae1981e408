"""The place hierarchy as a materialised path, so a subtree is one indexed prefix match."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceLevel(models.Model):
    """A level of the hierarchy (country, province, ..., village); deployments define their own."""

    depth = models.PositiveSmallIntegerField(_("depth"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_latin = models.CharField(_("name in Latin script"), max_length=100, blank=True)

    class Meta:
        ordering = ["depth"]
        verbose_name = _("place level")

    def __str__(self) -> str:
        return self.name


class PlaceQuerySet(models.QuerySet["Place"]):
    def within(self, place: Place) -> PlaceQuerySet:
        """The place and everything below it."""
        return self.filter(path__startswith=place.path)


class Place(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_latin = models.CharField(_("name in Latin script"), max_length=200, blank=True)
    code = models.CharField(_("official code"), max_length=32, unique=True)
    level = models.ForeignKey(PlaceLevel, on_delete=models.PROTECT, verbose_name=_("level"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "<root id>/<child id>/.../<own id>/": the trailing slash stops 12/ matching 123/.
    path = models.CharField(max_length=255, editable=False, default="")

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("place")
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%' in any
            # collation; other databases ignore opclasses and get a plain index.
            models.Index(fields=["path"], name="place_path_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def ancestors(self) -> PlaceQuerySet:
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return Place.objects.filter(id__in=ids).order_by("path")

    def label(self) -> str:
        """The place with its ancestors below the top level, for pickers: "Town › Village"."""
        names = [p.name for p in self.ancestors()][1:]
        return " › ".join(names) or self.name


class School(models.Model):
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("official code"), max_length=32, unique=True)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, verbose_name=_("place"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")

    def __str__(self) -> str:
        return self.name


class ServiceProvider(models.Model):
    class Kind(models.TextChoices):
        SOCIAL_WORK_STATION = "social_work", _("Social-work station")
        CLINIC = "clinic", _("Clinic or hospital")
        SCHOOL = "school", _("School")
        GUARDIANSHIP_AUTHORITY = "guardianship", _("Guardianship authority")
        NGO = "ngo", _("Non-governmental organisation")
        GOVERNMENT = "government", _("Government office")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, verbose_name=_("place"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service provider")

    def __str__(self) -> str:
        return self.name
