from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.diagnostics import access


def diagnosis_list(request: HttpRequest) -> HttpResponse:
    diagnoses = (access.visible_diagnoses(request.user) | access.public_diagnoses()).select_related(
        "territory", "organisation"
    )
    return render(request, "diagnostics/diagnosis_list.html", {"diagnoses": diagnoses})
