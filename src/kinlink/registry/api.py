"""The registry over HTTP: children, households, adults, relationships, migration episodes and
care arrangements.

Views stay thin: records come through `registry.access` (outside the caller's scope is 404,
never 403), writes go through `registry.services` (which validate, save and audit), and a child
is answered with only the fields the caller's role may read. Places, schools, households and
people are referenced by id; an id the caller could not pick in a form is a 422 on that field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django_countries import countries
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import BaseModel, ConfigDict, create_model, field_validator
from pydantic.fields import FieldInfo

from kinlink.accounts.models import User
from kinlink.audit.models import Action
from kinlink.audit.services import audit_record, audit_view
from kinlink.places.models import Place, School
from kinlink.places.selectors import leaf_places_within, schools_within
from kinlink.registry import access, services
from kinlink.registry.access import Group
from kinlink.registry.derived import child_status
from kinlink.registry.models import (
    Adult,
    CareArrangement,
    Child,
    Household,
    MigrationEpisode,
    Relationship,
    Sex,
)
from kinlink.registry.selectors import ChildFilters, child_search

router = Router()

MAX_PAGE_SIZE = 100
# Free-text and identity fields a role without the "sensitive" group does not see, on records
# other than the child (whose fields are listed in access.CHILD_FIELD_GROUPS).
SENSITIVE_FIELDS = ("national_id", "notes")


class FieldsNotEditable(HttpError):
    """The body names fields the caller's role may not change (403, with their names)."""

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        super().__init__(
            403,
            _("Your role may not change these fields: %(fields)s.") % {"fields": ", ".join(fields)},
        )


# Schemas --------------------------------------------------------------------------------------


class Message(Schema):
    detail: str


class FieldError(Schema):
    field: str | None
    message: str


class FieldErrors(Schema):
    detail: list[FieldError]


class Refusal(Schema):
    detail: str
    fields: list[str] | None = Field(None, description="The fields the caller may not change")


ERRORS: dict[int, Any] = {401: Message, 403: Refusal, 404: Message, 422: FieldErrors}


class Input(BaseModel):
    """A request body. Plain pydantic rather than ninja's Schema, whose ORM-reading validator
    would drop the undeclared fields that ChildIn must see to refuse them by name."""

    # Enum members become their plain values, which is what the model fields store.
    model_config = ConfigDict(use_enum_values=True, extra="forbid")


def partial(schema: type[Input], name: str) -> type[Input]:
    """The same fields with none required, for PATCH: only the fields sent change. An explicit
    null is still refused where the field cannot be empty."""
    fields: dict[str, Any] = {
        field_name: (
            info.annotation,
            FieldInfo.merge_field_infos(
                info, default=None, default_factory=None, validate_default=False
            ),
        )
        for field_name, info in schema.model_fields.items()
    }
    return create_model(name, __base__=schema, **fields)


def page_of(item: type[Schema]) -> type[Schema]:
    return create_model(
        f"{item.__name__}Page",
        __base__=Schema,
        count=(int, ...),
        page=(int, ...),
        page_size=(int, ...),
        results=(list[item], ...),  # type: ignore[valid-type]
    )


class PageQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(settings.KINLINK_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class ChildQuery(PageQuery):
    q: str = Field("", max_length=100, description="Name (characters, pinyin, Latin) or ID number")
    place: int | None = Field(None, description="Place id: children living in it or below it")
    away: Literal["any", "none", "mother", "father", "both"] | None = None
    abroad: bool | None = None
    sex: Sex | None = None
    age_min: int | None = Field(None, ge=0)
    age_max: int | None = Field(None, ge=0)
    school: int | None = Field(None, description="School id")
    child_headed: bool | None = None
    elderly_caregiver: bool | None = None


class ChildIn(Input):
    # Fields the caller may not change are answered 403 by name, so they are let through here.
    model_config = ConfigDict(extra="allow")

    family_name: str = Field(max_length=100)
    given_name: str = Field(max_length=100)
    family_name_latin: str = Field("", max_length=100)
    given_name_latin: str = Field("", max_length=100)
    sex: Sex
    date_of_birth: dt.date
    dob_estimated: bool = False
    home_village: int = Field(description="Place id of a village within the caller's scope")
    school: int | None = Field(None, description="School id")
    grade: str = Field("", max_length=20)
    functioning: dict[str, str] = Field(
        default_factory=dict, description="{domain: difficulty}, Child Functioning Module"
    )
    household: int | None = Field(None, description="Household id")
    national_id: str = Field("", max_length=32)
    notes: str = ""


ChildPatch = partial(ChildIn, "ChildPatch")


class ChildOut(Schema):
    """A child as the caller's role may see it: fields it may not read are left out."""

    id: int
    family_name: str | None = None
    given_name: str | None = None
    family_name_latin: str | None = None
    given_name_latin: str | None = None
    sex: str | None = None
    date_of_birth: dt.date | None = None
    dob_estimated: bool | None = None
    home_village: int | None = None
    away_parents: str | None = None
    parent_abroad: bool | None = None
    separated_since: dt.date | None = None
    school: int | None = None
    grade: str | None = None
    functioning: dict[str, str] | None = None
    household: int | None = None
    national_id: str | None = None
    notes: str | None = None
    age: int | None = Field(None, description="Detail and write answers only")
    age_band: str | None = Field(None, description="Detail and write answers only")
    months_separated: int | None = Field(None, description="Detail and write answers only")


class HouseholdIn(Input):
    village: int = Field(description="Place id of a village within the caller's scope")
    address: str = Field("", max_length=300)
    notes: str = ""


HouseholdPatch = partial(HouseholdIn, "HouseholdPatch")


class HouseholdOut(Schema):
    id: int
    reference: str
    village: int
    address: str
    notes: str | None = None


class AdultIn(Input):
    family_name: str = Field(max_length=100)
    given_name: str = Field(max_length=100)
    family_name_latin: str = Field("", max_length=100)
    given_name_latin: str = Field("", max_length=100)
    sex: Sex
    date_of_birth: dt.date | None = None
    is_alive: bool = True
    died_on: dt.date | None = None
    phone: str = Field("", max_length=40)
    phone_alt: str = Field("", max_length=40)
    messaging: dict[str, str] = Field(default_factory=dict, description="{app: handle}")
    literacy: Literal["", "literate", "limited", "none"] = ""
    health_limits: Literal["", "none", "some", "severe"] = ""
    household: int | None = Field(None, description="Household id")
    national_id: str = Field("", max_length=32)
    notes: str = ""


AdultPatch = partial(AdultIn, "AdultPatch")


class AdultCreate(AdultIn):
    child: int | None = Field(None, description="Id of a child to link this adult to at once")
    kind: Relationship.Kind | None = Field(None, description="The adult's relationship to `child`")


class AdultOut(Schema):
    id: int
    family_name: str
    given_name: str
    family_name_latin: str
    given_name_latin: str
    sex: str
    date_of_birth: dt.date | None
    is_alive: bool
    died_on: dt.date | None
    phone: str
    phone_alt: str
    messaging: dict[str, Any]
    literacy: str
    health_limits: str
    household: int | None
    national_id: str | None = None
    notes: str | None = None


class RelationshipIn(Input):
    adult: int = Field(description="Id of an adult visible to the caller")
    kind: Relationship.Kind


class RelationshipOut(Schema):
    id: int
    child: int
    adult: int
    kind: str


class EpisodeIn(Input):
    departed_on: dt.date
    destination_country: str = Field(description="ISO 3166 two-letter code")
    destination_place: str = Field("", max_length=200)
    purpose: MigrationEpisode.Purpose
    pattern: MigrationEpisode.Pattern
    legal_status: MigrationEpisode.LegalStatus | Literal[""] = ""
    expected_return_on: dt.date | None = None
    returned_on: dt.date | None = None

    @field_validator("destination_country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        code = countries.alpha2(value)
        if not code:
            raise ValueError(_("Give the country as its two-letter ISO code, such as CN or MY."))
        return code


EpisodePatch = partial(EpisodeIn, "EpisodePatch")


class EpisodeOut(Schema):
    id: int
    adult: int
    departed_on: dt.date
    destination_country: str
    destination_place: str
    scope: str
    purpose: str
    pattern: str
    legal_status: str
    expected_return_on: dt.date | None
    returned_on: dt.date | None


class CareIn(Input):
    kind: CareArrangement.Kind
    caregiver: int | None = Field(None, description="Id of an adult visible to the caller")
    caregiver_child: int | None = Field(None, description="Id of the older sibling caring")
    started_on: dt.date
    ended_on: dt.date | None = None
    notes: str = ""


CarePatch = partial(CareIn, "CarePatch")


class CareOut(Schema):
    id: int
    child: int
    kind: str
    caregiver: int | None
    caregiver_child: int | None
    started_on: dt.date
    ended_on: dt.date | None
    notes: str | None = None


# Helpers --------------------------------------------------------------------------------------


def _caller(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _fields(obj: Model, names: Iterable[str]) -> dict[str, Any]:
    """Field values by name, foreign keys as their ids."""
    data: dict[str, Any] = {"id": obj.pk}
    for name in names:
        data[name] = getattr(obj, obj._meta.get_field(name).attname)
    return data


def _hide_sensitive(user: User, data: dict[str, Any]) -> dict[str, Any]:
    if not access.can_read(user, Group.SENSITIVE):
        for name in SENSITIVE_FIELDS:
            data.pop(name, None)
    return data


def _page(
    paging: PageQuery, rows: QuerySet[Any], serialize: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """One page of a list, audited as one "list" entry naming the records shown."""
    count = rows.count()
    start = (paging.page - 1) * paging.page_size
    page = list(rows[start : start + paging.page_size])
    results = [serialize(row) for row in page]
    audit_record(
        action=Action.LIST,
        object_type=rows.model._meta.label_lower,
        fields=sorted({name for item in results for name in item} - {"id"}),
        extra={"ids": [row.pk for row in page]},
    )
    return {"count": count, "page": paging.page, "page_size": paging.page_size, "results": results}


def _shown(obj: Model, data: dict[str, Any]) -> dict[str, Any]:
    """Audit that the caller saw these fields of this record, and return them."""
    audit_view(obj, fields=[name for name in data if name != "id"])
    return data


def _resolve(values: dict[str, Any], choices: dict[str, tuple[QuerySet[Any], str]]) -> None:
    """Replace ids in `values` by the records they name, if the caller may pick them; raise a
    ValidationError naming every field whose id is unknown or out of scope (same message)."""
    errors: dict[str, list[str]] = {}
    for field, (queryset, message) in choices.items():
        if values.get(field) is None:
            continue
        record = queryset.filter(pk=values[field]).first()
        if record is None:
            errors[field] = [message]
        else:
            values[field] = record
    if errors:
        raise ValidationError(errors)


def _villages(user: User) -> QuerySet[Place]:
    # leaf_places_within(None) means "everywhere": a user with no scope may pick nowhere.
    return leaf_places_within(user.scope) if user.scope_id else Place.objects.none()


def _schools(user: User) -> QuerySet[School]:
    return schools_within(user.scope) if user.scope_id else School.objects.none()


def _require_family_edit(user: User) -> None:
    if not access.can_edit(user, Group.FAMILY):
        raise HttpError(403, _("Your role may not change family records."))


def _child_with_family(user: User, child_id: int) -> Child:
    """The child, if the caller may also read its family records; 404 otherwise."""
    child = access.child_for_user(user, child_id)
    if not access.can_read(user, Group.FAMILY):
        raise Http404
    return child


def _household_choices(user: User) -> tuple[QuerySet[Household], str]:
    return access.households_visible_to(user), _("Choose a household within your area.")


# Children -------------------------------------------------------------------------------------


def _child_detail(user: User, child: Child) -> dict[str, Any]:
    """The readable fields and, derived from them, age, age band and months separated."""
    fields = access.readable_child_fields(user)
    data = _fields(child, fields)
    status = child_status(child)
    if "date_of_birth" in fields:
        data["age"] = status.age
        data["age_band"] = status.age_band
    if "separated_since" in fields:
        data["months_separated"] = status.months_separated
    return data


def _child_values(user: User, payload: Input) -> dict[str, Any]:
    """The fields sent, checked against what the caller may change, with ids resolved."""
    values = payload.model_dump(exclude_unset=True)
    named = set(payload.model_fields_set) | set(payload.model_extra or {})
    refused = sorted(named - set(access.editable_child_fields(user)))
    if refused:
        raise FieldsNotEditable(refused)
    _resolve(
        values,
        {
            "home_village": (_villages(user), _("Choose a village within your area.")),
            "school": (_schools(user), _("Choose a school within your area.")),
            "household": _household_choices(user),
        },
    )
    return values


@router.get(
    "/children", response={200: page_of(ChildOut), **ERRORS}, exclude_unset=True, tags=["children"]
)
def child_list(request: HttpRequest, filters: Query[ChildQuery]) -> Any:
    user = _caller(request)
    place = None
    if filters.place is not None:
        place = Place.objects.filter(pk=filters.place).first()
        if place is None:
            raise ValidationError({"place": [_("There is no place with this id.")]})
    children = child_search(
        user,
        ChildFilters(
            q=filters.q,
            place=place,
            away=filters.away or "",
            abroad=filters.abroad,
            sex=filters.sex or "",
            age_min=filters.age_min,
            age_max=filters.age_max,
            school_id=filters.school,
            child_headed=filters.child_headed,
            elderly_caregiver=filters.elderly_caregiver,
        ),
    )
    fields = access.readable_child_fields(user)
    return _page(filters, children, lambda child: _fields(child, fields))


@router.post("/children", response={201: ChildOut, **ERRORS}, exclude_unset=True, tags=["children"])
def child_create(request: HttpRequest, payload: ChildIn) -> Any:
    user = _caller(request)
    if not access.can_register_children(user):
        raise HttpError(403, _("Your role may not register children."))
    child = services.child_register(**_child_values(user, payload))
    return Status(201, _child_detail(user, child))


@router.get(
    "/children/{child_id}",
    response={200: ChildOut, **ERRORS},
    exclude_unset=True,
    tags=["children"],
)
def child_detail(request: HttpRequest, child_id: int) -> Any:
    user = _caller(request)
    child = access.child_for_user(user, child_id)
    return _shown(child, _child_detail(user, child))


@router.patch(
    "/children/{child_id}",
    response={200: ChildOut, **ERRORS},
    exclude_unset=True,
    tags=["children"],
)
def child_update(request: HttpRequest, child_id: int, payload: ChildPatch) -> Any:  # type: ignore[valid-type]
    user = _caller(request)
    child = access.child_for_user(user, child_id)
    values = _child_values(user, payload)
    if values:
        child = services.child_update(child=child, **values)
    return _child_detail(user, child)


# Relationships --------------------------------------------------------------------------------


def _relationship_data(rel: Relationship) -> dict[str, Any]:
    return _fields(rel, ["child", "adult", "kind"])


@router.get(
    "/children/{child_id}/relationships",
    response={200: page_of(RelationshipOut), **ERRORS},
    tags=["relationships"],
)
def relationship_list(request: HttpRequest, child_id: int, paging: Query[PageQuery]) -> Any:
    child = _child_with_family(_caller(request), child_id)
    rows = Relationship.objects.filter(child=child).order_by("pk")
    return _page(paging, rows, _relationship_data)


@router.post(
    "/children/{child_id}/relationships",
    response={201: RelationshipOut, **ERRORS},
    tags=["relationships"],
)
def relationship_create(request: HttpRequest, child_id: int, payload: RelationshipIn) -> Any:
    user = _caller(request)
    child = _child_with_family(user, child_id)
    _require_family_edit(user)
    values = payload.model_dump()
    _resolve(values, {"adult": (access.adults_visible_to(user), _("Choose an adult you can see."))})
    rel = services.relationship_add(child=child, adult=values["adult"], kind=values["kind"])
    return Status(201, _relationship_data(rel))


# Households -----------------------------------------------------------------------------------


def _household_data(user: User, household: Household) -> dict[str, Any]:
    data = _fields(household, ["reference", "village", "address", "notes"])
    return _hide_sensitive(user, data)


def _household_values(user: User, payload: Input) -> dict[str, Any]:
    values = payload.model_dump(exclude_unset=True)
    _resolve(values, {"village": (_villages(user), _("Choose a village within your area."))})
    return values


@router.get(
    "/households",
    response={200: page_of(HouseholdOut), **ERRORS},
    exclude_unset=True,
    tags=["households"],
)
def household_list(request: HttpRequest, paging: Query[PageQuery]) -> Any:
    user = _caller(request)
    rows = access.households_visible_to(user).order_by("reference", "pk")
    return _page(paging, rows, lambda household: _household_data(user, household))


@router.post(
    "/households", response={201: HouseholdOut, **ERRORS}, exclude_unset=True, tags=["households"]
)
def household_create(request: HttpRequest, payload: HouseholdIn) -> Any:
    user = _caller(request)
    _require_family_edit(user)
    household = services.household_create(**_household_values(user, payload))
    return Status(201, _household_data(user, household))


@router.get(
    "/households/{household_id}",
    response={200: HouseholdOut, **ERRORS},
    exclude_unset=True,
    tags=["households"],
)
def household_detail(request: HttpRequest, household_id: int) -> Any:
    user = _caller(request)
    household = access.household_for_user(user, household_id)
    return _shown(household, _household_data(user, household))


@router.patch(
    "/households/{household_id}",
    response={200: HouseholdOut, **ERRORS},
    exclude_unset=True,
    tags=["households"],
)
def household_update(request: HttpRequest, household_id: int, payload: HouseholdPatch) -> Any:  # type: ignore[valid-type]
    user = _caller(request)
    household = access.household_for_user(user, household_id)
    _require_family_edit(user)
    values = _household_values(user, payload)
    if values:
        household = services.household_update(household=household, **values)
    return _household_data(user, household)


# Adults ---------------------------------------------------------------------------------------

ADULT_FIELDS = [name for name in AdultOut.model_fields if name != "id"]


def _adult_data(user: User, adult: Adult) -> dict[str, Any]:
    return _hide_sensitive(user, _fields(adult, ADULT_FIELDS))


def _adult_values(user: User, values: dict[str, Any]) -> dict[str, Any]:
    _resolve(values, {"household": _household_choices(user)})
    return values


@router.get(
    "/adults", response={200: page_of(AdultOut), **ERRORS}, exclude_unset=True, tags=["adults"]
)
def adult_list(request: HttpRequest, paging: Query[PageQuery]) -> Any:
    user = _caller(request)
    rows = access.adults_visible_to(user).order_by("family_name_latin", "given_name_latin", "pk")
    return _page(paging, rows, lambda adult: _adult_data(user, adult))


@router.post("/adults", response={201: AdultOut, **ERRORS}, exclude_unset=True, tags=["adults"])
def adult_create(request: HttpRequest, payload: AdultCreate) -> Any:
    """Create an adult in a household within the caller's area, or linked at once to a child
    (with `child` and `kind`): an adult with neither would be visible to nobody."""
    user = _caller(request)
    _require_family_edit(user)
    values = payload.model_dump(exclude_unset=True)
    if values.get("child") is None and values.get("household") is None:
        raise ValidationError(
            {"household": [_("Give a household within your area, or a child to link to.")]}
        )
    if values.get("child") is not None and not values.get("kind"):
        raise ValidationError({"kind": [_("Choose the adult's relationship to the child.")]})
    _resolve(
        values, {"child": (access.children_visible_to(user), _("Choose a child you can see."))}
    )
    _adult_values(user, values)
    child, kind = values.pop("child", None), values.pop("kind", None)
    if child is None:
        adult = services.adult_create(**values)
    else:
        adult = services.adult_add_to_child(child=child, kind=kind, **values)
    return Status(201, _adult_data(user, adult))


@router.get(
    "/adults/{adult_id}", response={200: AdultOut, **ERRORS}, exclude_unset=True, tags=["adults"]
)
def adult_detail(request: HttpRequest, adult_id: int) -> Any:
    user = _caller(request)
    adult = access.adult_for_user(user, adult_id)
    return _shown(adult, _adult_data(user, adult))


@router.patch(
    "/adults/{adult_id}", response={200: AdultOut, **ERRORS}, exclude_unset=True, tags=["adults"]
)
def adult_update(request: HttpRequest, adult_id: int, payload: AdultPatch) -> Any:  # type: ignore[valid-type]
    user = _caller(request)
    adult = access.adult_for_user(user, adult_id)
    _require_family_edit(user)
    values = _adult_values(user, payload.model_dump(exclude_unset=True))
    if values:
        adult = services.adult_update(adult=adult, **values)
    return _adult_data(user, adult)


# Migration episodes ---------------------------------------------------------------------------

EPISODE_FIELDS = [name for name in EpisodeOut.model_fields if name != "id"]


def _episode_data(episode: MigrationEpisode) -> dict[str, Any]:
    data = _fields(episode, EPISODE_FIELDS)
    data["destination_country"] = str(data["destination_country"] or "")
    return data


@router.get(
    "/adults/{adult_id}/migration-episodes",
    response={200: page_of(EpisodeOut), **ERRORS},
    tags=["migration"],
)
def episode_list(request: HttpRequest, adult_id: int, paging: Query[PageQuery]) -> Any:
    adult = access.adult_for_user(_caller(request), adult_id)
    rows = MigrationEpisode.objects.filter(adult=adult).order_by("-departed_on", "-pk")
    return _page(paging, rows, _episode_data)


@router.post(
    "/adults/{adult_id}/migration-episodes",
    response={201: EpisodeOut, **ERRORS},
    tags=["migration"],
)
def episode_create(request: HttpRequest, adult_id: int, payload: EpisodeIn) -> Any:
    user = _caller(request)
    adult = access.adult_for_user(user, adult_id)
    _require_family_edit(user)
    episode = services.migration_record(adult=adult, **payload.model_dump(exclude_unset=True))
    return Status(201, _episode_data(episode))


@router.get(
    "/migration-episodes/{episode_id}", response={200: EpisodeOut, **ERRORS}, tags=["migration"]
)
def episode_detail(request: HttpRequest, episode_id: int) -> Any:
    episode = access.migration_episode_for_user(_caller(request), episode_id)
    return _shown(episode, _episode_data(episode))


@router.patch(
    "/migration-episodes/{episode_id}", response={200: EpisodeOut, **ERRORS}, tags=["migration"]
)
def episode_update(request: HttpRequest, episode_id: int, payload: EpisodePatch) -> Any:  # type: ignore[valid-type]
    user = _caller(request)
    episode = access.migration_episode_for_user(user, episode_id)
    _require_family_edit(user)
    values = payload.model_dump(exclude_unset=True)
    if values:
        episode = services.migration_update(episode=episode, **values)
    return _episode_data(episode)


# Care arrangements ----------------------------------------------------------------------------

CARE_FIELDS = [name for name in CareOut.model_fields if name != "id"]


def _care_data(user: User, care: CareArrangement) -> dict[str, Any]:
    return _hide_sensitive(user, _fields(care, CARE_FIELDS))


def _care_values(user: User, payload: Input) -> dict[str, Any]:
    values = payload.model_dump(exclude_unset=True)
    _resolve(
        values,
        {
            "caregiver": (access.adults_visible_to(user), _("Choose an adult you can see.")),
            "caregiver_child": (access.children_visible_to(user), _("Choose a child you can see.")),
        },
    )
    return values


@router.get(
    "/children/{child_id}/care-arrangements",
    response={200: page_of(CareOut), **ERRORS},
    exclude_unset=True,
    tags=["care"],
)
def care_list(request: HttpRequest, child_id: int, paging: Query[PageQuery]) -> Any:
    user = _caller(request)
    child = _child_with_family(user, child_id)
    rows = CareArrangement.objects.filter(child=child).order_by("-started_on", "-pk")
    return _page(paging, rows, lambda care: _care_data(user, care))


@router.post(
    "/children/{child_id}/care-arrangements",
    response={201: CareOut, **ERRORS},
    exclude_unset=True,
    tags=["care"],
)
def care_create(request: HttpRequest, child_id: int, payload: CareIn) -> Any:
    user = _caller(request)
    child = _child_with_family(user, child_id)
    _require_family_edit(user)
    care = services.care_record(child=child, **_care_values(user, payload))
    return Status(201, _care_data(user, care))


@router.get(
    "/care-arrangements/{care_id}",
    response={200: CareOut, **ERRORS},
    exclude_unset=True,
    tags=["care"],
)
def care_detail(request: HttpRequest, care_id: int) -> Any:
    user = _caller(request)
    care = access.care_arrangement_for_user(user, care_id)
    return _shown(care, _care_data(user, care))


@router.patch(
    "/care-arrangements/{care_id}",
    response={200: CareOut, **ERRORS},
    exclude_unset=True,
    tags=["care"],
)
def care_update(request: HttpRequest, care_id: int, payload: CarePatch) -> Any:  # type: ignore[valid-type]
    user = _caller(request)
    care = access.care_arrangement_for_user(user, care_id)
    _require_family_edit(user)
    values = _care_values(user, payload)
    if values:
        care = services.care_update(care=care, **values)
    return _care_data(user, care)
