"""Scoring of the well-being screeners at every band edge, reverse-keyed items, and the
self-harm item that raises a safety alert whatever the total."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from kinlink.assessment import screeners, services
from kinlink.assessment.models import FollowUpTask, InstrumentResponse, SafetyAlert
from kinlink.audit.models import AuditEntry

from .conftest import ago


def pack(code):
    return screeners.pack(code)


def answers_totalling(p, total, *, fixed=None):
    """Answers whose score is `total`, filling items in order, reverse keys respected."""
    fixed = dict(fixed or {})
    top = max(o.value for o in p.options)
    low = min(o.value for o in p.options)
    remaining = total - sum(
        (top + low - v) if p.items[n - 1].reverse else v for n, v in fixed.items()
    )
    answers = {}
    for item in p.items:
        if item.number in fixed:
            answers[item.number] = fixed[item.number]
            continue
        points = max(0, min(top - low, remaining))
        remaining -= points
        answers[item.number] = (top - points) if item.reverse else (low + points)
    assert remaining == 0, "total out of reach"
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq_a_bands_at_every_edge(total, band):
    p = pack("phq-a")
    item_nine = 0 if total <= 24 else 3  # 27 needs every item at 3, the self-harm item too
    scored = screeners.score(p, answers_totalling(p, total, fixed={9: item_nine}))
    assert (scored.score, scored.band.code) == (total, band)
    assert scored.safety_alert == (item_nine > 0)


def test_phq_a_adolescent_cut_off_is_eleven_and_configurable():
    p = pack("phq-a")
    flags = lambda s: {f.code for f in s.flags}  # noqa: E731
    assert "adolescent_cutoff" not in flags(
        screeners.score(p, answers_totalling(p, 10, fixed={9: 0}))
    )
    assert "adolescent_cutoff" in flags(screeners.score(p, answers_totalling(p, 11, fixed={9: 0})))
    path = screeners.PACKS_DIR / "phq-a.json"
    stricter = screeners.parse(path.read_text(), path.name, {"adolescent_cutoff": 15})
    assert "adolescent_cutoff" not in flags(
        screeners.score(stricter, answers_totalling(p, 14, fixed={9: 0}))
    )


def test_any_answer_above_zero_on_phq_a_item_nine_is_a_safety_flag_whatever_the_total():
    p = pack("phq-a")
    scored = screeners.score(p, answers_totalling(p, 1, fixed={9: 1}))
    assert scored.band.code == "minimal"
    assert scored.safety_alert
    assert scored.kept_answers == {"9": 1}  # the one item answer kept; the others are not


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad_7_bands_at_every_edge(total, band):
    p = pack("gad-7")
    assert screeners.score(p, answers_totalling(p, total)).band.code == band


def test_ces_dc_reverse_scores_items_4_8_12_and_16():
    p = pack("ces-dc")
    assert [i.number for i in p.items if i.reverse] == [4, 8, 12, 16]
    # "Not at all" everywhere: 0 on the 16 plain items, 3 on each of the 4 reversed ones.
    all_zero = {i.number: 0 for i in p.items}
    assert screeners.score(p, all_zero).score == 12
    # "A lot" on the reversed items only (they were happy, had a good time): 0 in all.
    happy = {i.number: (3 if i.reverse else 0) for i in p.items}
    assert screeners.score(p, happy).score == 0


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "below_cutoff"), (15, "below_cutoff"), (16, "above_cutoff"), (60, "above_cutoff")],
)
def test_ces_dc_flags_scores_above_fifteen(total, band):
    p = pack("ces-dc")
    scored = screeners.score(p, answers_totalling(p, total))
    assert scored.band.code == band
    assert bool(scored.flags) == (band == "above_cutoff")


def test_ces_dc_cut_off_is_configurable():
    path = screeners.PACKS_DIR / "ces-dc.json"
    p = screeners.parse(path.read_text(), path.name, {"flag_above": 20})
    assert screeners.score(p, answers_totalling(p, 20)).band.code == "below_cutoff"
    assert screeners.score(p, answers_totalling(p, 21)).band.code == "above_cutoff"


@pytest.mark.parametrize(
    ("raw", "percent", "band"),
    [
        (0, 0, "likely_depression"),
        (7, 28, "likely_depression"),
        (8, 32, "poor"),
        (12, 48, "poor"),
        (13, 52, "not_indicated"),
        (25, 100, "not_indicated"),
    ],
)
def test_who_5_is_a_percentage_of_raw_times_four_with_its_two_cut_offs(raw, percent, band):
    p = pack("who-5")
    scored = screeners.score(p, answers_totalling(p, raw))
    assert (scored.raw, scored.score, scored.band.code) == (raw, percent, band)


def test_every_item_must_be_answered_and_the_error_names_it():
    p = pack("gad-7")
    answers = {i.number: 0 for i in p.items}
    del answers[5]
    with pytest.raises(screeners.AnswerError) as error:
        screeners.score(p, answers)
    assert error.value.field == "item_5"
    answers[5] = 7
    with pytest.raises(screeners.AnswerError):
        screeners.score(p, answers)


def test_every_pack_carries_its_licence_citation_and_translation_status():
    for code in ("ces-dc", "phq-a", "gad-7", "who-5", "sdq"):
        p = pack(code)
        assert p.licence.by_language["en"] and p.citations, code
        if p.kind == "items":
            assert set(p.translation_status) == {"en", "zh-hans"}, code
            for item in p.items:
                assert item.text["en"]


def test_the_sdq_is_scores_only_and_keeps_no_items():
    p = pack("sdq")
    assert p.kind == "scores_only" and not p.items
    with pytest.raises(screeners.AnswerError):
        screeners.score(p, {})


def test_a_pack_whose_bands_leave_a_gap_is_refused():
    path = screeners.PACKS_DIR / "gad-7.json"
    data = json.loads(path.read_text())
    data["bands"][1]["min"] = 6
    with pytest.raises(screeners.PackError) as error:
        screeners.parse(json.dumps(data), "gad-7.json")
    assert "starts at 6, expected 5" in str(error.value)


def test_a_pack_with_an_unknown_key_is_refused():
    path = screeners.PACKS_DIR / "who-5.json"
    data = json.loads(path.read_text())
    data["items"][0]["reversed"] = True
    with pytest.raises(screeners.PackError) as error:
        screeners.parse(json.dumps(data), "who-5.json")
    assert "item 1" in str(error.value) and "'reversed'" in str(error.value)


# Recording, and the safety alert -----------------------------------------------------------


@pytest.mark.django_db
def test_a_self_harm_answer_alerts_the_caseworker_and_her_supervisor_with_a_safety_plan_task(
    family, caseworker_a, caseworker_b, supervisor
):
    child = family.child(age=14)
    p = pack("phq-a")
    response = services.screener_record(
        child=child,
        user=caseworker_a,
        code="phq-a",
        answers=answers_totalling(p, 1, fixed={9: 1}),
        administered_on=ago(days=0),
    )
    alert = SafetyAlert.objects.get(child=child)
    assert alert.response == response and alert.acknowledged_at is None
    assert set(alert.raised_for.all()) == {caseworker_a, supervisor}
    task = FollowUpTask.objects.get(alert=alert)
    assert task.kind == "safety_plan" and task.assigned_to == caseworker_a
    assert (task.due_at - alert.raised_at).total_seconds() == 24 * 3600
    kinds = set(
        AuditEntry.objects.filter(extra__child=child.pk).values_list("object_type", flat=True)
    )
    assert {
        "assessment.instrumentresponse",
        "assessment.safetyalert",
        "assessment.followuptask",
    } <= kinds


@pytest.mark.django_db
def test_no_alert_without_a_self_harm_answer_even_with_a_severe_total(family, caseworker_a):
    child = family.child(age=14)
    p = pack("phq-a")
    services.screener_record(
        child=child,
        user=caseworker_a,
        code="phq-a",
        answers=answers_totalling(p, 24, fixed={9: 0}),
        administered_on=ago(days=0),
    )
    assert not SafetyAlert.objects.exists()
    assert InstrumentResponse.objects.get().band == "severe"


@pytest.mark.django_db
def test_only_the_people_alerted_can_acknowledge_and_only_once(
    family, caseworker_a, caseworker_b, supervisor
):
    child = family.child(age=14)
    services.screener_record(
        child=child,
        user=caseworker_a,
        code="phq-a",
        answers=answers_totalling(pack("phq-a"), 3, fixed={9: 3}),
        administered_on=ago(days=0),
    )
    alert = SafetyAlert.objects.get()
    with pytest.raises(ValidationError):
        services.safety_alert_acknowledge(alert=alert, user=caseworker_b)
    services.safety_alert_acknowledge(alert=alert, user=supervisor)
    with pytest.raises(ValidationError):
        services.safety_alert_acknowledge(alert=alert, user=caseworker_a)


@pytest.mark.django_db
def test_sdq_scores_are_checked_against_each_scale(family, caseworker_a):
    child = family.child(age=10)
    with pytest.raises(ValidationError) as error:
        services.external_score_record(
            child=child,
            user=caseworker_a,
            code="sdq",
            informant="parent",
            administered_on=ago(days=1),
            scored_by="Dr Wu, school counsellor",
            scores={"total": 41},
            band="high",
        )
    assert "total" in error.value.message_dict
    record = services.external_score_record(
        child=child,
        user=caseworker_a,
        code="sdq",
        informant="teacher",
        administered_on=ago(days=1),
        scored_by="Dr Wu, school counsellor",
        scores={"total": 17, "emotional": 6},
        band="slightly_raised",
    )
    assert record.scores == {"total": 17, "emotional": 6}
