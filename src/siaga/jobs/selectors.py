"""Reads of jobs: a user sees their own; an administrator also those submitted inside their area."""

from django.db.models import Q
from django.http import Http404

from siaga.accounts.models import Role
from siaga.accounts.scope import code_q
from siaga.jobs.models import Job


def _visible(viewer):
    mine = Q(owner=viewer)
    if viewer.role == Role.ADMIN:
        mine |= code_q(viewer, "area_code")
    return Job.objects.filter(mine).select_related("owner")


def job_list(*, viewer, limit=50):
    return list(_visible(viewer)[:limit])


def job_get(*, viewer, pk) -> Job:
    job = _visible(viewer).filter(pk=pk).first()
    if job is None:
        raise Http404("job")
    return job
