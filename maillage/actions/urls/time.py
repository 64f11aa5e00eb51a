from __future__ import annotations

from django.urls import URLPattern, path

from maillage.actions.views import time as views

urlpatterns: list[URLPattern] = [
    path("temps/", views.time_dashboard, name="time_dashboard"),
    path("temps/<int:pk>/supprimer/", views.time_entry_delete, name="time_entry_delete"),
    path("<int:pk>/temps/", views.action_time, name="time"),
    path("<int:pk>/seances/<int:session_pk>/temps/", views.session_time, name="session_time"),
]
