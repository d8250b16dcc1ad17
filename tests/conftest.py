"""Shared test setup.

Tests marked ``postgres`` need PostgreSQL's row locks and several connections at once (two
threads as two gunicorn workers). They are deselected, not skipped, when the suite runs on
SQLite: CI runs the whole suite again on PostgreSQL, where they run.
"""

import shutil

import pytest
from django.conf import settings as django_settings


def pytest_collection_modifyitems(config, items):
    if django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Tests read the interface in its first language unless they switch."""
    settings.LANGUAGE_CODE = "id"


@pytest.fixture(autouse=True)
def _no_filter_form_from_another_test():
    """A filter form kept by an earlier test (whose rows were rolled back) is not this test's: each
    test starts with the forms' cache empty (registry/templatetags/registry_forms.py)."""
    from django.core.cache import caches

    caches["filter_forms"].clear()


def pytest_sessionfinish(session, exitstatus):
    """The suite's export files and other media live in a directory of this process: remove it."""
    shutil.rmtree(django_settings.MEDIA_ROOT, ignore_errors=True)
