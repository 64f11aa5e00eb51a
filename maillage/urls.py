from __future__ import annotations

from django.urls import include, path

from maillage.api import api

urlpatterns = [
    path("", include("maillage.web.urls")),
    path("pratiques/", include("maillage.practices.urls")),
    path("actions/", include("maillage.actions.urls")),
    path("diagnostics/", include("maillage.diagnostics.urls")),
    path("documents/", include("maillage.ingestion.urls")),
    path("territoires/", include("maillage.territories.urls")),
    path("referentiel/", include("maillage.referential.urls")),
    path("organisations/", include("maillage.organisations.urls")),
    path("api/v1/", api.urls),
]
