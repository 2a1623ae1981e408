"""Users with a role, an agency and a place scope; API tokens stored only as hashes."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinlink.places.models import Place, School


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    TEACHER = "teacher", _("Teacher")
    HEALTH_WORKER = "health_worker", _("Health worker")
    GUARDIANSHIP_OFFICER = "guardianship_officer", _("Guardianship officer")
    DISTRICT_OFFICIAL = "district_official", _("District official")
    ADMINISTRATOR = "administrator", _("Administrator")


class Agency(models.Model):
    class Kind(models.TextChoices):
        SOCIAL_WORK_STATION = "social_work", _("Social-work station")
        SCHOOL = "school", _("School")
        CLINIC = "clinic", _("Clinic")
        GUARDIANSHIP_AUTHORITY = "guardianship", _("Guardianship authority")
        NGO = "ngo", _("Non-governmental organisation")
        DISTRICT_OFFICE = "district", _("District office")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, verbose_name=_("place"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("agency")
    )
    scope = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("place scope"),
        help_text=_("The user sees children living in this place and below it."),
    )
    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("school"),
        help_text=_("For teachers: the school whose pupils they see."),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("user")

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for API clients. Only its SHA-256 is kept, so a leaked table is useless."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text=_("First characters, to tell tokens apart."))
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
