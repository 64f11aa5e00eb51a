from __future__ import annotations

from django.urls import path

from maillage.territories import views

app_name = "territories"

urlpatterns = [path("", views.search, name="search")]
