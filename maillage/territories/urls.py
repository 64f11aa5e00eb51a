from __future__ import annotations

from django.urls import path

from maillage.territories import views

app_name = "territories"

urlpatterns = [
    path("", views.search, name="search"),
    path("suggestions", views.suggestions, name="suggestions"),
    path("importer/", views.import_territories, name="import"),
    path("<str:level>/<str:code>/", views.detail, name="detail"),
]
