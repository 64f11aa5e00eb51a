from __future__ import annotations

from django.urls import path

from maillage.ingestion.views import review

urlpatterns = [
    path("propositions/", review.candidate_list, name="candidates"),
    path("propositions/<int:pk>/", review.candidate_detail, name="candidate"),
]
