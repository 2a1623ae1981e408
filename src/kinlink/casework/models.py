"""Case management for a child (the six steps of the Inter-agency Guidelines): the case and its
deadlines, the plan with goals and actions, follow-up contacts and reviews, supervisor
approvals, referrals to services (with consent), intake referrals from teachers and health
workers, case notes tagged with the child's coping strategies and challenges, group activities,
and the case's history.

Statuses are TextChoices and change only in `casework.services`, which checks the source state
and the actor. Every change also appends a `CaseEvent`: the case's history, kept when a closed
case is reopened.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinlink.core.coping import Challenge, CopingStrategy
from kinlink.places.models import Place, ServiceProvider
from kinlink.registry.models import Child


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


# Higher number, higher risk: used to tell a raise from a lowering and to sort caseloads.
RISK_ORDER = {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 1}


class Domain(models.TextChoices):
    EMOTIONAL = "emotional", _("Emotional health")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    PROTECTION = "protection", _("Protection")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")


class CaseSource(models.TextChoices):
    CHILD = "child", _("The child's record")
    SCREENING = "screening", _("A screening")
    WORKLIST = "worklist", _("A worklist")
    REFERRAL = "referral", _("A referral by a teacher or health worker")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Stage(models.TextChoices):
    """The Inter-agency Guidelines' steps after identification, derived from what is recorded."""

    ASSESSMENT = "assessment", _("Assessment")
    PLANNING = "planning", _("Case planning")
    IMPLEMENTATION = "implementation", _("Implementation, follow-up and review")
    CLOSURE = "closure", _("Closed")


class ClosureReason(models.TextChoices):
    """domain.md §4."""

    GOALS_MET = "goals_met", _("Goals met and stable for the monitoring period")
    TURNED_18 = "turned_18", _("The child turned 18")
    TRANSFERRED = "transferred", _("Moved: transferred to and accepted by another agency")
    DIED = "died", _("The child died")
    CONSENT_WITHDRAWN = (
        "consent_withdrawn",
        _("Consent withdrawn or services refused after documented efforts"),
    )
    LOST_CONTACT = "lost_contact", _("Lost contact after documented tracing")


# A high-risk case closes for these only with an escalation recorded (domain.md §4).
ESCALATION_REASONS = frozenset({ClosureReason.CONSENT_WITHDRAWN, ClosureReason.LOST_CONTACT})


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(status=CaseStatus.OPEN)


