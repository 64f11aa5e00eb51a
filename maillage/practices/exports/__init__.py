"""Open data: the published sheets in CSV (described by `schemas/practice.json`), JSON and XLSX."""

from __future__ import annotations

from maillage.practices.exports.formats import (
    FORMATS,
    ExportFormat,
    UnknownFormatError,
    export_format,
)
from maillage.practices.exports.schema import TABLE_SCHEMA_PATH, table_schema
from maillage.practices.exports.sheets import (
    links,
    page_url,
    public_practices,
    published_sheet,
    published_sheets,
    with_published_revision,
)
from maillage.practices.exports.table import COLUMN_NAMES, SEPARATOR

__all__ = [
    "COLUMN_NAMES",
    "FORMATS",
    "SEPARATOR",
    "TABLE_SCHEMA_PATH",
    "ExportFormat",
    "UnknownFormatError",
    "export_format",
    "links",
    "page_url",
    "public_practices",
    "published_sheet",
    "published_sheets",
    "table_schema",
    "with_published_revision",
]
