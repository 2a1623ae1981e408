"""The page that shows a job's progress, and the partial it polls. Thin: selectors, services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kinlink.jobs import services
from kinlink.jobs.selectors import job_for_user


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for_user(request.user, pk)
    return render(request, "jobs/job_detail.html", {"job": job})


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for_user(request.user, pk)
    return render(request, "jobs/_progress.html", {"job": job})


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for_user(request.user, pk)
    try:
        services.job_retry(job=job)
    except services.JobStateError as exc:
        messages.error(request, str(exc))
    return redirect("jobs:detail", pk=job.pk)
