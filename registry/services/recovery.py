"""Tasks left RUNNING by a worker that died (killed, machine lost): taken over by a live worker.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again, so a
worker killed mid-task would leave it RUNNING for ever. Every worker's heartbeat thread calls
`tasks_recover()`: a running task whose worker has not beaten for WORKER_STALE_SECONDS (or, on this
same machine, whose process is gone) is put back in the queue to run again from the start, or
marked failed after TASK_MAX_ATTEMPTS claims. That is safe because every task writes all or
nothing: the summary refresh in one transaction, an export's log only after its whole file is
stored, an import's commit in one transaction that also consumes its upload.
"""

import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ..models import Lease, WorkerHeartbeat

logger = logging.getLogger("registry.worker")

LOST_EXCEPTION = "registry.services.recovery.WorkerLost"


def _process_gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # a process of another user holds that number now: not ours, but alive
    return False


def dead_workers(worker_ids, *, now):
    """Which of `worker_ids` are dead: {id: "gone"} for a process of this machine that no longer exists
    (a restart after a kill: known at once), {id: "stale"} for one without a heartbeat for
    WORKER_STALE_SECONDS (another machine, or no heartbeat row at all)."""
    stale_before = now - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    here = socket.gethostname()[:255]
    beats = {beat.worker_id: beat for beat in WorkerHeartbeat.objects.filter(worker_id__in=worker_ids)}
    dead = {}
    for worker_id in worker_ids:
        beat = beats.get(worker_id)
        if beat is not None and beat.hostname == here and _process_gone(beat.pid):
            dead[worker_id] = "gone"
        elif beat is None or beat.seen_at < stale_before:
            dead[worker_id] = "stale"
    return dead


def _summary_lost(result, giving_up):
    """A refresh killed while it held its lease would block the next ones until the lease expires
    (SUMMARY_REFRESH_LEASE, 30 minutes): a lease taken after this task started was taken by it, since
    a queued refresh that finds the lease taken does not wait but queues itself again."""
    from .summary import REFRESH_LEASE

    Lease.objects.filter(name=REFRESH_LEASE, since__gte=result.started_at).exclude(holder="").update(
        holder="", since=None, until=None,
    )


def _export_lost(result, giving_up):
    if giving_up:
        from .exports import FAILED_WORKER_LOST, export_fail

        export_fail(export_id=result.args_kwargs["kwargs"]["export_id"], message=FAILED_WORKER_LOST)


def _import_lost(result, giving_up):
    """A check or commit killed midway wrote nothing (the commit's transaction rolled back): run again
    it starts over; given up, the upload is marked failed for its user."""
    if giving_up:
        from .import_jobs import FAILED_WORKER_LOST, pending_fail

        pending_fail(pending_id=result.args_kwargs["kwargs"]["pending_id"], message=FAILED_WORKER_LOST)


# What else a lost task leaves behind, per task; called before it runs again (or is given up).
ON_LOST = {
    "registry.tasks.refresh_summary": _summary_lost,
    "registry.tasks.build_export": _export_lost,
    "registry.tasks.check_import": _import_lost,
    "registry.tasks.commit_import": _import_lost,
}


def tasks_recover(*, now=None) -> dict:
    """Put the tasks of dead workers back in the queue (or fail them after TASK_MAX_ATTEMPTS claims).

    Rows are locked with SKIP LOCKED and updated only while still RUNNING, so two workers recovering
    at once recover each task once.
    """
    now = now or timezone.now()
    started_before = now - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    done = {"retried": [], "failed": []}
    with transaction.atomic():
        running = list(DBTaskResult.objects.running().select_for_update(skip_locked=True).order_by("started_at"))
        if not running:
            return done
        dead = dead_workers({result.worker_ids[-1] for result in running if result.worker_ids}, now=now)
        for result in running:
            worker = result.worker_ids[-1] if result.worker_ids else ""
            why = dead.get(worker, "stale" if not worker else None)
            # A stale heartbeat counts only for a task started before it went stale: a worker that has
            # just claimed its first task may not have written its first beat yet.
            if why is None or (why == "stale" and result.started_at >= started_before):
                continue
            giving_up = len(result.worker_ids) >= settings.TASK_MAX_ATTEMPTS
            hook = ON_LOST.get(result.task_path)
            if hook:
                hook(result, giving_up)
            tasks = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING)
            if giving_up:
                tasks.update(
                    status=TaskResultStatus.FAILED, finished_at=now, exception_class_path=LOST_EXCEPTION,
                    traceback=(f"Worker {worker} stopped while running this task; given up after "
                               f"{len(result.worker_ids)} attempts."),
                )
                logger.error("Task %s (%s) given up: its worker %s stopped, %s attempts", result.pk,
                             result.task_path, worker, len(result.worker_ids))
                done["failed"].append(str(result.pk))
            else:
                tasks.update(status=TaskResultStatus.READY)
                logger.warning("Task %s (%s) queued again: its worker %s stopped", result.pk, result.task_path,
                               worker)
                done["retried"].append(str(result.pk))
    return done
