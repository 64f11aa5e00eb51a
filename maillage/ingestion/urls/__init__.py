"""The pages of assisted capitalisation, one module per part (documents and their import, the
review queue of candidate sheets, the library of references), mounted under /documents/."""

from __future__ import annotations

from maillage.ingestion.urls import documents, library, review

app_name = "ingestion"
urlpatterns = [*documents.urlpatterns, *review.urlpatterns, *library.urlpatterns]
