"""Guardianship records: a parent's declaration naming a temporary legal representative (step
one), best-interests assessments and guardian appointments (step two), court referrals (step three).

A declaration's stored `status` records what people did (drafted, signed, registered, revoked);
whether it is in force on a given day also depends on the calendar. `Declaration.status_on(on)`
and `DeclarationQuerySet.in_force_on(on)` answer that from the dates, so a page is right even if
the nightly `guardianship_clock` command, which moves stored statuses to active and expired, has
not run yet. The two are kept equivalent by tests.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinlink.guardianship.codes import display_code
from kinlink.registry.models import Adult, Child


class Power(models.TextChoices):
    """What a representative may do for the child. Order is the order on the printed paper."""

    SCHOOLING = "schooling", _("Schooling: enrolment and dealings with the school")
    ROUTINE_MEDICAL = "routine_medical", _("Consent to routine medical care")
    EMERGENCY_MEDICAL = "emergency_medical", _("Consent to emergency medical care")
    SOCIAL_BENEFITS = "social_benefits", _("Applying for and receiving social benefits")
    TRAVEL = "travel", _("Consent to travel")
    LEGAL = "legal", _("Legal representation before the police, courts and authorities")


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    REGISTERED = "registered", _("Registered")
    NOTARISED = "notarised", _("Notarised")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class Registration(models.TextChoices):
    """How the signed paper was made official."""

    REGISTERED = "registered", _("Registered with the guardianship authority")
    NOTARISED = "notarised", _("Certified by a notary")


class EndReason(models.TextChoices):
    PARENT = "parent", _("Revoked by the parent")
    REPRESENTATIVE = "representative", _("The representative withdrew")
    AUTHORITY = "authority", _("Revoked by the guardianship authority")
    SUPERSEDED = "superseded", _("Replaced by a newer declaration")


# Statuses a person sets; the clock moves a registered or notarised declaration to active and
# then expired, and never touches the others.
CLOCK_STATUSES = (
    DeclarationStatus.REGISTERED,
    DeclarationStatus.NOTARISED,
    DeclarationStatus.ACTIVE,
)
ENDED_STATUSES = (DeclarationStatus.REVOKED, DeclarationStatus.SUPERSEDED)


class DeclarationQuerySet(models.QuerySet["Declaration"]):
    def in_force_on(self, on: dt.date) -> DeclarationQuerySet:
        """Declarations giving the representative authority on that day (see `status_on`)."""
        return self.filter(
            Q(registered_on__isnull=False)
            & Q(registered_on__lte=on)
            & Q(valid_from__lte=on)
            & Q(valid_until__gte=on)
            & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        )

    def not_ended(self) -> DeclarationQuerySet:
        """Declarations still in play: drafts, signed, registered and active ones."""
        return self.exclude(status__in=[*ENDED_STATUSES, DeclarationStatus.EXPIRED])


class Declaration(models.Model):
    child = models.ForeignKey(
        Child,
        on_delete=models.PROTECT,
        related_name="guardianship_declarations",
        verbose_name=_("child"),
    )
    declarant = models.ForeignKey(
        Adult, on_delete=models.PROTECT, related_name="+", verbose_name=_("parent declaring")
    )
    # Copied from the registry when drafted: the paper states the relationship as it was.
    declarant_kind = models.CharField(_("parent"), max_length=12)
    representative = models.ForeignKey(
        Adult, on_delete=models.PROTECT, related_name="+", verbose_name=_("representative")
    )
    representative_kind = models.CharField(
        _("representative's relationship to the child"), max_length=12, blank=True
    )
    powers = models.JSONField(_("powers"), default=list)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.DRAFT,
    )
    # Printed on the paper and typed by whoever checks it; random, see services.new_code.
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    signed_on = models.DateField(_("signed by the parent on"), null=True, blank=True)
    representative_accepted_on = models.DateField(
        _("accepted by the representative on"), null=True, blank=True
    )
    registration = models.CharField(
        _("made official by"), max_length=10, choices=Registration.choices, blank=True
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registering officer"),
    )
    registration_reference = models.CharField(
        _("register or notarial number"), max_length=60, blank=True
    )
    notary = models.CharField(_("notary"), max_length=200, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=14, choices=EndReason.choices, blank=True
    )
    end_note = models.TextField(_("note on ending"), blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ended by"),
    )
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
        verbose_name=_("replaced by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("guardianship declaration")
        indexes = [
            # The worklist asks, per child, "is anything in force on this day?".
            models.Index(
                fields=["child", "valid_from", "valid_until"], name="declaration_cover_idx"
            ),
            # The clock command looks for registered and active declarations by end date.
            models.Index(fields=["status", "valid_until"], name="declaration_clock_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="declaration_until_not_before_from",
            ),
        ]

    def __str__(self) -> str:
        return self.code_display

    @property
    def code_display(self) -> str:
        """The code in groups of four, as printed: ABCD-EFGH-JKMN-PQRS-TVWX."""
        return display_code(self.code)

    @property
    def in_force_from(self) -> dt.date | None:
        """The first day the representative has authority: not before registration."""
        if self.registered_on is None:
            return None
        return max(self.valid_from, self.registered_on)

    def status_on(self, on: dt.date) -> DeclarationStatus:
        """The status on a day, the clock applied: what a school or clinic should be told."""
        status = DeclarationStatus(self.status)
        if self.registered_on is None:
            return status  # draft, signed, or revoked before it was ever registered
        if status in ENDED_STATUSES and self.ended_on is not None and on >= self.ended_on:
            return status
        if on > self.valid_until:
            return DeclarationStatus.EXPIRED
        if on >= (self.in_force_from or self.valid_from):
            return DeclarationStatus.ACTIVE
        return DeclarationStatus(self.registration or DeclarationStatus.REGISTERED)

    def is_in_force_on(self, on: dt.date) -> bool:
        return self.status_on(on) == DeclarationStatus.ACTIVE

    def power_labels(self) -> list[str]:
        return [Power(p).label for p in Power.values if p in self.powers]


# Step two --------------------------------------------------------------------------------------


class CareOption(models.TextChoices):
    """Options for a child's care, in the order the guidelines ask them to be considered."""

    PARENT_DECLARATION = "declaration", _("A representative named by the parents")
    KINSHIP_GUARDIAN = "kinship", _("Guardianship by a relative")
    OTHER_GUARDIAN = "other_guardian", _("Guardianship by another trusted adult")
    PROXY_CARE = "proxy_care", _("Registered proxy care (court-approved)")
    FOSTER_FAMILY = "foster", _("Foster family")
    RESIDENTIAL_CARE = "residential", _("Residential care (last resort)")


