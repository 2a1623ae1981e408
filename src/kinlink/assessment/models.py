"""What the assessment of a child records: screenings, well-being scores, safety alerts and
their tasks, growth measurements, coping, the support network and assessments by domain.

Every record points at a registry Child and is reached through `registry.access` (see
`assessment.selectors`); writes go through `assessment.services`, which validate and audit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kinlink.core.coping import Challenge, CopingStrategy
from kinlink.registry.models import Child


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class ScreeningRules(models.Model):
    """A rule set exactly as screenings used it (the file's text): each screening points here,
    so it is explained by the rules that made it, whatever the files say later."""

    version = models.CharField(max_length=40)
    digest = models.CharField(max_length=16)  # of the text: an edited file is another row
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("screening rule set")
        constraints = [
            models.UniqueConstraint(fields=["version", "digest"], name="one_rules_per_digest")
        ]


class ScreeningText(models.Model):
    """An evidence or what-to-collect message of the screens, kept once and referred to by its
    id from every screening: a million screenings share a few hundred texts, and an old
    screening keeps its words when the code's messages change."""

    digest = models.CharField(max_length=32, unique=True)  # of the text, to find it again
    text = models.TextField()


class Screening(models.Model):
    """One application of a versioned rule set to a child on a date. Append-only, except the
    caseworker's confirmation (or override, with its reason), which is written once."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("screened on"))
    rule_set = models.CharField(_("rule set"), max_length=40)  # the version, for reading
    rules = models.ForeignKey(ScreeningRules, on_delete=models.PROTECT, related_name="+")
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    performed_at = models.DateTimeField(_("performed at"))
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL)
    score = models.PositiveSmallIntegerField(_("score"))
    suggested_level = models.CharField(_("suggested level"), max_length=6, choices=RiskLevel)
    possible_level = models.CharField(
        _("level if the unknown factors were present"), max_length=6, choices=RiskLevel
    )
    unknown_count = models.PositiveSmallIntegerField(_("unknown factors"))
    # One entry per factor of `rules`, in its order: [state, text id] or [state, text id,
    # params], state "p" present, "a" absent, "u" unknown; see screening/storage.py.
    factors = models.JSONField(_("factors"))
    confirmed_level = models.CharField(
        _("confirmed level"), max_length=6, choices=RiskLevel, blank=True
    )
    override_reason = models.TextField(_("reason for a different level"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("screening")
        indexes = [
            # The child's history, newest first; also "the screening before this one".
            models.Index(fields=["child", "on", "id"], name="screening_child_on_idx"),
        ]

    @property
    def is_confirmed(self) -> bool:
        return bool(self.confirmed_level)

    @property
    def is_override(self) -> bool:
        return self.is_confirmed and self.confirmed_level != self.suggested_level


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class SafetyAlert(models.Model):
    """Raised at once when a child may be at risk of harming himself or herself; stays open until
    one of the people it was raised for acknowledges it."""

    class Kind(models.TextChoices):
        SELF_HARM = "self_harm", _("Thoughts of self-harm or of being better off dead")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    response = models.ForeignKey(
        "InstrumentResponse", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_for = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    raised_at = models.DateTimeField(_("raised at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("safety alert")
        indexes = [models.Index(fields=["child", "acknowledged_at"], name="alert_child_open_idx")]


class FollowUpTask(models.Model):
    """A task for a person about a child (a safety plan), until the casework app takes over."""

    class Kind(models.TextChoices):
        SAFETY_PLAN = "safety_plan", _("Make a safety plan with the child")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("task"), max_length=20, choices=Kind.choices)
    alert = models.ForeignKey(SafetyAlert, null=True, blank=True, on_delete=models.PROTECT)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(max_length=4, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("task")
        indexes = [models.Index(fields=["child", "status"], name="task_child_status_idx")]


class InstrumentResponse(models.Model):
    """A well-being screener given to a child: the scores and band. Item answers are kept only
    for items whose pack says so (the self-harm item), per domain.md section 6."""

    class Informant(models.TextChoices):
        CHILD = "child", _("The child")
        CAREGIVER = "caregiver", _("A caregiver")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(_("instrument"), max_length=20)
    pack_version = models.CharField(max_length=20)
    administered_on = models.DateField(_("given on"))
    administered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    informant = models.CharField(
        _("answered by"), max_length=10, choices=Informant.choices, default=Informant.CHILD
    )
    language = models.CharField(_("language"), max_length=10)
    raw_score = models.PositiveSmallIntegerField(_("raw score"))
    score = models.PositiveSmallIntegerField(_("score"))  # as reported (WHO-5: raw x 4)
    band = models.CharField(_("band"), max_length=30)
    flags = models.JSONField(default=list, blank=True)  # codes of the pack's flags raised
    kept_answers = models.JSONField(default=dict, blank=True)  # {item number: answer}
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-administered_on", "-id"]
        verbose_name = _("screener result")
        indexes = [models.Index(fields=["child", "instrument"], name="response_child_idx")]


class ExternalScore(models.Model):
    """Scores of an instrument that may not be given on screen (the SDQ): entered from the
    paper form a practitioner scored, with the band the practitioner read from the norms."""

    class Informant(models.TextChoices):
        PARENT = "parent", _("Parent or caregiver")
        TEACHER = "teacher", _("Teacher")
        SELF = "self", _("Self-report (11-17)")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(_("instrument"), max_length=20, default="sdq")
    informant = models.CharField(_("informant"), max_length=10, choices=Informant.choices)
    administered_on = models.DateField(_("completed on"))
    scored_by = models.CharField(_("scored by"), max_length=200)
    scores = models.JSONField(_("scores"))  # {scale: integer}
    band = models.CharField(_("band"), max_length=30)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-administered_on", "-id"]
        verbose_name = _("externally scored result")


class GrowthFlag(models.TextChoices):
    STUNTING = "stunting", _("Stunting")
    SEVERE_STUNTING = "severe_stunting", _("Severe stunting")
    WASTING = "wasting", _("Wasting")
    SEVERE_WASTING = "severe_wasting", _("Severe wasting")
    UNDERWEIGHT = "underweight", _("Underweight")
    SEVERE_UNDERWEIGHT = "severe_underweight", _("Severe underweight")
    THINNESS = "thinness", _("Thinness")
    OVERWEIGHT = "overweight", _("Overweight")
    OBESITY = "obesity", _("Obesity")


class Measurement(models.Model):
    """A weight and length/height with the WHO z-scores and flags computed when recorded."""

    class Measure(models.TextChoices):
        LYING = "lying", _("Lying (length)")
        STANDING = "standing", _("Standing (height)")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    measured_on = models.DateField(_("measured on"))
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    height_cm = models.DecimalField(
        _("length or height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    measure = models.CharField(_("measured"), max_length=8, choices=Measure.choices, blank=True)
    oedema = models.BooleanField(_("bilateral pitting oedema"), default=False)
    measured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Computed from the above by growth.zscores when recorded.
    age_days = models.PositiveIntegerField()
    hfa_z = models.FloatField(null=True, blank=True)
    wfa_z = models.FloatField(null=True, blank=True)
    wfh_z = models.FloatField(null=True, blank=True)
    bmi_z = models.FloatField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)  # "stunting", "wasting", ...
    implausible = models.JSONField(default=list, blank=True)  # "hfa", "wfa", ...

    class Meta:
        ordering = ["-measured_on", "-id"]
        verbose_name = _("measurement")
        indexes = [models.Index(fields=["child", "measured_on"], name="measurement_child_idx")]

    def flag_labels(self) -> list[str]:
        return [GrowthFlag(f).label for f in self.flags if f in GrowthFlag.values]


class CopingProfile(models.Model):
    """The child's coping strategies (strengths to build on) and challenges, as of a date
    (the Henan study's Table 1 and Figure 2)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    strategies = models.JSONField(_("coping strategies"), default=list, blank=True)
    challenges = models.JSONField(_("challenges"), default=list, blank=True)
    strengths_note = models.TextField(_("how the child copes"), blank=True)
    challenges_note = models.TextField(_("what is hard"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_on", "-id"]
        verbose_name = _("coping profile")

    def strategy_labels(self) -> list[str]:
        return [CopingStrategy(c).label for c in self.strategies if c in CopingStrategy.values]

    def challenge_labels(self) -> list[str]:
        return [Challenge(c).label for c in self.challenges if c in Challenge.values]


class SupportTie(models.Model):
    """A person or body in the child's support network, in one of four rings."""

    class Ring(models.TextChoices):
        FAMILY = "family", _("Family")
        SCHOOL = "school", _("School")
        COMMUNITY = "community", _("Community")
        SOCIETY = "society", _("Society")

    class Kind(models.TextChoices):
        GRANDPARENT = "grandparent", _("Grandparent")
        PARENT_AWAY = "parent_away", _("Parent away")
        AUNT_UNCLE = "aunt_uncle", _("Aunt or uncle")
        SIBLING = "sibling", _("Sibling")
        OTHER_RELATIVE = "relative", _("Other relative")
        TEACHER = "teacher", _("Teacher")
        CLASSMATE = "classmate", _("Classmate")
        FRIEND = "friend", _("Friend")
        NEIGHBOUR = "neighbour", _("Neighbour")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        VILLAGE_COMMITTEE = "village_committee", _("Village committee")
        CHILDREN_DIRECTOR = "children_director", _("Children's director")
        WELFARE_PROGRAMME = "welfare", _("Welfare programme")
        HEALTH_SERVICE = "health", _("Health service")
        OTHER = "other", _("Other")

    class Strength(models.TextChoices):
        STRONG = "strong", _("Strong")
        MODERATE = "moderate", _("Moderate")
        WEAK = "weak", _("Weak")
        STRESSFUL = "stressful", _("Stressful")

    class Support(models.TextChoices):
        EMOTIONAL = "emotional", _("Emotional")
        PRACTICAL = "practical", _("Daily care")
        MATERIAL = "material", _("Money or goods")
        LEARNING = "learning", _("Schoolwork")
        INFORMATION = "information", _("Advice and information")
        SAFETY = "safety", _("Safety and supervision")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    ring = models.CharField(_("ring"), max_length=10, choices=Ring.choices)
    kind = models.CharField(_("who"), max_length=20, choices=Kind.choices)
    label = models.CharField(
        _("short name"),
        max_length=40,
        help_text=_("How the child calls them, e.g. 奶奶 or Teacher Li; shown on the map."),
    )
    supports = models.JSONField(_("kind of support"), default=list)
    strength = models.CharField(_("strength"), max_length=10, choices=Strength.choices)
    notes = models.TextField(_("notes"), blank=True)
    ended_on = models.DateField(_("no longer in the network since"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ring", "id"]
        verbose_name = _("support tie")


class Domain(models.TextChoices):
    EMOTIONAL = "emotional", _("Emotional health")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health and nutrition")
    PROTECTION = "protection", _("Protection")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")
    CHILD_VIEW = "child_view", _("The child's own view")


class ProtectionConcern(models.TextChoices):
    PHYSICAL_ABUSE = "physical_abuse", _("Physical abuse")
    EMOTIONAL_ABUSE = "emotional_abuse", _("Emotional abuse")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
    NEGLECT = "neglect", _("Neglect")
    EXPLOITATION = "exploitation", _("Exploitation")
    CHILD_LABOUR = "child_labour", _("Child labour")
    EARLY_MARRIAGE = "early_marriage", _("Early marriage")
    EXTORTION = "extortion", _("Extortion (for perceived remittance wealth)")
    TRAFFICKING = "trafficking", _("Trafficking")


class Assistance(models.TextChoices):
    RECEIVES = "receives", _("Receives the social assistance it is eligible for")
    NOT_NEEDED = "not_needed", _("Not in need of social assistance")
    REFUSED = "refused", _("Applied and was refused")
    DROPPED = "dropped", _("Lost assistance (e.g. after a month with a remittance)")
    EXCLUDED_REMITTANCES = (
        "excluded_remittances",
        _("Did not apply: told remittances make the household ineligible"),
    )
    NOT_APPLIED = "not_applied", _("Did not apply, for other reasons")


class DomainAssessment(models.Model):
    """The caseworker's assessment of one domain on a date: structured answers the screening
    reads (enrolment, protection concerns, ...), a summary and findings."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("domain assessment")
        indexes = [models.Index(fields=["child", "domain", "assessed_on"], name="domain_child_idx")]


class Finding(models.Model):
    """One finding of an assessment, addressable by id so a case-plan goal can link to it."""

    class Kind(models.TextChoices):
        CONCERN = "concern", _("Concern")
        NEED = "need", _("Need")
        STRENGTH = "strength", _("Strength")

    assessment = models.ForeignKey(
        DomainAssessment, on_delete=models.PROTECT, related_name="findings"
    )
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("finding"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("finding")
        indexes = [models.Index(fields=["child", "domain"], name="finding_child_idx")]

    @property
    def reference(self) -> str:
        """A stable, name-free reference for case plans: F-<id>."""
        return f"F-{self.pk}"
