"""A declaration's status: what may follow what, who may do it, and what the clock does.

draft -> signed (caseworker) -> registered or notarised (guardianship officer) -> active on its
first day -> expired after its last; revoked or superseded on the way.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kinlink.audit.models import AuditEntry
from kinlink.core.dates import today
from kinlink.guardianship import services
from kinlink.guardianship.models import Declaration, DeclarationStatus, EndReason
from kinlink.guardianship.services import GuardianshipError, declarations_apply_clock
from kinlink.registry import services as registry
from tests.conftest import years_ago
from tests.guardianship.conftest import draft, make_registered

S = DeclarationStatus
DAY = dt.timedelta(days=1)


def _sign(actor, decl, on=None):
    on = on or today()
    return services.declaration_sign(
        actor=actor, declaration=decl, signed_on=on, representative_accepted_on=on
    )


def _register(actor, decl, on=None, registration="registered", **kwargs):
    return services.declaration_register(
        actor=actor,
        declaration=decl,
        registration=registration,
        registered_on=on or today(),
        reference=kwargs.pop("reference", "REG-1"),
        **kwargs,
    )


def test_a_caseworker_drafts_and_records_signatures_and_the_officer_registers_it_active(
    family, caseworker_a, guardianship_officer
):
    decl = draft(caseworker_a, family)
    assert decl.status == S.DRAFT and len(decl.code) == 20
    decl = _sign(caseworker_a, decl)
    assert decl.status == S.SIGNED
    decl = _register(guardianship_officer, decl)
    decl.refresh_from_db()
    # Its first day has come, so registration makes it active at once.
    assert decl.status == S.ACTIVE
    assert decl.registered_by == guardianship_officer
    assert decl.registered_on == today()


def test_a_caseworker_cannot_register_a_declaration(family, caseworker_a):
    decl = _sign(caseworker_a, draft(caseworker_a, family))
    with pytest.raises(GuardianshipError, match="guardianship officer"):
        _register(caseworker_a, decl)
    assert Declaration.objects.get(pk=decl.pk).status == S.SIGNED


@pytest.mark.parametrize("persona", ["teacher_a", "health_worker_a", "official", "administrator"])
def test_roles_outside_casework_cannot_draft(request, family, persona):
    with pytest.raises(GuardianshipError):
        draft(request.getfixturevalue(persona), family)
    assert not Declaration.objects.exists()


def test_a_draft_cannot_be_registered_before_it_is_signed(
    family, caseworker_a, guardianship_officer
):
    decl = draft(caseworker_a, family)
    with pytest.raises(GuardianshipError, match="signed"):
        _register(guardianship_officer, decl)


def test_signing_needs_the_representatives_acceptance(family, caseworker_a):
    decl = draft(caseworker_a, family)
    with pytest.raises(ValidationError) as exc:
        services.declaration_sign(
            actor=caseworker_a,
            declaration=decl,
            signed_on=today(),
            representative_accepted_on=None,
        )
    assert "representative_accepted_on" in exc.value.message_dict


def test_a_signed_declaration_cannot_be_signed_again_or_changed(family, caseworker_a):
    decl = _sign(caseworker_a, draft(caseworker_a, family))
    with pytest.raises(GuardianshipError):
        _sign(caseworker_a, decl)
    with pytest.raises(GuardianshipError, match="Only a draft"):
        services.declaration_update(actor=caseworker_a, declaration=decl, powers=["travel"])


def test_registration_cannot_be_dated_before_the_signature(
    family, caseworker_a, guardianship_officer
):
    decl = _sign(caseworker_a, draft(caseworker_a, family), on=today() - DAY)
    with pytest.raises(ValidationError) as exc:
        _register(guardianship_officer, decl, on=today() - 2 * DAY)
    assert "registered_on" in exc.value.message_dict


def test_a_notarised_declaration_names_the_notary(family, caseworker_a, guardianship_officer):
    decl = _sign(caseworker_a, draft(caseworker_a, family))
    with pytest.raises(ValidationError) as exc:
        _register(guardianship_officer, decl, registration="notarised")
    assert "notary" in exc.value.message_dict
    decl = _register(guardianship_officer, decl, registration="notarised", notary="青山县公证处")
    assert decl.registration == "notarised" and decl.status == S.ACTIVE


def test_a_declaration_starting_later_stays_registered_until_the_clock_reaches_its_first_day(
    family, caseworker_a, guardianship_officer
):
    start = today() + 10 * DAY
    decl = make_registered(
        caseworker_a, guardianship_officer, family, valid_from=start, valid_until=start + 30 * DAY
    )
    assert decl.status == S.REGISTERED
    assert declarations_apply_clock(on=start - DAY) == 0
    assert declarations_apply_clock(on=start) == 1
    decl.refresh_from_db()
    assert decl.status == S.ACTIVE
    assert declarations_apply_clock(on=start + 30 * DAY) == 0  # the last day is still active
    assert declarations_apply_clock(on=start + 31 * DAY) == 1
    decl.refresh_from_db()
    assert decl.status == S.EXPIRED


def test_the_clock_never_moves_a_declaration_back(family, caseworker_a, guardianship_officer):
    decl = make_registered(caseworker_a, guardianship_officer, family)
    assert decl.status == S.ACTIVE
    assert declarations_apply_clock(on=today() - 365 * DAY) == 0
    decl.refresh_from_db()
    assert decl.status == S.ACTIVE


def test_the_clock_leaves_drafts_signed_and_revoked_declarations_alone(
    family, caseworker_a, guardianship_officer
):
    d1 = draft(caseworker_a, family)
    d2 = _sign(caseworker_a, draft(caseworker_a, family))
    d3 = make_registered(caseworker_a, guardianship_officer, family, declarant=family.father)
    services.declaration_revoke(actor=guardianship_officer, declaration=d3, reason="parent")
    far = today() + 5000 * DAY
    declarations_apply_clock(on=far)
    statuses = dict(Declaration.objects.values_list("pk", "status"))
    assert statuses == {d1.pk: S.DRAFT, d2.pk: S.SIGNED, d3.pk: S.REVOKED}


def test_a_caseworker_may_revoke_an_unregistered_declaration_but_not_a_registered_one(
    family, caseworker_a, guardianship_officer
):
    unregistered = _sign(caseworker_a, draft(caseworker_a, family))
    services.declaration_revoke(actor=caseworker_a, declaration=unregistered, reason="parent")
    assert Declaration.objects.get(pk=unregistered.pk).status == S.REVOKED

    registered = make_registered(caseworker_a, guardianship_officer, family)
    with pytest.raises(GuardianshipError, match="guardianship officer"):
        services.declaration_revoke(actor=caseworker_a, declaration=registered, reason="parent")
    services.declaration_revoke(
        actor=guardianship_officer, declaration=registered, reason="representative"
    )
    registered.refresh_from_db()
    assert registered.status == S.REVOKED
    assert registered.ended_on == today() and registered.ended_by == guardianship_officer
    assert registered.status_on(today()) == S.REVOKED
    assert registered.status_on(today() - DAY) == S.ACTIVE  # it was in force until then


def test_the_authority_revokes_only_with_reasons(family, caseworker_a, guardianship_officer):
    decl = make_registered(caseworker_a, guardianship_officer, family)
    with pytest.raises(ValidationError) as exc:
        services.declaration_revoke(
            actor=guardianship_officer, declaration=decl, reason=EndReason.AUTHORITY
        )
    assert "note" in exc.value.message_dict


def test_an_expired_or_revoked_declaration_cannot_be_revoked(
    family, caseworker_a, guardianship_officer
):
    decl = make_registered(caseworker_a, guardianship_officer, family)
    services.declaration_revoke(actor=guardianship_officer, declaration=decl, reason="parent")
    with pytest.raises(GuardianshipError, match="already ended"):
        services.declaration_revoke(actor=guardianship_officer, declaration=decl, reason="parent")


def test_a_new_registration_supersedes_the_same_parents_earlier_declaration_only(
    family, caseworker_a, guardianship_officer
):
    mothers_first = make_registered(caseworker_a, guardianship_officer, family)
    fathers = make_registered(caseworker_a, guardianship_officer, family, declarant=family.father)
    later = today() + 20 * DAY
    mothers_second = make_registered(
        caseworker_a,
        guardianship_officer,
        family,
        valid_from=later,
        valid_until=later + 200 * DAY,
        registered_on=today(),
    )
    mothers_first.refresh_from_db()
    fathers.refresh_from_db()
    assert mothers_first.status == S.SUPERSEDED
    assert mothers_first.superseded_by == mothers_second
    assert mothers_first.ended_on == later
    # Still in force until the new one takes over: no day without a representative.
    assert mothers_first.status_on(later - DAY) == S.ACTIVE
    assert mothers_first.status_on(later) == S.SUPERSEDED
    assert fathers.status == S.ACTIVE


def test_the_declarant_must_be_a_parent_and_the_representative_an_adult_other_than_them(
    family, caseworker_a
):
    with pytest.raises(ValidationError) as exc:
        draft(caseworker_a, family, declarant=family.grandmother)
    assert "declarant" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        draft(caseworker_a, family, representative=family.mother)
    assert "representative" in exc.value.message_dict
    cousin = registry.adult_add_to_child(
        child=family.child,
        kind="relative",
        family_name="李",
        given_name="小军",
        sex="M",
        date_of_birth=years_ago(16),
    )
    with pytest.raises(ValidationError) as exc:
        draft(caseworker_a, family, representative=cousin)
    assert exc.value.message_dict["representative"] == ["The representative must be an adult."]


def test_a_declaration_ends_before_the_child_comes_of_age(family, caseworker_a):
    eighteenth = family.child.date_of_birth.replace(year=family.child.date_of_birth.year + 18)
    with pytest.raises(ValidationError) as exc:
        draft(caseworker_a, family, valid_until=eighteenth)
    assert "valid_until" in exc.value.message_dict
    assert draft(caseworker_a, family, valid_until=eighteenth - DAY).pk


def test_nothing_is_written_when_a_draft_is_invalid(family, caseworker_a):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        draft(caseworker_a, family, powers=["flying"])
    assert set(exc.value.message_dict) == {"powers"}
    assert not Declaration.objects.exists()
    assert AuditEntry.objects.count() == before


def test_every_step_is_audited_with_what_changed(family, caseworker_a, guardianship_officer):
    decl = make_registered(caseworker_a, guardianship_officer, family)
    entries = list(
        AuditEntry.objects.filter(object_type="guardianship.declaration", object_id=str(decl.pk))
    )
    statuses = [e.changes["status"][1] for e in entries if "status" in e.changes]
    assert statuses == ["draft", "signed", "registered", "active"]
    assert entries[0].action == "create"
    register = next(e for e in entries if e.changes.get("status", [None, None])[1] == "registered")
    assert register.changes["registered_by"] == [None, guardianship_officer.pk]
    assert register.actor_username == "" or register.actor_username is not None


@pytest.mark.parametrize("offset", [-2, -1, 0, 1, 29, 30, 31, 32])
def test_status_on_a_day_agrees_with_the_in_force_query(
    family, caseworker_a, guardianship_officer, offset
):
    start = today() + DAY
    decl = make_registered(
        caseworker_a,
        guardianship_officer,
        family,
        valid_from=start,
        valid_until=start + 30 * DAY,
        registered_on=today(),
    )
    on = start + offset * DAY
    in_force = Declaration.objects.in_force_on(on).filter(pk=decl.pk).exists()
    assert decl.is_in_force_on(on) == in_force == (0 <= offset <= 30)