class CaregiverCapacity(models.TextChoices):
    ADEQUATE = "adequate", _("Able to care for the child")
    WITH_SUPPORT = "with_support", _("Able to care with support")
    INADEQUATE = "inadequate", _("Not able to care for the child")


class Siblings(models.TextChoices):
    TOGETHER = "together", _("Siblings stay together")
    SEPARATED = "separated", _("Siblings would be separated")
    NONE = "none", _("No siblings under 18")


class BestInterestsAssessment(models.Model):
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="+", verbose_name=_("child")
    )
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    child_heard = models.BooleanField(_("the child was heard"), default=True)
    child_views = models.TextField(
        _("the child's views"),
        blank=True,
        help_text=_("In the child's own words where possible; weigh them by age and maturity."),
    )
    not_heard_reason = models.CharField(
        _("why the child was not heard"), max_length=300, blank=True
    )
    options_considered = models.JSONField(_("options considered"), default=list)
    options_note = models.TextField(_("how the options compare"), blank=True)
    proposed_caregiver = models.ForeignKey(
        Adult,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed guardian or caregiver"),
    )
    caregiver_capacity = models.CharField(
        _("caregiver's capacity"), max_length=12, choices=CaregiverCapacity.choices, blank=True
    )
    caregiver_note = models.TextField(_("about the caregiver"), blank=True)
    siblings = models.CharField(_("siblings"), max_length=10, choices=Siblings.choices)
    siblings_note = models.TextField(_("why siblings would be separated"), blank=True)
    recommendation = models.CharField(
        _("recommended option"), max_length=14, choices=CareOption.choices
    )
    reasons = models.TextField(_("reasons for the recommendation"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("best-interests assessment")

    def options_labels(self) -> list[str]:
        return [CareOption(o).label for o in CareOption.values if o in self.options_considered]


class ApprovalStatus(models.TextChoices):
    REQUESTED = "requested", _("Approval requested")
    PENDING = "pending", _("Under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class AppointmentKind(models.TextChoices):
    GUARDIAN = "guardian", _("Guardian")
    PROXY_CARE = "proxy_care", _("Proxy caregiver")
    FOSTER_FAMILY = "foster", _("Foster family")
    RESIDENTIAL_CARE = "residential", _("Residential care")


class AppointmentSource(models.TextChoices):
    AUTHORITY = "authority", _("Guardianship authority")
    COURT = "court", _("Court")


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def in_force_on(self, on: dt.date) -> AppointmentQuerySet:
        return self.filter(
            Q(status=ApprovalStatus.APPROVED)
            & Q(starts_on__lte=on)
            & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        )


class Appointment(models.Model):
    """A guardian or placement for a child: proposed by the guardianship officer and approved
    by a supervisor, or decided by a court (then recorded as approved)."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="+", verbose_name=_("child")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AppointmentKind.choices)
    source = models.CharField(
        _("decided by"),
        max_length=10,
        choices=AppointmentSource.choices,
        default=AppointmentSource.AUTHORITY,
    )
    guardian = models.ForeignKey(
        Adult,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("guardian or caregiver"),
    )
    placement = models.CharField(_("foster family or institution"), max_length=200, blank=True)
    assessment = models.ForeignKey(
        BestInterestsAssessment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("best-interests assessment"),
    )
    court_referral = models.ForeignKey(
        "CourtReferral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.REQUESTED,
    )
    reasons = models.TextField(_("reasons"))
    starts_on = models.DateField(_("from"))
    review_on = models.DateField(_("next review"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewing supervisor"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_note = models.TextField(_("why it ended"), blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("guardianship appointment")
        indexes = [models.Index(fields=["child", "status"], name="appointment_child_idx")]


# Step three ------------------------------------------------------------------------------------


class ReferralKind(models.TextChoices):
    CARE = "care", _("Care of a child without a guardian")
    PROXY_CARE = "proxy_care", _("Approval of proxy care")


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    HEARING = "hearing", _("Hearing scheduled")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Follow-up completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CourtOutcome(models.TextChoices):
    GUARDIAN = "guardian", _("A guardian is appointed")
    PROXY_CARE = "proxy_care", _("Proxy care is approved")
    FOSTER_FAMILY = "foster", _("Placement with a foster family")
    RESIDENTIAL_CARE = "residential", _("Residential care (last resort)")
    DISMISSED = "dismissed", _("The application is dismissed")


# How each court outcome is recorded as an appointment (a dismissal appoints nobody).
OUTCOME_APPOINTMENT = {
    CourtOutcome.GUARDIAN: AppointmentKind.GUARDIAN,
    CourtOutcome.PROXY_CARE: AppointmentKind.PROXY_CARE,
    CourtOutcome.FOSTER_FAMILY: AppointmentKind.FOSTER_FAMILY,
    CourtOutcome.RESIDENTIAL_CARE: AppointmentKind.RESIDENTIAL_CARE,
}


class CourtReferral(models.Model):
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="+", verbose_name=_("child")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReferralKind.choices)
    court = models.CharField(_("court"), max_length=200)
    referred_on = models.DateField(_("referred on"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.TextField(_("why the court is asked"))
    attempts = models.TextField(
        _("attempts made"), help_text=_("Family-based solutions tried before going to court.")
    )
    assessments = models.ManyToManyField(
        BestInterestsAssessment, blank=True, related_name="+", verbose_name=_("assessments sent")
    )
    proposed_caregiver = models.ForeignKey(
        Adult,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed caregiver"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReferralStatus.choices,
        default=ReferralStatus.REFERRED,
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    outcome = models.CharField(
        _("decision"), max_length=12, choices=CourtOutcome.choices, blank=True
    )
    decision_reasons = models.TextField(_("the court's reasons"), blank=True)
    last_resort_reason = models.TextField(_("why no family-based care was possible"), blank=True)
    follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = _("court referral")


class Hearing(models.Model):
    referral = models.ForeignKey(CourtReferral, on_delete=models.CASCADE, related_name="hearings")
    held_on = models.DateField(_("hearing date"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("hearing")


class FollowUp(models.Model):
    referral = models.ForeignKey(CourtReferral, on_delete=models.CASCADE, related_name="follow_ups")
    visited_on = models.DateField(_("visited on"))
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("what was found"))
    next_on = models.DateField(_("next follow-up"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visited_on", "pk"]
        verbose_name = _("follow-up visit")


# Before a parent leaves (issue 6, item 5) ------------------------------------------------------
# A plan is made with one parent who is about to leave and one child: siblings each get their
# own plan, because what a child may feel and how to talk about it depends on the child's age.
# What is on the checklist is data (`guardianship.checklist`); each item's mark is a row here.


class PackLanguage(models.TextChoices):
    """The language the family reads: the family pack is printed in it."""

    CHINESE = "zh-hans", _("Chinese")
    ENGLISH = "en", _("English")


class ContactFrequency(models.TextChoices):
    DAILY = "daily", _("Every day")
    SEVERAL_A_WEEK = "several_week", _("Several times a week")
    WEEKLY = "weekly", _("Once a week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Once a month")


class ContactChannel(models.TextChoices):
    # The same vocabulary as the connection app's contact plans, so one can seed the other.
    CALL = "call", _("Phone call")
    VIDEO = "video", _("Video call")
    MESSAGE = "message", _("Message")
    VISIT = "visit", _("Visit in person")


class InsuranceScheme(models.TextChoices):
    RESIDENT = "resident", _("Basic medical insurance for residents (urban and rural)")
    EMPLOYEE = "employee", _("Basic medical insurance for employees")
    COMMERCIAL = "commercial", _("Commercial insurance")
    NONE = "none", _("No health insurance")
    OTHER = "other", _("Other")


class MarkState(models.TextChoices):
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")
    NOT_APPLICABLE = "n_a", _("Not applicable")


class PreDeparturePlan(models.Model):
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="+", verbose_name=_("child")
    )
    parent = models.ForeignKey(
        Adult, on_delete=models.PROTECT, related_name="+", verbose_name=_("parent leaving")
    )
    parent_kind = models.CharField(_("parent"), max_length=12)
    departure_on = models.DateField(_("planned departure"))
    destination = models.CharField(_("destination"), max_length=200)
    language = models.CharField(
        _("the family's language"),
        max_length=7,
        choices=PackLanguage.choices,
        default=PackLanguage.CHINESE,
    )
    # The contact agreed with the child. The connection app's ContactPlan may later be seeded
    # from these two fields; this app does not import connection (docs/guardianship.md).
    contact_frequency = models.CharField(
        _("how often the parent will be in touch"),
        max_length=12,
        choices=ContactFrequency.choices,
        blank=True,
    )
    contact_channel = models.CharField(
        _("how"), max_length=8, choices=ContactChannel.choices, blank=True
    )
    contact_note = models.TextField(_("more about contact"), blank=True)
    school_name = models.CharField(_("school"), max_length=200, blank=True)
    school_signatory = models.ForeignKey(
        Adult,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who signs school papers"),
    )
    school_note = models.TextField(_("more about school"), blank=True)
    insurance_scheme = models.CharField(
        _("health insurance"), max_length=10, choices=InsuranceScheme.choices, blank=True
    )
    insurance_card_holder = models.ForeignKey(
        Adult,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who keeps the insurance card"),
    )
    treatment_consent_by = models.ForeignKey(
        Adult,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who consents to treatment"),
    )
    health_note = models.TextField(_("more about health"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not stored: what handing the agreed contact to the connection app did on this save
    # ("created", "updated", "kept"...; see contact_plan.seed), for the page to say.
    contact_seeding = ""

    class Meta:
        ordering = ["-departure_on", "-pk"]
        verbose_name = _("pre-departure plan")
        indexes = [models.Index(fields=["child", "departure_on"], name="predeparture_child_idx")]

    def __str__(self) -> str:
        return f"#{self.pk}"


class EmergencyContact(models.Model):
    plan = models.ForeignKey(
        PreDeparturePlan, on_delete=models.CASCADE, related_name="emergency_contacts"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=100)
    relationship = models.CharField(_("who they are"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20)  # E.164, see core.phones

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("emergency contact")


class ChecklistMark(models.Model):
    """A caseworker's mark on one checklist item of a plan (the item is a key in `checklist`)."""

    plan = models.ForeignKey(PreDeparturePlan, on_delete=models.CASCADE, related_name="marks")
    item = models.CharField(_("item"), max_length=30)
    state = models.CharField(_("state"), max_length=8, choices=MarkState.choices)
    note = models.TextField(_("note"), blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    contact_seeding = ""  # not stored: as on PreDeparturePlan, when the contact item is done

    class Meta:
        verbose_name = _("checklist mark")
        constraints = [
            models.UniqueConstraint(fields=["plan", "item"], name="one_mark_per_plan_item"),
        ]


class PackHandover(models.Model):
    """The family pack was given to someone: when, to whom, by whom, in which language."""

    plan = models.ForeignKey(PreDeparturePlan, on_delete=models.PROTECT, related_name="handovers")
    given_on = models.DateField(_("pack given on"))
    given_to = models.ForeignKey(
        Adult, on_delete=models.PROTECT, related_name="+", verbose_name=_("given to")
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("given by"),
    )
    language = models.CharField(_("language"), max_length=7, choices=PackLanguage.choices)
    # The checklist as it stood when the pack was given: items resolved / items in all.
    items_resolved = models.PositiveSmallIntegerField(default=0)
    items_total = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("family pack handover")
