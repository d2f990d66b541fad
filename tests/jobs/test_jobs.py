"""Imports from the web run as background jobs: never inside the request, one at a time per user, scoped."""

import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from siaga.jobs import services
from siaga.jobs.models import Job, JobState
from siaga.regions.models import Tps
from siaga.risk.models import Observation

pytestmark = pytest.mark.django_db
HEADER = "kode,indikator,nilai,sumber,tanggal\n"


def observations(rows=3, value=2, broken=False):
    codes = Tps.objects.filter(kabkota_code="74.01", election="pemilu").order_by("code").values_list("code", flat=True)
    lines = [f"{code},P24.HAK.01,{value},intelkam,2024-02-01" for code in codes[:rows]]
    if broken:
        lines.append(f"{codes[0]},P24.HAK.01,banyak,intelkam,2024-02-01")
    return (HEADER + "\n".join(lines) + "\n").encode()


def upload(data, name="observasi.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_api_import_answers_202_and_writes_nothing_until_the_job_runs(client_as):
    client = client_as("admin")
    before = Observation.objects.count()
    answer = client.post("/api/risk/observations/import", {"file": upload(observations(value=7))})
    assert answer.status_code == 202, answer.content
    job = answer.json()
    assert job["state"] == "queued" and answer["Location"] == f"/api/jobs/{job['id']}"
    assert Observation.objects.count() == before  # the request only queued the file
    assert services.upload_path(job["id"]).read_bytes() == observations(value=7)

    assert services.job_run_next() and not services.job_run_next()
    done = client.get(f"/api/jobs/{job['id']}").json()
    assert done["state"] == "done", (done["error"], done["result"])
    assert done["result"]["created"] + done["result"]["updated"] == 3
    assert Observation.objects.filter(value=7).count() >= 3
    assert not services.upload_path(job["id"]).exists()  # the upload leaves with its job


def test_a_second_upload_while_one_waits_is_refused_with_the_reason(client_as, user):
    client = client_as("admin")
    first = client.post("/api/risk/observations/import", {"file": upload(observations())}).json()
    second = client.post("/api/risk/observations/import", {"file": upload(observations())})
    assert second.status_code == 409 and f"#{first['id']}" in second.json()["detail"]
    refused = client.post("/kerawanan/impor/", {"file": upload(observations())})
    assert refused.status_code == 302 and refused["Location"] == "/kerawanan/impor/"
    page = client.get(refused["Location"])
    assert f"tugas #{first['id']}) masih berjalan".encode() in page.content
    assert Job.objects.filter(owner=user("admin")).count() == 1
    # Another user is not held up by it.
    assert client_as("polres.kolaka").post("/api/risk/observations/import",
                                           {"file": upload(observations())}).status_code == 202


def test_web_form_goes_to_the_job_page_which_shows_progress_then_problems(client_as):
    client = client_as("admin")
    before = Observation.objects.count()
    answer = client.post("/kerawanan/impor/", {"file": upload(observations(broken=True))})
    job = Job.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/tugas/{job.pk}/"
    waiting = client.get(answer["Location"])
    assert b'data-state="queued"' in waiting.content and f'data-status="/api/jobs/{job.pk}"'.encode() in waiting.content
    assert b"<script>" not in waiting.content  # the poller is a static file
    services.job_run_next()
    failed = client.get(answer["Location"])
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.result["error_count"] == 1
    assert b'data-testid="job-problems"' in failed.content and "Baris 5".encode() in failed.content
    assert Observation.objects.count() == before  # nothing half-written


def test_roster_import_from_the_units_page_is_a_job(client_as):
    client = client_as("polres.kolaka")
    answer = client.post("/personel/unit/", {"kind": "personel", "file": upload(b"nrp,nama\n", "personel.csv")})
    job = Job.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/tugas/{job.pk}/"
    assert job.kind == "deployment.personnel" and job.state == JobState.QUEUED
    services.job_run_next()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.result["errors"]  # a header-only roster lacks its columns


def test_a_user_sees_only_their_jobs_and_an_administrator_those_of_their_area(client_as, user):
    job = services.job_submit(actor=user("polres.kolaka"), kind="risk.observations",
                              upload=upload(observations()))
    for name, status in (("polres.kolaka", 200), ("admin", 200), ("kapolda", 404), ("ppk.kolaka", 404),
                         ("kpu", 404)):
        client = client_as(name)
        assert client.get(f"/api/jobs/{job.pk}").status_code == status, name
        assert client.get(f"/tugas/{job.pk}/").status_code == status, name
        assert (job.pk in [j["id"] for j in client.get("/api/jobs/").json()]) == (status == 200), name


def test_jobs_left_running_by_a_dead_server_are_failed_at_start(user):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    host = services.RUNNER.split(":")[0]
    orphan = services.job_submit(actor=user("admin"), kind="risk.observations", upload=upload(observations()))
    Job.objects.filter(pk=orphan.pk).update(state=JobState.RUNNING, runner=f"{host}:{gone.pid}")
    alive = services.job_submit(actor=user("kapolda"), kind="risk.observations", upload=upload(observations()))
    Job.objects.filter(pk=alive.pk).update(state=JobState.RUNNING, runner=services.RUNNER)
    assert services.jobs_recover() == 1
    orphan.refresh_from_db()
    alive.refresh_from_db()
    assert orphan.state == JobState.FAILED and "berhenti" in orphan.error and alive.state == JobState.RUNNING
    assert not services.upload_path(orphan.pk).exists()
