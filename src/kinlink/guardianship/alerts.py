"""Guardianship alerts for one child on a day: the published function `alerts_for_child`.

Other apps (the child's page, casework) call it with a child they have already fetched through
`registry.access`; it reads only that child's family and guardianship records. Each alert is a
suggestion a person acts on; none changes a record by itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kinlink.core.dates import age_in_years
from kinlink.guardianship import conf
from kinlink.guardianship.models import (
    Appointment,
    AppointmentKind,
    Declaration,
    DeclarationStatus,
)
from kinlink.registry.derived import current_care, episodes_open_on
from kinlink.registry.models import Adult, Child, MigrationEpisode, Relationship


class AlertKind:
    EXPIRING = "declaration_expiring"
    DEPARTED_WITHOUT_DECLARATION = "departed_without_declaration"
    REPRESENTATIVE_MINOR = "representative_minor"
    REPRESENTATIVE_AWAY = "representative_away"
    OLD_SOLE_CARER = "old_sole_carer"
    RETURNED_PARENT_DECLARATION_ACTIVE = "returned_parent_declaration_active"
    REVIEW_DUE = "appointment_review_due"


@dataclass(frozen=True)
class Alert:
    kind: str
    message: str  # translated, for the page; names only people the reader may already see
    severity: str = "warning"  # "warning" or "urgent"
    declaration_id: int | None = None
    appointment_id: int | None = None
    due: dt.date | None = None


def _date(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _away(adult: Adult, on: dt.date) -> bool:
    return MigrationEpisode.objects.filter(episodes_open_on(on), adult=adult).exists()


def _minor(adult: Adult, on: dt.date) -> bool:
    return adult.date_of_birth is not None and (
        age_in_years(adult.date_of_birth, on) < conf.age_of_majority()
    )


def alerts_for_child(child: Child, on: dt.date) -> list[Alert]:
    """Every guardianship alert for the child on the day, most urgent first."""
    alerts: list[Alert] = []
    declarations = list(
        Declaration.objects.filter(child=child).select_related("declarant", "representative")
    )
    in_force = [d for d in declarations if d.is_in_force_on(on)]
    appointments = list(
        Appointment.objects.in_force_on(on).filter(child=child).select_related("guardian")
    )
    alerts += _expiring(declarations, in_force, on)
    alerts += _departed_without_declaration(child, declarations, in_force, appointments, on)
    alerts += _representatives(declarations, appointments, on)
    alerts += _old_sole_carer(child, on)
    alerts += _returned_parents(in_force, on)
    alerts += _reviews_due(appointments, on)
    return sorted(alerts, key=lambda a: (a.severity != "urgent", a.due or dt.date.max))


def _expiring(
    declarations: list[Declaration], in_force: list[Declaration], on: dt.date
) -> list[Alert]:
    horizon = on + dt.timedelta(days=conf.expiry_warning_days())
    alerts = []
    for decl in in_force:
        if decl.valid_until > horizon:
            continue
        # A registered successor from the same parent starting by the day after removes the gap.
        successor = any(
            other.pk != decl.pk
            and other.declarant_id == decl.declarant_id
            and other.registered_on is not None
            and other.status_on(decl.valid_until + dt.timedelta(days=1))
            in (DeclarationStatus.ACTIVE,)
            for other in declarations
        )
        if successor:
            continue
        alerts.append(
            Alert(
                kind=AlertKind.EXPIRING,
                message=_("The declaration naming %(name)s ends on %(date)s.")
                % {"name": decl.representative.full_name, "date": _date(decl.valid_until)},
                declaration_id=decl.pk,
                due=decl.valid_until,
            )
        )
    return alerts


def _departed_without_declaration(
    child: Child,
    declarations: list[Declaration],
    in_force: list[Declaration],
    appointments: list[Appointment],
    on: dt.date,
) -> list[Alert]:
    """A parent away on the day who left no declaration in force; quiet when the child has an
    appointed guardian or the other parent's declaration covers the child."""
    if in_force or appointments:
        return []
    alerts = []
    parents = Relationship.objects.filter(
        child=child, kind__in=Relationship.PARENT_KINDS, adult__is_alive=True
    ).select_related("adult")
    for rel in parents:
        episode = (
            MigrationEpisode.objects.filter(episodes_open_on(on), adult=rel.adult)
            .order_by("departed_on")
            .first()
        )
        if episode is None:
            continue
        pending = any(
            d.declarant_id == rel.adult_id
            and d.status in (DeclarationStatus.DRAFT, DeclarationStatus.SIGNED)
            for d in declarations
        )
        message = (
            _("%(parent)s left on %(date)s; the declaration is not registered yet.")
            if pending
            else _("%(parent)s left on %(date)s without a guardianship declaration.")
        )
        alerts.append(
            Alert(
                kind=AlertKind.DEPARTED_WITHOUT_DECLARATION,
                message=message
                % {
                    "parent": Relationship.Kind(rel.kind).label,
                    "date": _date(episode.departed_on),
                },
                severity="urgent",
                due=episode.departed_on,
            )
        )
    return alerts


