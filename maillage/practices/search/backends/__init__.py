"""The full-text backend of the database in use: SQLite FTS5 or PostgreSQL text search."""

from __future__ import annotations

from django.db import connection

from maillage.practices.search.backends.base import Backend
from maillage.practices.search.backends.postgresql import PostgresqlBackend
from maillage.practices.search.backends.sqlite import SqliteBackend


def current() -> Backend:
    if connection.vendor == "postgresql":
        return PostgresqlBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}.")
