"""The pages of territorial diagnosis, one module per part (indicators, profiles, diagnoses,
contributions, priorities), mounted under /diagnostics/."""

from __future__ import annotations

from maillage.diagnostics.urls import contributions, diagnoses, indicators, priorities, profiles

app_name = "diagnostics"
urlpatterns = [
    *indicators.urlpatterns,
    *profiles.urlpatterns,
    *contributions.urlpatterns,
    *priorities.urlpatterns,
    *diagnoses.urlpatterns,
]
