from django.http import JsonResponse
from ninja import Router

from siaga.jobs import selectors
from siaga.jobs.presenters import job_dict
from siaga.jobs.services import JobBusy, job_submit

router = Router(tags=["jobs"])


@router.get("/", summary="Your background jobs (an administrator: also those of their area), newest first")
def job_list(request):
    return [job_dict(j) for j in selectors.job_list(viewer=request.auth)]


@router.get("/{job_id}", url_name="job_get", summary="One job: state, rows done, result or problems")
def job_get(request, job_id: int):
    return job_dict(selectors.job_get(viewer=request.auth, pk=job_id))


def job_accepted(*, actor, kind, upload, lang):
    """For an import endpoint: 202 with the queued job, or 409 while the caller's previous job is active."""
    try:
        job = job_submit(actor=actor, kind=kind, upload=upload, lang=lang)
    except JobBusy as busy:
        return JsonResponse({"detail": str(busy), "job": job_dict(busy.job)}, status=409)
    response = JsonResponse(job_dict(job), status=202)
    response["Location"] = job_dict(job)["status"]
    return response
