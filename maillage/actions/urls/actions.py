from __future__ import annotations

from django.urls import URLPattern, path

from maillage.actions.views import actions as views
from maillage.actions.views import capitalise

urlpatterns: list[URLPattern] = [
    path("", views.action_list, name="list"),
    path("nouvelle/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/objectifs/", views.objectives, name="objectives"),
    path("<int:pk>/equipe/", views.team, name="team"),
    path("<int:pk>/phases/", views.phases, name="phases"),
    path("<int:pk>/capitaliser/", capitalise.capitalise, name="capitalise"),
]
