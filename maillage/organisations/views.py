from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def organisation_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


def audit_log(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")
