from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from maillage.referential.loading import LoadReport, load_referential


@pytest.fixture
def referential(db: None) -> LoadReport:
    """The real référentiel, loaded from the data file shipped with Maillage."""
    return load_referential()


@pytest.fixture
def data_file(tmp_path: Path) -> Callable[[Any], Path]:
    """Write a data file for the loader and return its path."""

    def write(data: Any) -> Path:
        path = tmp_path / "referential.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path

    return write
