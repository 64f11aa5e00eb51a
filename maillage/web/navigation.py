"""The main menu. Each domain app declares its entries on its AppConfig as `menu`, so a module
appears in the navigation when it exists, and never as a dead link before."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    order: int
    login_required: bool = False


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool


def menu_for(request: HttpRequest) -> list[MenuLink]:
    entries: list[MenuEntry] = [
        entry for config in apps.get_app_configs() for entry in getattr(config, "menu", ())
    ]
    entries.sort(key=lambda entry: entry.order)
    links = []
    for entry in entries:
        if entry.login_required and not request.user.is_authenticated:
            continue
        url = reverse(entry.url_name)
        current = request.path == url if url == "/" else request.path.startswith(url)
        links.append(MenuLink(label=str(entry.label), url=url, current=current))
    return links
