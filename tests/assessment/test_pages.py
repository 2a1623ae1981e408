"""The assessment's pages as each role uses them: scope (404 outside it), audit of every read
and write, the screening with its reasons and override, a PHQ-A with a self-harm answer, a
measurement with z-scores, the eco-map."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kinlink.assessment import services
from kinlink.assessment.models import (
    DomainAssessment,
    Finding,
    FollowUpTask,
    Measurement,
    SafetyAlert,
    Screening,
    SupportTie,
)
from kinlink.audit.models import AuditEntry

from .conftest import ago

pytestmark = pytest.mark.django_db

CHILD_PAGES = [
    "child",
    "screening",
    "screeners",
    "external_scores",
    "growth",
    "coping",
    "network",
    "domains",
]
CHILD_POSTS = [
    "screening_run",
    "screening_confirm",
    "screeners",
    "external_scores",
    "growth",
    "coping",
    "network",
    "network_end",
    "domains",
    "alert_acknowledge",
    "task_done",
]


def url(name, child):
    return reverse(f"assessment:{name}", args=[child.pk])


@pytest.fixture
def as_caseworker(client, caseworker_a):
    client.force_login(caseworker_a)
    return client


def test_every_page_of_a_child_outside_scope_is_not_found_and_nothing_is_audited(
    client, caseworker_b, child_a
):
    client.force_login(caseworker_b)
    before = AuditEntry.objects.count()
    for name in CHILD_PAGES:
        assert client.get(url(name, child_a)).status_code == 404, name
    for name in CHILD_POSTS:
        response = client.post(url(name, child_a), {"instrument": "phq-a", "domain": "education"})
        assert response.status_code == 404, name
    assert AuditEntry.objects.count() == before
    assert not Screening.objects.exists() and not Measurement.objects.exists()


def test_a_teacher_sees_nothing_of_the_assessment(client, teacher_a, child_a):
    client.force_login(teacher_a)
    for name in CHILD_PAGES:
        assert client.get(url(name, child_a)).status_code == 404, name
    assert client.get(reverse("assessment:alerts")).status_code == 404


def test_the_registry_page_links_to_the_assessment_only_for_those_who_may_open_it(
    client, caseworker_a, teacher_a, child_a
):
    client.force_login(caseworker_a)
    page = client.get(reverse("registry:child_detail", args=[child_a.pk])).content.decode()
    assert url("child", child_a) in page
    client.force_login(teacher_a)
    page = client.get(reverse("registry:child_detail", args=[child_a.pk])).content.decode()
    assert url("child", child_a) not in page


def test_the_assessment_page_is_audited_against_the_child(as_caseworker, child_a):
    response = as_caseworker.get(url("child", child_a))
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="view", object_id=str(child_a.pk)).last()
    assert entry.object_type == "registry.child"
    assert entry.extra["page"] == "assessment:child"
    assert "screening" in entry.fields


# Screening ---------------------------------------------------------------------------------


def test_a_caseworker_screens_a_child_and_reads_the_factors_their_reasons_and_what_to_collect(
    as_caseworker, child_a
):
    response = as_caseworker.post(url("screening_run", child_a))
    screening = Screening.objects.get(child=child_a)
    assert response.status_code == 302 and f"id={screening.pk}" in response["Location"]
    page = as_caseworker.get(response["Location"]).content.decode()
    assert "Mother away" in page
    assert "a greater sense of abandonment" in page  # the reason, from the rule set
    assert "UNICEF paper on children left behind" in page  # the source
    assert "Unknown: what to collect" in page
    assert "Record who cares for the child day to day." in page
    assert "Unknown is not the same as no risk." in page
    assert AuditEntry.objects.filter(object_type="assessment.screening", action="create").exists()


def test_an_override_without_a_reason_is_refused_on_the_page(as_caseworker, child_a, caseworker_a):
    screening = services.screening_run(child=child_a, user=caseworker_a)
    other = "high" if screening.suggested_level != "high" else "low"
    response = as_caseworker.post(
        url("screening_confirm", child_a), {"screening": screening.pk, "level": other, "reason": ""}
    )
    assert response.status_code == 400
    assert "Say why the level differs" in response.content.decode()
    response = as_caseworker.post(
        url("screening_confirm", child_a),
        {"screening": screening.pk, "level": other, "reason": "Grandmother is unwell and alone."},
    )
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.confirmed_level == other
    page = as_caseworker.get(response["Location"]).content.decode()
    assert "Grandmother is unwell and alone." in page


def test_re_screening_shows_what_changed_on_the_page(as_caseworker, child_a, caseworker_a):
    services.screening_run(child=child_a, user=caseworker_a)
    services.domain_assessment_record(
        child=child_a,
        user=caseworker_a,
        domain="protection",
        assessed_on=ago(),
        answers={"concerns": ["extortion"]},
        summary="",
    )
    response = as_caseworker.post(url("screening_run", child_a))
    page = as_caseworker.get(response["Location"]).content.decode()
    assert "What changed since the screening of" in page
    assert "New" in page and "Protection concern" in page
    assert "the level rose" in page


def test_a_screening_of_another_child_cannot_be_confirmed_through_this_childs_page(
    as_caseworker, child_a, family, caseworker_a
):
    other = services.screening_run(child=family.child(), user=caseworker_a)
    response = as_caseworker.post(
        url("screening_confirm", child_a), {"screening": other.pk, "level": "low", "reason": ""}
    )
    assert response.status_code == 404


def test_only_a_supervisor_may_screen_every_child_in_scope(client, caseworker_a, supervisor):
    client.force_login(caseworker_a)
    assert client.get(reverse("assessment:screen_all")).status_code == 404
    client.force_login(supervisor)
    assert client.get(reverse("assessment:screen_all")).status_code == 200


# Screeners and the safety alert ------------------------------------------------------------


def phq_a_answers(item_nine: int) -> dict:
    data = {f"item_{n}": "0" for n in range(1, 10)}
    data.update({"item_1": "1", "item_9": str(item_nine)})
    data.update({"instrument": "phq-a", "administered_on": ago().isoformat(), "informant": "child"})
    return data


def test_a_phq_a_with_a_self_harm_answer_shows_the_alert_and_the_task(
    client, caseworker_a, supervisor, family
):
    child = family.child(age=14)
    client.force_login(caseworker_a)
    form = client.get(url("screeners", child) + "?instrument=phq-a").content.decode()
    assert "Thoughts that you would be better off dead" in form
    assert "Pfizer" in form  # the copyright line is kept
    response = client.post(url("screeners", child), phq_a_answers(item_nine=1), follow=True)
    page = response.content.decode()
    assert 'class="safety"' in page and "Safety alert:" in page
    assert "Make a safety plan with the child" in page
    assert SafetyAlert.objects.filter(child=child, raised_for=supervisor).exists()
    client.force_login(supervisor)
    listing = client.get(reverse("assessment:alerts")).content.decode()
    assert child.full_name in listing


def test_the_alert_is_acknowledged_and_the_task_done_from_the_childs_page(
    client, caseworker_a, family
):
    child = family.child(age=14)
    client.force_login(caseworker_a)
    client.post(url("screeners", child), phq_a_answers(item_nine=2))
    alert = SafetyAlert.objects.get()
    task = FollowUpTask.objects.get()
    client.post(url("alert_acknowledge", child), {"alert": alert.pk})
    client.post(
        url("task_done", child), {"task": task.pk, "note": "Safety plan made with grandmother."}
    )
    alert.refresh_from_db()
    task.refresh_from_db()
    assert alert.acknowledged_by == caseworker_a
    assert task.status == "done"
    assert 'class="safety"' not in client.get(url("child", child)).content.decode()


def test_a_missing_answer_is_named_and_nothing_is_saved(as_caseworker, child_a):
    data = phq_a_answers(item_nine=0)
    del data["item_4"]
    response = as_caseworker.post(url("screeners", child_a), data)
    assert response.status_code == 200
    assert "Answer item 4." in response.content.decode()
    assert not SafetyAlert.objects.exists()


def test_an_unverified_chinese_translation_is_announced_on_the_form(client, caseworker_a, child_a):
    caseworker_a.language = "zh-hans"
    caseworker_a.save(update_fields=["language"])
    client.force_login(caseworker_a)
    page = client.get(url("screeners", child_a) + "?instrument=gad-7").content.decode()
    assert "感觉紧张" in page
    assert 'class="warning"' in page
    english_only = client.get(url("screeners", child_a) + "?instrument=ces-dc").content.decode()
    assert "I felt sad." in english_only  # no Chinese CES-DC: the items stay in English
    assert 'class="warning"' in english_only


# Growth ------------------------------------------------------------------------------------


def test_a_health_worker_records_a_measurement_and_sees_z_scores_flags_and_the_chart(
    client, health_worker_a, family
):
    child = family.child(age=3, sex="F")
    client.force_login(health_worker_a)
    response = client.post(
        url("growth", child),
        {
            "measured_on": ago(days=1).isoformat(),
            "weight_kg": "10.2",
            "height_cm": "84.0",
            "measure": "standing",
        },
        follow=True,
    )
    page = response.content.decode()
    measurement = Measurement.objects.get(child=child)
    assert "Saved. The WHO z-scores of this measurement" in page
    assert f"{measurement.hfa_z:.2f}" in page
    assert "Stunting" in page
    assert "<svg" in page and 'class="curve median"' in page and 'class="point flagged"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and " style=" not in page
    entry = AuditEntry.objects.get(object_type="assessment.measurement")
    assert entry.actor_username == "health_a"


def test_a_health_worker_sees_growth_but_not_the_screen(client, health_worker_a, child_a):
    client.force_login(health_worker_a)
    overview = client.get(url("child", child_a)).content.decode()
    assert "Growth" in overview and "Vulnerability screening" not in overview
    assert client.get(url("screening", child_a)).status_code == 404
    assert client.get(url("screeners", child_a)).status_code == 404


def test_a_guardianship_officer_may_read_growth_but_not_record_it(
    client, guardianship_officer, child_a
):
    client.force_login(guardianship_officer)
    assert client.get(url("growth", child_a)).status_code == 200
    response = client.post(
        url("growth", child_a), {"measured_on": ago().isoformat(), "weight_kg": "30"}
    )
    assert response.status_code == 404


def test_a_measurement_without_height_or_weight_is_refused_by_field(
    client, health_worker_a, child_a
):
    client.force_login(health_worker_a)
    response = client.post(url("growth", child_a), {"measured_on": ago().isoformat()})
    assert response.status_code == 400
    assert "Enter the weight, the length or height, or both." in response.content.decode()
    response = client.post(
        url("growth", child_a), {"measured_on": ago().isoformat(), "height_cm": "130"}
    )
    assert "Say whether the child was measured lying or standing." in response.content.decode()
    assert not Measurement.objects.exists()


# Coping, network, domains ------------------------------------------------------------------


def test_the_eco_map_draws_each_tie_on_its_ring(as_caseworker, child_a):
    for kind, label, strength in (
        ("grandparent", "奶奶", "strong"),
        ("teacher", "Teacher Li", "moderate"),
        ("neighbour", "王阿姨", "weak"),
        ("welfare", "Free lunch", "stressful"),
    ):
        response = as_caseworker.post(
            url("network", child_a),
            {"kind": kind, "label": label, "strength": strength, "supports": ["emotional"]},
        )
        assert response.status_code == 302
    assert set(SupportTie.objects.values_list("ring", flat=True)) == {
        "family",
        "school",
        "community",
        "society",
    }
    page = as_caseworker.get(url("child", child_a)).content.decode()
    assert page.count('class="node ') == 4
    assert 'class="tie stressful"' in page and "奶奶" in page
    assert 'viewBox="-20 -6 400 376"' in page


def test_a_tie_that_ends_leaves_the_map_but_is_kept(as_caseworker, child_a, caseworker_a):
    tie = services.support_tie_add(
        child=child_a,
        user=caseworker_a,
        kind="friend",
        label="小红",
        strength="strong",
        supports=[],
    )
    as_caseworker.post(url("network_end", child_a), {"tie": tie.pk})
    tie.refresh_from_db()
    assert tie.ended_on is not None
    assert "小红" not in as_caseworker.get(url("network", child_a)).content.decode()


def test_coping_strategies_are_recorded_as_strengths(as_caseworker, child_a):
    response = as_caseworker.post(
        url("coping", child_a),
        {
            "recorded_on": ago().isoformat(),
            "strategies": ["social_media", "positive_thinking"],
            "challenges": ["loneliness"],
        },
    )
    assert response.status_code == 302
    page = as_caseworker.get(url("child", child_a)).content.decode()
    assert "Using social media platforms such as short-video apps" in page and "Loneliness" in page


def test_a_domain_assessment_keeps_findings_with_references_for_the_case_plan(
    as_caseworker, child_a
):
    response = as_caseworker.post(
        url("domains", child_a),
        {
            "domain": "protection",
            "assessed_on": ago().isoformat(),
            "concerns": ["child_labour"],
            "summary": "Works after school.",
            "concerns_text": "Works in a kiln after school\nNo adult checks homework",
            "strengths_text": "Close to the grandmother",
        },
    )
    assert response.status_code == 302
    assessment = DomainAssessment.objects.get(child=child_a)
    findings = list(Finding.objects.filter(assessment=assessment))
    assert [f.kind for f in findings] == ["concern", "concern", "strength"]
    page = as_caseworker.get(url("child", child_a)).content.decode()
    assert findings[0].reference in page


def test_the_protection_form_needs_a_concern_or_an_explicit_none_found(as_caseworker, child_a):
    response = as_caseworker.post(
        url("domains", child_a), {"domain": "protection", "assessed_on": ago().isoformat()}
    )
    assert "no concern found" in response.content.decode()
    assert not DomainAssessment.objects.exists()


def test_the_childs_own_view_is_recorded_in_his_words(as_caseworker, child_a):
    as_caseworker.post(
        url("domains", child_a),
        {
            "domain": "child_view",
            "assessed_on": ago().isoformat(),
            "recorded_how": "own_words",
            "summary": "我想妈妈过年回来。",
        },
    )
    assert DomainAssessment.objects.get(domain="child_view").summary == "我想妈妈过年回来。"
