"""The guardianship pages as a caseworker, the guardianship officer and a supervisor use them;
and as others (a caseworker elsewhere, a teacher) do not."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from kinlink.audit.models import AuditEntry
from kinlink.core.dates import today
from kinlink.guardianship.models import Declaration, DeclarationStatus
from tests.guardianship.conftest import make_registered
from tests.guardianship.scope import guardianship_records
from tests.test_scope import site_urls

DAY = dt.timedelta(days=1)


def _post(client, name, pk, data):
    return client.post(reverse(f"guardianship:{name}", args=[pk]), data)


def test_a_declaration_goes_from_draft_to_active_through_the_pages(
    client, family, caseworker_a, guardianship_officer
):
    client.force_login(caseworker_a)
    child = family.child
    page = client.get(reverse("guardianship:child", args=[child.pk])).content.decode()
    assert "left on" in page and "without a guardianship declaration" in page

    response = _post(
        client,
        "declaration_new",
        child.pk,
        {
            "declarant": family.mother.pk,
            "representative": family.grandmother.pk,
            "powers": ["schooling", "emergency_medical"],
            "valid_from": today().isoformat(),
            "valid_until": (today() + 300 * DAY).isoformat(),
        },
    )
    decl = Declaration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("guardianship:declaration_detail", args=[decl.pk])
    assert decl.powers == ["schooling", "emergency_medical"]

    _post(
        client,
        "declaration_sign",
        decl.pk,
        {"signed_on": today().isoformat(), "representative_accepted_on": today().isoformat()},
    )
    # A caseworker has no register page.
    assert (
        client.get(reverse("guardianship:declaration_register", args=[decl.pk])).status_code == 404
    )

    client.force_login(guardianship_officer)
    response = _post(
        client,
        "declaration_register",
        decl.pk,
        {"registration": "registered", "registered_on": today().isoformat(), "reference": "R-7"},
    )
    assert response.status_code == 302
    decl.refresh_from_db()
    assert decl.status == DeclarationStatus.ACTIVE
    detail = client.get(reverse("guardianship:declaration_detail", args=[decl.pk])).content.decode()
    assert decl.code_display in detail and "Active" in detail


def test_a_form_error_names_the_field_and_writes_nothing(client, family, caseworker_a):
    client.force_login(caseworker_a)
    before = AuditEntry.objects.exclude(action__in=["view", "list"]).count()
    response = _post(
        client,
        "declaration_new",
        family.child.pk,
        {
            "declarant": family.mother.pk,
            "representative": family.mother.pk,
            "powers": ["schooling"],
            "valid_from": today().isoformat(),
            "valid_until": (today() - DAY).isoformat(),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The parent cannot name themselves as representative." in page
    assert "The last day cannot be before the first day." in page
    assert not Declaration.objects.exists()
    assert AuditEntry.objects.exclude(action__in=["view", "list"]).count() == before


def test_a_transition_refused_by_the_rules_is_shown_above_the_form(
    client, family, caseworker_a, guardianship_officer
):
    decl = make_registered(caseworker_a, guardianship_officer, family)
    client.force_login(guardianship_officer)
    # The officer's page was opened while it was signed; someone registered it meanwhile.
    response = _post(
        client,
        "declaration_register",
        decl.pk,
        {"registration": "registered", "registered_on": today().isoformat(), "reference": "R"},
    )
    assert response.status_code == 200
    assert "Only a signed declaration can be registered." in response.content.decode()


def test_the_worklist_shows_the_child_until_a_declaration_is_registered(
    client, family, caseworker_a, guardianship_officer
):
    client.force_login(caseworker_a)
    url = reverse("guardianship:worklist")
    assert family.child.full_name in client.get(url).content.decode()
    entry = AuditEntry.objects.filter(action="list").last()
    assert entry.extra["ids"] == [family.child.pk]
    decl = make_registered(caseworker_a, guardianship_officer, family)
    assert family.child.full_name not in client.get(url).content.decode()
    # On the day after it ends, the child is back on the list.
    after = (decl.valid_until + DAY).isoformat()
    assert family.child.full_name in client.get(url, {"on": after}).content.decode()


def test_viewing_a_childs_guardianship_page_is_audited(client, family, caseworker_a):
    client.force_login(caseworker_a)
    client.get(reverse("guardianship:child", args=[family.child.pk]))
    entry = AuditEntry.objects.get(action="view")
    assert (entry.object_type, entry.object_id) == ("registry.child", str(family.child.pk))
    assert entry.fields == ["guardianship"]


@pytest.mark.parametrize("persona", ["teacher_a", "health_worker_a", "official"])
def test_roles_without_family_and_sensitive_access_see_no_guardianship_page(
    request, client, family, persona
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("guardianship:worklist")).status_code == 404
    assert client.get(reverse("guardianship:child", args=[family.child.pk])).status_code == 404


def test_a_caseworker_elsewhere_gets_404_on_every_guardianship_page_of_this_child(
    client, family, caseworker_a, caseworker_b
):
    records = guardianship_records(family.child, family.mother, caseworker_a)
    from tests.guardianship.scope import guardianship_model_for

    client.force_login(caseworker_b)
    checked = 0
    for name, route in site_urls():
        if not route.startswith("guardianship/") or "<" not in route:
            continue
        model = guardianship_model_for(route)
        pk = family.child.pk if model.__name__ == "Child" else records[model]
        url = "/" + re.sub(r"<int:pk>", str(pk), route)
        before = AuditEntry.objects.count()
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            assert status in (404, 405), f"{method} {url} ({name}) gave {status}"
        assert AuditEntry.objects.count() == before, url
        checked += 1
    assert checked >= 18
    # And her worklist does not list the child.
    page = client.get(reverse("guardianship:worklist")).content.decode()
    assert family.child.full_name not in page


def test_a_supervisor_approves_through_the_pages_but_not_her_own_request(
    client, family, caseworker_a, guardianship_officer, supervisor
):
    from kinlink.guardianship import services
    from tests.guardianship.test_appointments import assessment

    bia = assessment(caseworker_a, family)
    appt = services.appointment_request(
        actor=guardianship_officer,
        child=family.child,
        assessment=bia,
        kind="guardian",
        guardian=family.grandmother,
        reasons="The grandmother has cared for him for a year.",
        starts_on=today(),
        review_on=today() + 90 * DAY,
    )
    client.force_login(supervisor)
    waiting = client.get(reverse("guardianship:approvals")).content.decode()
    assert reverse("guardianship:appointment_detail", args=[appt.pk]) in waiting
    _post(client, "appointment_take_up", appt.pk, {})
    _post(client, "appointment_decide", appt.pk, {"decision": "approve", "note": ""})
    appt.refresh_from_db()
    assert appt.status == "approved" and appt.decided_by == supervisor

    client.force_login(guardianship_officer)
    assert client.get(reverse("guardianship:approvals")).status_code == 404


def test_the_verification_page_is_linked_from_the_worklist(client, family, caseworker_a):
    client.force_login(caseworker_a)
    page = client.get(reverse("guardianship:worklist")).content.decode()
    assert reverse("verify:form") in page
