"""Writes of the connection app. Each validates its input (a ValidationError naming every bad
field), saves and appends an audit entry, in one transaction.

Callers fetch the child or household through `registry.access` and check
`access.can_edit(user, Group.FAMILY)` first: these functions trust that the user may write.
A parent's return closes the migration episode through the registry's own service, so the
registry stays the one writer of its records.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.models import User
from kinlink.audit.models import Action
from kinlink.audit.services import audit_record, object_type_of
from kinlink.connection import conf, selectors
from kinlink.connection.currency import NoExchangeRate, is_currency
from kinlink.connection.measures import monthly_cents, monthly_totals
from kinlink.connection.models import (
    Channel,
    ContactEvent,
    ContactPlan,
    ExchangeRate,
    Initiator,
    MeansDeclaration,
    Quality,
    Remittance,
    RemittanceMonths,
    Reporter,
    TransferChannel,
    Use,
    Visit,
)
from kinlink.core.dates import today
from kinlink.jobs.models import Job
from kinlink.jobs.services import job_start
from kinlink.registry import services as registry_services
from kinlink.registry.derived import episodes_open_on
from kinlink.registry.models import Adult, Child, Household, MigrationEpisode, Relationship
from kinlink.registry.services import Errors

MAX_AMOUNT = Decimal("9999999999.99")  # what the amount column holds


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _audit(
    obj: models.Model,
    *,
    action: Action,
    changes: Mapping[str, tuple[Any, Any]],
    about: Child | Household,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """An audit entry for the record, naming the child or household it is about, so the
    record's access log and the child's can both find it."""
    audit_record(
        action=action,
        object_type=object_type_of(obj),
        object_id=obj.pk,
        fields=changes.keys(),
        changes={k: (_plain(old), _plain(new)) for k, (old, new) in changes.items()},
        extra={object_type_of(about): about.pk, **(extra or {})},
    )


def _created(values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (None, v) for k, v in values.items()}


def _is_parent(child: Child, adult: Adult | None) -> bool:
    return (
        adult is not None
        and Relationship.objects.filter(
            child=child, adult=adult, kind__in=Relationship.PARENT_KINDS
        ).exists()
    )


# Contacts -----------------------------------------------------------------------------------


def _check_contact(child: Child, values: dict[str, Any], errors: Errors) -> None:
    if not _is_parent(child, values.get("parent")):
        errors.add("parent", _("Choose the child's mother or father."))
    at = values.get("happened_at")
    if not isinstance(at, dt.datetime):
        errors.add("happened_at", _("Enter the date of the contact."))
    elif timezone.is_naive(at):
        errors.add("happened_at", _("The time of the contact must carry its time zone."))
    else:
        if at > timezone.now():
            errors.add("happened_at", _("The contact cannot be in the future."))
        if at.astimezone(conf.local_zone()).date() < child.date_of_birth:
            errors.add("happened_at", _("The contact cannot be before the child was born."))
    if values.get("channel") not in Channel.values:
        errors.add("channel", _("Choose how they were in contact."))
    if values.get("initiated_by", Initiator.UNKNOWN) not in Initiator.values:
        errors.add("initiated_by", _("Choose who initiated the contact."))
    minutes = values.get("duration_minutes")
    if minutes is not None and not (isinstance(minutes, int) and 0 <= minutes <= 24 * 60):
        errors.add("duration_minutes", _("The duration must be between 0 and 1440 minutes."))
    if values.get("quality") not in ("", None, *Quality.values):
        errors.add("quality", _("Choose how the contact went, or leave it blank."))
    if values.get("reported_by") not in Reporter.values:
        errors.add("reported_by", _("Choose who reported the contact."))


@transaction.atomic
def contact_record(*, child: Child, recorded_by: User | None = None, **values: Any) -> ContactEvent:
    """Record a contact between the child and a parent."""
    values.setdefault("initiated_by", Initiator.UNKNOWN)
    values["quality"] = values.get("quality") or ""
    errors = Errors()
    _check_contact(child, values, errors)
    errors.raise_if_any()
    event = ContactEvent.objects.create(child=child, recorded_by=recorded_by, **values)
    _audit(event, action=Action.CREATE, changes=_created(values), about=child)
    return event


# Contact plans ------------------------------------------------------------------------------


def _check_plan(
    child: Child, parent: Adult, contacts_per_30_days: Any, channel: Any, agreed_on: Any
) -> None:
    errors = Errors()
    if not _is_parent(child, parent):
        errors.add("parent", _("Choose the child's mother or father."))
    if not isinstance(contacts_per_30_days, int) or not 1 <= contacts_per_30_days <= 60:
        errors.add("contacts_per_30_days", _("Enter between 1 and 60 contacts every 30 days."))
    if channel not in Channel.values:
        errors.add("channel", _("Choose the usual channel."))
    if not isinstance(agreed_on, dt.date):
        errors.add("agreed_on", _("Enter the day the plan was agreed."))
    elif agreed_on > today():
        errors.add("agreed_on", _("The plan cannot be agreed in the future."))
    errors.raise_if_any()


def _plan_write(
    child: Child, parent: Adult, values: dict[str, Any], *, extra: Mapping[str, Any] | None = None
) -> ContactPlan:
    """Create the pair's plan or change the fields whose value differs, audited either way
    (nothing is written, nor audited, when nothing changes)."""
    plan = ContactPlan.objects.select_for_update().filter(child=child, parent=parent).first()
    if plan is None:
        plan = ContactPlan.objects.create(child=child, parent=parent, **values)
        _audit(
            plan,
            action=Action.CREATE,
            changes=_created({"parent": parent, **values}),
            about=child,
            extra=extra,
        )
        return plan
    changes = {
        k: (getattr(plan, k), v) for k, v in values.items() if _plain(getattr(plan, k)) != _plain(v)
    }
    if changes:
        for k, v in values.items():
            setattr(plan, k, v)
        plan.save(update_fields=[*values, "updated_at"])
        _audit(plan, action=Action.CHANGE, changes=changes, about=child, extra=extra)
    return plan


@transaction.atomic
def contact_plan_set(
    *,
    child: Child,
    parent: Adult,
    contacts_per_30_days: int,
    channel: str,
    agreed_on: dt.date,
    from_pre_departure: bool = False,
) -> ContactPlan:
    """Agree (or change) how often a parent and the child will be in contact, by hand. A
    change by hand makes the plan the caseworker's: seeding from a pre-departure plan
    (`plans.seed_contact_plan`) no longer overwrites it."""
    _check_plan(child, parent, contacts_per_30_days, channel, agreed_on)
    values: dict[str, Any] = {
        "contacts_per_30_days": contacts_per_30_days,
        "channel": channel,
        "agreed_on": agreed_on,
        "from_pre_departure": from_pre_departure,
    }
    # Locked, so a seeding at the same moment cannot slip between this check and the write.
    current = ContactPlan.objects.select_for_update().filter(child=child, parent=parent).first()
    if current is None or any(_plain(getattr(current, k)) != _plain(v) for k, v in values.items()):
        values["seeded_from"] = ""
    return _plan_write(child, parent, values)


class Seeding(StrEnum):
    """What seeding did to the contact plan (`contact_plan_seed`)."""

    CREATED = "created"  # there was no plan: one was made from the agreement
    UPDATED = "updated"  # the seeded plan now follows the new agreement
    UNCHANGED = "unchanged"  # the plan already says what was agreed
    KEPT = "kept"  # a plan made or changed by hand differs, and was not overwritten


@transaction.atomic
def contact_plan_seed(
    *,
    child: Child,
    parent: Adult,
    contacts_per_30_days: int,
    channel: str,
    agreed_on: dt.date,
    source: str,
) -> Seeding:
    """Create or update the contact plan of a child and a parent from an agreement recorded
    elsewhere (`source` names the record, e.g. "guardianship.predepartureplan:12"), unless a
    caseworker made or changed the plan by hand: see `plans` for the rule."""
    if not source:
        raise ValueError("say which record the agreement comes from")
    _check_plan(child, parent, contacts_per_30_days, channel, agreed_on)
    current = ContactPlan.objects.select_for_update().filter(child=child, parent=parent).first()
    same_terms = current is not None and (
        current.contacts_per_30_days == contacts_per_30_days and current.channel == channel
    )
    if current is not None and not current.seeded_from:
        return Seeding.UNCHANGED if same_terms else Seeding.KEPT
    if current is not None and same_terms and current.seeded_from == source:
        return Seeding.UNCHANGED
    values = {
        "contacts_per_30_days": contacts_per_30_days,
        "channel": channel,
        # The day agreed moves only when the terms do.
        "agreed_on": current.agreed_on if current is not None and same_terms else agreed_on,
        "from_pre_departure": True,
        "seeded_from": source,
    }
    _plan_write(child, parent, values, extra={"seeded_from": source})
    if current is None:
        return Seeding.CREATED
    return Seeding.UNCHANGED if same_terms else Seeding.UPDATED


# Visits and returns -------------------------------------------------------------------------


@transaction.atomic
def visit_record(
    *,
    child: Child,
    parent: Adult,
    kind: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    reported_by: str,
    recorded_by: User | None = None,
) -> Visit:
    """Record a visit, a reunification or a parent's return.

    A return closes the parent's migration episode under way on that day, through
    `registry.services.migration_update`, which re-derives who is left behind."""
    errors = Errors()
    if not _is_parent(child, parent):
        errors.add("parent", _("Choose the child's mother or father."))
    if kind not in Visit.Kind.values:
        errors.add("kind", _("Choose the kind of visit."))
    if reported_by not in Reporter.values:
        errors.add("reported_by", _("Choose who reported it."))
    if not isinstance(started_on, dt.date):
        errors.add("started_on", _("Enter the first day."))
        errors.raise_if_any()
    if started_on > today():
        errors.add("started_on", _("The first day cannot be in the future."))
    if ended_on is not None:
        if ended_on < started_on:
            errors.add("ended_on", _("The last day cannot be before the first day."))
        elif ended_on > today():
            errors.add("ended_on", _("The last day cannot be in the future; leave it blank."))
    episode: MigrationEpisode | None = None
    if kind == Visit.Kind.RETURN:
        if ended_on is not None:
            errors.add("ended_on", _("A return has no last day: leave it blank."))
        episode = (
            MigrationEpisode.objects.filter(episodes_open_on(started_on), adult=parent)
            .order_by("-departed_on")
            .first()
        )
        if episode is None and _is_parent(child, parent):
            errors.add(
                "started_on",
                _("This parent has no migration under way on that day to close."),
            )
    errors.raise_if_any()
    if episode is not None:
        try:
            registry_services.migration_update(episode=episode, returned_on=started_on)
        except ValidationError as exc:
            raise ValidationError({"started_on": exc.messages}) from exc
    visit = Visit.objects.create(
        child=child,
        parent=parent,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        episode=episode,
        reported_by=reported_by,
        recorded_by=recorded_by,
    )
    _audit(
        visit,
        action=Action.CREATE,
        changes=_created(
            {
                "parent": parent,
                "kind": kind,
                "started_on": started_on,
                "ended_on": ended_on,
                "episode": episode,
                "reported_by": reported_by,
            }
        ),
        about=child,
    )
    return visit


# Remittances --------------------------------------------------------------------------------


def household_senders(household: Household) -> models.QuerySet[Adult]:
    """Adults who may be recorded as sending to the household: its members and the parents of
    its children (a parent away often has no household of record here)."""
    return Adult.objects.filter(
        models.Q(household=household)
        | models.Q(
            relationships__child__household=household,
            relationships__kind__in=Relationship.PARENT_KINDS,
        )
    ).distinct()


def _amount(value: Any, field: str, errors: Errors, *, allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.add(field, _("Enter an amount such as 1200 or 1200.50."))
        return Decimal(0)
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        errors.add(field, _("Enter the amount to the cent at most."))
    elif amount < 0 or (amount == 0 and not allow_zero):
        errors.add(field, _("The amount must be more than zero."))
    elif amount > MAX_AMOUNT:
        errors.add(field, _("The amount is too large."))
    return amount


@transaction.atomic
def remittance_record(
    *,
    household: Household,
    sender: Adult,
    amount: Decimal | str,
    currency: str,
    received_on: dt.date,
    channel: str,
    uses: Iterable[str] = (),
    reported_by: str,
    recorded_by: User | None = None,
) -> Remittance:
    """Record money a family member sent to the household.

    An amount in a currency without a stored rate is saved all the same (the family's report
    is not lost); the measures then say which rate is missing."""
    errors = Errors()
    value = _amount(amount, "amount", errors)
    currency = (currency or "").strip().upper()
    if not is_currency(currency):
        errors.add("currency", _("Enter the currency as its three-letter code, such as CNY."))
    if not isinstance(received_on, dt.date):
        errors.add("received_on", _("Enter the day the money arrived."))
    elif received_on > today():
        errors.add("received_on", _("The day received cannot be in the future."))
    if channel not in TransferChannel.values:
        errors.add("channel", _("Choose how the money was sent."))
    given = set(uses)
    if given - set(Use.values):
        errors.add("uses", _("Choose what the money was used for from the list."))
    uses = [u for u in Use.values if u in given]  # in the list's order, each once
    if reported_by not in Reporter.values:
        errors.add("reported_by", _("Choose who reported it."))
    if sender is None or not household_senders(household).filter(pk=sender.pk).exists():
        errors.add("sender", _("Choose a family member of this household as the sender."))
    errors.raise_if_any()
    values = {
        "sender": sender,
        "amount": value,
        "currency": currency,
        "received_on": received_on,
        "channel": channel,
        "uses": uses,
        "reported_by": reported_by,
    }
    remittance = Remittance.objects.create(household=household, recorded_by=recorded_by, **values)
    _audit(remittance, action=Action.CREATE, changes=_created(values), about=household)
    remittance_months_refresh([household.pk])
    return remittance


@transaction.atomic
def means_declare(
    *,
    household: Household,
    applies_from: dt.date,
    other_income: Decimal | str,
    assets: Decimal | str | None,
    reported_by: str,
    recorded_by: User | None = None,
) -> MeansDeclaration:
    """Record the household's other monthly income and its assets from a month on."""
    errors = Errors()
    income = _amount(other_income, "other_income", errors, allow_zero=True)
    asset_value = (
        None if assets in (None, "") else _amount(assets, "assets", errors, allow_zero=True)
    )
    if not isinstance(applies_from, dt.date):
        errors.add("applies_from", _("Enter the month the declaration applies from."))
    elif applies_from > today():
        errors.add("applies_from", _("A declaration cannot apply from a future day."))
    if reported_by not in Reporter.values:
        errors.add("reported_by", _("Choose who reported it."))
    errors.raise_if_any()
    values = {
        "applies_from": applies_from,
        "other_income": income,
        "assets": asset_value,
        "reported_by": reported_by,
    }
    declaration = MeansDeclaration.objects.create(
        household=household, recorded_by=recorded_by, **values
    )
    _audit(declaration, action=Action.CREATE, changes=_created(values), about=household)
    return declaration


