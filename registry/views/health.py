"""/healthz: whether this server can serve (database, migrations) and whether a task worker runs.

For a load balancer, a monitor or an operator's curl: no login, no personal data, a few cheap
queries, JSON. 200 when every check passes, 503 otherwise; `?scope=web` leaves the worker out (a
load balancer should not take every web server out of rotation because the shared worker stopped).
"""

from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Count, Max, Min, Q
from django.http import JsonResponse
from django.utils import timezone
from django.views import View
from django_tasks_db.models import DBTaskResult

from ..models import WorkerHeartbeat


@lru_cache(maxsize=1)
def _latest_migrations():
    """The last migration of each app on disk (read once per process: the code does not change)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_migrations():
    recorder = MigrationRecorder(connection)
    try:
        applied = set(recorder.Migration.objects.values_list("app", "name"))
    except DatabaseError:
        if recorder.has_table():
            raise
        applied = set()  # a database never migrated: not even the migrations table yet
    missing = sorted(f"{app}.{name}" for app, name in _latest_migrations() if (app, name) not in applied)
    return {"ok": not missing, "unapplied": missing}


def check_worker(now):
    if settings.TASKS_IMMEDIATE:
        return {"ok": True, "mode": "immediate"}
    heartbeats = WorkerHeartbeat.objects.aggregate(
        last=Max("seen_at"),
        alive=Count("pk", filter=Q(seen_at__gte=now - timedelta(seconds=settings.WORKER_STALE_SECONDS))),
    )
    seen, alive = heartbeats["last"], heartbeats["alive"]
    oldest = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))["oldest"]
    age = round((now - seen).total_seconds(), 1) if seen else None
    return {
        "ok": alive > 0 or not settings.HEALTHZ_REQUIRE_WORKER,
        "workers_alive": alive,
        "heartbeat_age_seconds": age,
        "oldest_waiting_task_seconds": round((now - oldest).total_seconds(), 1) if oldest else None,
    }


class HealthView(View):
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        now = timezone.now()
        body = {"time": now.isoformat()}
        try:
            body["database"] = check_database()
            body["migrations"] = check_migrations()
            if request.GET.get("scope") != "web":
                # The worker's tables may not exist before the release step has migrated.
                body["worker"] = check_worker(now) if body["migrations"]["ok"] else {"ok": False, "checked": False}
        except DatabaseError as error:
            body["database"] = {"ok": False, "error": type(error).__name__}
        ok = all(value["ok"] for key, value in body.items() if key != "time")
        body["status"] = "ok" if ok else "fail"
        response = JsonResponse(body, status=200 if ok else 503)
        response["Cache-Control"] = "no-store"
        return response
