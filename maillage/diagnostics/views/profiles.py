"""The territorial profile pages: a territory picker, then the profile of the chosen territory
(its indicators by theme beside its département and France, bars, a map of its communes, its
actors, actions and practices) and its CSV/XLSX export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from maillage.actions.access import located_in, visible_actions
from maillage.diagnostics.models import Indicator, Theme
from maillage.diagnostics.profile_display import ShownRow, shown_row
from maillage.diagnostics.profiles import (
    Profile,
    ProfileRow,
    commune_values,
    profile_communes,
)
from maillage.diagnostics.profiles import territory_profile as build_profile
from maillage.diagnostics.reports.profile_exports import FORMATS, profile_export
from maillage.organisations.models import Organisation
from maillage.practices.exports.sheets import public_practices
from maillage.territories.forms import TerritoryChoiceField
from maillage.territories.maps import CommuneMap, commune_map
from maillage.territories.models import Level, Territory
from maillage.territories.widgets import TYPED_SUFFIX

# Beyond these, the lists link to the directory and the searches rather than grow the page.
LISTED = 20


class ProfilePickerForm(forms.Form):
    territoire = TerritoryChoiceField(
        label=gettext_lazy("Territoire"),
        help_text=gettext_lazy(
            "Une commune, une EPCI, un département, une région ou un territoire personnalisé "
            "(bassin de vie, quartier…) : tapez le début d'un nom ou un code, puis choisissez."
        ),
        submit_on_choose=True,
    )


class ProfileFilterForm(forms.Form):
    theme = forms.ChoiceField(
        label=gettext_lazy("Thème"),
        required=False,
        choices=[("", gettext_lazy("Tous les thèmes")), *Theme.choices],
    )
    carte = forms.ChoiceField(
        label=gettext_lazy("Indicateur montré sur la carte"), required=False, choices=[]
    )

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carte"].choices = [
            ("", gettext_lazy("Aucun (les communes seules)")),
            *((indicator.code, indicator.label) for indicator in indicators),
        ]


@dataclass(frozen=True)
class ThemeGroup:
    label: str
    rows: list[ShownRow]


def _groups(profile: Profile) -> list[ThemeGroup]:
    groups: dict[str, list[ProfileRow]] = {}
    for row in profile.rows:
        groups.setdefault(row.indicator.theme, []).append(row)
    labels = dict(Theme.choices)
    return [
        ThemeGroup(label=str(labels[theme]), rows=[shown_row(profile, row) for row in rows])
        for theme, rows in sorted(groups.items(), key=lambda item: Theme.values.index(item[0]))
    ]


def _inside(territory: Territory, prefix: str) -> Q:
    """Objects whose territories are this one or lie inside it (for a custom territory: its
    communes)."""
    condition = located_in({territory.pk}, prefix)
    if territory.level == Level.CUSTOM:
        communes = Territory.objects.communes_of(territory).values("pk")
        condition |= Q(**{f"{prefix}__in": communes})
    return condition


def _distinct(queryset: QuerySet, condition: Q) -> QuerySet:
    # The join through the territories repeats an object once per matching territory.
    return queryset.model.objects.filter(pk__in=queryset.filter(condition).values("pk"))


def _around(request: HttpRequest, territory: Territory) -> dict[str, Any]:
    """The territory's actors, the actions the user may read there, the published practices."""
    organisations = _distinct(Organisation.objects.all(), _inside(territory, "territories"))
    actions = _distinct(visible_actions(request.user), _inside(territory, "territories"))
    practices = _distinct(public_practices(), _inside(territory, "territories"))
    return {
        "organisations": list(organisations.order_by("name")[: LISTED + 1]),
        "actions": list(actions.order_by("-start_date", "title")[: LISTED + 1]),
        "practices": list(practices.order_by("-published_at", "title")[: LISTED + 1]),
        "listed": LISTED,
    }


def _map(territory: Territory, indicators: list[Indicator], code: str) -> CommuneMap | None:
    if not territory.has_communes:
        return None
    communes = profile_communes(territory)
    indicator = next((indicator for indicator in indicators if indicator.code == code), None)
    if indicator is None:
        return commune_map(communes, title=_("Les communes de %(name)s") % {"name": territory.name})
    return commune_map(
        communes,
        values=commune_values(indicator, communes),
        title=_("%(indicator)s, commune par commune") % {"indicator": indicator.label},
        unit=indicator.unit,
    )


@require_GET
def profile_picker(request: HttpRequest) -> HttpResponse:
    chosen = {"territoire", "territoire" + TYPED_SUFFIX} & set(request.GET)
    form = ProfilePickerForm(request.GET if chosen else None)
    if form.is_bound and form.is_valid():
        territory = form.cleaned_data["territoire"]
        return redirect("diagnostics:profile", territory.level, territory.code)
    return render(request, "diagnostics/profile_picker.html", {"form": form})


@require_GET
def profile(request: HttpRequest, level: str, code: str) -> HttpResponse:
    territory = Territory.objects.get_for_page(level, code)
    profile = build_profile(territory)
    known = [row.indicator for row in profile.rows if row.here.value is not None]
    form = ProfileFilterForm(request.GET, indicators=known)
    # A wrong choice in one field (an indicator unknown here) leaves the other one applied.
    form.is_valid()
    theme = form.cleaned_data.get("theme", "")
    map_code = form.cleaned_data.get("carte", "")
    if theme:
        profile.rows = [row for row in profile.rows if row.indicator.theme == theme]
    if extension := request.GET.get("format"):
        return profile_export(request, profile, extension)
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "diagnostics/profile.html",
        {
            "territory": territory,
            "profile": profile,
            "groups": _groups(profile),
            "form": form,
            "map": _map(territory, known, map_code),
            "query": query.urlencode(),
            "formats": FORMATS,
            "territory_url": reverse("territories:detail", args=[territory.level, territory.code]),
            **_around(request, territory),
        },
    )
