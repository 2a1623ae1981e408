"""Reminders to parents and caregivers through pluggable gateways, with opt-in, quiet hours,
templates in the recipient's language and a delivery log.

No case content: a template (`data/messages/<key>.<language>.txt`, first line `Subject: ...`)
receives only the values listed for it in `TEMPLATES` (a count, a date), never a name, a
diagnosis or an alert. A phone may be shared or read by others.

Gateways: `KINLINK_MESSAGE_GATEWAYS` maps a channel (email, sms) to a class with
`send(address=..., subject=..., body=...)`. Included: `EmailGateway` (Django's mail settings),
`FileGateway` (one JSON line per message in `KINLINK_MESSAGE_FILE`, for a separate sender or
for tests) and `ConsoleGateway` (development). An SMS adapter is a class of the same shape
calling the operator's API; docs/connection.md describes it.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from kinlink.audit.models import Action
from kinlink.audit.services import audit_record
from kinlink.connection import conf
from kinlink.connection.measures import contacts_in_window
from kinlink.connection.models import ContactPlan, Delivery, MessageChannel, MessagingConsent
from kinlink.core.phones import normalise_phone
from kinlink.registry.models import Adult
from kinlink.registry.services import Errors

MESSAGES_DIR = Path(__file__).resolve().parent / "data" / "messages"

# The only values each template may receive.
TEMPLATES: dict[str, frozenset[str]] = {
    "contact_plan_reminder": frozenset({"contacts_per_30_days"}),
    "caregiver_due_action": frozenset({"due_on"}),
}

DEFAULT_GATEWAYS = {
    "email": "kinlink.connection.messaging.EmailGateway",
    "sms": "kinlink.connection.messaging.FileGateway",
}

REMINDER_INTERVAL = dt.timedelta(days=7)  # at most one plan reminder a week per parent


class Gateway(Protocol):
    name: str

    def send(self, *, address: str, subject: str, body: str) -> None: ...


class EmailGateway:
    name = "email"

    def send(self, *, address: str, subject: str, body: str) -> None:
        send_mail(subject, body, None, [address], fail_silently=False)


class FileGateway:
    """Appends each message as a JSON line: an outbox another program sends from."""

    name = "file"

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or Path(
            getattr(settings, "KINLINK_MESSAGE_FILE", Path(settings.VAR_DIR) / "messages.jsonl")
        )

    def send(self, *, address: str, subject: str, body: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = {"to": address, "subject": subject, "body": body, "at": timezone.now().isoformat()}
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


class ConsoleGateway:
    """Prints messages for development, the address shortened so a screen shows no number."""

    name = "console"

    def send(self, *, address: str, subject: str, body: str) -> None:
        sys.stdout.write(f"[message to …{address[-4:]}] {subject}\n{body}\n")


def gateway_for(channel: str) -> Gateway:
    paths = {**DEFAULT_GATEWAYS, **getattr(settings, "KINLINK_MESSAGE_GATEWAYS", {})}
    return import_string(paths[channel])()


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class Rendered:
    language: str
    subject: str
    body: str


def render(template: str, language: str, values: dict[str, Any]) -> Rendered:
    """The message in the language (else English), refusing any value not listed for it."""
    allowed = TEMPLATES.get(template)
    if allowed is None:
        raise TemplateError(f"unknown message template {template!r}")
    extra = set(values) - allowed
    if extra:
        raise TemplateError(f"{template} does not take {', '.join(sorted(extra))}")
    for code in (language, "en"):
        path = MESSAGES_DIR / f"{template}.{code}.txt"
        if path.exists():
            first, _, rest = path.read_text(encoding="utf-8").partition("\n")
            subject = first.removeprefix("Subject:").strip()
            return Rendered(code, subject, rest.strip().format_map(values))
    raise TemplateError(f"no text for {template}")


def in_quiet_hours(moment: dt.time, quiet_from: dt.time, quiet_until: dt.time) -> bool:
    if quiet_from == quiet_until:
        return False
    if quiet_from < quiet_until:
        return quiet_from <= moment < quiet_until
    return moment >= quiet_from or moment < quiet_until  # over midnight


def end_of_quiet(now: dt.datetime, consent: MessagingConsent) -> dt.datetime:
    """The next moment, after `now`, at which the recipient's quiet hours end."""
    local = now.astimezone(conf.local_zone())
    end = local.replace(
        hour=consent.quiet_until.hour, minute=consent.quiet_until.minute, second=0, microsecond=0
    )
    return end if end > local else end + dt.timedelta(days=1)


def _log(delivery: Delivery) -> Delivery:
    delivery.save()
    audit_record(
        action=Action.CREATE,
        object_type="connection.delivery",
        object_id=delivery.pk,
        fields=["template", "status"],
        changes={"template": (None, delivery.template), "status": (None, delivery.status)},
        extra={"registry.adult": delivery.adult_id},
    )
    return delivery


def _deliver(delivery: Delivery, consent: MessagingConsent, now: dt.datetime) -> None:
    gateway = gateway_for(consent.channel)
    delivery.gateway = gateway.name
    try:
        gateway.send(address=consent.address, subject=delivery.subject, body=delivery.body)
    except Exception as exc:  # a gateway failure is logged, never lost or raised to the page
        delivery.status = Delivery.Status.FAILED
        delivery.reason = type(exc).__name__[:200]
        return
    delivery.status = Delivery.Status.SENT
    delivery.sent_at = now


