from __future__ import annotations

from django.urls import path

from maillage.referential import views

app_name = "referential"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.<slug:extension>", views.export, name="export"),
    path("<slug:scheme_code>/", views.scheme_detail, name="scheme"),
    path("<slug:scheme_code>/<slug:term_code>/", views.term_detail, name="term"),
]
