"""The Table Schema of the CSV export, published at the root of the repository as
`schemas/practice.json` and shipped in the package (a link to it) for the download page."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

TABLE_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "data" / "practice.json"


@cache
def table_schema() -> dict[str, Any]:
    return json.loads(TABLE_SCHEMA_PATH.read_text(encoding="utf-8"))
