"""Imported sources (village ledgers, school rosters, service lists), their rows, the runs that
link them to the registry, the candidate pairs each run found, and the caseworkers' decisions.

Imported rows are children's personal data: a batch belongs to the place scope of the person
who imported it, and every read and write of its rows is audited (see `access.py`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kinlink.places.models import Place, School
from kinlink.registry.models import AwayParents, Child, Sex


class SourceKind(models.TextChoices):
    LEDGER = "ledger", _("Village ledger")
    ROSTER = "roster", _("School roster")
    SERVICES = "services", _("Service list")


class ColumnMapping(models.Model):
    """How the columns of a file with these headers were mapped last time (no personal data:
    headers only), so the same spreadsheet layout is recognised the next time."""

    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    headers_key = models.CharField(max_length=64)  # SHA-256 of the normalised header row
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)  # {field: header}
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "headers_key"], name="one_mapping_per_layout")
        ]


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded, columns not yet mapped")
    CHECKED = "checked", _("Checked, waiting to be accepted")
    IMPORTED = "imported", _("Imported")
    DISCARDED = "discarded", _("Discarded")


class ImportBatch(models.Model):
    kind = models.CharField(_("kind of list"), max_length=10, choices=SourceKind.choices)
    # The importer's place scope when importing: who else may see the batch.
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=200)
    file_format = models.CharField(max_length=4)  # "csv" or "xlsx"
    content_hash = models.CharField(max_length=64)  # SHA-256 of the file's bytes
    # The uploaded file, kept only until it is imported or discarded.
    payload = models.BinaryField(null=True, editable=False)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("school"),
    )
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(default=0)
    good_rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)  # [[row, column, message, is_error], ...]
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_hash"], name="batch_hash_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if p[3])

    @property
    def bad_rows(self) -> int:
        return len({p[0] for p in self.problems if p[3]})


class SourceRow(models.Model):
    """One imported row, in standard columns; the text as the file had it where not parsed."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()  # as the spreadsheet numbers it (header = 1)
    record_id = models.CharField(max_length=64)
    family_name = models.CharField(max_length=100, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    id_number = models.CharField(max_length=32, blank=True)
    village = models.CharField(max_length=200, blank=True)
    village_place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    guardian_name = models.CharField(max_length=100, blank=True)
    guardian_phone = models.CharField(max_length=32, blank=True)
    parents_away = models.CharField(max_length=6, blank=True)  # ledgers: none/mother/father/both
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grade = models.CharField(max_length=20, blank=True)
    attendance_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    programme = models.CharField(max_length=200, blank=True)
    service_start = models.DateField(null=True, blank=True)
    service_end = models.DateField(null=True, blank=True)
    # Who the row describes, for carrying a caseworker's decision to later lists (see
    # services.fingerprint): a hash, so it says nothing by itself.
    fingerprint = models.CharField(max_length=64, db_index=True)

    class Meta:
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "record_id"], name="one_row_per_record_id")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"

    @property
    def parents_away_label(self) -> str:
        return str(AwayParents(self.parents_away).label) if self.parents_away else ""

    @property
    def sex_label(self) -> str:
        return str(Sex(self.sex).label) if self.sex in Sex.values else ""

    @property
    def full_name(self) -> str:
        from kinlink.core.names import has_chinese

        sep = "" if has_chinese(self.family_name + self.given_name) else " "
        return f"{self.family_name}{sep}{self.given_name}".strip()


class EngineRun(models.Model):
    """What every run of the linkage engine keeps: who started it and as which job, the two
    thresholds, how many registry children it compared, the fields, the engine's notes and the
    count of pairs by status."""

    job = models.ForeignKey("jobs.Job", null=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accept_threshold = models.FloatField()
    review_threshold = models.FloatField()
    registry_children = models.PositiveIntegerField(default=0)
    fields = models.JSONField(default=list)
    notes = models.JSONField(default=list)
    counts = models.JSONField(default=dict)  # {status: n}

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]


class LinkRun(EngineRun):
    """One linking of a batch to the registry children in the starter's scope."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="runs")
    # Only the latest run of a batch counts for outcomes and the review queue.
    is_current = models.BooleanField(default=True)


class PairStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Linked automatically")
    REVIEW = "review", _("Waiting for review")
    CONFIRMED = "confirmed", _("Confirmed by a caseworker")
    REJECTED = "rejected", _("Rejected by a caseworker")
    SUPERSEDED = "superseded", _("Another pair was better")


MATCHED = (PairStatus.ACCEPTED, PairStatus.CONFIRMED)


class Candidate(models.Model):
    """A pair (imported row, registered child) the engine scored at or above the review
    threshold, with its probability and the evidence of each field."""

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="candidates")
    row = models.ForeignKey(SourceRow, on_delete=models.CASCADE, related_name="candidates")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    match_weight = models.FloatField(null=True)
    evidence = models.JSONField(default=list)  # [[field, level, weight], ...]
    status = models.CharField(max_length=10, choices=PairStatus.choices)

    class Meta:
        ordering = ["-probability", "pk"]
        verbose_name = _("pair with an imported row")
        indexes = [
            models.Index(fields=["child", "status"], name="candidate_child_status_idx"),
            models.Index(fields=["run", "status"], name="candidate_run_status_idx"),
        ]


class Verdict(models.TextChoices):
    MATCH = "match", _("Same child")
    NON_MATCH = "non_match", _("Not the same child")


class Decision(models.Model):
    """A caseworker's word on a pair: honoured by every later run for rows describing the same
    child (same fingerprint), until reversed. Never deleted: reversal is recorded."""

    fingerprint = models.CharField(max_length=64)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    candidate = models.ForeignKey(
        Candidate, null=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("decision on a pair")
        constraints = [
            # One decision in force per pair; reversed ones stay as history.
            models.UniqueConstraint(
                fields=["fingerprint", "child"],
                condition=models.Q(reversed_at__isnull=True),
                name="one_live_decision_per_pair",
            )
        ]


# Duplicates within the registry ---------------------------------------------------------------


class DedupeRun(EngineRun):
    """One search for children registered twice, over the registry children in the starter's
    scope (the whole registry when an administrator starts it)."""


class DuplicateStatus(models.TextChoices):
    PROPOSED = "proposed", _("Likely the same child")
    REVIEW = "review", _("Waiting for review")
    DIFFERENT = "different", _("Different children")
    MERGED = "merged", _("Same child: merged")


OPEN_DUPLICATES = (DuplicateStatus.PROPOSED, DuplicateStatus.REVIEW)


class DuplicatePair(models.Model):
    """Two registered children that may be one: one row per pair (lower id first), kept across
    runs. A person decides every pair, even the likeliest: merging children is a serious act.
    A "different" decision stays, and later runs leave the pair alone."""

    child_a = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    child_b = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(
        DedupeRun, null=True, on_delete=models.SET_NULL, related_name="pairs"
    )  # the latest run that scored the pair
    probability = models.FloatField()
    match_weight = models.FloatField(null=True)
    evidence = models.JSONField(default=list)  # [[field, level, weight], ...]
    status = models.CharField(max_length=10, choices=DuplicateStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    merge = models.ForeignKey(
        "registry.Merge", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-probability", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child_a", "child_b"], name="one_row_per_duplicate_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(child_a__lt=models.F("child_b")), name="duplicate_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status"], name="duplicate_status_idx")]

    def other(self, child: Child) -> Child:
        return self.child_b if child.pk == self.child_a_id else self.child_a
