"""Test settings: the project's, plus a small app whose models exercise the shared mechanisms."""

from __future__ import annotations

from maillage.settings import *  # noqa: F403
from maillage.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]
