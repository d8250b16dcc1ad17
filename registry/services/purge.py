"""Purges run by the timer (`python manage.py purge`, docs/deploy.md): what is kept only for a while.

Each part is idempotent and independent: a failure in one is reported and the others still run.
"""

import logging
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ..models import ExportLog
from .board_accounts import accounts_end_with_terms
from .exports import export_purge
from .import_jobs import pending_purge

logger = logging.getLogger(__name__)

# Finished task rows are kept two weeks, failed ones a month (to read their traceback).
TASKS_KEPT = timedelta(days=14)
FAILED_TASKS_KEPT = timedelta(days=30)
# An export still "disiapkan" after this never finishes: its download stream was cut, or its task lost.
UNFINISHED_EXPORT = timedelta(days=1)
UNFINISHED_MESSAGE = gettext_noop("Ekspor tidak selesai.")


def purge_task_results(now):
    old = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - TASKS_KEPT)
        | Q(status=TaskResultStatus.FAILED, finished_at__lt=now - FAILED_TASKS_KEPT)
    )
    return old.delete()[0]


def purge_sessions(now):
    engine = import_module(settings.SESSION_ENGINE)
    model = getattr(engine.SessionStore, "get_model_class", None)
    before = model().objects.filter(expire_date__lt=now).count() if model else None
    engine.SessionStore.clear_expired()
    return before


def fail_unfinished_exports(now):
    return ExportLog.objects.filter(status=ExportLog.Status.PREPARING, created_at__lt=now - UNFINISHED_EXPORT).update(
        status=ExportLog.Status.FAILED, finished_at=now, error=UNFINISHED_MESSAGE,
    )


PARTS = {
    "uploads": lambda now: pending_purge(now=now),
    "exports": lambda now: export_purge(now=now),
    "unfinished_exports": fail_unfinished_exports,
    "task_results": purge_task_results,
    "sessions": purge_sessions,
    # Board terms end by their dates too, with no save to notice it: their portal accounts end here.
    "board_accounts": lambda now: accounts_end_with_terms(now=now),
}


def purge(*, now=None) -> dict:
    """Run every purge; what each removed, or the name of the error that stopped it."""
    now = now or timezone.now()
    done = {}
    for name, part in PARTS.items():
        try:
            done[name] = part(now)
        except Exception as error:
            logger.exception("Purge of %s failed", name)
            done[name] = f"error: {type(error).__name__}"
    return done
