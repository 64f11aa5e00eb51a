"""The pooling of a diagnosis's contributions (« mise en commun »): how many say what, on which
subject, where, and about which component of the territory. Counted by the database (GROUP BY),
whatever the number of contributions; only the texts are read one by one, grouped by theme."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, Min, QuerySet
from django.db.models.functions import Lower, Trim
from django.utils.translation import gettext as _

from maillage.actions.reports.activity import Figure
from maillage.diagnostics.models import (
    Component,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Diagnosis,
    Theme,
)


@dataclass(frozen=True)
class ThemeRow:
    theme: str
    label: str
    counts: list[int]  # in the order of `Pooling.kinds`
    total: int


@dataclass
class Pooling:
    total: int
    kinds: list[str]  # the labels of the contribution kinds, columns of `by_theme_kind`
    by_theme_kind: list[ThemeRow]
    by_theme: list[Figure]
    by_kind: list[Figure]
    by_commune: list[Figure]
    by_place: list[Figure]
    by_component: list[Figure]
    texts_by_theme: list[tuple[str, list[Contribution]]] = field(default_factory=list)


def _bars(rows: QuerySet, key: str, labels: dict[str, str]) -> list[Figure]:
    return [Figure(row[key], str(labels.get(row[key], row[key])), row["n"]) for row in rows]


def pooled_contributions(diagnosis: Diagnosis, *, published_only: bool = True) -> Pooling:
    contributions = Contribution.objects.filter(diagnosis=diagnosis)
    if published_only:
        contributions = contributions.filter(status=ContributionStatus.PUBLISHED)
    else:
        contributions = contributions.exclude(status=ContributionStatus.REJECTED)
    no_theme = _("Sans thème")

    cells = {
        (row["theme"], row["kind"]): row["n"]
        for row in contributions.order_by().values("theme", "kind").annotate(n=Count("id"))
    }
    theme_rows = []
    for value, label in [*Theme.choices, ("", no_theme)]:
        counts = [cells.get((value, kind), 0) for kind in ContributionKind.values]
        if any(counts):
            theme_rows.append(ThemeRow(value, str(label), counts, sum(counts)))
    by_kind = [
        Figure(value, str(label), total)
        for value, label in ContributionKind.choices
        if (total := sum(n for (_theme, kind), n in cells.items() if kind == value))
    ]
    ordered = contributions.order_by()
    by_commune = (
        ordered.exclude(commune=None).values("commune_id", "commune__name").annotate(n=Count("id"))
    )
    by_place = (
        ordered.exclude(place="")
        .annotate(key=Lower(Trim("place")))
        .values("key")
        .annotate(n=Count("id"), label=Min("place"))
    )
    by_component = ordered.exclude(component="").values("component").annotate(n=Count("id"))
    theme_rows.sort(key=lambda row: -row.total)
    texts = contributions.select_related("commune").order_by("theme", "-created_at")
    grouped = {theme: list(group) for theme, group in groupby(texts, key=lambda c: c.theme)}
    return Pooling(
        total=sum(cells.values()),
        kinds=[str(label) for label in ContributionKind.labels],
        by_theme_kind=theme_rows,
        by_theme=[Figure(row.theme, row.label, row.total) for row in theme_rows],
        by_kind=by_kind,
        by_commune=sorted(
            (Figure(str(row["commune_id"]), row["commune__name"], row["n"]) for row in by_commune),
            key=lambda bar: (-bar.value, bar.label),
        ),
        by_place=sorted(
            (Figure(row["key"], row["label"], row["n"]) for row in by_place),
            key=lambda bar: (-bar.value, bar.label.casefold()),
        ),
        by_component=sorted(
            _bars(by_component, "component", dict(Component.choices)), key=lambda b: -b.value
        ),
        texts_by_theme=[(row.label, grouped[row.theme]) for row in theme_rows],
    )