def _representatives(
    declarations: list[Declaration], appointments: list[Appointment], on: dt.date
) -> list[Alert]:
    """A representative (of a declaration not yet ended) or an appointed guardian who is a
    minor, or is away from home: the child has nobody able to act on the paper."""
    alerts = []
    live = [
        d
        for d in declarations
        if d.status_on(on)
        in (
            DeclarationStatus.DRAFT,
            DeclarationStatus.SIGNED,
            DeclarationStatus.REGISTERED,
            DeclarationStatus.NOTARISED,
            DeclarationStatus.ACTIVE,
        )
    ]
    people: list[tuple[Adult, int | None, int | None]] = [
        (d.representative, d.pk, None) for d in live
    ]
    people += [
        (a.guardian, None, a.pk)
        for a in appointments
        if a.guardian is not None
        and a.kind in (AppointmentKind.GUARDIAN, AppointmentKind.PROXY_CARE)
    ]
    for person, decl_id, appt_id in people:
        if _minor(person, on):
            alerts.append(
                Alert(
                    kind=AlertKind.REPRESENTATIVE_MINOR,
                    message=_("%(name)s, named to act for the child, is under 18.")
                    % {"name": person.full_name},
                    severity="urgent",
                    declaration_id=decl_id,
                    appointment_id=appt_id,
                )
            )
        if _away(person, on):
            alerts.append(
                Alert(
                    kind=AlertKind.REPRESENTATIVE_AWAY,
                    message=_("%(name)s, named to act for the child, is away from home.")
                    % {"name": person.full_name},
                    severity="urgent",
                    declaration_id=decl_id,
                    appointment_id=appt_id,
                )
            )
    return alerts


def _old_sole_carer(child: Child, on: dt.date) -> list[Alert]:
    carers = {c.caregiver_id: c.caregiver for c in current_care(child, on) if c.caregiver}
    if len(carers) != 1:
        return []
    (carer,) = carers.values()
    if carer.date_of_birth is None:
        return []
    age = age_in_years(carer.date_of_birth, on)
    if age <= conf.old_carer_age():
        return []
    return [
        Alert(
            kind=AlertKind.OLD_SOLE_CARER,
            message=_("The child's only adult carer, %(name)s, is %(age)d years old.")
            % {"name": carer.full_name, "age": age},
        )
    ]


def _returned_parents(in_force: list[Declaration], on: dt.date) -> list[Alert]:
    """A parent back home whose declaration still gives someone else authority: ask whether to
    revoke it (the parent's own authority does not need it)."""
    alerts = []
    for decl in in_force:
        parent = decl.declarant
        if _away(parent, on):
            continue
        returned = (
            MigrationEpisode.objects.filter(
                adult=parent, returned_on__isnull=False, returned_on__lte=on
            )
            .filter(returned_on__gte=decl.valid_from)
            .order_by("-returned_on")
            .first()
        )
        if returned is None:
            continue
        alerts.append(
            Alert(
                kind=AlertKind.RETURNED_PARENT_DECLARATION_ACTIVE,
                message=_(
                    "%(parent)s came back on %(date)s and the declaration is still active: "
                    "ask whether to revoke it."
                )
                % {
                    "parent": Relationship.Kind(decl.declarant_kind).label,
                    "date": _date(returned.returned_on),
                },
                declaration_id=decl.pk,
                due=returned.returned_on,
            )
        )
    return alerts


def _reviews_due(appointments: list[Appointment], on: dt.date) -> list[Alert]:
    return [
        Alert(
            kind=AlertKind.REVIEW_DUE,
            message=_("The appointment's review was due on %(date)s.")
            % {"date": _date(a.review_on)},
            appointment_id=a.pk,
            due=a.review_on,
        )
        for a in appointments
        if a.review_on <= on
    ]
