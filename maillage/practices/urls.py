from __future__ import annotations

from django.urls import path

from maillage.practices import views

app_name = "practices"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
]
