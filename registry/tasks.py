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
