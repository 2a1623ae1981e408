"""The suggested level, its explanation in words, the caseworker's confirmation or override,
and what changed on re-screening."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kinlink.assessment import selectors, services
from kinlink.assessment.screening import engine
from kinlink.assessment.screening.providers import Known, Unknown
from kinlink.assessment.screening.rules import current_rule_set
from kinlink.audit.models import AuditEntry
from kinlink.registry import services as registry

from .conftest import ago

pytestmark = pytest.mark.django_db


def outcome(**states):
    """Score made-up answers: code=True (present), False (absent), None (unknown)."""
    rules = current_rule_set()
    answers = {}
    for factor in rules.factors:
        value = states.get(factor.code, False)
        answers[factor.code] = Unknown("collect") if value is None else Known(value, "")
    return engine.evaluate(rules, answers)


def test_no_factor_present_is_low():
    result = outcome()
    assert (result.score, result.level, result.possible_level) == (0, "low", "low")


def test_the_level_is_medium_from_three_points_and_high_from_six():
    # both_parents_away 2 + mother_away 1 = 3; + disability 2 + young_child 1 = 6.
    assert outcome(both_parents_away=True, mother_away=True).level == "medium"
    assert outcome(both_parents_away=True).level == "low"
    six = outcome(both_parents_away=True, mother_away=True, disability=True, young_child=True)
    assert (six.score, six.level) == (6, "high")
    five = outcome(both_parents_away=True, mother_away=True, disability=True)
    assert (five.score, five.level) == (5, "medium")


def test_a_protection_concern_makes_the_level_high_whatever_the_score():
    result = outcome(protection_concern=True)
    assert (result.score, result.level) == (0, "high")


def test_no_capable_caregiver_makes_the_level_at_least_medium():
    assert outcome(caregiver_capacity=True).level == "medium"


def test_unknown_factors_add_nothing_but_show_how_high_the_level_could_be():
    result = outcome(both_parents_away=True, protection_concern=None, no_parent_contact=None)
    assert result.level == "low"
    assert result.possible_level == "high"
    assert result.unknown_count == 2
    assert result.factors["protection_concern"]["state"] == "unknown"


def test_the_screen_explains_the_level_in_words(family, caseworker_a):
    child = family.child(mother="home", father="home")
    family.alone(child)
    screening = services.screening_run(child=child, user=caseworker_a)
    view = selectors.screening_view(screening)
    text = " ".join(view.explanation)
    assert "Suggested level: " in text
    assert "medium from 3 points and high from 6" in text
    assert "No capable adult caregiver: the level is at least medium" in text
    assert "factors are unknown" in text
    labels = [v.label for v in view.present]
    assert labels == ["No capable adult caregiver"]
    assert "supervision" in view.present[0].reason
    collect = [v.words for v in view.unknown]
    assert any("Child Functioning Module" in w for w in collect)


def test_a_different_level_needs_a_reason(family, caseworker_a):
    screening = services.screening_run(child=family.child(), user=caseworker_a)
    assert screening.suggested_level == "low"
    with pytest.raises(ValidationError) as error:
        services.screening_confirm(screening=screening, user=caseworker_a, level="high")
    assert "reason" in error.value.message_dict
    screening.refresh_from_db()
    assert screening.confirmed_level == ""


def test_an_override_is_kept_with_its_reason_and_audited(family, caseworker_a):
    screening = services.screening_run(child=family.child(), user=caseworker_a)
    services.screening_confirm(
        screening=screening,
        user=caseworker_a,
        level="high",
        reason="Neighbours report the child is left alone for days.",
    )
    screening.refresh_from_db()
    assert screening.is_override
    assert screening.confirmed_level == "high"
    assert screening.confirmed_by == caseworker_a
    assert "left alone" in screening.override_reason
    entry = AuditEntry.objects.filter(object_type="assessment.screening", action="change").get()
    assert entry.extra["override"] is True
    assert "left alone" not in str(entry.changes)  # free text stays out of the permanent log


def test_confirming_the_suggested_level_needs_no_reason_and_happens_once(family, caseworker_a):
    screening = services.screening_run(child=family.child(), user=caseworker_a)
    services.screening_confirm(screening=screening, user=caseworker_a, level="low")
    with pytest.raises(ValidationError):
        services.screening_confirm(screening=screening, user=caseworker_a, level="low")


def test_a_screening_is_audited_when_made(family, caseworker_a):
    screening = services.screening_run(child=family.child(), user=caseworker_a)
    entry = AuditEntry.objects.get(object_type="assessment.screening", action="create")
    assert entry.object_id == str(screening.pk)
    assert entry.extra["child"] == screening.child_id


def test_re_screening_shows_factors_added_and_the_level_rising(family, caseworker_a):
    child = family.child(mother="home", father="home")
    first = services.screening_run(child=child, user=caseworker_a)
    services.domain_assessment_record(
        child=child,
        user=caseworker_a,
        domain="protection",
        assessed_on=ago(days=0),
        answers={"concerns": ["child_labour"]},
        summary="Works in a brick kiln after school.",
    )
    second = services.screening_run(child=child, user=caseworker_a)
    view = selectors.screening_view(second)
    assert view.previous == first
    assert view.changes.level_before == "low" and view.changes.level_after == "high"
    assert view.changes.level_rose
    assert [c.code for c in view.added] == ["protection_concern"]
    assert [c.code for c in view.changed] == []  # unknown -> present is "added", not "changed"


def test_re_screening_shows_factors_removed_when_a_parent_returns(family, caseworker_a):
    child = family.child(mother="away", father="home", mother_left=ago(months=14))
    services.screening_run(child=child, user=caseworker_a)
    mother = child.relationships.get(kind="mother").adult
    episode = mother.migrations.get()
    registry.migration_update(episode=episode, returned_on=ago(days=1))
    view = selectors.screening_view(services.screening_run(child=child, user=caseworker_a))
    removed = {c.code for c in view.removed}
    # No contact logged for 14 months made no_parent_contact present too; now nobody is away.
    assert removed == {"mother_away", "long_separation", "no_parent_contact"}


def test_re_screening_shows_an_unknown_factor_becoming_known(family, caseworker_a):
    child = family.child()
    services.screening_run(child=child, user=caseworker_a)
    registry.child_update(child=child, functioning={"seeing": "none", "hearing": "none"})
    view = selectors.screening_view(services.screening_run(child=child, user=caseworker_a))
    changed = {c.code: (c.before, c.after) for c in view.changed}
    assert changed == {"disability": ("unknown", "absent")}
    assert not view.added and not view.removed


def test_the_first_screening_has_nothing_to_compare_with(family, caseworker_a):
    view = selectors.screening_view(services.screening_run(child=family.child(), user=caseworker_a))
    assert view.previous is None and view.changes is None


def test_a_confirmed_level_is_what_the_next_screening_compares_against(family, caseworker_a):
    child = family.child()
    first = services.screening_run(child=child, user=caseworker_a)
    services.screening_confirm(screening=first, user=caseworker_a, level="medium", reason="x")
    view = selectors.screening_view(services.screening_run(child=child, user=caseworker_a))
    assert (view.changes.level_before, view.changes.level_after) == ("medium", "low")
