"""Which jobs a user may watch: their own, and a supervisor's view of jobs started in their area."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from kinlink.accounts.models import Role, User
from kinlink.core.lookup import pk_or_404
from kinlink.jobs.models import Job


def jobs_visible_to(user: User) -> QuerySet[Job]:
    if not user.is_authenticated or not user.is_active:
        return Job.objects.none()
    mine = Q(created_by=user)
    if user.role == Role.SUPERVISOR and user.scope_id is not None:
        # A job can touch any child its starter sees, so the supervisor must cover the starter.
        return Job.objects.filter(mine | Q(created_by__scope__path__startswith=user.scope.path))
    return Job.objects.filter(mine)


def job_for_user(user: User, job_id: object) -> Job:
    """The job if the user may see it; Http404 otherwise, whether or not it exists."""
    pk = pk_or_404(job_id)
    job = jobs_visible_to(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job
