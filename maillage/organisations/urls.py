from __future__ import annotations

from django.urls import path

from maillage.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("journal/", views.audit_log, name="audit"),
]
