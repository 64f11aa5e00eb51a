from __future__ import annotations

from django.urls import path

from maillage.diagnostics.views import priorities

urlpatterns = [
    path("<int:pk>/priorites/", priorities.priority_list, name="priorities"),
    path("priorites/<int:pk>/vote/", priorities.priority_vote, name="priority_vote"),
    path("priorites/<int:pk>/decision/", priorities.priority_decide, name="priority_decide"),
    path(
        "priorites/<int:pk>/action/", priorities.priority_start_action, name="priority_start_action"
    ),
]
