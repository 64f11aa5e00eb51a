"""The tabs of one diagnosis, shared by the pages of every part of the diagnostics app.

    {% load diagnosis_nav %}{% diagnosis_tabs diagnosis current as tabs %}

Each tab is offered only to those its page would not refuse: the moderation of contributions to
those who moderate, the public link to those who change the diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.diagnostics import access
from maillage.diagnostics.models import Diagnosis

register = template.Library()


@dataclass(frozen=True)
class Tab:
    label: str
    url: str
    current: bool


# (key, URL name, label, who sees it: None = every reader, else an access rule)
TABS = (
    ("detail", "detail", _("Diagnostic"), None),
    ("steering", "steering", _("Pilotage"), None),
    ("contributions", "moderation", _("Contributions"), access.can_moderate),
    ("pooling", "pooling", _("Mise en commun"), None),
    ("priorities", "priorities", _("Priorités"), None),
    ("share", "share", _("Partager"), access.can_edit_diagnosis),
)


@register.simple_tag(takes_context=True)
def diagnosis_tabs(context: dict[str, Any], diagnosis: Diagnosis, current: str) -> list[Tab]:
    user = context["request"].user
    tabs = []
    for key, url_name, label, rule in TABS:
        if rule is not None and not rule(user, diagnosis):
            continue
        url = reverse(f"diagnostics:{url_name}", args=[diagnosis.pk])
        tabs.append(Tab(label=str(label), url=url, current=key == current))
    return tabs
