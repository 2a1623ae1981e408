"""Contact between parents and children, contact plans, visits and returns, remittances,
exchange rates and the household means declared for social assistance.

Facts only: what is derived from them (days since contact, averages, trends, alerts,
eligibility) is computed in `measures`, `alerts` and `eligibility`, never stored by hand.
Amounts are Decimals in the currency they were sent in; conversion to the home currency uses
the stored rates at read time, so a rate entered later corrects every figure at once. The one
derived table, `RemittanceMonths`, is kept by the services that write remittances and rates,
and stands in for the records only where it is whole (see its docstring).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinlink.registry.models import Adult, Child, Household, MigrationEpisode


class Reporter(models.TextChoices):
    """Who told us: the weight a caseworker gives a record depends on it."""

    CASEWORKER = "caseworker", _("Caseworker")
    CAREGIVER = "caregiver", _("Caregiver")
    CHILD = "child", _("The child")
    IMPORT = "import", _("Bulk import")


class Channel(models.TextChoices):
    CALL = "call", _("Phone call")
    VIDEO = "video", _("Video call")
    MESSAGE = "message", _("Message")
    VISIT = "visit", _("Visit in person")


class Initiator(models.TextChoices):
    PARENT = "parent", _("The parent")
    CHILD = "child", _("The child")
    CAREGIVER = "caregiver", _("The caregiver")
    OTHER = "other", _("Someone else (school, caseworker)")
    UNKNOWN = "unknown", _("Not known")


class Quality(models.TextChoices):
    """How the contact went, in the words of whoever reported it; not a clinical rating."""

    GOOD = "good", _("Went well")
    MIXED = "mixed", _("Mixed")
    POOR = "poor", _("Difficult or upsetting")


class ContactEvent(models.Model):
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="contact_events", verbose_name=_("child")
    )
    parent = models.ForeignKey(
        Adult, on_delete=models.CASCADE, related_name="contact_events", verbose_name=_("parent")
    )
    # Aware; shown and counted in days of settings.TIME_ZONE whatever the parent's zone.
    happened_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    initiated_by = models.CharField(
        _("who initiated"), max_length=10, choices=Initiator.choices, default=Initiator.UNKNOWN
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    quality = models.CharField(
        _("how it went (as reported)"), max_length=6, choices=Quality.choices, blank=True
    )
    reported_by = models.CharField(_("reported by"), max_length=10, choices=Reporter.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_at"]
        verbose_name = _("contact")
        indexes = [
            # The child's page and every measure read a child's contacts newest first.
            models.Index(fields=["child", "-happened_at"], name="contact_child_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__lte=24 * 60),
                name="contact_duration_within_a_day",
            )
        ]


class ContactPlan(models.Model):
    """The contact a parent and the family agreed on, usually before departure."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="contact_plans")
    parent = models.ForeignKey(Adult, on_delete=models.CASCADE, related_name="contact_plans")
    contacts_per_30_days = models.PositiveSmallIntegerField(_("contacts every 30 days"))
    channel = models.CharField(_("usual channel"), max_length=8, choices=Channel.choices)
    agreed_on = models.DateField(_("agreed on"))
    from_pre_departure = models.BooleanField(_("agreed in pre-departure planning"), default=False)
    # The record the plan was last copied from by `plans.seed_contact_plan` (for example
    # "guardianship.predepartureplan:12"); blank when made or last changed by hand, which stops
    # further seeding from overwriting the caseworker's plan.
    seeded_from = models.CharField(_("copied from"), max_length=80, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact plan")
        constraints = [
            models.UniqueConstraint(fields=["child", "parent"], name="one_contact_plan_per_pair"),
            models.CheckConstraint(
                condition=Q(contacts_per_30_days__gte=1) & Q(contacts_per_30_days__lte=60),
                name="contact_plan_frequency_range",
            ),
        ]


class Visit(models.Model):
    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", _("Parent visiting home")
        CHILD_VISIT = "child_visit", _("Child visiting the parent")
        REUNIFICATION = "reunification", _("Reunification: the child joins the parent")
        RETURN = "return", _("Parent's return home")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="visits")
    parent = models.ForeignKey(Adult, on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(_("kind"), max_length=13, choices=Kind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    # The migration episode a return closed, so the timeline can point at it.
    episode = models.ForeignKey(
        MigrationEpisode, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_by = models.CharField(_("reported by"), max_length=10, choices=Reporter.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("visit or return")
        indexes = [models.Index(fields=["child", "started_on"], name="visit_child_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="visit_end_not_before_start",
            )
        ]


class Use(models.TextChoices):
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health care")
    FOOD = "food", _("Food")
    DEBT = "debt", _("Paying debts")
    OTHER = "other", _("Other")


class TransferChannel(models.TextChoices):
    BANK = "bank", _("Bank transfer")
    MOBILE = "mobile", _("Mobile payment app")
    OPERATOR = "operator", _("Money transfer operator")
    CASH = "cash", _("Cash carried by hand")
    OTHER = "other", _("Other")


class Remittance(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="remittances", verbose_name=_("household")
    )
    sender = models.ForeignKey(
        Adult, on_delete=models.PROTECT, related_name="remittances_sent", verbose_name=_("sender")
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)  # ISO 4217
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=8, choices=TransferChannel.choices)
    uses = models.JSONField(_("used for"), default=list, blank=True)  # list of Use values
    reported_by = models.CharField(_("reported by"), max_length=10, choices=Reporter.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on"]
        verbose_name = _("remittance")
        indexes = [models.Index(fields=["household", "received_on"], name="remit_household_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="remittance_amount_positive")
        ]

    def use_labels(self) -> list[str]:
        return [str(Use(u).label) for u in self.uses or [] if u in Use.values]


class RemittanceMonths(models.Model):
    """A household's remittances as home-currency totals per calendar month (a summary), so
    that the registry-wide screen reads one row per household instead of every remittance.

    `services.remittance_months_refresh` writes it: when a remittance of the household is
    recorded, and from the background job that a rate change starts (the change deletes the
    months it makes wrong at once). A household whose amounts cannot all be converted (a rate
    is missing) has none, and a reader treats a missing or unfit row (another home currency, a
    remittance after the day asked about) as "read the records": the table can make a reading
    faster, never different.
    """

    household = models.OneToOneField(
        Household, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    home_currency = models.CharField(max_length=3)
    last_on = models.DateField()  # the latest remittance
    # Whole cents per month: [0] is the month of `last_on`, [k] k months before it, back to the
    # month of the first remittance (a month without one is 0).
    monthly_cents = models.JSONField(default=list)

    class Meta:
        verbose_name = _("remittances by month")


class ExchangeRate(models.Model):
    """Units of the home currency for one unit of `currency`, from `on` until the next rate."""

    currency = models.CharField(_("currency"), max_length=3)
    home_currency = models.CharField(_("home currency"), max_length=3)
    on = models.DateField(_("date"))
    rate = models.DecimalField(_("rate"), max_digits=18, decimal_places=8)
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["currency", "-on"]
        verbose_name = _("exchange rate")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "home_currency", "on"], name="one_rate_per_currency_day"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
        ]


class MeansDeclaration(models.Model):
    """A household's income other than remittances, and its assets, from a month on: the rest
    of what a means test needs. Amounts in the home currency."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="means_declarations"
    )
    applies_from = models.DateField(_("applies from"))
    other_income = models.DecimalField(
        _("other income a month"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Wages, farming, pensions and benefits of the people living at home."),
    )
    assets = models.DecimalField(
        _("assets"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    reported_by = models.CharField(_("reported by"), max_length=10, choices=Reporter.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-applies_from", "-created_at"]
        verbose_name = _("means declaration")
        constraints = [
            models.CheckConstraint(
                condition=Q(other_income__gte=0), name="means_income_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(assets__isnull=True) | Q(assets__gte=0),
                name="means_assets_not_negative",
            ),
        ]


# Messaging -----------------------------------------------------------------------------------


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")


class MessagingConsent(models.Model):
    """An adult's opt-in to reminders, the address to use, the language and quiet hours.

    Without a row, or with `opted_in` false, nothing is sent to the adult."""

    adult = models.OneToOneField(Adult, on_delete=models.CASCADE, related_name="messaging_consent")
    opted_in = models.BooleanField(_("agrees to receive reminders"), default=False)
    channel = models.CharField(_("channel"), max_length=5, choices=MessageChannel.choices)
    address = models.CharField(_("email address or phone number"), max_length=254)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    # Local time in settings.TIME_ZONE; a window may run over midnight (21:00 to 08:00).
    quiet_from = models.TimeField(_("quiet from"), default=dt.time(21, 0))
    quiet_until = models.TimeField(_("quiet until"), default=dt.time(8, 0))
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("messaging consent")


class Delivery(models.Model):
    """One message and what became of it. The body holds no case content by construction
    (templates take only whitelisted values), so it is kept for the record."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        DEFERRED = "deferred", _("Waiting for the end of quiet hours")
        SKIPPED = "skipped", _("Not sent")
        FAILED = "failed", _("Failed")

    adult = models.ForeignKey(Adult, on_delete=models.CASCADE, related_name="deliveries")
    template = models.CharField(max_length=40)
    language = models.CharField(max_length=10, blank=True)
    channel = models.CharField(max_length=5, blank=True)
    gateway = models.CharField(max_length=40, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices)
    reason = models.CharField(max_length=200, blank=True)
    send_after = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message delivery")
        verbose_name_plural = _("message deliveries")
        indexes = [models.Index(fields=["status", "send_after"], name="delivery_due_idx")]
