"""Test settings: the project's, plus a small app whose models exercise the shared mechanisms."""

from __future__ import annotations

from maillage.settings import *  # noqa: F403
from maillage.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]

# Tasks run as they are enqueued: a test sees their result at once. The database worker is
# exercised by its own tests (tests/ingestion).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
