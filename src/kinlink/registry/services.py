"""Writes to the registry. Each validates its input, saves, refreshes what is derived, and
writes an audit entry, in one transaction; bad input raises ValidationError naming the field.

Callers fetch the records through `registry.access` first: these functions trust that the
user may change what they are given.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_countries import countries

from kinlink.audit.models import Action
from kinlink.audit.services import audit_change
from kinlink.core.dates import today
from kinlink.core.identity import InvalidIdentityNumber, parse_cn_resident_id
from kinlink.core.names import name_search_key, to_latin
from kinlink.core.phones import normalise_phone
from kinlink.places.models import Place
from kinlink.registry.derived import parents_away
from kinlink.registry.models import (
    Adult,
    CareArrangement,
    Child,
    Household,
    MigrationEpisode,
    Relationship,
)

MAX_CHILD_AGE = 18


class Errors:
    """Collects messages per field and raises them together, so a form shows every problem."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.messages.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def _snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {f: _audit_value(getattr(obj, f)) for f in fields}


def _audit_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}


def _apply(
    obj: models.Model,
    values: dict[str, Any],
    *,
    action: Action,
    validate: Callable[[models.Model, Errors], None],
    after_save: Callable[[models.Model], None] | None = None,
) -> models.Model:
    """Set values, validate the whole object, save, and audit what changed."""
    fields = list(values)
    before = {} if action == Action.CREATE else _snapshot(obj, fields)
    for name, value in values.items():
        setattr(obj, name, value)
    errors = Errors()
    validate(obj, errors)
    errors.raise_if_any()
    obj.save()
    if after_save:
        after_save(obj)
    changes = _diff(before, _snapshot(obj, fields))
    if changes or action == Action.CREATE:
        audit_change(obj, action=action, changes=changes)
    return obj


# Names ---------------------------------------------------------------------------------------


def _fill_names(person: Child | Adult, errors: Errors) -> None:
    person.family_name = (person.family_name or "").strip()
    person.given_name = (person.given_name or "").strip()
    if not person.family_name:
        errors.add("family_name", _("Enter the family name."))
    if not person.given_name:
        errors.add("given_name", _("Enter the given name."))
    if not person.latin_edited or not person.family_name_latin:
        person.family_name_latin = to_latin(person.family_name)
    if not person.latin_edited or not person.given_name_latin:
        person.given_name_latin = to_latin(person.given_name)
    person.name_key = name_search_key(person.family_name, person.given_name)[:400]
    latin_key = name_search_key(person.family_name_latin, person.given_name_latin)
    if latin_key and latin_key not in person.name_key:
        person.name_key = f"{person.name_key} {latin_key}"[:400]


def _check_national_id(person: Child | Adult, errors: Errors, *, born: dt.date | None) -> None:
    person.national_id = (person.national_id or "").strip().upper().replace(" ", "")
    if not person.national_id or settings.KINLINK_HOME_COUNTRY != "CN":
        return
    try:
        parsed = parse_cn_resident_id(person.national_id)
    except InvalidIdentityNumber as exc:
        errors.add("national_id", str(exc))
        return
    person.national_id = parsed.number
    if born and parsed.birth_date != born and not getattr(person, "dob_estimated", False):
        errors.add(
            "national_id",
            _("The ID number says born on %(date)s, but the date of birth entered differs.")
            % {"date": parsed.birth_date.isoformat()},
        )
    if person.sex and parsed.sex != person.sex:
        errors.add("national_id", _("The ID number's sex digit does not match the sex entered."))


# Children ------------------------------------------------------------------------------------


def _validate_child(child: Child, errors: Errors) -> None:
    _fill_names(child, errors)
    born = child.date_of_birth
    if born is None:
        errors.add("date_of_birth", _("Enter the date of birth."))
    elif born > today():
        errors.add("date_of_birth", _("The date of birth cannot be in the future."))
    elif born <= today() - relativedelta(years=MAX_CHILD_AGE):
        errors.add(
            "date_of_birth",
            _("This person is 18 or older; Kinlink registers children under 18."),
        )
    if child.sex not in ("F", "M"):
        errors.add("sex", _("Choose the sex."))
    if child.home_village_id is None:
        errors.add("home_village", _("Choose the home village."))
    _check_national_id(child, errors, born=born)
    if child.national_id:
        clash = Child.objects.filter(
            national_id=child.national_id, merged_into__isnull=True
        ).exclude(pk=child.pk)
        if clash.exists():
            errors.add("national_id", _("Another child is already registered with this ID number."))
    if child.functioning:
        from kinlink.registry.models import Difficulty, FunctioningDomain

        for domain, answer in dict(child.functioning).items():
            if domain not in FunctioningDomain.values or answer not in Difficulty.values:
                errors.add("functioning", _("Unknown functioning answer: %s") % domain)


@transaction.atomic
def child_register(**values: Any) -> Child:
    """Register a child. Values are Child field names; names in Latin are filled if blank.

    Every child belongs to a household: without one, a new household in the home village is
    created for the child (siblings are then registered into it)."""
    values.setdefault("latin_edited", bool(values.get("family_name_latin")))
    child: Child = _apply(Child(), values, action=Action.CREATE, validate=_validate_child)  # type: ignore[assignment]
    if child.household_id is None:
        child.household = household_create(village=child.home_village)
        child.save(update_fields=["household"])
    return child


