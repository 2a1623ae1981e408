"""The page a person watches while a job runs: polling, access, and trying again."""

import re

import pytest
from django.urls import reverse

from kinlink.accounts.services import user_create
from kinlink.jobs.models import Job
from kinlink.jobs.services import job_claim, job_run, job_start
from tests.conftest import PASSWORD

from .conftest import TROUBLE


@pytest.fixture
def job(caseworker_a):
    return job_start(
        kind="tests.count", label="Refresh township A", user=caseworker_a, params={"items": 4}
    )


def _get(client, user, name, job):
    client.force_login(user)
    return client.get(reverse(name, args=[job.pk]))


def test_the_starter_sees_a_progress_bar_that_polls_every_two_seconds(client, caseworker_a, job):
    job_claim(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(progress_done=1, progress_total=4, message="1 of 4")

    body = _get(client, caseworker_a, "jobs:detail", job).content.decode()

    assert "Refresh township A" in body
    assert '<progress max="100" value="25"' in body
    assert "1 of 4" in body
    assert f'hx-get="{reverse("jobs:progress", args=[job.pk])}"' in body
    assert 'hx-trigger="every 2s"' in body
    assert "{% extends" not in body and "<html" in body


def test_the_partial_of_a_finished_job_stops_polling(client, caseworker_a, job):
    job_run(job_id=job.pk)

    body = _get(client, caseworker_a, "jobs:progress", job).content.decode()

    assert "<html" not in body
    assert '<progress max="100" value="100"' in body
    assert "Finished" in body
    assert "hx-trigger" not in body and "hx-get" not in body


def test_a_running_job_without_a_total_shows_an_indeterminate_bar(client, caseworker_a, job):
    job_claim(job_id=job.pk)

    body = _get(client, caseworker_a, "jobs:progress", job).content.decode()

    assert re.search(r"<progress aria-label=\"[^\"]+\"></progress>", body)
    assert 'hx-trigger="every 2s"' in body


def test_the_page_has_no_inline_script_or_style_for_the_csp(client, caseworker_a, job):
    body = _get(client, caseworker_a, "jobs:detail", job).content.decode()

    assert "style=" not in body and "<style" not in body
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body) == []


@pytest.mark.parametrize("name", ["jobs:detail", "jobs:progress"])
def test_another_caseworker_gets_not_found(client, caseworker_b, job, name):
    assert _get(client, caseworker_b, name, job).status_code == 404


def test_a_supervisor_over_the_starters_area_may_watch(client, supervisor, job):
    assert _get(client, supervisor, "jobs:detail", job).status_code == 200


def test_a_supervisor_of_another_area_gets_not_found(client, county, job):
    elsewhere = user_create(
        username="supervisor_b", password=PASSWORD, role="supervisor", scope=county.township_b
    )
    assert _get(client, elsewhere, "jobs:detail", job).status_code == 404


def test_a_missing_job_is_not_found(client, caseworker_a):
    client.force_login(caseworker_a)
    assert client.get(reverse("jobs:detail", args=[999999])).status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(client, job):
    response = client.get(reverse("jobs:detail", args=[job.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_failed_job_offers_to_try_again_and_the_starter_can(client, caseworker_a, job):
    TROUBLE["fail_at"] = 0
    job_run(job_id=job.pk)
    client.force_login(caseworker_a)
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("jobs:retry", args=[job.pk]) in body

    response = client.post(reverse("jobs:retry", args=[job.pk]))

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED


def test_someone_else_cannot_retry_a_job(client, caseworker_b, job):
    TROUBLE["fail_at"] = 0
    job_run(job_id=job.pk)
    client.force_login(caseworker_b)

    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


def test_retrying_a_job_that_did_not_fail_says_so(client, caseworker_a, job):
    client.force_login(caseworker_a)
    response = client.post(reverse("jobs:retry", args=[job.pk]), follow=True)
    assert "Only a job that failed can be tried again." in response.content.decode()
