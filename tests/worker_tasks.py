"""Tasks that only the tests enqueue, for a real worker process to run (tests/test_operations.py)."""

import time

from django_tasks import task


@task()
def sleep_for(seconds: float):
    """Holds the worker for a while: a task under way when the worker is told to stop."""
    time.sleep(seconds)
    return seconds
