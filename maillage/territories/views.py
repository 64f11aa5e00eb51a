from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maillage.organisations.access import can_manage_custom_territories, require
from maillage.organisations.types import AuthenticatedRequest
from maillage.territories.forms import GoToTerritoryForm, ImportForm, TerritorySearchForm
from maillage.territories.maps import commune_map
from maillage.territories.models import Level, Territory
from maillage.territories.operations import import_custom_territories
from maillage.territories.search import search_territories
from maillage.territories.widgets import TYPED_SUFFIX

SEARCH_RESULTS = 50
SUGGESTIONS = 10
COMMUNES_PER_PAGE = 50


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The picker takes a person straight to a territory; the plain search lists matches."""
    go_to = GoToTerritoryForm(
        request.GET if {"territoire", "territoire" + TYPED_SUFFIX} & set(request.GET) else None
    )
    if go_to.is_bound and go_to.is_valid():
        return redirect(go_to.cleaned_data["territoire"])
    form = TerritorySearchForm(request.GET if "q" in request.GET else None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = search_territories(query, limit=SEARCH_RESULTS) if query else []
    return render(
        request,
        "territories/search.html",
        {"go_to": go_to, "form": form, "query": query, "results": results},
    )


@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """The picker's options, as an HTML fragment for htmx."""
    query = request.GET.get("q", "")[:100]
    levels = {level for level in request.GET.get("levels", "").split(",") if level in Level.values}
    territories = search_territories(query, levels=levels, limit=SUGGESTIONS)
    return render(request, "territories/_suggestions.html", {"territories": territories})


@require_GET
def detail(request: HttpRequest, level: str, code: str) -> HttpResponse:
    territory = Territory.objects.get_for_page(level, code)
    context: dict[str, object] = {"territory": territory}
    if territory.has_communes:
        communes = (
            Territory.objects.communes_of(territory)
            .select_related("departement", "epci")
            .order_by("name", "code")
        )
        context["communes"] = Paginator(communes, COMMUNES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        context["commune_map"] = commune_map(
            Territory.objects.communes_of(territory),
            title=_("Les communes de %(name)s") % {"name": territory.name},
        )
    if territory.level == Level.COMMUNE:
        context["arrondissements"] = Territory.objects.filter(
            level=Level.ARRONDISSEMENT, parent=territory
        ).order_by("code")
        context["containers"] = territory.containers.order_by("kind", "name")
    return render(request, "territories/detail.html", context)


@login_required
def import_territories(request: AuthenticatedRequest) -> HttpResponse:
    require(
        can_manage_custom_territories(request.user),
        _(
            "Seuls les coordinateurs départementaux et les administrateurs nationaux importent "
            "des territoires personnalisés."
        ),
    )
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_custom_territories(
                request.user,
                form.cleaned_data["file"],
                form.cleaned_data["kind"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "territories/import.html", {"form": form, "report": report})
