"""Every row the bulk load writes is one the registry's own services would accept unchanged,
and its derived columns are what `registry.derived` computes."""

from __future__ import annotations

from kinlink.core.identity import parse_cn_resident_id
from kinlink.core.phones import normalise_phone
from kinlink.registry import services
from kinlink.registry.derived import parents_away
from kinlink.registry.models import (
    Adult,
    CareArrangement,
    Child,
    MigrationEpisode,
    Relationship,
)


def _errors(validate, obj) -> dict:
    errors = services.Errors()
    validate(obj, errors)
    return errors.messages


def test_every_id_number_validates_and_matches_birth_date_and_sex(small_county):
    people = [*Child.objects.exclude(national_id=""), *Adult.objects.exclude(national_id="")]
    assert len(people) > 500
    for person in people:
        parsed = parse_cn_resident_id(person.national_id)
        assert parsed.number == person.national_id
        assert parsed.birth_date == person.date_of_birth
        assert parsed.sex == person.sex
    child_ids = [c.national_id for c in Child.objects.exclude(national_id="")]
    assert len(child_ids) == len(set(child_ids))


def test_every_phone_number_validates_in_its_stored_form(small_county):
    phones = list(Adult.objects.exclude(phone="").values_list("phone", flat=True))
    assert len(phones) > 500
    for phone in phones:
        assert normalise_phone(phone) == phone


def test_children_pass_registration_checks_with_names_and_keys_unchanged(small_county):
    for child in Child.objects.all():
        stored = (child.family_name_latin, child.given_name_latin, child.name_key)
        assert _errors(services._validate_child, child) == {}
        assert (child.family_name_latin, child.given_name_latin, child.name_key) == stored


def test_adults_pass_the_adult_checks_unchanged(small_county):
    for adult in Adult.objects.all():
        stored = (adult.name_key, adult.phone, adult.national_id)
        assert _errors(services._validate_adult, adult) == {}
        assert (adult.name_key, adult.phone, adult.national_id) == stored


def test_migrations_relationships_and_care_pass_their_checks(small_county):
    for episode in MigrationEpisode.objects.all():
        scope = episode.scope
        assert _errors(services._validate_migration, episode) == {}
        assert episode.scope == scope
    for relationship in Relationship.objects.select_related("child"):
        assert _errors(services._validate_relationship, relationship) == {}
    for care in CareArrangement.objects.all():
        assert _errors(services._validate_care, care) == {}


def test_derived_columns_match_the_registry_derivation(small_county):
    for child in Child.objects.all():
        away = parents_away(child)
        assert child.away_parents == away.away_parents
        assert child.parent_abroad == away.abroad
        assert child.separated_since == away.since


def test_the_whole_load_writes_one_audit_entry(small_county):
    from kinlink.audit.models import AuditEntry

    entries = AuditEntry.objects.all()
    assert [e.object_type for e in entries] == ["demo.load"]
    assert entries[0].extra["children"] == 600
