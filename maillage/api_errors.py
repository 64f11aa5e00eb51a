# No `from __future__ import annotations`: ninja reads schema annotations at runtime.
"""The shape of every error the API returns, for the OpenAPI document."""

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None
