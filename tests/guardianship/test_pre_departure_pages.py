"""The pre-departure pages as a caseworker uses them with a family: start a plan from the
child's guardianship page, add emergency contacts, mark the checklist, print the pack and record
that it was given; and as others (a caseworker elsewhere, a teacher) cannot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kinlink.audit.models import AuditEntry
from kinlink.core.dates import today
from kinlink.guardianship import services
from kinlink.guardianship.models import PackHandover, PreDeparturePlan
from kinlink.registry import services as registry
from tests.guardianship.conftest import fill_plan, make_plan

DAY = dt.timedelta(days=1)


def _url(name, pk):
    return reverse(f"guardianship:{name}", args=[pk])


def test_a_plan_is_started_from_the_childs_guardianship_page(client, family, caseworker_a):
    client.force_login(caseworker_a)
    page = client.get(_url("child", family.child.pk)).content.decode()
    assert "No pre-departure plan." in page
    assert _url("plan_new", family.child.pk) in page

    response = client.post(
        _url("plan_new", family.child.pk),
        {
            "parent": family.father.pk,
            "departure_on": (today() + 20 * DAY).isoformat(),
            "destination": "浙江省义乌市",
            "language": "zh-hans",
            "contact_frequency": "several_week",
            "contact_channel": "video",
            "school_name": "东坪镇中心小学",
            "school_signatory": family.grandmother.pk,
        },
    )
    plan = PreDeparturePlan.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("plan_detail", plan.pk)
    assert plan.school_signatory == family.grandmother and plan.contact_channel == "video"

    page = client.get(_url("child", family.child.pk)).content.decode()
    assert _url("plan_detail", plan.pk) in page and "family pack not given yet" in page


def test_the_plan_page_shows_the_checklist_and_its_completeness_and_is_audited(
    client, family, caseworker_a
):
    plan = make_plan(caseworker_a, family)
    client.force_login(caseworker_a)
    page = client.get(_url("plan_detail", plan.pk)).content.decode()
    assert "0 of 7 items settled (0%)." in page
    assert "This parent has made no declaration for the child yet." in page
    assert f"{_url('plan_mark', plan.pk)}?item=contact_plan" in page
    entry = AuditEntry.objects.filter(action="view").last()
    assert (entry.object_type, entry.object_id) == ("guardianship.predepartureplan", str(plan.pk))


def test_a_bad_phone_number_is_shown_on_its_row_and_nothing_is_saved(client, family, caseworker_a):
    plan = make_plan(caseworker_a, family)
    client.force_login(caseworker_a)
    response = client.post(
        _url("plan_contacts", plan.pk),
        {"name_1": "王芳", "phone_1": "13912345679", "name_2": "李四", "phone_2": "0000"},
    )
    assert response.status_code == 200
    assert "is not a valid phone number" in response.content.decode()
    assert not plan.emergency_contacts.exists()
    response = client.post(
        _url("plan_contacts", plan.pk),
        {"name_1": "王芳", "relationship_1": "姑姑", "phone_1": "13912345679"},
    )
    assert response.status_code == 302
    assert plan.emergency_contacts.get().phone == "+8613912345679"


def test_marking_an_item_not_applicable_needs_a_reason(client, family, caseworker_a):
    plan = make_plan(caseworker_a, family)
    client.force_login(caseworker_a)
    url = _url("plan_mark", plan.pk)
    page = client.get(url, {"item": "declaration"}).content.decode()
    # The declaration cannot be marked done by hand: the choice is not offered.
    assert 'value="done"' not in page and 'value="n_a"' in page
    response = client.post(url, {"item": "declaration", "state": "n_a", "note": ""})
    assert "Say why this does not apply to this family." in response.content.decode()
    response = client.post(
        url, {"item": "declaration", "state": "n_a", "note": "The mother stays at home."}
    )
    assert response.status_code == 302
    assert client.get(url, {"item": "nonsense"}).status_code == 404


def test_recording_that_the_pack_was_given_is_kept_and_audited(client, family, caseworker_a):
    plan = fill_plan(caseworker_a, family, make_plan(caseworker_a, family))
    client.force_login(caseworker_a)
    response = client.post(
        _url("plan_given", plan.pk),
        {
            "given_on": today().isoformat(),
            "given_to": family.grandmother.pk,
            "note": "读给她听了。",
        },
    )
    assert response.status_code == 302
    handover = PackHandover.objects.get()
    assert (handover.given_to, handover.given_by, handover.language) == (
        family.grandmother,
        caseworker_a,
        "zh-hans",
    )
    assert (handover.items_resolved, handover.items_total) == (0, 7)
    entry = AuditEntry.objects.get(object_type="guardianship.packhandover", action="create")
    assert entry.object_id == str(handover.pk)
    assert entry.actor_username == "caseworker_a"
    assert entry.changes["given_to"] == [None, family.grandmother.pk]
    assert entry.changes["given_on"] == [None, today().isoformat()]
    page = client.get(_url("plan_detail", plan.pk)).content.decode()
    assert family.grandmother.full_name in page and "checklist 0 of 7" in page
    assert "family pack given" in client.get(_url("child", family.child.pk)).content.decode()


def test_the_pack_is_not_given_in_the_future_nor_to_someone_outside_the_family(
    client, family, caseworker_a, child_b
):
    plan = make_plan(caseworker_a, family)
    outsider = registry.adult_add_to_child(
        child=child_b, kind="father", family_name="张", given_name="伟", sex="M"
    )
    client.force_login(caseworker_a)
    response = client.post(
        _url("plan_given", plan.pk),
        {"given_on": (today() + DAY).isoformat(), "given_to": outsider.pk},
    )
    assert response.status_code == 200  # the outsider is not even a choice on the form
    assert not PackHandover.objects.exists()
    with pytest.raises(ValidationError) as err:
        services.pack_given(
            actor=caseworker_a, plan=plan, given_on=today() + DAY, given_to=outsider
        )
    assert set(err.value.message_dict) == {"given_on", "given_to"}


@pytest.mark.parametrize("persona", ["caseworker_b", "teacher_a", "health_worker_a"])
def test_others_get_404_on_every_page_of_the_plan_and_nothing_is_written(
    request, client, family, caseworker_a, persona
):
    plan = make_plan(caseworker_a, family)
    client.force_login(request.getfixturevalue(persona))
    before = AuditEntry.objects.count()
    for name in (
        "plan_detail",
        "plan_edit",
        "plan_contacts",
        "plan_mark",
        "plan_pack",
        "plan_given",
    ):
        for method in ("get", "post"):
            status = getattr(client, method)(_url(name, plan.pk)).status_code
            assert status in (404, 405), f"{method} {name}: {status}"
    assert client.get(_url("plan_new", family.child.pk)).status_code == 404
    assert AuditEntry.objects.count() == before
