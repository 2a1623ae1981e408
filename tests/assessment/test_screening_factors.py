"""Each screening factor of rule set v1: when it is present, absent, and unknown.

Unknown is never "no risk": a factor whose data is missing is unknown and says what to collect.
"""

from __future__ import annotations

import pytest

from kinlink.assessment import services
from kinlink.assessment.screening import storage
from kinlink.assessment.screening.builtin import separation_cutoff
from kinlink.assessment.screening.providers import words

from .conftest import TODAY, ago

pytestmark = pytest.mark.django_db


def screen(child, user):
    return services.screening_run(child=child, user=user)


def state(screening, code):
    return storage.decode(screening)[code]["state"]


def said(screening, code):
    entry = storage.decode(screening)[code]
    return words(entry["msg"], entry["params"])


# Parents ---------------------------------------------------------------------------------


def test_both_parents_away_is_present_when_mother_and_father_have_both_left(family, caseworker_a):
    child = family.child(mother="away", father="away", mother_left=ago(months=8))
    s = screen(child, caseworker_a)
    assert state(s, "both_parents_away") == "present"
    assert ago(months=8).isoformat() in said(s, "both_parents_away")


def test_one_parent_away_and_the_other_dead_counts_as_no_parent_at_home(family, caseworker_a):
    child = family.child(mother="dead", father="away")
    s = screen(child, caseworker_a)
    assert state(s, "both_parents_away") == "present"
    assert state(s, "mother_away") == "absent"
    assert "died" in said(s, "mother_away")


def test_a_parent_at_home_makes_both_parents_away_absent(family, caseworker_a):
    s = screen(family.child(mother="home", father="away"), caseworker_a)
    assert state(s, "both_parents_away") == "absent"
    assert said(s, "both_parents_away") == "The mother lives at home."


def test_parents_not_recorded_are_unknown_and_the_screen_says_what_to_collect(family, caseworker_a):
    s = screen(family.child(mother=None, father=None), caseworker_a)
    for code in ("both_parents_away", "mother_away", "long_separation"):
        assert state(s, code) == "unknown", code
    assert "Record the child's mother and father" in said(s, "both_parents_away")
    assert "Record the child's mother" in said(s, "mother_away")


def test_father_away_and_mother_not_recorded_is_unknown_not_absent(family, caseworker_a):
    s = screen(family.child(mother=None, father="away"), caseworker_a)
    assert state(s, "both_parents_away") == "unknown"
    assert state(s, "mother_away") == "unknown"


def test_mother_away_is_present_when_she_has_left(family, caseworker_a):
    s = screen(family.child(mother="away", father="home"), caseworker_a)
    assert state(s, "mother_away") == "present"
    assert state(s, "both_parents_away") == "absent"


def test_a_separation_counts_as_long_only_when_it_is_over_twelve_months(family, caseworker_a):
    over = family.child(mother="away", mother_left=ago(months=12, days=1))
    exactly = family.child(mother="away", mother_left=separation_cutoff(TODAY, 12))
    under = family.child(mother="away", mother_left=ago(months=11))
    assert state(screen(over, caseworker_a), "long_separation") == "present"
    assert state(screen(exactly, caseworker_a), "long_separation") == "absent"
    assert state(screen(under, caseworker_a), "long_separation") == "absent"


def test_long_separation_is_absent_when_nobody_is_away_and_both_parents_are_recorded(
    family, caseworker_a
):
    s = screen(family.child(), caseworker_a)
    assert state(s, "long_separation") == "absent"
    assert said(s, "long_separation") == "No parent is away."


# Age -------------------------------------------------------------------------------------


def test_a_child_under_six_is_a_factor_and_a_six_year_old_is_not(family, caseworker_a):
    five = family.child(born=ago(years=6, days=-1))
    six = family.child(born=ago(years=6))
    assert state(screen(five, caseworker_a), "young_child") == "present"
    assert state(screen(six, caseworker_a), "young_child") == "absent"


# Caregiver -------------------------------------------------------------------------------


def test_a_child_headed_household_lacks_a_capable_caregiver(family, caseworker_a):
    child = family.child(mother="away", father="away")
    family.alone(child)
    s = screen(child, caseworker_a)
    assert state(s, "caregiver_capacity") == "present"


