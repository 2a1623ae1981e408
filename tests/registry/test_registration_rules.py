"""What registering and changing records accepts and refuses (services called directly)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kinlink.audit.models import AuditEntry
from kinlink.core.identity import cn_resident_id_check_char
from kinlink.registry import services
from kinlink.registry.models import Child, Household
from tests.conftest import years_ago


def _register(county, **overrides):
    values = dict(
        family_name="刘",
        given_name="洋",
        sex="M",
        date_of_birth=years_ago(7),
        home_village=county.village_a1,
    )
    values.update(overrides)
    return services.child_register(**values)


def _errors(exc_info) -> dict:
    return exc_info.value.message_dict


def test_a_registered_child_gets_pinyin_a_search_key_and_a_household(county):
    child = _register(county)
    assert (child.family_name_latin, child.given_name_latin) == ("Liú", "Yáng")
    assert "liuyang" in child.name_key
    assert child.household.village == county.village_a1


def test_a_corrected_latin_name_is_kept(county):
    child = _register(county, family_name_latin="Lau", given_name_latin="Yeung")
    services.child_update(child=child, given_name="阳")
    child.refresh_from_db()
    assert child.family_name_latin == "Lau"
    assert "lauyeung" in child.name_key


def test_a_birth_date_in_the_future_is_refused_and_nothing_is_saved(county):
    with pytest.raises(ValidationError) as exc:
        _register(county, date_of_birth=dt.date.today() + dt.timedelta(days=1))
    assert "date_of_birth" in _errors(exc)
    assert not Child.objects.exists()
    assert not Household.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_person_of_18_is_not_registered_as_a_child(county):
    with pytest.raises(ValidationError) as exc:
        _register(county, date_of_birth=years_ago(18))
    assert "18" in _errors(exc)["date_of_birth"][0]


def test_every_problem_is_reported_at_once(county):
    with pytest.raises(ValidationError) as exc:
        _register(county, family_name="", sex="", home_village=None)
    assert {"family_name", "sex", "home_village"} <= set(_errors(exc))


def test_a_resident_id_must_agree_with_birth_date_and_sex(county):
    born = years_ago(8)
    first17 = f"511623{born:%Y%m%d}001"  # 001: odd, so male
    number = first17 + cn_resident_id_check_char(first17)
    child = _register(county, date_of_birth=born, national_id=number.lower())
    assert child.national_id == number
    with pytest.raises(ValidationError) as exc:
        _register(county, date_of_birth=born, sex="F", national_id=number, given_name="丽")
    messages = " ".join(_errors(exc)["national_id"])
    assert "sex" in messages and "already registered" in messages


def test_a_malformed_resident_id_is_refused(county):
    first17 = "51162320150302001"
    wrong = "0" if cn_resident_id_check_char(first17) != "0" else "1"
    with pytest.raises(ValidationError) as exc:
        _register(county, national_id=first17 + wrong)
    assert "check character" in _errors(exc)["national_id"][0]


def test_a_malformed_phone_is_refused(county):
    with pytest.raises(ValidationError) as exc:
        services.adult_create(family_name="李", given_name="红", sex="F", phone="12345")
    assert "phone" in _errors(exc)


def test_phones_are_stored_in_international_form(county):
    adult = services.adult_create(family_name="李", given_name="红", sex="F", phone="138 0013 8000")
    assert adult.phone == "+8613800138000"


def test_a_return_before_departure_is_refused(child_a):
    mother = child_a.relationships.get(kind="mother").adult
    episode = mother.migrations.get()
    with pytest.raises(ValidationError) as exc:
        services.migration_update(
            episode=episode, returned_on=episode.departed_on - dt.timedelta(days=1)
        )
    assert "returned_on" in _errors(exc)


def test_overlapping_migration_episodes_are_refused(child_a):
    mother = child_a.relationships.get(kind="mother").adult
    with pytest.raises(ValidationError) as exc:
        services.migration_record(
            adult=mother,
            departed_on=years_ago(0, 30),
            destination_country="JP",
            purpose="work",
            pattern="long_term",
        )
    assert "departed_on" in _errors(exc)


def test_a_second_mother_is_refused(child_a):
    other = services.adult_create(family_name="赵", given_name="敏", sex="F")
    with pytest.raises(ValidationError) as exc:
        services.relationship_add(child=child_a, adult=other, kind="mother")
    assert "kind" in _errors(exc)


def test_changes_are_audited_with_old_and_new_values(child_a):
    services.child_update(child=child_a, grade="4")
    entry = AuditEntry.objects.filter(action="change", object_id=str(child_a.pk)).last()
    assert entry.changes == {"grade": ["3", "4"]}
    assert entry.fields == ["grade"]


def test_a_new_care_arrangement_ends_the_previous_one(child_a, county):
    grandma = services.adult_create(
        family_name="王", given_name="桂兰", sex="F", date_of_birth=years_ago(72)
    )
    first = services.care_record(
        child=child_a, kind="grandparent", caregiver=grandma, started_on=years_ago(1)
    )
    services.care_record(child=child_a, kind="self_care", started_on=years_ago(0, 10))
    first.refresh_from_db()
    assert first.ended_on == years_ago(0, 11)


def test_an_unknown_destination_country_is_refused(child_a):
    mother = child_a.relationships.get(kind="mother").adult
    with pytest.raises(ValidationError) as exc:
        services.migration_update(episode=mother.migrations.get(), destination_country="XX")
    assert "destination_country" in _errors(exc)
