"""Work done off the request by the task worker (`python manage.py db_worker`).

Django's tasks API through the django-tasks backport (on Django 6: `from django.tasks import task`);
with the database backend the queued tasks are rows in the registry's own database.
"""

from django_tasks import task


@task()
def refresh_summary(requested_by_id: int | None = None):
    """Recompute the dashboard's summary figures (single-flight: registry/services/summary.py)."""
    from .services.summary import summary_refresh_queued

    run = summary_refresh_queued(
        requested_by_id=requested_by_id, can_defer=refresh_summary.get_backend().supports_defer,
    )
    return {"refresh": run.pk, "cells": run.cells, "seconds": round(run.seconds, 2)} if run else None


@task()
def build_export(export_id: int):
    """Prepare a large list export into the export storage (registry/services/exports.py).

    Any error marks the export failed for its user (never a cut file) and fails the task, so the
    worker logs it and mails ADMINS.
    """
    from .services.exports import FAILED_SERVER, export_build, export_fail

    try:
        log = export_build(export_id=export_id)
    except Exception:
        export_fail(export_id=export_id, message=FAILED_SERVER)
        raise
    return {"export": log.pk, "status": log.status, "rows": log.row_count}


@task()
def check_import(pending_id: str):
    """Check (dry run) a large uploaded file for its preview (registry/services/import_jobs.py)."""
    from .services.import_jobs import FAILED_SERVER, pending_check, pending_fail

    try:
        pending = pending_check(pending_id=pending_id)
    except Exception:
        pending_fail(pending_id=pending_id, message=FAILED_SERVER)
        raise
    return {"pending": pending_id, "status": pending.status if pending else None}


@task()
def commit_import(pending_id: str):
    """Commit a large checked file in one transaction (registry/services/import_jobs.py)."""
    from .services.import_jobs import FAILED_SERVER, pending_commit, pending_fail

    try:
        pending = pending_commit(pending_id=pending_id)
    except Exception:
        pending_fail(pending_id=pending_id, message=FAILED_SERVER)
        raise
    return {"pending": pending_id, "status": pending.status if pending else None,
            "batch": pending.batch_id if pending else None}


@task()
def send_rat_reminders(user_id: int, year: int, cooperative_ids: list[int]):
    """Email the RAT reminder of book year `year` to these cooperatives (registry/services/rat.py)."""
    from .services.rat import rat_reminders_send

    return rat_reminders_send(user_id=user_id, year=year, cooperative_ids=cooperative_ids)
