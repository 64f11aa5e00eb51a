from __future__ import annotations

import pytest

from tests.territories.factories import Geography, small_geography


@pytest.fixture
def geography(db: None) -> Geography:
    return small_geography()