@transaction.atomic
def message_send(
    *, adult: Adult, template: str, values: dict[str, Any], now: dt.datetime | None = None
) -> Delivery:
    """Send (or defer, or skip) one message to an adult, and log what happened."""
    now = now or timezone.now()
    consent = MessagingConsent.objects.filter(adult=adult).first()
    delivery = Delivery(adult=adult, template=template)
    if consent is None or not consent.opted_in:
        delivery.status, delivery.reason = Delivery.Status.SKIPPED, "no opt-in"
        return _log(delivery)
    rendered = render(template, consent.language, values)
    delivery.language, delivery.channel = rendered.language, consent.channel
    delivery.subject, delivery.body = rendered.subject, rendered.body
    local = now.astimezone(conf.local_zone()).time()
    if in_quiet_hours(local, consent.quiet_from, consent.quiet_until):
        delivery.status = Delivery.Status.DEFERRED
        delivery.send_after = end_of_quiet(now, consent)
        return _log(delivery)
    _deliver(delivery, consent, now)
    return _log(delivery)


@transaction.atomic
def deliveries_send_due(now: dt.datetime | None = None) -> int:
    """Send the deferred messages whose quiet hours are over; the opt-in is checked again."""
    now = now or timezone.now()
    sent = 0
    due = Delivery.objects.select_for_update().filter(
        status=Delivery.Status.DEFERRED, send_after__lte=now
    )
    for delivery in due:
        consent = MessagingConsent.objects.filter(adult_id=delivery.adult_id).first()
        if consent is None or not consent.opted_in:
            delivery.status, delivery.reason = Delivery.Status.SKIPPED, "opt-in withdrawn"
        else:
            _deliver(delivery, consent, now)
            sent += delivery.status == Delivery.Status.SENT
        delivery.save(update_fields=["status", "reason", "gateway", "sent_at"])
    return sent


def contact_plan_reminders(*, now: dt.datetime | None = None) -> list[Delivery]:
    """Remind each parent away who opted in and made fewer than half the planned contacts in
    the last 30 days, at most once a week."""
    from kinlink.connection.selectors import away_since, contact_records

    now = now or timezone.now()
    zone = conf.local_zone()
    on = now.astimezone(zone).date()
    recent = set(
        Delivery.objects.filter(
            template="contact_plan_reminder", created_at__gte=now - REMINDER_INTERVAL
        ).values_list("adult_id", flat=True)
    )
    deliveries = []
    plans = ContactPlan.objects.filter(
        parent__messaging_consent__opted_in=True, agreed_on__lte=on - dt.timedelta(days=29)
    ).select_related("child", "parent")
    for plan in plans:
        if plan.parent_id in recent or plan.parent_id not in away_since([plan.parent], on):
            continue
        contacts, visits = contact_records(plan.child)
        made = contacts_in_window(
            [c for c in contacts if c.parent_id == plan.parent_id],
            [v for v in visits if v.parent_id == plan.parent_id],
            on=on,
            days=30,
            zone=zone,
        )
        if made >= conf.plan_share() * plan.contacts_per_30_days:
            continue
        deliveries.append(
            message_send(
                adult=plan.parent,
                template="contact_plan_reminder",
                values={"contacts_per_30_days": plan.contacts_per_30_days},
                now=now,
            )
        )
        recent.add(plan.parent_id)
    return deliveries


@transaction.atomic
def messaging_consent_set(
    *,
    adult: Adult,
    opted_in: bool,
    channel: str,
    address: str,
    language: str = "zh-hans",
    quiet_from: dt.time = dt.time(21, 0),
    quiet_until: dt.time = dt.time(8, 0),
    recorded_by: Any = None,
) -> MessagingConsent:
    """Record an adult's choice about reminders (opting out stops deferred ones too)."""
    errors = Errors()
    if channel not in MessageChannel.values:
        errors.add("channel", _("Choose email or text message."))
    elif channel == MessageChannel.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            errors.add("address", _("Enter a valid email address."))
    else:
        try:
            address = normalise_phone(address)
        except ValidationError as exc:
            errors.add("address", exc.messages[0])
        if not address:
            errors.add("address", _("Enter the phone number."))
    if language not in dict(settings.LANGUAGES):
        errors.add("language", _("Choose one of the site's languages."))
    errors.raise_if_any()
    consent, created = MessagingConsent.objects.update_or_create(
        adult=adult,
        defaults={
            "opted_in": opted_in,
            "channel": channel,
            "address": address,
            "language": language,
            "quiet_from": quiet_from,
            "quiet_until": quiet_until,
            "recorded_on": timezone.localdate(),
            "recorded_by": recorded_by,
        },
    )
    audit_record(
        action=Action.CREATE if created else Action.CHANGE,
        object_type="connection.messagingconsent",
        object_id=consent.pk,
        fields=["opted_in", "channel", "language", "quiet_from", "quiet_until"],
        changes={"opted_in": (None, opted_in), "channel": (None, channel)},
        extra={"registry.adult": adult.pk},
    )
    return consent
