"""Writes synthetic registries and the demo's accounts.

Places go through `places.services.place_create`. Households and people are written in bulk,
already valid and with their derived columns computed (the generator mirrors
`registry.services` and `registry.derived`; tests/demo check it against them row by row): COPY on
PostgreSQL, batched INSERTs elsewhere. The whole load is one transaction and one audit entry.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from kinlink.accounts.models import Agency, Role, User
from kinlink.accounts.services import user_create
from kinlink.audit.services import audit_record
from kinlink.core.dates import today
from kinlink.core.env import env_str
from kinlink.core.names import to_latin
from kinlink.demo import synthetic
from kinlink.demo.synthetic import Batch, Generator, Layout
from kinlink.places.models import Place, PlaceLevel, School, ServiceProvider
from kinlink.places.services import place_create
from kinlink.registry.models import (
    Adult,
    CareArrangement,
    Child,
    Household,
    MigrationEpisode,
    Relationship,
)

TABLE_MODELS: dict[str, type[models.Model]] = {
    "households": Household,
    "adults": Adult,
    "children": Child,
    "relationships": Relationship,
    "migrations": MigrationEpisode,
    "care": CareArrangement,
}

LEVELS = [(1, "省", "Province"), (2, "县", "County"), (3, "乡镇", "Township"), (4, "村", "Village")]

Progress = Callable[[int, int, float], None]


class RegistryNotEmpty(RuntimeError):
    """Synthetic data is only loaded into a registry that has no children yet."""


@dataclass(frozen=True)
class LoadResult:
    layout: Layout
    counts: dict[str, int]
    seconds: float


# Places --------------------------------------------------------------------------------------


def _levels() -> dict[int, PlaceLevel]:
    levels = {}
    for depth, name, latin in LEVELS:
        levels[depth], _ = PlaceLevel.objects.get_or_create(
            depth=depth, defaults={"name": name, "name_latin": latin}
        )
    return levels


def layout_create(layout: Layout) -> None:
    """Create the layout's places, schools and service providers (reusing places that exist with
    the same code) and record their ids on the layout."""
    levels = _levels()
    existing = {p.code: p for p in Place.objects.filter(code__startswith="51")}

    def place(name: str, code: str, depth: int, parent: Place | None) -> tuple[Place, bool]:
        if code in existing:
            return existing[code], False
        created = place_create(
            name=name, code=code, level=levels[depth], parent=parent, name_latin=to_latin(name)
        )
        return created, True

    province, _ = place(synthetic.PROVINCE_NAME, f"{synthetic.PROVINCE_CODE}000000", 1, None)
    schools: list[School] = []
    providers: list[ServiceProvider] = []
    for county in layout.counties:
        county_place, _ = place(county.name, county.code, 2, province)
        county.id = county_place.pk
        for t, township in enumerate(county.townships):
            town_place, new = place(township.name, township.code, 3, county_place)
            township.id = town_place.pk
            if new:
                schools.append(
                    School(
                        name=f"{township.name}中心小学", code=f"P{township.code}", place=town_place
                    )
                )
                providers += [
                    ServiceProvider(
                        name=f"{township.name}社工站", kind="social_work", place=town_place
                    ),
                    ServiceProvider(name=f"{township.name}卫生院", kind="clinic", place=town_place),
                ]
            if t == 0 and new:  # the county town
                schools += [
                    School(name=f"{county.name}实验中学", code=f"M{county.code}", place=town_place),
                    School(name=f"{county.name}高级中学", code=f"H{county.code}", place=town_place),
                ]
                providers += [
                    ServiceProvider(name=f"{county.name}人民医院", kind="clinic", place=town_place),
                    ServiceProvider(
                        name=f"{county.name}民政局", kind="government", place=town_place
                    ),
                    ServiceProvider(
                        name=f"{county.name}未成年人救助保护中心",
                        kind="guardianship",
                        place=town_place,
                    ),
                    ServiceProvider(
                        name=f"{county.name}妇女联合会", kind="other", place=town_place
                    ),
                    ServiceProvider(
                        name=f"{county.name}益童社会工作服务中心", kind="ngo", place=town_place
                    ),
                ]
            for village in township.villages:
                village.id = place(village.name, village.code, 4, town_place)[0].pk
    School.objects.bulk_create(schools)
    ServiceProvider.objects.bulk_create(providers)
    school_ids = dict(School.objects.filter(code__regex=r"^[PMH]51").values_list("code", "id"))
    for county in layout.counties:
        county.middle_school_id = school_ids.get(f"M{county.code}")
        county.high_school_id = school_ids.get(f"H{county.code}")
        for township in county.townships:
            township.primary_school_id = school_ids.get(f"P{township.code}")


# Bulk rows -----------------------------------------------------------------------------------


class _Table:
    """How a model's rows are written: its columns and the value of each one left out."""

    def __init__(self, model: type[models.Model], *, now: dt.datetime) -> None:
        fields = model._meta.concrete_fields
        self.name = model._meta.db_table
        self.columns = [f.column for f in fields]
        self.attnames = [f.attname for f in fields]
        self.json = frozenset(f.attname for f in fields if isinstance(f, models.JSONField))
        self.dates = frozenset(
            f.attname
            for f in fields
            if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
        )
        self.defaults: dict[str, Any] = {}
        for f in fields:
            if isinstance(f, models.DateTimeField):
                self.defaults[f.attname] = now
            else:
                self.defaults[f.attname] = f.get_default()

    def rows(self, records: Iterable[dict[str, Any]], *, dates_as_text: bool) -> Iterator[tuple]:
        defaults, json_cols, date_cols = self.defaults, self.json, self.dates
        for record in records:
            row = []
            for name in self.attnames:
                value = record.get(name, defaults[name])
                if name in json_cols:
                    value = json.dumps(value, ensure_ascii=False)
                elif dates_as_text and name in date_cols and value is not None:
                    value = value.isoformat()
                row.append(value)
            yield tuple(row)