@transaction.atomic
def exchange_rate_set(
    *,
    currency: str,
    on: dt.date,
    rate: Decimal | str,
    source: str = "",
    user: User | None = None,
) -> ExchangeRate:
    """Store (or correct) the rate into the home currency from a day on.

    The amounts in that currency from that day on are worth something else now: their
    households' `RemittanceMonths` are deleted at once (readers then read the records) and a
    background job, started by `user`, writes them again (`REWRITE_MONTHS`)."""
    errors = Errors()
    home = conf.home_currency()
    currency = (currency or "").strip().upper()
    if not is_currency(currency):
        errors.add("currency", _("Enter the currency as its three-letter code, such as USD."))
    elif currency == home:
        errors.add("currency", _("The home currency needs no rate."))
    try:
        value = Decimal(str(rate))
        if not value.is_finite() or value <= 0 or value >= Decimal("1e10"):
            raise InvalidOperation
        value = value.quantize(Decimal("0.00000001"))
    except (InvalidOperation, ValueError):
        errors.add("rate", _("Enter the rate as a positive number, such as 7.1234."))
        value = Decimal(0)
    if not isinstance(on, dt.date):
        errors.add("on", _("Enter the date of the rate."))
    errors.raise_if_any()
    existing = ExchangeRate.objects.filter(currency=currency, home_currency=home, on=on).first()
    if existing is None:
        rate_row = ExchangeRate.objects.create(
            currency=currency, home_currency=home, on=on, rate=value, source=source
        )
        _forget_months_converted_from(currency, on, user)
        audit_record(
            action=Action.CREATE,
            object_type=object_type_of(rate_row),
            object_id=rate_row.pk,
            fields=["currency", "on", "rate", "source"],
            changes={
                "currency": (None, currency),
                "on": (None, on.isoformat()),
                "rate": (None, str(value)),
                "source": (None, source),
            },
        )
        return rate_row
    rate_changed = existing.rate != value
    if rate_changed or existing.source != source:
        audit_record(
            action=Action.CHANGE,
            object_type=object_type_of(existing),
            object_id=existing.pk,
            fields=["rate", "source"],
            changes={
                "rate": (str(existing.rate), str(value)),
                "source": (existing.source, source),
            },
        )
        existing.rate, existing.source = value, source
        existing.save(update_fields=["rate", "source"])
        if rate_changed:
            _forget_months_converted_from(currency, on, user)
    return existing


