from __future__ import annotations

from django.urls import path

from maillage.diagnostics.views import diagnoses

urlpatterns = [
    path("", diagnoses.diagnosis_list, name="list"),
    path("nouveau/", diagnoses.create, name="create"),
    path("<int:pk>/", diagnoses.detail, name="detail"),
    path("<int:pk>/modifier/", diagnoses.edit, name="edit"),
    path("<int:pk>/pilotage/", diagnoses.steering, name="steering"),
    path("<int:pk>/composantes/<str:component>/", diagnoses.section, name="section"),
    path("<int:pk>/statut/", diagnoses.status, name="status"),
    path("<int:pk>/synthese/", diagnoses.synthesis, name="synthesis"),
    path("<int:pk>/rapport.pdf", diagnoses.pdf, name="pdf"),
]
