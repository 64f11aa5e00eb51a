from __future__ import annotations

from django.urls import path

from maillage.ingestion.views import documents

urlpatterns = [
    path("", documents.document_list, name="documents"),
    path("lots/<int:pk>/", documents.batch_detail, name="batch"),
    path("<int:pk>/", documents.document_detail, name="document"),
]