class Case(models.Model):
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="cases", verbose_name=_("child")
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="casework_cases",
        verbose_name=_("caseworker"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    source = models.CharField(_("opened from"), max_length=10, choices=CaseSource.choices)
    reason = models.TextField(_("reason for opening"))
    risk_level = models.CharField(_("risk level"), max_length=6, choices=RiskLevel.choices)
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Deadlines, computed by services from the risk level and settings (casework.conf).
    first_contact_due = models.DateTimeField(_("first contact due"))
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    assessment_summary = models.TextField(_("assessment findings"), blank=True)
    plan_due = models.DateField(_("plan due"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    visit_due = models.DateField(_("next follow-up visit due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    closure_note = models.TextField(_("note on closing"), blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("case")
        constraints = [
            # One open case per child: a second would split the child's plan and history.
            models.UniqueConstraint(
                fields=["child"], condition=Q(status="open"), name="one_open_case_per_child"
            ),
        ]
        indexes = [
            # Caseloads: a caseworker's open cases, and their deadlines.
            models.Index(fields=["caseworker", "status"], name="case_caseload_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def risk_rank(self) -> int:
        return RISK_ORDER.get(RiskLevel(self.risk_level), 0)


class ApprovalKind(models.TextChoices):
    PLAN = "plan", _("Case plan")
    CLOSURE = "closure", _("Closure")
    RISK_LOWERING = "risk_lowering", _("Lower risk level")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Requested, pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Approval(models.Model):
    """A request for a supervisor's decision on a plan, a closure or a lower risk level."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="approvals")
    kind = models.CharField(_("kind"), max_length=14, choices=ApprovalKind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    plan = models.ForeignKey(
        "CasePlan", null=True, blank=True, on_delete=models.PROTECT, related_name="approvals"
    )
    # Closure: reason, note, escalation. Risk lowering: level, reason.
    details = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("approval")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(status="pending"),
                name="one_pending_approval_per_kind",
            ),
        ]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Replaced by a newer plan")


class CasePlan(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    child_participated = models.BooleanField(_("the child took part"), default=False)
    caregiver_participated = models.BooleanField(_("the caregiver took part"), default=False)
    created_at = models.DateTimeField()
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("case plan")
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="one_plan_per_version"),
        ]


class Goal(models.Model):
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    # The assessment's findings the goal answers, by reference ("F-12"): the assessment app
    # owns them; casework reads their text through its published `child_findings`.
    findings = models.JSONField(_("assessment findings it answers"), default=list, blank=True)
    finding = models.CharField(_("other finding, in words"), max_length=300, blank=True)
    description = models.TextField(_("goal"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("goal")


class ActionParty(models.TextChoices):
    """Whose task an action is: a caregiver's tasks may be reminded to the caregiver."""

    CASEWORKER = "caseworker", _("The caseworker")
    CAREGIVER = "caregiver", _("The caregiver")
    CHILD = "child", _("The child")
    PARENT = "parent", _("A parent away")
    SERVICE = "service", _("A school, clinic or other service")
    OTHER = "other", _("Someone else")


class PlanAction(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"))
    responsible = models.CharField(_("who does it"), max_length=200)
    party = models.CharField(
        _("whose task"), max_length=10, choices=ActionParty.choices, default=ActionParty.CASEWORKER
    )
    due_on = models.DateField(_("by when"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    # The day the caregiver was last reminded, so a daily run reminds once (see services).
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action")


class ContactKind(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("First contact")
    VISIT = "visit", _("Follow-up visit")
    PHONE = "phone", _("Phone call")
    REVIEW = "review", _("Case review")


class Contact(models.Model):
    """A first contact, follow-up visit, call or review, with the next date it set."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=14, choices=ContactKind.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("what happened"))
    next_due = models.DateField(_("next due"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("contact")


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_on = models.DateField(_("date"))
    text = models.TextField(_("note"))
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only the assigned caseworker and her supervisor read it."),
    )
    coping = models.JSONField(_("coping strategies the child described"), default=list)
    challenges = models.JSONField(_("challenges the child described"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-pk"]
        verbose_name = _("case note")
        indexes = [models.Index(fields=["written_on"], name="casenote_written_idx")]

    @property
    def coping_labels(self) -> list[str]:
        return [str(CopingStrategy(code).label) for code in self.coping]

    @property
    def challenge_labels(self) -> list[str]:
        return [str(Challenge(code).label) for code in self.challenges]


class ServiceOffer(models.Model):
    """A service a provider (places.ServiceProvider) offers, by domain: the referral directory."""

    provider = models.ForeignKey(
        ServiceProvider,
        on_delete=models.PROTECT,
        related_name="casework_services",
        verbose_name=_("provider"),
    )
    name = models.CharField(_("service"), max_length=200)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("taking referrals"), default=True)

    class Meta:
        ordering = ["domain", "name"]
        verbose_name = _("service")

    def __str__(self) -> str:
        return f"{self.name} · {self.provider.name}"


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")


OPEN_REFERRAL_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class Assent(models.TextChoices):
    NONE = "none", _("Not given")
    VERBAL = "verbal", _("Verbal")
    WRITTEN = "written", _("Written")


class Referral(models.Model):
    """A referral of the child to a service, with the consent recorded when it was sent."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(
        ServiceOffer, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service")
    )
    priority = models.CharField(_("priority"), max_length=6, choices=RiskLevel.choices)
    reason = models.TextField(_("reason for the referral"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    caregiver_consent = models.BooleanField(_("the caregiver consents"), default=False)
    consent_by = models.CharField(_("consent given by"), max_length=200, blank=True)
    child_assent = models.CharField(
        _("the child's assent"), max_length=8, choices=Assent.choices, default=Assent.NONE
    )
    child_consent = models.BooleanField(_("the child consents"), default=False)
    consent_on = models.DateField(_("consent recorded on"), null=True, blank=True)
    # Set when a supervisor sent the referral without the consent the child's age needs.
    override_reason = models.TextField(_("why it was sent without consent"), blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    responded_on = models.DateField(_("answered on"), null=True, blank=True)
    response_note = models.TextField(_("the service's answer"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("referral")


class IntakeStatus(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Case opened")
    DECLINED = "declined", _("No case needed")


class IntakeReferral(models.Model):
    """A teacher or health worker asks a caseworker to see a child."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(_("referred at"))
    concern = models.TextField(_("what worries you"))
    urgent = models.BooleanField(_("urgent: the child may be in danger"), default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=IntakeStatus.choices, default=IntakeStatus.NEW
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handling_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-referred_at"]
        verbose_name = _("intake referral")


EVENT_LABELS = {
    "opened": _("Case opened"),
    "assessed": _("Assessment recorded"),
    "risk_raised": _("Risk level raised"),
    "risk_lowering_requested": _("Lower risk level requested"),
    "risk_lowering_approved": _("Lower risk level approved"),
    "risk_lowering_rejected": _("Lower risk level rejected"),
    "plan_started": _("Plan started"),
    "plan_requested": _("Plan sent for approval"),
    "plan_approved": _("Plan approved"),
    "plan_rejected": _("Plan rejected"),
    "action_done": _("Action done"),
    "contact_first_contact": _("First contact"),
    "contact_visit": _("Follow-up visit"),
    "contact_phone": _("Phone call"),
    "contact_review": _("Case review"),
    "transferred": _("Transferred"),
    "closure_requested": _("Closure requested"),
    "closure_approved": _("Closure approved: case closed"),
    "closure_rejected": _("Closure rejected"),
    "reopened": _("Case reopened"),
    "note_added": _("Note written"),
    "referral_sent": _("Referral sent"),
    "referral_accepted": _("Referral accepted"),
    "referral_declined": _("Referral declined"),
    "referral_completed": _("Referral completed"),
}


class CaseEvent(models.Model):
    """The case's history: append-only, one row per change, kept through closure and reopening."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))


class Group(models.Model):
    """A group activity for children (a peer-support circle, a homework club) in a place."""

    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, verbose_name=_("place"))
    description = models.TextField(_("description"), blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    created_at = models.DateTimeField()
    # Ending a group keeps it, its members and sessions readable; it takes no new ones.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended"), blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("group")


class GroupMember(models.Model):
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="members")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["joined_on", "pk"]
        verbose_name = _("group member")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "child"],
                condition=Q(left_on__isnull=True),
                name="one_current_membership",
            ),
        ]


class GroupSession(models.Model):
    """One meeting of a group, with who attended."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=300)
    attendees = models.ManyToManyField(Child, related_name="+", verbose_name=_("attended"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("group session")
