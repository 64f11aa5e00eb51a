from __future__ import annotations

from django.urls import URLPattern, path

from maillage.actions.views import reports as views

urlpatterns: list[URLPattern] = [
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("bilan/", views.area_report, name="area_report"),
    path("financeurs/<int:organisation_pk>/bilan/", views.funder_report, name="funder_report"),
    path("<int:pk>/bilan/", views.action_report, name="report"),
]
