"""Opening a case from where a child is found: the screening's result and the identification
worklists offer "Open a case", preset with the source (and the screening's level), through the
registry's child-action hook; when the child already has an open case they link to it instead,
and only caseworkers and supervisors see either."""

from __future__ import annotations

from html import unescape

from kinlink.assessment import services as assessment
from kinlink.assessment.models import Screening
from kinlink.registry.hooks import child_actions_for
from tests.casework.conftest import open_case


def test_a_caseworker_is_offered_to_open_a_case_preset_from_where_she_is(caseworker_a, child_a):
    [action] = child_actions_for(caseworker_a, [child_a], source="screening", risk="high")[
        child_a.pk
    ]
    assert action.label == "Open a case" and action.primary
    assert action.url == f"/casework/children/{child_a.pk}/open/?source=screening&risk=high"
    [action] = child_actions_for(caseworker_a, [child_a], source="worklist")[child_a.pk]
    assert action.url == f"/casework/children/{child_a.pk}/open/?source=worklist"
    [action] = child_actions_for(caseworker_a, [child_a], source="bogus", risk="bogus")[child_a.pk]
    assert action.url == f"/casework/children/{child_a.pk}/open/?source=child"


def test_a_child_with_an_open_case_links_to_that_case(caseworker_a, supervisor, child_a):
    case = open_case(caseworker_a, child_a)
    for user in (caseworker_a, supervisor):
        [action] = child_actions_for(user, [child_a], source="worklist")[child_a.pk]
        assert action.label == f"Case {case.pk} is open"
        assert action.url == f"/casework/cases/{case.pk}/" and not action.primary


def test_only_those_who_open_cases_are_offered_it(
    child_a, teacher_a, health_worker_a, guardianship_officer, official
):
    for user in (teacher_a, health_worker_a, guardianship_officer, official):
        assert child_actions_for(user, [child_a], source="worklist") == {child_a.pk: []}


def test_the_screening_result_offers_to_open_a_case_at_its_level(client, caseworker_a, child_a):
    screening = assessment.screening_run(child=child_a, user=caseworker_a)
    Screening.objects.filter(pk=screening.pk).update(confirmed_level="high")
    client.force_login(caseworker_a)
    page = unescape(client.get(f"/assessment/children/{child_a.pk}/screening/").content.decode())
    assert f'href="/casework/children/{child_a.pk}/open/?source=screening&risk=high"' in page
    case = open_case(caseworker_a, child_a)
    page = unescape(client.get(f"/assessment/children/{child_a.pk}/screening/").content.decode())
    assert "Open a case" not in page
    assert f'href="/casework/cases/{case.pk}/">Case {case.pk} is open' in page


def test_the_worklists_offer_to_open_a_case_for_each_child(client, caseworker_a, child_a):
    client.force_login(caseworker_a)
    for name in ("not-enrolled", "no-service"):
        page = unescape(client.get(f"/identification/worklists/{name}/").content.decode())
        assert f'href="/casework/children/{child_a.pk}/open/?source=worklist"' in page, name
    case = open_case(caseworker_a, child_a)
    page = client.get("/identification/worklists/no-service/").content.decode()
    assert f'href="/casework/cases/{case.pk}/"' in page and "Open a case" not in page
