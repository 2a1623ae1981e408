"""The casework pages: a whole case through the forms, scope and role (404, never 403), an
audit entry for every read and write, and what each person sees."""

from __future__ import annotations

from django.utils import timezone

from kinlink.audit.models import AuditEntry
from kinlink.casework import services
from kinlink.casework.models import (
    Approval,
    Case,
    CaseStatus,
    IntakeReferral,
    PlanStatus,
    Referral,
)
from tests.casework.conftest import full_consent, open_case


def audited(action: str, object_type: str) -> int:
    return AuditEntry.objects.filter(action=action, object_type=object_type).count()


def test_a_whole_case_through_the_pages(client, caseworker_a, supervisor, child_a, counselling):
    client.force_login(caseworker_a)
    assert client.get(f"/casework/children/{child_a.pk}/").status_code == 200
    response = client.post(
        f"/casework/children/{child_a.pk}/open/",
        {"risk_level": "high", "source": "child", "reason": "Alone at home."},
    )
    case = Case.objects.get(child=child_a)
    assert response.status_code == 302 and response["Location"] == f"/casework/cases/{case.pk}/"
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    client.post(
        f"/casework/cases/{case.pk}/contacts/add/",
        {"kind": "first_contact", "at": now, "summary": "Met him with his grandmother."},
    )
    assert case.contacts.get().kind == "first_contact"
    today = timezone.localdate().isoformat()
    client.post(f"/casework/cases/{case.pk}/assess/", {"summary": "Lonely.", "on": today})
    client.post(f"/casework/cases/{case.pk}/plan/")
    client.post(
        f"/casework/cases/{case.pk}/plan/goals/add/",
        {"domain": "emotional", "description": "Talks to mother weekly."},
    )
    goal = case.plans.get().goals.get()
    client.post(
        f"/casework/cases/{case.pk}/plan/actions/add/",
        {"goal": goal.pk, "description": "Set up calls", "responsible": "me", "due_on": today},
    )
    client.post(
        f"/casework/cases/{case.pk}/plan/submit/",
        {"child_participated": "on", "caregiver_participated": "on"},
    )
    approval = Approval.objects.get(case=case, kind="plan")

    client.force_login(supervisor)
    assert approval.case.child.full_name in client.get("/casework/supervision/").content.decode()
    client.post(f"/casework/approvals/{approval.pk}/", {"decision": "approve", "note": ""})
    assert case.plans.get().status == PlanStatus.APPROVED

    client.force_login(caseworker_a)
    client.post(
        f"/casework/cases/{case.pk}/referrals/new/",
        {
            "service": counselling.pk,
            "priority": "high",
            "reason": "Sleeps badly.",
            "caregiver_consent": "on",
            "consent_by": "grandmother",
            "child_assent": "verbal",
            "consent_on": today,
        },
    )
    referral = Referral.objects.get(case=case)
    client.post(f"/casework/referrals/{referral.pk}/respond/", {"decision": "accepted"})
    client.post(f"/casework/referrals/{referral.pk}/complete/", {"feedback": "Better sleep."})
    referral.refresh_from_db()
    assert referral.status == "completed"
    client.post(
        f"/casework/cases/{case.pk}/contacts/add/",
        {"kind": "visit", "at": now, "summary": "Calm, eating well."},
    )
    client.post(
        f"/casework/cases/{case.pk}/close/",
        {"reason": "goals_met", "note": "Stable.", "escalation": ""},
    )
    closure = Approval.objects.get(case=case, kind="closure")
    client.force_login(supervisor)
    client.post(f"/casework/approvals/{closure.pk}/", {"decision": "approve", "note": ""})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    page = client.get(f"/casework/cases/{case.pk}/").content.decode()
    assert "Closure approved: case closed" in page and "Referral completed" in page


def test_a_refused_act_is_explained_on_the_form(client, caseworker_a, child_a, counselling):
    case = open_case(caseworker_a, child_a, risk="high")
    client.force_login(caseworker_a)
    response = client.post(
        f"/casework/cases/{case.pk}/referrals/new/",
        {"service": counselling.pk, "priority": "high", "reason": "x", "child_assent": "none"},
    )
    assert response.status_code == 200
    assert "needs the caregiver&#x27;s consent" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_colleague_reads_the_case_but_its_action_pages_are_not_found(
    client, caseworker_a, colleague_a, child_a
):
    case = open_case(caseworker_a, child_a)
    client.force_login(colleague_a)
    assert client.get(f"/casework/cases/{case.pk}/").status_code == 200
    for path in ("contacts/add/", "assess/", "risk/", "notes/add/", "close/", "transfer/"):
        assert client.get(f"/casework/cases/{case.pk}/{path}").status_code == 404
        assert client.post(f"/casework/cases/{case.pk}/{path}").status_code == 404


def test_a_confidential_note_is_not_on_a_colleagues_page(
    client, caseworker_a, colleague_a, supervisor, child_a
):
    case = open_case(caseworker_a, child_a)
    services.note_add(actor=caseworker_a, case=case, text="Disclosed a secret.", confidential=True)
    for user, sees in ((caseworker_a, True), (supervisor, True), (colleague_a, False)):
        client.force_login(user)
        page = client.get(f"/casework/cases/{case.pk}/").content.decode()
        assert ("Disclosed a secret." in page) is sees, user


def test_teachers_and_officials_see_no_case(client, teacher_a, official, caseworker_a, child_a):
    case = open_case(caseworker_a, child_a)
    for user in (teacher_a, official):
        client.force_login(user)
        assert client.get(f"/casework/cases/{case.pk}/").status_code == 404
        assert client.get(f"/casework/children/{child_a.pk}/").status_code == 404
        assert client.get("/casework/").status_code == 404
    client.force_login(official)
    assert client.get("/casework/report/coping/").status_code == 200  # aggregates only
    client.force_login(teacher_a)
    assert client.get("/casework/report/coping/").status_code == 404


