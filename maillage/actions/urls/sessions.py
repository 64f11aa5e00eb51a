from __future__ import annotations

from django.urls import URLPattern, path

from maillage.actions.views import sessions

urlpatterns: list[URLPattern] = [
    path("<int:pk>/seances/", sessions.session_list, name="sessions"),
    path("<int:pk>/seances/prevoir/", sessions.session_plan, name="session_plan"),
    path("<int:pk>/seances/serie/", sessions.series_plan, name="series_plan"),
    path("<int:pk>/seances/<int:session_pk>/", sessions.session_page, name="session"),
    path("<int:pk>/seances/<int:session_pk>/presences/", sessions.attendance, name="attendance"),
]
