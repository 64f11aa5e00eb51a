from __future__ import annotations

from django.urls import path

from maillage.diagnostics.views import profiles

urlpatterns = [
    path("profil/", profiles.profile_picker, name="profiles"),
    path("profil/<str:level>/<str:code>/", profiles.profile, name="profile"),
]
