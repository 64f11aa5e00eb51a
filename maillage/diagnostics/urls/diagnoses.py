from __future__ import annotations

from django.urls import path

from maillage.diagnostics.views import diagnoses

urlpatterns = [
    path("", diagnoses.diagnosis_list, name="list"),
]
