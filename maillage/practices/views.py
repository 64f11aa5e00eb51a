# Placeholder written by the lead so the tree imports; the practices engineers replace it.
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def search(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "web/home.html")
