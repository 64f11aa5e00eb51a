"""The published sheets as a table: one row per sheet, stable columns, described by the Table
Schema `schemas/practice.json`.

A multi-valued cell joins its values with « | » (space, vertical bar, space); a vertical bar
inside a value (an organisation's name, a source's title) becomes « / » so that cells always
split back into the right values. Codes and labels go in separate columns: codes for software,
labels for people.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from maillage.practices.models import OrganisationRole
from maillage.practices.snapshot import TEXT_FIELDS

SEPARATOR = " | "

Sheet = dict[str, Any]


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[Sheet], str | int | bool | None]


def _joined(values: Iterable[str]) -> str:
    return SEPARATOR.join(value.replace("|", "/") for value in values)


def _text(name: str) -> Column:
    return Column(name, lambda sheet: sheet.get(name) or "")


def _term_columns(name: str, labels_name: str) -> tuple[Column, Column]:
    def codes(sheet: Sheet) -> str:
        return _joined(term["code"] for term in sheet.get(name) or [])

    def labels(sheet: Sheet) -> str:
        return _joined(term["label"] for term in sheet.get(name) or [])

    return Column(name, codes), Column(labels_name, labels)


def _single_term_columns(name: str) -> tuple[Column, Column]:
    def code(sheet: Sheet) -> str:
        return (sheet.get(name) or {}).get("code", "")

    def label(sheet: Sheet) -> str:
        return (sheet.get(name) or {}).get("label", "")

    return Column(name, code), Column(f"{name}_label", label)


def _organisations(role: str) -> Column:
    def names(sheet: Sheet) -> str:
        return _joined(
            organisation["name"]
            for organisation in sheet.get("organisations") or []
            if organisation["role"] == role
        )

    return Column(f"{role}s", names)


def _territory_codes(sheet: Sheet) -> str:
    # The level goes with the code: « 32 » is the Hauts-de-France région and the Gers département.
    return _joined(f"{place['level']}:{place['code']}" for place in sheet["territories"])


def _located_in(key: str) -> Callable[[Sheet], str]:
    def codes(sheet: Sheet) -> str:
        return _joined(sorted({code for place in sheet["territories"] for code in place[key]}))

    return codes


def _source(source: dict[str, str]) -> str:
    parts = [source["title"]]
    if source.get("locator"):
        parts.append(f"({source['locator']})")
    if source.get("url"):
        parts.append(source["url"])
    return " ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


COLUMNS: tuple[Column, ...] = (
    Column("id", lambda sheet: sheet["id"]),
    Column("url", lambda sheet: sheet["links"]["page"]),
    Column("revision", lambda sheet: sheet["revision"]),
    Column("published_at", lambda sheet: _utc(sheet["published_at"])),
    Column("revision_published_at", lambda sheet: _utc(sheet["revision_published_at"])),
    *(_text(name) for name in TEXT_FIELDS),
    *_term_columns("isic_forms", "isic_forms_labels"),
    *_term_columns("methods", "methods_labels"),
    *_term_columns("publics", "publics_labels"),
    *_term_columns("themes", "themes_labels"),
    *_single_term_columns("participation_level"),
    *_single_term_columns("scale"),
    Column("territories", _territory_codes),
    Column("territories_names", lambda sheet: _joined(t["name"] for t in sheet["territories"])),
    Column("departements", _located_in("departements")),
    Column("regions", _located_in("regions")),
    *(_organisations(role) for role in OrganisationRole.values),
    Column("sources", lambda sheet: _joined(_source(source) for source in sheet["sources"])),
    Column("start_date", lambda sheet: sheet.get("start_date") or ""),
    Column("end_date", lambda sheet: sheet.get("end_date") or ""),
    Column("ongoing", lambda sheet: "true" if sheet.get("ongoing") else "false"),
    Column("participants_count", lambda sheet: sheet.get("participants_count")),
    _text("contact"),
    Column("licence", lambda sheet: sheet["licence"]),
)
COLUMN_NAMES = [column.name for column in COLUMNS]


def row(sheet: Sheet) -> list[str | int | bool | None]:
    return [column.value(sheet) for column in COLUMNS]
