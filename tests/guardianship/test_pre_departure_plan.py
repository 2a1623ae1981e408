"""Making a pre-departure plan: who may, with whom, for which departure; emergency contacts
with checked phone numbers; every change audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kinlink.audit.models import AuditEntry
from kinlink.core.dates import today
from kinlink.guardianship import services
from kinlink.guardianship.services import ContactInput, GuardianshipError
from kinlink.registry import services as registry
from tests.conftest import years_ago
from tests.guardianship.conftest import make_plan

DAY = dt.timedelta(days=1)


def _errors(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as err:
        call()
    return err.value.message_dict


def test_a_caseworker_starts_a_plan_with_the_father_and_it_is_audited(family, caseworker_a):
    plan = make_plan(caseworker_a, family)
    assert plan.parent_kind == "father"
    # The child's school is filled in from the registry.
    assert plan.school_name == family.child.school.name
    entry = AuditEntry.objects.get(object_type="guardianship.predepartureplan", action="create")
    assert entry.object_id == str(plan.pk)
    assert entry.changes["departure_on"] == [None, plan.departure_on.isoformat()]


def test_only_the_childs_mother_or_father_makes_a_plan(family, caseworker_a):
    errors = _errors(lambda: make_plan(caseworker_a, family, parent=family.grandmother))
    assert errors["parent"] == ["Choose the child's mother or father as recorded in the registry."]


@pytest.mark.parametrize("persona", ["teacher_a", "health_worker_a", "official"])
def test_roles_outside_casework_cannot_make_plans(request, family, persona):
    with pytest.raises(GuardianshipError):
        make_plan(request.getfixturevalue(persona), family)


def test_a_departure_long_past_is_not_pre_departure_planning(family, caseworker_a):
    errors = _errors(lambda: make_plan(caseworker_a, family, departure_on=today() - 15 * DAY))
    assert "no longer pre-departure planning" in errors["departure_on"][0]


def test_a_plan_written_up_just_after_the_parent_left_is_accepted(family, caseworker_a):
    plan = make_plan(caseworker_a, family, departure_on=today() - 14 * DAY)
    assert plan.pk


def test_the_grace_period_is_a_setting(family, caseworker_a, settings):
    settings.KINLINK_PRE_DEPARTURE_GRACE_DAYS = 0
    errors = _errors(lambda: make_plan(caseworker_a, family, departure_on=today() - DAY))
    assert "0 days" in errors["departure_on"][0]


def test_an_old_plan_can_still_be_changed_after_the_departure(family, caseworker_a):
    plan = make_plan(caseworker_a, family, departure_on=today() - 14 * DAY)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("kinlink.guardianship.services.today", lambda: today() + 60 * DAY)
        # The departure date is unchanged, so only the note is checked.
        services.plan_update(actor=caseworker_a, plan=plan, contact_note="Sundays.")
    plan.refresh_from_db()
    assert plan.contact_note == "Sundays."


def test_no_plan_for_a_departure_after_the_child_comes_of_age(county, caseworker_a, family):
    child = family.child
    registry.child_update(child=child, date_of_birth=years_ago(18, -10))  # 18 in ten days
    errors = _errors(lambda: make_plan(caseworker_a, family, departure_on=today() + 30 * DAY))
    assert errors["departure_on"] == ["The child will be an adult by then."]


def test_one_plan_per_coming_departure_of_a_parent(family, caseworker_a):
    make_plan(caseworker_a, family)
    errors = _errors(lambda: make_plan(caseworker_a, family, departure_on=today() + 60 * DAY))
    assert "already a plan" in errors["departure_on"][0]
    # The other parent may have a plan of her own.
    assert make_plan(caseworker_a, family, parent=family.mother).pk


def test_the_people_named_stay_with_the_child_and_belong_to_the_family(
    family, caseworker_a, child_b
):
    stranger = registry.adult_create(family_name="赵", given_name="强", sex="M")
    errors = _errors(
        lambda: make_plan(
            caseworker_a,
            family,
            school_signatory=family.father,
            treatment_consent_by=stranger,
        )
    )
    assert errors["school_signatory"] == [
        "Choose someone who stays with the child, not the parent who leaves."
    ]
    assert errors["treatment_consent_by"] == [
        "Add this person to the child's family in the registry first."
    ]


def test_a_destination_and_a_known_language_are_required(family, caseworker_a):
    errors = _errors(lambda: make_plan(caseworker_a, family, destination="  ", language="fr"))
    assert set(errors) == {"destination", "language"}


def test_emergency_phones_are_checked_and_stored_in_international_form(family, caseworker_a):
    plan = make_plan(caseworker_a, family)
    errors = _errors(
        lambda: services.plan_set_emergency_contacts(
            actor=caseworker_a,
            plan=plan,
            contacts=[
                ContactInput(name="王芳", phone="13912345679"),
                ContactInput(name="李四", phone="12345"),
                ContactInput(name="", phone="13700137000"),
            ],
        )
    )
    assert "phone_2" in errors and "not a valid phone number" in errors["phone_2"][0]
    assert errors["name_3"] == ["Enter the name."]
    assert "phone_1" not in errors
    assert not plan.emergency_contacts.exists()

    services.plan_set_emergency_contacts(
        actor=caseworker_a,
        plan=plan,
        contacts=[
            ContactInput(name="王芳", relationship="姑姑", phone="139 1234 5679"),
            ContactInput(name="", phone=""),  # an empty row is ignored
            ContactInput(name="Anna", phone="+7 701 234 5678"),  # a number abroad
        ],
    )
    assert [(c.name, c.phone) for c in plan.emergency_contacts.all()] == [
        ("王芳", "+8613912345679"),
        ("Anna", "+77012345678"),
    ]
    entry = AuditEntry.objects.filter(object_type="guardianship.predepartureplan").last()
    assert entry.changes["emergency_contacts"][0] == []
    assert entry.changes["emergency_contacts"][1][0] == ["王芳", "姑姑", "+8613912345679"]


def test_at_most_the_configured_number_of_emergency_contacts(family, caseworker_a, settings):
    settings.KINLINK_PRE_DEPARTURE_EMERGENCY_CONTACTS = 1
    plan = make_plan(caseworker_a, family)
    errors = _errors(
        lambda: services.plan_set_emergency_contacts(
            actor=caseworker_a,
            plan=plan,
            contacts=[
                ContactInput(name="A", phone="13912345679"),
                ContactInput(name="B", phone="13700137000"),
            ],
        )
    )
    assert errors["__all__"] == ["List at most 1 emergency contacts."]


def test_a_plan_change_audits_the_fields_changed(family, caseworker_a):
    plan = make_plan(caseworker_a, family)
    services.plan_update(
        actor=caseworker_a, plan=plan, contact_frequency="weekly", contact_channel="video"
    )
    entry = AuditEntry.objects.filter(action="change").last()
    assert entry.changes == {
        "contact_frequency": ["", "weekly"],
        "contact_channel": ["", "video"],
    }
