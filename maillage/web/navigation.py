"""The main menu. Each domain app declares its entries on its AppConfig as `menu`, so a module
appears in the navigation when it exists, and never as a dead link before."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    order: int


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool


def menu_for(path: str) -> list[MenuLink]:
    entries = sorted(
        (entry for config in apps.get_app_configs() for entry in getattr(config, "menu", ())),
        key=lambda entry: entry.order,
    )
    links = []
    for entry in entries:
        url = reverse(entry.url_name)
        links.append(MenuLink(label=str(entry.label), url=url, current=path.startswith(url)))
    return links
