from __future__ import annotations

from django.urls import path

from maillage.ingestion.views import library

urlpatterns = [
    path("bibliotheque/", library.reference_list, name="references"),
    path("bibliotheque/<int:pk>/", library.reference_detail, name="reference"),
]
