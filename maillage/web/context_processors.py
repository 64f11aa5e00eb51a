from __future__ import annotations

from django.http import HttpRequest

from maillage.web.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, object]:
    return {"main_menu": menu_for(request.path)}
