"""The public verification page: no login, tells only what a school, clinic or police officer
needs, says so when a declaration has ended, is rate limited and audits every lookup."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from kinlink.audit.models import AuditEntry
from kinlink.core.dates import today
from kinlink.guardianship import services
from kinlink.guardianship.codes import ALPHABET, BITS, new_code, normalise_code
from kinlink.guardianship.models import Declaration
from kinlink.registry import services as registry
from tests.conftest import years_ago
from tests.guardianship.conftest import cn_id, draft, make_registered

DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public() -> Client:
    return Client(REMOTE_ADDR="203.0.113.7")


def _url(decl: Declaration) -> str:
    return reverse("verify:result", args=[decl.code_display])


@pytest.fixture
def full_family(family, county):
    """Every field of the child and family filled with something recognisable."""
    child = family.child
    registry.child_update(
        child=child,
        national_id=cn_id(child.date_of_birth, "M"),
        notes="祖母身体不好 — grandmother unwell",
        grade="3",
        functioning={"seeing": "some"},
    )
    registry.household_update(household=child.household, address="上坝村三组17号", notes="房屋漏雨")
    registry.adult_update(
        adult=family.mother,
        national_id=cn_id(family.mother.date_of_birth, "F", seq=34),
        phone_alt="13700001111",
        notes="在东莞电子厂",
    )
    registry.adult_update(
        adult=family.grandmother,
        national_id=cn_id(family.grandmother.date_of_birth, "F", seq=56),
        notes="有高血压",
    )
    registry.adult_update(
        adult=family.father, national_id=cn_id(family.father.date_of_birth, "M", seq=78)
    )
    registry.care_record(
        child=child,
        kind="grandparent",
        caregiver=family.grandmother,
        started_on=today() - 200 * DAY,
        notes="每周五接送",
    )
    for obj in (child, family.mother, family.grandmother, family.father):
        obj.refresh_from_db()
    return family


def _forbidden_values(fam, county) -> dict[str, str]:
    """Everything about the child and the family that the verification page must not show."""
    child, mother, father, rep = fam.child, fam.mother, fam.father, fam.grandmother
    episode = mother.migrations.get()
    values = {
        "child full name": child.full_name,
        "child given name": child.given_name,
        "child given name (Latin)": child.given_name_latin,
        "child family name (Latin)": child.family_name_latin,
        "child national ID": child.national_id,
        "child ID without check digit": child.national_id[:17],
        "child birth date (ISO)": child.date_of_birth.isoformat(),
        "child birth date (compact)": child.date_of_birth.strftime("%Y%m%d"),
        "child birth date (Chinese)": f"{child.date_of_birth.month}月{child.date_of_birth.day}日",
        "child notes": child.notes,
        "school": county.school_a.name,
        "village": county.village_a1.name,
        "township": county.township_a.name,
        "county": county.county.name,
        "household reference": child.household.reference,
        "household address": child.household.address,
        "household notes": child.household.notes,
        "mother's name": mother.full_name,
        "mother's given name": mother.given_name,
        "mother's Latin name": mother.full_name_latin,
        "mother's ID": mother.national_id,
        "mother's phone": mother.phone,
        "mother's other phone": mother.phone_alt,
        "mother's notes": mother.notes,
        "destination": episode.destination_place,
        "father's name": father.full_name,
        "father's ID": father.national_id,
        "representative's ID": rep.national_id,
        "representative's phone": rep.phone,
        "representative's notes": rep.notes,
        "representative's birth date": rep.date_of_birth.isoformat(),
        "care notes": "每周五接送",
    }
    assert all(values.values()), [k for k, v in values.items() if not v]
    return values


def _visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_the_page_leaks_nothing_but_status_powers_dates_representative_and_initials(
    public, full_family, caseworker_a, guardianship_officer, county
):
    decl = make_registered(caseworker_a, guardianship_officer, full_family)
    response = public.get(_url(decl))
    assert response.status_code == 200
    body = _visible_text(response.content.decode())
    # What it must say.
    assert "In force" in body
    rep = full_family.grandmother
    assert rep.full_name in body and rep.full_name_latin in body
    assert "W. X." in body
    assert str(full_family.child.date_of_birth.year) in body
    assert "Consent to emergency medical care" in body
    # And nothing else, anywhere in the response (the HTML, and the headers).
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    for label, value in _forbidden_values(full_family, county).items():
        assert value not in body, f"the verification page shows the {label}"
        assert value not in headers, f"the verification headers carry the {label}"
    # No link into the case-management side either.
    assert f"/children/{full_family.child.pk}" not in body
    assert "/guardianship/" not in body


def test_a_form_entry_is_tidied_into_the_codes_page(public, family, caseworker_a):
    decl = draft(caseworker_a, family)
    typed = decl.code_display.lower().replace("-", " ")
    response = public.get(reverse("verify:form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == _url(decl)


def test_letters_mistaken_for_digits_are_accepted():
    code = "0123456789ABCDEFGHJK"
    assert normalise_code("o123-4567-89ab-cdef-ghjk") == code
    assert normalise_code("OI23 4567 89AB CDEF GHJK") == code
    assert normalise_code("0123456789ABCDEFGHJ") is None  # one short
    assert normalise_code("0123456789ABCDEFGHJ!") is None


def test_a_draft_says_it_gives_no_authority(public, family, caseworker_a):
    decl = draft(caseworker_a, family)
    body = public.get(_url(decl)).content.decode()
    assert "Not in force" in body and "has not been registered" in body


def test_an_expired_declaration_says_so(
    public, family, caseworker_a, guardianship_officer, monkeypatch
):
    decl = make_registered(caseworker_a, guardianship_officer, family)
    later = decl.valid_until + DAY
    monkeypatch.setattr("kinlink.guardianship.public_views.today", lambda: later)
    body = public.get(_url(decl)).content.decode()
    assert "Not in force" in body and "expired" in body


def test_a_revoked_declaration_says_so_with_the_date(
    public, family, caseworker_a, guardianship_officer
):
    decl = make_registered(caseworker_a, guardianship_officer, family)
    services.declaration_revoke(actor=guardianship_officer, declaration=decl, reason="parent")
    response = public.get(_url(decl))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Not in force" in body and "revoked" in body


def test_an_unknown_code_is_not_found_and_audited(public, county):
    code = new_code()
    response = public.get(reverse("verify:result", args=[code]))
    assert response.status_code == 404
    assert "No declaration has this code" in response.content.decode()
    entry = AuditEntry.objects.get(object_type="guardianship.declaration")
    assert entry.action == "view"
    assert entry.object_id == ""
    assert entry.extra["outcome"] == "unknown"
    assert entry.actor_username == "anonymous" and entry.ip_address == "203.0.113.7"


def test_every_lookup_is_audited_with_its_outcome(
    public, family, caseworker_a, guardianship_officer
):
    decl = make_registered(caseworker_a, guardianship_officer, family)
    public.get(_url(decl))
    public.get(reverse("verify:result", args=["not-a-code"]))
    entries = AuditEntry.objects.filter(object_type="guardianship.declaration", action="view")
    assert [(e.object_id, e.extra["outcome"]) for e in entries] == [
        (str(decl.pk), "active"),
        ("", "malformed"),
    ]


def test_lookups_beyond_the_limit_get_429_with_a_clear_message(public, county, settings):
    settings.KINLINK_VERIFY_LOOKUPS = 5
    settings.KINLINK_VERIFY_WINDOW_SECONDS = 600
    statuses = [
        public.get(reverse("verify:result", args=[new_code()])).status_code for _ in range(7)
    ]
    assert statuses == [404] * 5 + [429] * 2
    refused = public.get(reverse("verify:result", args=[new_code()]))
    assert refused.status_code == 429
    assert "Too many codes have been checked" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    # Another address is not held back.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.get(reverse("verify:result", args=[new_code()])).status_code == 404
    # The refusal is audited once per window, not once per request.
    outcomes = [
        e.extra["outcome"]
        for e in AuditEntry.objects.filter(object_type="guardianship.declaration")
    ]
    assert outcomes.count("rate_limited") == 1
    assert outcomes.count("unknown") == 6


def test_the_blank_form_is_not_counted(public, county, settings):
    settings.KINLINK_VERIFY_LOOKUPS = 1
    for _ in range(3):
        assert public.get(reverse("verify:form")).status_code == 200


def test_the_answer_is_not_cached_or_indexed(public, family, caseworker_a):
    decl = draft(caseworker_a, family)
    response = public.get(_url(decl))
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_codes_have_at_least_80_bits_and_follow_no_sequence(family, caseworker_a):
    assert BITS >= 80
    codes = [new_code() for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 20 and set(c) <= set(ALPHABET) for c in codes)
    # Every symbol appears in every position across 2000 codes (a counter or a date would not).
    for position in (0, 10, 19):
        assert {c[position] for c in codes} == set(ALPHABET)
    first = draft(caseworker_a, family)
    second = draft(caseworker_a, family)
    assert sum(a == b for a, b in zip(first.code, second.code, strict=True)) < 10
    for fragment in ("WANG", "XIAOMING", str(family.child.pk).zfill(4), str(first.pk)):
        assert fragment not in first.code or len(fragment) < 3


def test_the_public_pages_need_no_login_and_carry_the_site_csp(public, county):
    response = public.get(reverse("verify:form"))
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_initials_come_from_the_latin_name(family, caseworker_a):
    from kinlink.guardianship.selectors import verify_code

    registry.child_update(child=family.child, family_name_latin="Wong", given_name_latin="Siu")
    decl = draft(caseworker_a, family)
    result = verify_code(decl.code, today())
    assert result.child_initials == "W. S."
    assert result.child_birth_year == years_ago(9, 30).year