# The background job that writes the months missing after a rate change (`tasks.py`).
REWRITE_MONTHS = "connection.remittance_months"


def _forget_months_converted_from(currency: str, day: dt.date, user: User | None) -> None:
    """A rate from `day` on converts the amounts in its currency from that day (until the next
    rate). Rewriting the months of every household with such an amount can take minutes (two
    for 600,000 households), too long for a request: they are deleted here, and a job writes
    them again."""
    converted = Remittance.objects.filter(currency=currency, received_on__gte=day)
    RemittanceMonths.objects.filter(household_id__in=converted.values("household_id")).delete()
    # Also where nothing was deleted: amounts that had no rate before this one have months now.
    # One queued job is enough (it reads which households lack months when it runs); a job
    # already running may have read them before this change.
    queued = Job.objects.filter(kind=REWRITE_MONTHS, status=Job.Status.QUEUED).exists()
    if converted.exists() and not queued:
        job_start(
            kind=REWRITE_MONTHS,
            label=_("Remittances by month, after the %(currency)s rate from %(date)s")
            % {"currency": currency, "date": day.isoformat()},
            user=user,
            params={},  # the job writes whatever months are missing when it runs
        )


# Households summarised at once: their remittances are read in one query.
REFRESH_CHUNK = 2000


def remittance_months_refresh(household_ids: Iterable[int]) -> int:
    """Rewrite the `RemittanceMonths` of these households from their records and today's
    rates; a household whose amounts cannot all be converted, or that has no remittance any
    more, is left without one (its readers then read the records). The only writer of that
    table: `remittance_record` calls it, and so do the job a rate change starts and
    `kinlink connection_remittance_months`. Returns the rows written."""
    home, rates, written = conf.home_currency(), selectors.rate_table(), 0
    pending: list[int] = []

    def flush() -> None:
        nonlocal written
        rows = []
        for household_id, household_records in selectors.remittances_by_household(pending).items():
            try:
                totals = monthly_totals(household_records, rates)
            except NoExchangeRate:
                continue
            rows.append(
                RemittanceMonths(
                    household_id=household_id,
                    home_currency=home,
                    last_on=max(r.received_on for r in household_records),
                    monthly_cents=monthly_cents(totals),
                )
            )
        with transaction.atomic():
            RemittanceMonths.objects.filter(household_id__in=pending).delete()
            RemittanceMonths.objects.bulk_create(rows)
        written += len(rows)
        pending.clear()

    for household_id in household_ids:
        pending.append(household_id)
        if len(pending) >= REFRESH_CHUNK:
            flush()
    if pending:
        flush()
    return written


