"""Children, households, adults, relationships, migration episodes and care arrangements.

Facts are stored; definitions of "left behind" are derived from them (see `derived.py`). The two
columns `away_parents` and `separated_since` on Child are a cache of that derivation, rewritten
by `services.refresh_left_behind` whenever a fact it depends on changes, so lists can filter on
them without a join per row. Nobody types them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from kinlink.places.models import Place, School


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class AwayParents(models.TextChoices):
    NONE = "none", _("No parent away")
    MOTHER = "mother", _("Mother away")
    FATHER = "father", _("Father away")
    BOTH = "both", _("Both parents away")


class Difficulty(models.TextChoices):
    """The Washington Group / UNICEF Child Functioning Module answer scale."""

    NONE = "none", _("No difficulty")
    SOME = "some", _("Some difficulty")
    A_LOT = "a_lot", _("A lot of difficulty")
    CANNOT = "cannot", _("Cannot do at all")


class FunctioningDomain(models.TextChoices):
    SEEING = "seeing", _("Seeing")
    HEARING = "hearing", _("Hearing")
    WALKING = "walking", _("Walking")
    FINE_MOTOR = "fine_motor", _("Fine motor")
    SELF_CARE = "self_care", _("Self-care")
    COMMUNICATION = "communication", _("Communication")
    LEARNING = "learning", _("Learning")
    REMEMBERING = "remembering", _("Remembering")
    CONCENTRATING = "concentrating", _("Concentrating")
    ACCEPTING_CHANGE = "accepting_change", _("Accepting change")
    CONTROLLING_BEHAVIOUR = "behaviour", _("Controlling behaviour")
    PLAYING = "playing", _("Playing")
    MAKING_FRIENDS = "making_friends", _("Making friends")
    ANXIETY = "anxiety", _("Anxiety")
    DEPRESSION = "depression", _("Depression")


class Household(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    village = models.ForeignKey(Place, on_delete=models.PROTECT, verbose_name=_("village"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("household")

    def __str__(self) -> str:
        return self.reference


class Person(models.Model):
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name_latin = models.CharField(_("family name (Latin)"), max_length=100, blank=True)
    given_name_latin = models.CharField(_("given name (Latin)"), max_length=100, blank=True)
    latin_edited = models.BooleanField(
        default=False, help_text="The Latin name was corrected by hand; do not recompute it."
    )
    name_key = models.CharField(max_length=400, editable=False, default="")
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    national_id = models.CharField(_("national ID number"), max_length=32, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        from kinlink.core.names import has_chinese

        sep = "" if has_chinese(self.family_name + self.given_name) else " "
        return f"{self.family_name}{sep}{self.given_name}"

    @property
    def full_name_latin(self) -> str:
        return f"{self.family_name_latin} {self.given_name_latin}".strip()


class Child(Person):
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("household"),
    )
    date_of_birth = models.DateField(_("date of birth"))
    dob_estimated = models.BooleanField(_("date of birth is estimated"), default=False)
    home_village = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("home village")
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("school")
    )
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    functioning = models.JSONField(
        _("functional difficulties"),
        default=dict,
        blank=True,
        help_text="{domain: difficulty} per the Child Functioning Module.",
    )
    # Derived cache, see the module docstring.
    away_parents = models.CharField(
        _("parents away"), max_length=6, choices=AwayParents.choices, default=AwayParents.NONE
    )
    parent_abroad = models.BooleanField(_("a parent is abroad"), default=False)
    separated_since = models.DateField(_("separated since"), null=True, blank=True)
    # Set when a caseworker found this to be a second record of another child and merged it
    # (see `merging.py`): the record stays, hidden from every list, for the merge to be undone.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merged into"),
    )

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        indexes = [
            models.Index(fields=["home_village", "away_parents"], name="child_village_away_idx"),
            models.Index(fields=["school"], name="child_school_idx"),
            models.Index(fields=["national_id"], name="child_national_id_idx"),
            models.Index(fields=["date_of_birth"], name="child_dob_idx"),
        ]

    def functioning_labels(self) -> list[tuple[str, str]]:
        """(domain, answer) in words, for display."""
        return [
            (FunctioningDomain(domain).label, Difficulty(answer).label)
            for domain, answer in (self.functioning or {}).items()
            if domain in FunctioningDomain.values and answer in Difficulty.values
        ]


class Adult(Person):
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adults",
        verbose_name=_("household"),
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    is_alive = models.BooleanField(_("alive"), default=True)
    died_on = models.DateField(_("date of death"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone_alt = models.CharField(_("other phone"), max_length=20, blank=True)
    messaging = models.JSONField(
        _("messaging handles"), default=dict, blank=True, help_text="{app: handle}"
    )
    literacy = models.CharField(
        _("literacy"),
        max_length=10,
        blank=True,
        choices=[
            ("literate", _("Reads and writes")),
            ("limited", _("Limited")),
            ("none", _("Cannot read or write")),
        ],
    )
    health_limits = models.CharField(
        _("health limits"),
        max_length=10,
        blank=True,
        choices=[
            ("none", _("None")),
            ("some", _("Some limits")),
            ("severe", _("Severe limits")),
        ],
    )

    class Meta:
        verbose_name = _("adult")
        indexes = [models.Index(fields=["phone"], name="adult_phone_idx")]


class Relationship(models.Model):
    class Kind(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        STEPMOTHER = "stepmother", _("Stepmother")
        STEPFATHER = "stepfather", _("Stepfather")
        GRANDMOTHER = "grandmother", _("Grandmother")
        GRANDFATHER = "grandfather", _("Grandfather")
        AUNT = "aunt", _("Aunt")
        UNCLE = "uncle", _("Uncle")
        SIBLING = "sibling", _("Adult sibling")
        OTHER_RELATIVE = "relative", _("Other relative")
        NEIGHBOUR = "neighbour", _("Neighbour")
        OTHER = "other", _("Other")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="relationships")
    adult = models.ForeignKey(Adult, on_delete=models.CASCADE, related_name="relationships")
    kind = models.CharField(_("relationship"), max_length=12, choices=Kind.choices)

    class Meta:
        verbose_name = _("relationship")
        constraints = [
            models.UniqueConstraint(fields=["child", "adult"], name="one_relationship_per_pair"),
        ]

    PARENT_KINDS = (Kind.MOTHER, Kind.FATHER)


class MigrationEpisode(models.Model):
    class Scope(models.TextChoices):
        INTERNAL = "internal", _("Within the country")
        INTERNATIONAL = "international", _("Abroad")

    class Purpose(models.TextChoices):
        WORK = "work", _("Work")
        STUDY = "study", _("Study")
        OTHER = "other", _("Other")

    class Pattern(models.TextChoices):
        SEASONAL = "seasonal", _("Seasonal")
        CIRCULAR = "circular", _("Circular")
        LONG_TERM = "long_term", _("Long-term")

    class LegalStatus(models.TextChoices):
        REGULAR = "regular", _("Regular")
        IRREGULAR = "irregular", _("Irregular")
        UNKNOWN = "unknown", _("Unknown")

    adult = models.ForeignKey(Adult, on_delete=models.CASCADE, related_name="migrations")
    departed_on = models.DateField(_("departure date"))
    destination_country = CountryField(_("destination country"))
    destination_place = models.CharField(_("destination place"), max_length=200, blank=True)
    scope = models.CharField(_("internal or abroad"), max_length=13, choices=Scope.choices)
    purpose = models.CharField(_("purpose"), max_length=5, choices=Purpose.choices)
    pattern = models.CharField(_("pattern"), max_length=9, choices=Pattern.choices)
    legal_status = models.CharField(
        _("legal status abroad"), max_length=9, choices=LegalStatus.choices, blank=True
    )
    expected_return_on = models.DateField(_("expected return"), null=True, blank=True)
    returned_on = models.DateField(_("actual return"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-departed_on"]
        verbose_name = _("migration episode")
        indexes = [models.Index(fields=["adult", "returned_on"], name="migration_open_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(returned_on__isnull=True)
                | models.Q(returned_on__gte=models.F("departed_on")),
                name="return_not_before_departure",
            )
        ]


class CareArrangement(models.Model):
    class Kind(models.TextChoices):
        OTHER_PARENT = "other_parent", _("The other parent")
        GRANDPARENT = "grandparent", _("Grandparent")
        OTHER_RELATIVE = "relative", _("Other relative")
        OLDER_SIBLING = "older_sibling", _("Older sibling")
        SELF_CARE = "self_care", _("The child alone (child-headed household)")
        NEIGHBOUR = "neighbour", _("Neighbour")
        FOSTER_FAMILY = "foster", _("Foster family")
        INSTITUTION = "institution", _("Institution")

    # Arrangements where no adult is in charge at home.
    CHILD_HEADED = (Kind.SELF_CARE, Kind.OLDER_SIBLING)

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="care_arrangements")
    kind = models.CharField(_("who cares day to day"), max_length=13, choices=Kind.choices)
    caregiver = models.ForeignKey(
        Adult,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cares_for",
        verbose_name=_("caregiver"),
    )
    caregiver_child = models.ForeignKey(
        Child,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cares_for_siblings",
        verbose_name=_("older sibling caring"),
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("care arrangement")
        indexes = [models.Index(fields=["child", "ended_on"], name="care_current_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="care_end_not_before_start",
            )
        ]


class Merge(models.Model):
    """Two records of one child made one: `merged` was folded into `kept`. `moved` names every
    row of every app that was repointed (model label, pk, field), `removed` the rows dropped
    because the kept child already had the same row, with their values; undoing the merge puts
    back exactly those. Kept after being undone, as history."""

    kept = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    moved = models.JSONField(default=list)  # [[model label, pk, field name], ...]
    removed = models.JSONField(default=list)  # [[model label, {attname: value as text}], ...]
    note = models.CharField(_("note"), max_length=500, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("merge")