def test_a_teacher_refers_a_child_from_the_childs_page(client, teacher_a, caseworker_a, child_a):
    client.force_login(teacher_a)
    detail = client.get(f"/children/{child_a.pk}/").content.decode()
    assert f"/casework/children/{child_a.pk}/refer/" in detail
    client.post(f"/casework/children/{child_a.pk}/refer/", {"concern": "Hungry at school."})
    intake = IntakeReferral.objects.get()
    client.force_login(caseworker_a)
    assert f"/casework/intake/{intake.pk}/" in client.get("/casework/").content.decode()
    response = client.post(
        f"/casework/intake/{intake.pk}/", {"decision": "accept", "risk_level": "medium"}
    )
    case = Case.objects.get(child=child_a)
    assert response["Location"] == f"/casework/cases/{case.pk}/" and case.source == "referral"


def test_every_read_is_audited(client, caseworker_a, supervisor, child_a, counselling):
    case = open_case(caseworker_a, child_a)
    referral = services.referral_send(
        actor=caseworker_a, case=case, service=counselling, reason="x", **full_consent()
    )
    client.force_login(caseworker_a)
    before = audited("view", "casework.case")
    client.get(f"/casework/cases/{case.pk}/")
    assert audited("view", "casework.case") == before + 1
    client.get(f"/casework/referrals/{referral.pk}/")
    assert audited("view", "casework.referral") == 1
    before = audited("list", "registry.child")
    client.get("/casework/")
    entry = AuditEntry.objects.filter(action="list", object_type="registry.child").last()
    assert audited("list", "registry.child") == before + 1 and entry.extra["ids"] == [child_a.pk]
    client.force_login(supervisor)
    client.get("/casework/report/coping/")
    assert audited("list", "casework.casenote") == 1


def test_every_write_is_audited(caseworker_a, child_a):
    case = open_case(caseworker_a, child_a)
    services.note_add(actor=caseworker_a, case=case, text="Private words.", coping=["recreation"])
    created = AuditEntry.objects.filter(action="create").values_list("object_type", flat=True)
    assert {"casework.case", "casework.casenote"} <= set(created)
    note_entry = AuditEntry.objects.get(object_type="casework.casenote")
    assert "Private words." not in str(note_entry.changes)  # the text never goes to the log


def test_the_coping_report_page_shows_small_cells_as_under_five(
    client, supervisor, caseworker_a, child_a
):
    case = open_case(caseworker_a, child_a)
    services.note_add(actor=caseworker_a, case=case, text="x", coping=["recreation"])
    client.force_login(supervisor)
    page = client.get("/casework/report/coping/").content.decode()
    assert "Fewer than 5 children" in page


def test_the_pages_a_caseworker_and_a_supervisor_use_render(
    client, caseworker_a, supervisor, child_a, counselling
):
    case = open_case(caseworker_a, child_a)
    for user in (caseworker_a, supervisor):
        client.force_login(user)
        for path in (
            "/casework/",
            "/casework/services/",
            "/casework/report/coping/",
            f"/casework/cases/{case.pk}/",
            f"/casework/cases/{case.pk}/referrals/new/",
            f"/casework/cases/{case.pk}/notes/add/",
            f"/casework/cases/{case.pk}/contacts/add/",
            f"/casework/cases/{case.pk}/transfer/",
            f"/casework/cases/{case.pk}/close/",
        ):
            assert client.get(path).status_code == 200, (user, path)
    assert client.get("/casework/supervision/").status_code == 200
    assert client.get("/casework/services/new/").status_code == 200
    client.force_login(caseworker_a)
    assert client.get("/casework/supervision/").status_code == 404
    assert client.get("/casework/services/new/").status_code == 404


def test_other_pages_link_to_opening_a_case_with_its_source_and_risk_preset(
    client, caseworker_a, child_a
):
    client.force_login(caseworker_a)
    page = client.get(f"/casework/children/{child_a.pk}/open/?source=screening&risk=high")
    body = page.content.decode()
    assert 'value="screening" selected' in body and 'value="high" selected' in body


def test_the_childs_casework_page_shows_the_timeline_across_cases_and_family_facts(
    client, caseworker_a, supervisor, child_a
):
    case = open_case(caseworker_a, child_a, risk="low")
    request = services.closure_request(
        actor=caseworker_a, case=case, reason="goals_met", note="Stable."
    )
    services.approval_decide(actor=supervisor, approval=request, approve=True)
    services.case_reopen(actor=caseworker_a, case=case, reason="New worry.", risk_level="medium")
    client.force_login(caseworker_a)
    body = client.get(f"/casework/children/{child_a.pk}/").content.decode()
    for label in ("Case opened", "Closure approved: case closed", "Case reopened"):
        assert label in body
    assert "Mother left for 广东省东莞市" in body  # the registry's facts are on it too


def test_the_pages_speak_chinese_to_a_chinese_speaking_caseworker(client, caseworker_a, child_a):
    case = open_case(caseworker_a, child_a, risk="high")
    caseworker_a.language = "zh-hans"
    caseworker_a.save(update_fields=["language"])
    client.force_login(caseworker_a)
    assert "我的工作" in client.get("/casework/").content.decode()
    body = client.get(f"/casework/cases/{case.pk}/").content.decode()
    assert "与儿童首次接触" in body and "风险等级" in body
