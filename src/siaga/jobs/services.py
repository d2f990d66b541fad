"""Submitting and running jobs.

The embedded default runs jobs in one worker thread of the server process, started
on demand (after a submission commits, and when `siaga serve` starts): one job at a
time in a process, so an import never takes more than one core from page loads and
the field API, and one active job per user. Several server processes share the queue:
each claims a job with a conditional UPDATE, so a job runs once. The uploaded file
waits in SIAGA_HOME/jobs/ and is removed when its job ends. Progress (rows done) is
kept in memory by the running process and shown by that process's pages.
"""

import logging
import os
import socket
import threading
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _, override

from siaga.accounts.models import User
from siaga.core.importkit import problem_dict
from siaga.jobs import registry
from siaga.jobs.models import ACTIVE_STATES, Job, JobState

log = logging.getLogger(__name__)
RUNNER = f"{socket.gethostname()}:{os.getpid()}"
IDLE_CHECK_SECONDS = 30  # an idle runner also looks for jobs queued by other processes this often


class JobBusy(Exception):
    """The user has a job waiting or running already."""

    def __init__(self, job):
        super().__init__(_("Your previous import (job #%(id)s) is still running; wait until it ends.")
                         % {"id": job.pk})
        self.job = job


def upload_path(job_id: int) -> Path:
    return Path(settings.SIAGA_HOME) / "jobs" / f"{job_id}.upload"


def job_submit(*, actor, kind: str, upload, lang: str = "id") -> Job:
    """Queue a job for `actor` with the uploaded file (anything with .name and .chunks()); refused with JobBusy
    while the actor has one waiting or running."""
    registry.get(kind)  # an unknown kind is a programming error: fail here, not in the runner
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()  # one submission per user at a time
        active = Job.objects.filter(owner=actor, state__in=ACTIVE_STATES).first()
        if active is not None:
            raise JobBusy(active)
        job = Job.objects.create(kind=kind, owner=actor, area_code=actor.area_code or "",
                                 filename=Path(upload.name or "").name[:255], lang=lang)
        path = upload_path(job.pk)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        transaction.on_commit(wake)
    return job


# --- the runner --------------------------------------------------------------------------------------

_progress: dict[int, int] = {}  # job id -> rows done, for jobs running in this process
_wake = threading.Event()
_thread_lock = threading.Lock()
_thread: threading.Thread | None = None


def progress_of(job: Job) -> int:
    return _progress.get(job.pk, job.progress)


def wake() -> None:
    """Make sure this process's runner is up and looks for work now."""
    global _thread
    with _thread_lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run_forever, daemon=True, name="siaga-jobs")
            _thread.start()
    _wake.set()


def _run_forever():
    while True:
        _wake.wait(IDLE_CHECK_SECONDS)
        _wake.clear()
        try:
            close_old_connections()
            while job_run_next():
                close_old_connections()
        except Exception:  # the database went away: keep the runner, try again on the next wake
            log.exception("job runner")
        finally:
            close_old_connections()


def job_run_next() -> bool:
    """Claim the oldest waiting job and run it here; False when none waits."""
    for job in Job.objects.filter(state=JobState.QUEUED).order_by("pk")[:5]:
        claimed = Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
            state=JobState.RUNNING, started_at=timezone.now(), runner=RUNNER)
        if claimed:
            job.refresh_from_db()
            job_execute(job)
            return True
    return False


def _as_result(value) -> dict:
    if hasattr(value, "as_dict"):
        value = value.as_dict()
    return value if isinstance(value, dict) else {"result": str(value)}


def job_execute(job: Job) -> None:
    """Run a claimed job to its end: done with its result, or failed with the problems or a short error."""
    kind = registry.get(job.kind)
    path = upload_path(job.pk)
    state, result, error = JobState.FAILED, None, ""

    def progress(done: int) -> None:
        _progress[job.pk] = int(done)

    try:
        data = path.read_bytes()
        with override(job.lang):
            extra = {"progress": progress} if kind.takes_progress else {}
            result = _as_result(kind.run(actor=job.owner, data=data, filename=job.filename, lang=job.lang, **extra))
            state = JobState.DONE
    except Exception as exc:  # noqa: BLE001 - every failure ends the job with a message, never a traceback
        with override(job.lang):
            problems = getattr(exc, "problems", None)
            if problems is not None:
                total = getattr(exc, "total", len(problems))  # an importer's list is capped; its total is not
                result = {"errors": [problem_dict(p) for p in problems], "error_count": total}
                error = _("Nothing was saved: %(n)s problem(s).") % {"n": total}
            else:
                log.exception("job %s failed", job.pk)
                error = _("The import stopped on an unexpected error; nothing was saved.")
    finally:
        path.unlink(missing_ok=True)
    Job.objects.filter(pk=job.pk).update(state=state, result=result, error=error, finished_at=timezone.now(),
                                         progress=_progress.pop(job.pk, job.progress))


def jobs_recover() -> int:
    """At server start: jobs left running by a process of this host that is gone are failed (their work was
    rolled back with its transaction). Returns how many."""
    host = RUNNER.split(":")[0]
    dead = []
    for job in Job.objects.filter(state=JobState.RUNNING, runner__startswith=f"{host}:"):
        pid = int(job.runner.rsplit(":", 1)[1])
        if pid != os.getpid() and not _alive(pid):
            dead.append(job.pk)
    failed = 0
    for job in Job.objects.filter(pk__in=dead):
        upload_path(job.pk).unlink(missing_ok=True)
        with override(job.lang):
            message = _("The server stopped while this job ran; nothing was saved. Submit the file again.")
        failed += Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
            state=JobState.FAILED, error=message, finished_at=timezone.now())
    return failed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
