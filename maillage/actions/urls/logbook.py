from __future__ import annotations

from django.urls import URLPattern, path

from maillage.actions.views import logbook as views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/journal/", views.logbook, name="logbook"),
    path("<int:pk>/journal/documents/", views.document_add, name="document_add"),
    path("journal/<int:pk>/suite/", views.log_entry_outcome, name="log_entry_outcome"),
    path("journal/<int:pk>/a-retenir/", views.log_entry_highlight, name="log_entry_highlight"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/retirer/", views.document_remove, name="document_remove"),
]
