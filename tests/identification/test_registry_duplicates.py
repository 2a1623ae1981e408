"""Looking for children registered twice, with the real engine as the background job runs it:
a planted duplicate is found with its evidence and proposed, never merged by itself; a person
decides each pair ("different children" is never asked again; "same child" merges, keeping the
record chosen); undoing the merge puts the pair back in review; pairs are seen only by those
who may see both children.

The engine takes seconds a run, so these tests are few and each checks a whole story."""

from __future__ import annotations

import pytest

from kinlink.audit.models import Action, AuditEntry
from kinlink.identification import services, tasks
from kinlink.identification.models import DuplicatePair, DuplicateStatus, Verdict
from kinlink.identification.selectors import duplicate_queue
from kinlink.jobs.models import Job
from kinlink.jobs.services import job_run
from kinlink.registry import merging
from kinlink.registry.models import Child


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.KINLINK_LINKAGE_ACCEPT = "0.9"
    settings.KINLINK_LINKAGE_REVIEW = "0.3"


def search_now(actor) -> Job:
    job = tasks.dedupe_start(actor=actor)
    status = job_run(job_id=job.pk)
    job.refresh_from_db()
    assert status == Job.Status.SUCCEEDED, job.message
    return job


def the_pair(a: Child, b: Child) -> DuplicatePair:
    low, high = sorted((a.pk, b.pk))
    return DuplicatePair.objects.get(child_a_id=low, child_b_id=high)


def test_the_search_finds_a_planted_duplicate_and_proposes_it_without_merging(
    planted, caseworker_a
):
    original, again = planted
    search_now(caseworker_a)
    pair = the_pair(original, again)
    assert pair.status == DuplicateStatus.PROPOSED and pair.probability >= 0.9
    fields = {name for name, _level, _weight in pair.evidence}
    assert {"name", "dob", "sex"} <= fields
    original.refresh_from_db()
    again.refresh_from_db()
    assert original.merged_into is None and again.merged_into is None
    # Each of thirty children differs from the others: the planted pair is the likeliest.
    assert duplicate_queue(caseworker_a).first() == pair
    assert AuditEntry.objects.filter(object_type="identification.deduperun").exists()


def test_different_children_are_never_asked_about_again(planted, caseworker_a):
    original, again = planted
    search_now(caseworker_a)
    pair = the_pair(original, again)
    services.duplicate_decide(
        actor=caseworker_a, pair=pair, verdict=Verdict.NON_MATCH, note="twins"
    )
    search_now(caseworker_a)
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.DIFFERENT and pair.note == "twins"
    assert pair not in duplicate_queue(caseworker_a)
    with pytest.raises(services.IdentificationError, match="already been decided"):
        services.duplicate_decide(actor=caseworker_a, pair=pair, verdict=Verdict.NON_MATCH)
    assert AuditEntry.objects.filter(
        object_type="identification.duplicatepair", object_id=str(pair.pk)
    ).exists()


def test_same_child_merges_and_undoing_the_merge_asks_again(planted, caseworker_a):
    original, again = planted
    search_now(caseworker_a)
    pair = the_pair(original, again)
    pair = services.duplicate_decide(
        actor=caseworker_a, pair=pair, verdict=Verdict.MATCH, keep=original
    )
    again.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED and again.merged_into == original
    assert pair.merge.kept == original and pair.merge.merged == again
    # The next search leaves the merged record out.
    search_now(caseworker_a)
    assert not DuplicatePair.objects.filter(status__in=["proposed", "review"], child_b=again)

    merging.merge_undo(actor=caseworker_a, merge=pair.merge)
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.REVIEW
    assert pair in duplicate_queue(caseworker_a)


def test_a_pair_is_seen_only_by_those_who_see_both_children(
    client, planted, caseworker_a, caseworker_b, teacher_a
):
    original, again = planted
    search_now(caseworker_a)
    pair = the_pair(original, again)
    for outsider in (caseworker_b, teacher_a):
        client.force_login(outsider)
        url = f"/identification/duplicates/{pair.pk}/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "keep_a"}).status_code == 404
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.PROPOSED
    assert not duplicate_queue(caseworker_b).exists()


def test_the_pair_page_merges_and_refuses_with_a_message(client, planted, caseworker_a):
    original, again = planted
    search_now(caseworker_a)
    pair = the_pair(original, again)
    client.force_login(caseworker_a)
    page = client.get(f"/identification/duplicates/{pair.pk}/").content.decode()
    assert "Same child: keep record" in page and "Different children" in page
    assert "What the records show" in page and 'class="evidence-for"' in page
    viewed = AuditEntry.objects.filter(action=Action.VIEW, object_type="registry.child")
    assert {e.object_id for e in viewed} >= {str(original.pk), str(again.pk)}

    from tests.casework.scope import casework_records

    casework_records(original, caseworker_a)
    casework_records(again, caseworker_a)
    response = client.post(f"/identification/duplicates/{pair.pk}/", {"decision": "keep_a"})
    assert response.status_code == 200
    assert "a child can have only one" in response.content.decode()
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.PROPOSED

    from kinlink.casework.models import Case

    Case.objects.filter(child=again).update(status="closed")
    response = client.post(f"/identification/duplicates/{pair.pk}/", {"decision": "keep_a"})
    kept = pair.child_a
    assert response.status_code == 302 and response.url == f"/children/{kept.pk}/"
    assert Case.objects.filter(child=kept).count() == 2


def test_an_administrator_searches_the_whole_registry_but_reads_no_pair(
    client, planted, administrator, child_b
):
    original, again = planted
    job = search_now(administrator)
    assert job.result.get("proposed", 0) >= 1
    pair = the_pair(original, again)
    assert pair.status == DuplicateStatus.PROPOSED
    client.force_login(administrator)
    page = client.get("/identification/duplicates/").content.decode()
    assert "Look for children registered twice" in page and original.full_name not in page
    assert client.get(f"/identification/duplicates/{pair.pk}/").status_code == 404
