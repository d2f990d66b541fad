from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from siaga.jobs import selectors
from siaga.jobs.presenters import job_dict
from siaga.jobs.services import JobBusy, job_submit


@login_required
def job_list(request):
    return render(request, "jobs/list.html", {"jobs": [job_dict(j) for j in selectors.job_list(viewer=request.user)]})


@login_required
def job_detail(request, pk):
    return render(request, "jobs/detail.html", {"job": job_dict(selectors.job_get(viewer=request.user, pk=pk))})


def submit_and_show(request, *, kind, upload, lang, back):
    """For an import form: queue the upload as a job and go to its page; while another of the user's jobs runs,
    say so and go `back`."""
    try:
        job = job_submit(actor=request.user, kind=kind, upload=upload, lang=lang)
    except JobBusy as busy:
        messages.error(request, str(busy))
        return redirect(back)
    return redirect("jobs:detail", pk=job.pk)