class _Writer:
    def __init__(self) -> None:
        now = timezone.now()
        self.tables = {key: _Table(model, now=now) for key, model in TABLE_MODELS.items()}
        self.copy = connection.vendor == "postgresql"
        if not self.copy:
            # Other backends take aware datetimes through the ORM only; adapt them once here.
            for table in self.tables.values():
                for name, value in table.defaults.items():
                    if isinstance(value, dt.datetime):
                        table.defaults[name] = connection.ops.adapt_datetimefield_value(value)

    def write(self, batch: Batch) -> None:
        for key in synthetic.TABLES:
            records = getattr(batch, key)
            if records:
                self._write(self.tables[key], records)

    def _write(self, table: _Table, records: list[dict[str, Any]]) -> None:
        qn = connection.ops.quote_name
        columns = ", ".join(qn(c) for c in table.columns)
        with connection.cursor() as cursor:
            if self.copy:
                with cursor.cursor.copy(f"COPY {qn(table.name)} ({columns}) FROM STDIN") as copy:
                    for row in table.rows(records, dates_as_text=False):
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(table.columns))
                # Table and column names come from the models, never from input.
                cursor.executemany(
                    f"INSERT INTO {qn(table.name)} ({columns}) VALUES ({marks})",  # noqa: S608
                    list(table.rows(records, dates_as_text=True)),
                )


