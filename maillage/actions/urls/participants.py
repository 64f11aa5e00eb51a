from __future__ import annotations

from django.urls import URLPattern, path

from maillage.actions.views import participants

urlpatterns: list[URLPattern] = [
    path("<int:pk>/participants/", participants.participant_list, name="participants"),
    path("<int:pk>/participants/ajouter/", participants.participant_add, name="participant_add"),
    path("participants/<int:pk>/", participants.participant_detail, name="participant"),
    path(
        "participants/<int:pk>/fusionner/",
        participants.participant_merge,
        name="participant_merge",
    ),
    path(
        "participants/<int:pk>/export/", participants.participant_export, name="participant_export"
    ),
    path(
        "participants/<int:pk>/effacer/", participants.participant_erase, name="participant_erase"
    ),
    path("criteres/", participants.eligibility_tags, name="eligibility_tags"),
]
