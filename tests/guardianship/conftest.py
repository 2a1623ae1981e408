"""A family for guardianship tests, built on the shared personas.

王小明 (child_a, village A1) lives with his maternal grandmother 李桂兰; his mother 李秀英 has
worked in Guangdong for a year; his father 王建国 is at home unless a test sends him away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from stdnum.cn import ric

from kinlink.core.dates import today
from kinlink.guardianship import services
from kinlink.guardianship.models import Declaration, Power
from kinlink.registry import services as registry
from kinlink.registry.models import Adult, Child
from tests.conftest import years_ago


def cn_id(born: dt.date, sex: str, area: str = "110101", seq: int = 12) -> str:
    """A valid resident ID number for a birth date and sex (the 17th digit's parity)."""
    digit = seq * 10 + (1 if sex == "M" else 2)
    first17 = f"{area}{born:%Y%m%d}{digit:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 takes half a second per persona; these tests are not about passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Family:
    child: Child
    mother: Adult
    father: Adult
    grandmother: Adult


@pytest.fixture
def family(child_a) -> Family:
    child = child_a
    mother = child.relationships.get(kind="mother").adult
    father = registry.adult_add_to_child(
        child=child,
        kind="father",
        family_name="王",
        given_name="建国",
        sex="M",
        date_of_birth=years_ago(38),
    )
    grandmother = registry.adult_add_to_child(
        child=child,
        kind="grandmother",
        family_name="李",
        given_name="桂兰",
        sex="F",
        date_of_birth=years_ago(63),
        phone="13912345678",
    )
    child.refresh_from_db()
    return Family(child=child, mother=mother, father=father, grandmother=grandmother)


ALL_POWERS = list(Power.values)


def draft(
    actor,
    fam: Family,
    *,
    declarant: Adult | None = None,
    representative: Adult | None = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    powers: list[str] | None = None,
) -> Declaration:
    return services.declaration_draft(
        actor=actor,
        child=fam.child,
        declarant=declarant or fam.mother,
        representative=representative or fam.grandmother,
        powers=powers or ["schooling", "routine_medical", "emergency_medical"],
        valid_from=valid_from or today() - dt.timedelta(days=10),
        valid_until=valid_until or today() + dt.timedelta(days=365),
    )


def make_registered(
    caseworker,
    officer,
    fam: Family,
    *,
    registered_on: dt.date | None = None,
    **kwargs,
) -> Declaration:
    """A declaration drafted, signed and registered (signed and registered on the same day)."""
    decl = draft(caseworker, fam, **kwargs)
    on = registered_on or min(today(), decl.valid_from)
    services.declaration_sign(
        actor=caseworker, declaration=decl, signed_on=on, representative_accepted_on=on
    )
    return services.declaration_register(
        actor=officer,
        declaration=decl,
        registration="registered",
        registered_on=on,
        reference="GZ-2025-0001",
    )


def make_plan(actor, fam: Family, *, parent: Adult | None = None, **values):
    """A pre-departure plan: the father (unless told otherwise) leaves for Shenzhen in a month."""
    from kinlink.guardianship.models import PreDeparturePlan

    values.setdefault("departure_on", today() + dt.timedelta(days=30))
    values.setdefault("destination", "广东省深圳市")
    values.setdefault("language", "zh-hans")
    plan: PreDeparturePlan = services.plan_create(
        actor=actor, child=fam.child, parent=parent or fam.father, **values
    )
    return plan


def fill_plan(actor, fam: Family, plan):
    """Every arrangement recorded: contact, school, health, two emergency contacts."""
    plan = services.plan_update(
        actor=actor,
        plan=plan,
        contact_frequency="weekly",
        contact_channel="video",
        contact_note="每周日晚上视频。",
        school_signatory=fam.grandmother,
        insurance_scheme="resident",
        insurance_card_holder=fam.grandmother,
        treatment_consent_by=fam.grandmother,
    )
    services.plan_set_emergency_contacts(
        actor=actor,
        plan=plan,
        contacts=[
            services.ContactInput(name="王芳", relationship="姑姑", phone="139 1234 5679"),
            services.ContactInput(name="张医生", relationship="村医", phone="13700137000"),
        ],
    )
    return plan