def test_a_sole_caregiver_of_seventy_or_more_is_a_factor(family, caseworker_a):
    child = family.child(mother="away", father="away")
    family.carer(child, age=70)
    s = screen(child, caseworker_a)
    assert state(s, "caregiver_capacity") == "present"
    assert "70 years old" in said(s, "caregiver_capacity")


def test_a_younger_sole_caregiver_in_poor_health_is_a_factor(family, caseworker_a):
    child = family.child(mother="away", father="away")
    family.carer(child, age=60, health="severe")
    assert state(screen(child, caseworker_a), "caregiver_capacity") == "present"


def test_a_younger_healthy_caregiver_is_no_factor(family, caseworker_a):
    child = family.child(mother="away", father="away")
    family.carer(child, age=60, health="some")
    assert state(screen(child, caseworker_a), "caregiver_capacity") == "absent"


def test_caregiver_age_or_health_not_recorded_is_unknown(family, caseworker_a):
    child = family.child(mother="away", father="away")
    family.carer(child, age=None, health="none")
    s = screen(child, caseworker_a)
    assert state(s, "caregiver_capacity") == "unknown"
    assert "date of birth" in said(s, "caregiver_capacity")


def test_no_care_arrangement_recorded_is_unknown(family, caseworker_a):
    s = screen(family.child(mother="away", father="away"), caseworker_a)
    assert state(s, "caregiver_capacity") == "unknown"
    assert said(s, "caregiver_capacity") == "Record who cares for the child day to day."


# Disability ------------------------------------------------------------------------------


def test_a_lot_of_difficulty_in_any_domain_is_a_disability(family, caseworker_a):
    child = family.child(functioning={"seeing": "none", "walking": "a_lot"})
    s = screen(child, caseworker_a)
    assert state(s, "disability") == "present"
    assert storage.decode(s)["disability"]["params"] == {"count": 1}


def test_cannot_do_at_all_is_a_disability_and_some_difficulty_is_not(family, caseworker_a):
    cannot = family.child(functioning={"hearing": "cannot"})
    some = family.child(functioning={"hearing": "some", "learning": "some"})
    assert state(screen(cannot, caseworker_a), "disability") == "present"
    assert state(screen(some, caseworker_a), "disability") == "absent"


def test_no_functioning_answers_is_unknown(family, caseworker_a):
    s = screen(family.child(), caseworker_a)
    assert state(s, "disability") == "unknown"
    assert "Child Functioning Module" in said(s, "disability")


# Growth ----------------------------------------------------------------------------------


def test_no_recent_measurement_is_unknown(family, caseworker_a, health_worker_a):
    child = family.child(age=3)
    services.measurement_record(
        child=child,
        user=health_worker_a,
        measured_on=ago(days=400),
        weight_kg="12.0",
        height_cm="88",
        measure="standing",
    )
    s = screen(child, caseworker_a)
    assert state(s, "malnutrition") == "unknown"
    assert "365 days" in said(s, "malnutrition")


def test_stunting_from_a_recent_measurement_is_present(family, caseworker_a, health_worker_a):
    child = family.child(age=3, sex="F")
    # A 3-year-old girl of 84 cm is far below -2 SD height-for-age (median about 95 cm).
    m = services.measurement_record(
        child=child,
        user=health_worker_a,
        measured_on=ago(days=10),
        weight_kg="12.5",
        height_cm="84.0",
        measure="standing",
    )
    assert "stunting" in m.flags
    s = screen(child, caseworker_a)
    assert state(s, "malnutrition") == "present"
    assert "stunting, wasting or thinness" in said(s, "malnutrition")


def test_a_normal_recent_measurement_is_absent(family, caseworker_a, health_worker_a):
    child = family.child(age=9)
    services.measurement_record(
        child=child,
        user=health_worker_a,
        measured_on=ago(days=10),
        weight_kg="28",
        height_cm="133",
        measure="standing",
    )
    assert state(screen(child, caseworker_a), "malnutrition") == "absent"


def test_a_weight_alone_over_five_years_cannot_settle_thinness(
    family, caseworker_a, health_worker_a
):
    child = family.child(age=9)
    services.measurement_record(
        child=child, user=health_worker_a, measured_on=ago(days=10), weight_kg="28"
    )
    assert state(screen(child, caseworker_a), "malnutrition") == "unknown"


# The assessment's forms -----------------------------------------------------------------


def record(child, user, domain, answers, *, days_ago=0, summary="seen"):
    return services.domain_assessment_record(
        child=child,
        user=user,
        domain=domain,
        assessed_on=ago(days=days_ago),
        answers=answers,
        summary=summary,
    )