def _first_ids() -> dict[str, int]:
    return {
        key: (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        for key, model in TABLE_MODELS.items()
    }


def registry_load(
    *,
    children: int,
    seed: int,
    on: dt.date | None = None,
    batch_size: int = 50_000,
    command: str = "demo",
    progress: Progress | None = None,
) -> LoadResult:
    """Generate and write a synthetic registry of `children` children into an empty registry."""
    started = time.monotonic()
    on = on or today()
    with transaction.atomic():
        if Child.objects.exists():
            raise RegistryNotEmpty("the registry already has children")
        layout = synthetic.plan_layout(children, seed=seed, on=on)
        layout_create(layout)
        taken = set(Household.objects.values_list("reference", flat=True))
        generator = Generator(
            layout, seed=seed, on=on, first_ids=_first_ids(), taken_references=taken
        )
        writer = _Writer()
        for batch in generator.batches(batch_size):
            writer.write(batch)
            if progress:
                progress(generator.stats["children"], children, time.monotonic() - started)
        _after_bulk_load()
        counts = dict(sorted(generator.stats.items()))
        audit_record(
            action="create",
            object_type="demo.load",
            extra={"command": command, "seed": seed, "on": on.isoformat(), **counts},
        )
    return LoadResult(layout=layout, counts=counts, seconds=time.monotonic() - started)


@contextlib.contextmanager
def _without_secondary_indexes() -> Iterator[None]:
    """On PostgreSQL, drop the registry tables' foreign keys and secondary indexes for the load
    and recreate them from their own definitions afterwards, in the same transaction: building
    an index or checking a key once over a million rows is far faster than row by row (this is
    what pg_restore does). Elsewhere, do nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in TABLE_MODELS.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [tables],
        )
        indexes = cursor.fetchall()
        qn = connection.ops.quote_name
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")


def _after_bulk_load() -> None:
    """Move id sequences past the rows written with explicit ids, and refresh the planner's
    statistics so the first queries on a large registry use the indexes."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(TABLE_MODELS.values())):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            for model in TABLE_MODELS.values():
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# Demo accounts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    scope: str  # "county", "township1", "township2"
    agency: tuple[str, str] | None  # (name suffix of a provider-like agency, kind)


DEMO_USERS = (
    DemoUser("caseworker", Role.CASEWORKER, "township1", ("社工站", "social_work")),
    DemoUser("caseworker2", Role.CASEWORKER, "township2", ("社工站", "social_work")),
    DemoUser("supervisor", Role.SUPERVISOR, "county", ("民政局", "district")),
    DemoUser("teacher", Role.TEACHER, "township1", ("中心小学", "school")),
    DemoUser("healthworker", Role.HEALTH_WORKER, "township1", ("卫生院", "clinic")),
    DemoUser(
        "guardianship",
        Role.GUARDIANSHIP_OFFICER,
        "county",
        ("未成年人救助保护中心", "guardianship"),
    ),
    DemoUser("official", Role.DISTRICT_OFFICIAL, "county", ("民政局", "district")),
    DemoUser("admin", Role.ADMINISTRATOR, "county", None),
)


class DemoCountyMissing(RuntimeError):
    """The database has children but not the demo county the accounts are scoped to."""


def demo_password() -> str:
    """KINLINK_DEMO_PASSWORD if set; else one made at the first run and kept in var/."""
    from_env = env_str("KINLINK_DEMO_PASSWORD")
    if from_env:
        return from_env
    path = Path(settings.VAR_DIR) / "demo_password"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password


@transaction.atomic
def demo_users_ensure(*, password: str) -> list[User]:
    """One account per role in the demo county; existing ones get the password again, so the
    password printed by `kinlink demo` always works."""
    county = Place.objects.filter(code=f"{synthetic.DEMO_COUNTY_CODE}000000").first()
    if county is None:
        raise DemoCountyMissing("the demo county is not in this database")
    townships = list(Place.objects.filter(parent=county).order_by("code")[:2])
    scopes = {"county": county, "township1": townships[0], "township2": townships[1]}
    school = School.objects.get(code=f"P{townships[0].code}")
    validate_password(password)
    users = []
    for spec in DEMO_USERS:
        scope = scopes[spec.scope]
        agency = None
        if spec.agency:
            suffix, kind = spec.agency
            where = county if kind in ("district", "guardianship") else scope
            agency, _ = Agency.objects.get_or_create(
                name=f"{where.name}{suffix}", kind=kind, place=where
            )
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = user_create(
                username=spec.username,
                password=password,
                role=spec.role,
                scope=scope,
                agency=agency,
                school=school if spec.role == Role.TEACHER else None,
            )
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        users.append(user)
    return users
