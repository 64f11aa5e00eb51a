from __future__ import annotations

from django.urls import path

from maillage.diagnostics.views import indicators

# The fixed paths come before `<slug:code>`, and the write functions refuse these two words as
# indicator codes, so that no indicator hides a page.
urlpatterns = [
    path("indicateurs/", indicators.indicator_list, name="indicators"),
    path("indicateurs/nouveau/", indicators.indicator_create, name="indicator_create"),
    path("indicateurs/importer/", indicators.indicator_import, name="indicator_import"),
    path("indicateurs/<slug:code>/", indicators.indicator_detail, name="indicator"),
    path("indicateurs/<slug:code>/modifier/", indicators.indicator_edit, name="indicator_edit"),
]