def test_a_protection_concern_is_present_and_makes_the_level_high(family, caseworker_a):
    child = family.child()
    record(child, caseworker_a, "protection", {"concerns": ["extortion"]})
    s = screen(child, caseworker_a)
    assert state(s, "protection_concern") == "present"
    assert s.suggested_level == "high"


def test_no_protection_assessment_is_unknown(family, caseworker_a):
    s = screen(family.child(), caseworker_a)
    assert state(s, "protection_concern") == "unknown"
    assert "early marriage" in said(s, "protection_concern")


def test_an_old_reassurance_expires_but_an_old_concern_stands(family, caseworker_a):
    calm = family.child()
    record(calm, caseworker_a, "protection", {"none_observed": True}, days_ago=400)
    worried = family.child()
    record(worried, caseworker_a, "protection", {"concerns": ["neglect"]}, days_ago=400)
    assert state(screen(calm, caseworker_a), "protection_concern") == "unknown"
    assert state(screen(worried, caseworker_a), "protection_concern") == "present"


def test_no_concern_found_recently_is_absent(family, caseworker_a):
    child = family.child()
    record(child, caseworker_a, "protection", {"none_observed": True})
    assert state(screen(child, caseworker_a), "protection_concern") == "absent"


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"enrolled": "no"}, "present"),
        ({"enrolled": "yes", "attendance_percent": 79, "grades": "stable"}, "present"),
        ({"enrolled": "yes", "attendance_percent": 80, "grades": "stable"}, "absent"),
        ({"enrolled": "yes", "attendance_percent": 95, "grades": "falling"}, "present"),
        ({"enrolled": "yes", "attendance_percent": 95, "grades": ""}, "unknown"),
        ({"enrolled": "", "attendance_percent": None, "grades": "improving"}, "unknown"),
    ],
)
def test_education_is_present_when_not_enrolled_under_80_percent_or_grades_fall(
    family, caseworker_a, answers, expected
):
    child = family.child()
    record(child, caseworker_a, "education", answers)
    assert state(screen(child, caseworker_a), "education") == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("excluded_remittances", "present"),
        ("dropped", "present"),
        ("refused", "present"),
        ("receives", "absent"),
        ("not_needed", "absent"),
        ("not_applied", "unknown"),
    ],
)
def test_exclusion_from_social_assistance_comes_from_the_social_protection_assessment(
    family, caseworker_a, answer, expected
):
    child = family.child()
    record(child, caseworker_a, "social_protection", {"assistance": answer})
    assert state(screen(child, caseworker_a), "social_assistance_excluded") == expected


# Facts other apps own --------------------------------------------------------------------


def test_a_parent_away_with_no_contact_logged_for_30_days_is_no_contact(family, caseworker_a):
    # The connection app counts from the departure when no contact was ever logged.
    s = screen(family.child(mother="away", mother_left=ago(days=45)), caseworker_a)
    assert state(s, "no_parent_contact") == "present"


def test_a_recent_departure_is_not_yet_a_lack_of_contact(family, caseworker_a):
    s = screen(family.child(mother="away", mother_left=ago(days=10)), caseworker_a)
    assert state(s, "no_parent_contact") == "absent"


def test_contact_is_unknown_when_the_parents_are_not_recorded(family, caseworker_a):
    s = screen(family.child(mother=None, father=None), caseworker_a)
    assert state(s, "no_parent_contact") == "unknown"


def test_without_a_remittance_alert_remittances_stay_unknown(family, caseworker_a):
    s = screen(family.child(mother="away"), caseworker_a)
    assert state(s, "remittances_stopped") == "unknown"
    assert "remittance record" in said(s, "remittances_stopped")


def test_no_parent_at_home_and_no_declaration_is_no_legal_guardian(family, caseworker_a):
    s = screen(family.child(mother="away", father="away"), caseworker_a)
    assert state(s, "no_legal_guardian") == "present"


def test_a_parent_at_home_is_the_legal_guardian(family, caseworker_a):
    s = screen(family.child(mother="home", father="away"), caseworker_a)
    assert state(s, "no_legal_guardian") == "absent"


def test_legal_guardian_is_unknown_when_a_parent_is_not_recorded(family, caseworker_a):
    s = screen(family.child(mother=None, father="away"), caseworker_a)
    assert state(s, "no_legal_guardian") == "unknown"