@transaction.atomic
def child_update(*, child: Child, **values: Any) -> Child:
    if "family_name_latin" in values or "given_name_latin" in values:
        values.setdefault("latin_edited", True)
    return _apply(child, values, action=Action.CHANGE, validate=_validate_child)  # type: ignore[return-value]


def refresh_left_behind(child: Child) -> None:
    """Rewrite the derived columns on Child from the facts (see registry.models docstring)."""
    away = parents_away(child)
    Child.objects.filter(pk=child.pk).update(
        away_parents=away.away_parents, parent_abroad=away.abroad, separated_since=away.since
    )
    child.away_parents = away.away_parents
    child.parent_abroad = away.abroad
    child.separated_since = away.since


def _refresh_children_of(adult: Adult) -> None:
    for child in Child.objects.filter(relationships__adult=adult):
        refresh_left_behind(child)


# Households and adults -----------------------------------------------------------------------


def _new_household_reference() -> str:
    # Random, so a reference says nothing about the family, the place or the order of entry.
    return "H" + secrets.token_hex(5).upper()


def _validate_household(household: Household, errors: Errors) -> None:
    if household.village_id is None:
        errors.add("village", _("Choose the village."))


@transaction.atomic
def household_create(*, village: Place, address: str = "", notes: str = "") -> Household:
    household = Household(reference=_new_household_reference())
    return _apply(  # type: ignore[return-value]
        household,
        {"village": village, "address": address, "notes": notes},
        action=Action.CREATE,
        validate=_validate_household,
    )


@transaction.atomic
def household_update(*, household: Household, **values: Any) -> Household:
    return _apply(household, values, action=Action.CHANGE, validate=_validate_household)  # type: ignore[return-value]


def _validate_adult(adult: Adult, errors: Errors) -> None:
    _fill_names(adult, errors)
    if adult.sex not in ("F", "M"):
        errors.add("sex", _("Choose the sex."))
    if adult.date_of_birth and adult.date_of_birth > today():
        errors.add("date_of_birth", _("The date of birth cannot be in the future."))
    if adult.is_alive and adult.died_on:
        errors.add("died_on", _("A date of death is given but the person is marked alive."))
    if adult.died_on and adult.died_on > today():
        errors.add("died_on", _("The date of death cannot be in the future."))
    for field in ("phone", "phone_alt"):
        try:
            setattr(adult, field, normalise_phone(getattr(adult, field)))
        except ValidationError as exc:
            errors.add(field, exc.messages[0])
    if adult.messaging and not isinstance(adult.messaging, dict):
        errors.add("messaging", _("Messaging handles must be pairs of app and handle."))
    _check_national_id(adult, errors, born=adult.date_of_birth)


@transaction.atomic
def adult_create(**values: Any) -> Adult:
    values.setdefault("latin_edited", bool(values.get("family_name_latin")))
    return _apply(Adult(), values, action=Action.CREATE, validate=_validate_adult)  # type: ignore[return-value]


@transaction.atomic
def adult_update(*, adult: Adult, **values: Any) -> Adult:
    if "family_name_latin" in values or "given_name_latin" in values:
        values.setdefault("latin_edited", True)
    return _apply(  # type: ignore[return-value]
        adult,
        values,
        action=Action.CHANGE,
        validate=_validate_adult,
        after_save=lambda a: _refresh_children_of(a),  # a death changes who is "away"
    )


def _validate_relationship(rel: Relationship, errors: Errors) -> None:
    if rel.kind not in Relationship.Kind.values:
        errors.add("kind", _("Choose the relationship."))
    if rel.kind in Relationship.PARENT_KINDS:
        other = Relationship.objects.filter(child=rel.child, kind=rel.kind).exclude(pk=rel.pk)
        if other.exists():
            errors.add(
                "kind",
                _("This child already has a %(kind)s recorded.")
                % {"kind": Relationship.Kind(rel.kind).label.lower()},
            )
    clash = Relationship.objects.filter(child=rel.child, adult=rel.adult).exclude(pk=rel.pk)
    if clash.exists():
        errors.add("adult", _("This adult is already linked to the child."))


@transaction.atomic
def relationship_add(*, child: Child, adult: Adult, kind: str) -> Relationship:
    rel = _apply(
        Relationship(),
        {"child": child, "adult": adult, "kind": kind},
        action=Action.CREATE,
        validate=_validate_relationship,
    )
    refresh_left_behind(child)
    return rel  # type: ignore[return-value]


@transaction.atomic
def adult_add_to_child(*, child: Child, kind: str, **values: Any) -> Adult:
    """Create an adult in the child's household and link them with the given relationship."""
    values.setdefault("household", child.household)
    adult = adult_create(**values)
    relationship_add(child=child, adult=adult, kind=kind)
    return adult


