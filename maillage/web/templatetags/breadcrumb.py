"""The DSFR breadcrumb (« fil d'Ariane »), written once for every page.

    {% url 'referential:index' as index_url %}
    {% breadcrumb _("Référentiel") index_url scheme term.label %}

Arguments are the parent pages, then the current page's label. A parent is a label followed by
its URL, or an object with `get_absolute_url` (its `name`, else its text, is the label), or a
list of such objects. « Accueil » comes first by itself.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def _link(item: Any) -> tuple[str, str]:
    return str(getattr(item, "name", None) or item), item.get_absolute_url()


@register.inclusion_tag("web/breadcrumb.html")
def breadcrumb(*items: Any) -> dict[str, Any]:
    *parents, current = items
    links: list[tuple[str, str]] = []
    label: Any = None
    for item in parents:
        if isinstance(item, list | tuple):
            links.extend(_link(each) for each in item)
        elif hasattr(item, "get_absolute_url"):
            links.append(_link(item))
        elif label is None:
            label = item
        else:
            links.append((str(label), str(item)))
            label = None
    if label is not None:
        raise template.TemplateSyntaxError(f"breadcrumb: « {label} » has no URL")
    return {"links": links, "current": current}
