"""The diagnostics API (`/api/v1/diagnostics`), one router per part. The diagnosis router is the
root, so its "" routes are `/api/v1/diagnostics` itself; the other parts use fixed first segments
(`/indicators`, `/profiles`, `/public`) or `/{diagnosis_id}` typed as an int."""

from maillage.diagnostics.api import contributions, diagnoses, indicators, priorities, profiles

router = diagnoses.router
router.add_router("", indicators.router)
router.add_router("", profiles.router)
router.add_router("", contributions.router)
router.add_router("", priorities.router)