@transaction.atomic
def relationship_remove(*, relationship: Relationship) -> None:
    child = relationship.child
    audit_change(
        relationship,
        action=Action.DELETE,
        changes={"adult": (relationship.adult_id, None), "kind": (relationship.kind, None)},
    )
    relationship.delete()
    refresh_left_behind(child)


# Migration -----------------------------------------------------------------------------------


def _validate_migration(episode: MigrationEpisode, errors: Errors) -> None:
    now = today()
    country = str(episode.destination_country or "")
    if not country:
        errors.add("destination_country", _("Choose the destination country."))
    elif country not in countries:
        errors.add(
            "destination_country",
            _("Give the country as its two-letter ISO code, such as CN or MY."),
        )
    else:
        episode.scope = (
            MigrationEpisode.Scope.INTERNAL
            if country == settings.KINLINK_HOME_COUNTRY
            else MigrationEpisode.Scope.INTERNATIONAL
        )
    if episode.scope == MigrationEpisode.Scope.INTERNAL:
        episode.legal_status = ""
    elif not episode.legal_status:
        episode.legal_status = MigrationEpisode.LegalStatus.UNKNOWN
    if episode.departed_on is None:
        errors.add("departed_on", _("Enter the departure date."))
        return
    if episode.departed_on > now:
        errors.add(
            "departed_on",
            _("The departure date is in the future; record planned departures as pre-departure."),
        )
    if episode.returned_on:
        if episode.returned_on < episode.departed_on:
            errors.add("returned_on", _("The return date cannot be before the departure date."))
        elif episode.returned_on > now:
            errors.add("returned_on", _("The return date cannot be in the future."))
    if episode.expected_return_on and episode.expected_return_on < episode.departed_on:
        errors.add(
            "expected_return_on", _("The expected return cannot be before the departure date.")
        )
    if episode.purpose not in MigrationEpisode.Purpose.values:
        errors.add("purpose", _("Choose the purpose."))
    if episode.pattern not in MigrationEpisode.Pattern.values:
        errors.add("pattern", _("Choose the pattern."))
    # One person is in one place at a time: episodes of the same adult must not overlap.
    far_future = dt.date.max
    end = episode.returned_on or far_future
    for other in MigrationEpisode.objects.filter(adult_id=episode.adult_id).exclude(pk=episode.pk):
        other_end = other.returned_on or far_future
        if other.departed_on < end and episode.departed_on < other_end:
            errors.add(
                "departed_on",
                _("This overlaps the episode that began on %(date)s; record its return first.")
                % {"date": other.departed_on.isoformat()},
            )
            break


@transaction.atomic
def migration_record(*, adult: Adult, **values: Any) -> MigrationEpisode:
    values["adult"] = adult
    return _apply(  # type: ignore[return-value]
        MigrationEpisode(),
        values,
        action=Action.CREATE,
        validate=_validate_migration,
        after_save=lambda e: _refresh_children_of(adult),
    )


@transaction.atomic
def migration_update(*, episode: MigrationEpisode, **values: Any) -> MigrationEpisode:
    return _apply(  # type: ignore[return-value]
        episode,
        values,
        action=Action.CHANGE,
        validate=_validate_migration,
        after_save=lambda e: _refresh_children_of(e.adult),
    )


# Care ----------------------------------------------------------------------------------------


def _validate_care(care: CareArrangement, errors: Errors) -> None:
    if care.kind not in CareArrangement.Kind.values:
        errors.add("kind", _("Choose who cares for the child."))
    needs_adult = care.kind not in (
        CareArrangement.Kind.SELF_CARE,
        CareArrangement.Kind.OLDER_SIBLING,
        CareArrangement.Kind.INSTITUTION,
    )
    if needs_adult and care.caregiver_id is None:
        errors.add("caregiver", _("Choose the adult who cares for the child."))
    if care.kind == CareArrangement.Kind.OLDER_SIBLING and care.caregiver_child_id is None:
        errors.add("caregiver_child", _("Choose the older sibling."))
    if care.started_on is None:
        errors.add("started_on", _("Enter the start date."))
        return
    if care.started_on > today():
        errors.add("started_on", _("The start date cannot be in the future."))
    if care.ended_on and care.ended_on < care.started_on:
        errors.add("ended_on", _("The end date cannot be before the start date."))


@transaction.atomic
def care_record(*, child: Child, **values: Any) -> CareArrangement:
    """Record who cares for the child from a date; the arrangement before it ends the day before."""
    values["child"] = child
    care = _apply(CareArrangement(), values, action=Action.CREATE, validate=_validate_care)
    previous = CareArrangement.objects.filter(
        child=child,
        ended_on__isnull=True,
        started_on__lt=care.started_on,  # type: ignore[attr-defined]
    ).exclude(pk=care.pk)
    for earlier in previous:
        care_update(care=earlier, ended_on=care.started_on - dt.timedelta(days=1))  # type: ignore[attr-defined]
    return care  # type: ignore[return-value]


@transaction.atomic
def care_update(*, care: CareArrangement, **values: Any) -> CareArrangement:
    return _apply(care, values, action=Action.CHANGE, validate=_validate_care)  # type: ignore[return-value]
