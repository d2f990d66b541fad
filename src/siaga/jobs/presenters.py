"""A job as the page and the API show it."""

from django.urls import reverse

from siaga.jobs import registry
from siaga.jobs.services import progress_of


def job_dict(job) -> dict:
    kind = registry.KINDS.get(job.kind)
    return {"id": job.pk, "kind": job.kind, "label": str(kind.label) if kind else job.kind,
            "state": job.state, "state_label": str(job.get_state_display()), "progress": progress_of(job),
            "filename": job.filename, "owner": job.owner.username, "result": job.result, "error": job.error,
            "created_at": job.created_at, "started_at": job.started_at, "finished_at": job.finished_at,
            "page": reverse("jobs:detail", kwargs={"pk": job.pk}), "status": reverse("api:job_get",
                                                                                     kwargs={"job_id": job.pk})}
