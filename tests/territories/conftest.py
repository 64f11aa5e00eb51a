from __future__ import annotations

import pytest
from django.urls import get_resolver

from tests.territories.factories import Geography, small_geography


@pytest.fixture
def geography(db: None) -> Geography:
    return small_geography()


@pytest.fixture
def urlconf_loaded(db: None) -> None:
    """Query counts measure one request, not the first import of the URLconf and of the modules
    it pulls in, some of which read the database when imported."""
    assert get_resolver().url_patterns
