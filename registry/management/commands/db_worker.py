"""python manage.py db_worker: django-tasks-db's worker, plus a heartbeat that /healthz reads.

The same command and options as the backend's own (`--help`); this subclass records, every
WORKER_HEARTBEAT_SECONDS, that the worker process is alive (also while it runs a long task),
forgets workers not seen for a day, and takes over the tasks of workers that died mid-task
(registry/services/recovery.py).
"""

import _thread
import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import autoreload, timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from registry.key_check import require_valid_keys
from registry.models import WorkerHeartbeat
from registry.services.recovery import tasks_recover

logger = logging.getLogger("registry.worker")


class Heartbeat(threading.Thread):
    """A daemon thread writing this worker's WorkerHeartbeat row until `stop()`."""

    def __init__(self, worker_id, interval):
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id, self.interval = worker_id, interval
        self.stopped = threading.Event()
        self.started_at = timezone.now()

    def beat(self):
        now = timezone.now()
        if not WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(seen_at=now):
            WorkerHeartbeat.objects.create(
                worker_id=self.worker_id, hostname=socket.gethostname()[:255], pid=os.getpid(),
                started_at=self.started_at, seen_at=now,
            )

    def run(self):
        """Beat (and recover dead workers' tasks) until stopped; a database error is logged and the next
        beat tries again."""
        purged = False
        try:
            while not self.stopped.is_set():
                try:
                    if not purged:
                        WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - timedelta(days=1)).delete()
                        purged = True
                    self.beat()
                    tasks_recover()
                except DatabaseError as error:
                    logger.warning("Worker heartbeat not written: %s: %s", type(error).__name__, error)
                    connection.close()
                self.stopped.wait(self.interval)
            try:
                WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
            except DatabaseError as error:
                logger.warning("Worker heartbeat not removed: %s: %s", type(error).__name__, error)
        finally:
            connection.close()

    def stop(self):
        self.stopped.set()
        self.join(timeout=5)


def end_with_the_worker_thread():
    """In the autoreloader's child, end the process once the worker's thread has stopped by itself.

    The reloader runs the worker in a thread ("django-main-thread") and watches files in the main
    thread for ever. When a stop signal arrives during a task, the worker finishes the task and its
    thread ends, but the watching goes on and the process never exits (`make run` then hung on
    Ctrl-C). Interrupting the main thread ends the reloader the way Ctrl-C ends it, so the command's
    own clean-up (the heartbeat row) runs. A worker thread that died of an error is left to the
    reloader, which restarts it once the code is fixed, as the development server does.
    """
    while (worker := next((t for t in threading.enumerate() if t.name == "django-main-thread"), None)) is None:
        time.sleep(0.2)
    worker.join()
    if getattr(autoreload, "_exception", None) is None:
        _thread.interrupt_main()


class Command(db_worker.Command):
    help = "Run the background task worker (django-tasks-db) and record its heartbeat for /healthz."

    def handle(self, *args, **options):
        require_valid_keys()  # never prepare exports or imports with keys that read nothing
        reloader_parent = options["reload"] and not options["batch"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        heartbeat = None
        if not reloader_parent:  # with --reload only the child process runs tasks
            heartbeat = Heartbeat(options["worker_id"], settings.WORKER_HEARTBEAT_SECONDS)
            heartbeat.start()
            if options["reload"] and not options["batch"]:
                threading.Thread(target=end_with_the_worker_thread, name="worker-end-watch", daemon=True).start()
        try:
            super().handle(*args, **options)
        finally:
            if heartbeat is not None:
                heartbeat.stop()