# Bulk import of contacts --------------------------------------------------------------------

IMPORT_COLUMNS = (
    "child_id",
    "parent_id",
    "happened_at",
    "channel",
    "initiated_by",
    "duration_minutes",
    "quality",
)


@dataclass(frozen=True)
class ImportResult:
    created: int
    errors: list[str]


def _parse_moment(text: str) -> dt.datetime:
    """An ISO 8601 moment; without an offset it is local time in settings.TIME_ZONE."""
    moment = dt.datetime.fromisoformat(text.strip())
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=conf.local_zone())
    return moment


def contacts_import(lines: Iterable[str], *, recorded_by: User | None = None) -> ImportResult:
    """Import contacts from CSV (header `IMPORT_COLUMNS`). Every row is checked first; if any
    is wrong nothing is written and each problem names its row and column."""
    reader = csv.DictReader(lines)
    header = reader.fieldnames or []
    required = ("child_id", "parent_id", "happened_at", "channel")
    missing = [c for c in required if c not in header]
    if missing:
        return ImportResult(0, [_("The header lacks the columns: %s") % ", ".join(missing)])
    rows: list[tuple[Child, dict[str, Any]]] = []
    problems: list[str] = []
    children: dict[str, Child | None] = {}
    adults: dict[str, Adult | None] = {}
    for number, row in enumerate(reader, start=2):  # row 1 is the header
        where = _("row %(row)d") % {"row": number}
        child_key = (row.get("child_id") or "").strip()
        if child_key not in children:
            children[child_key] = (
                Child.objects.filter(pk=int(child_key)).first() if child_key.isdigit() else None
            )
        parent_key = (row.get("parent_id") or "").strip()
        if parent_key not in adults:
            adults[parent_key] = (
                Adult.objects.filter(pk=int(parent_key)).first() if parent_key.isdigit() else None
            )
        child, parent = children[child_key], adults[parent_key]
        if child is None:
            problems.append(_("%(where)s, child_id: no such child.") % {"where": where})
            continue
        values: dict[str, Any] = {
            "parent": parent,
            "channel": (row.get("channel") or "").strip(),
            "initiated_by": (row.get("initiated_by") or "").strip() or Initiator.UNKNOWN,
            "quality": (row.get("quality") or "").strip(),
            "reported_by": Reporter.IMPORT,
        }
        try:
            values["happened_at"] = _parse_moment(row.get("happened_at") or "")
        except ValueError:
            values["happened_at"] = None
        duration = (row.get("duration_minutes") or "").strip()
        values["duration_minutes"] = int(duration) if duration.isdigit() else None
        if duration and not duration.isdigit():
            problems.append(
                _("%(where)s, duration_minutes: not a whole number.") % {"where": where}
            )
        errors = Errors()
        _check_contact(child, values, errors)
        for field, messages in errors.messages.items():
            column = "parent_id" if field == "parent" else field
            for message in messages:
                problems.append(f"{where}, {column}: {message}")
        rows.append((child, values))
    if problems:
        return ImportResult(0, problems)
    with transaction.atomic():
        for child, values in rows:
            contact_record(child=child, recorded_by=recorded_by, **values)
    return ImportResult(len(rows), [])
