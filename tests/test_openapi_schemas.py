"""The OpenAPI document keeps one component per schema class name: two classes with the same
name would silently describe one endpoint with the other's fields."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

from maillage.api import api


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def test_no_two_api_schemas_share_a_name():
    by_name = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("maillage."):
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: places for name, places in by_name.items() if len(places) > 1} == {}


def test_openapi_document_builds_and_describes_each_schema_with_its_own_fields():
    document = api.get_openapi_schema()

    assert "/api/v1/actions/{action_id}/report" in document["paths"]
    schemas = document["components"]["schemas"]
    # An action's partner (with its role) and a report's partner line (with its action count).
    assert "role" in schemas["PartnerOut"]["properties"]
    assert "actions" in schemas["ReportPartnerOut"]["properties"]
