"""The pages of collective actions, one module per part (action, participants, sessions and
attendance, time, logbook, reports), mounted under /actions/."""

from __future__ import annotations

from maillage.actions.urls import actions, logbook, participants, reports, sessions, time

app_name = "actions"
urlpatterns = [
    *actions.urlpatterns,
    *participants.urlpatterns,
    *sessions.urlpatterns,
    *time.urlpatterns,
    *logbook.urlpatterns,
    *reports.urlpatterns,
]
