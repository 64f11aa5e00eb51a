from __future__ import annotations

from django.urls import path

from maillage.referential import views

app_name = "referential"

urlpatterns = [path("", views.index, name="index")]
