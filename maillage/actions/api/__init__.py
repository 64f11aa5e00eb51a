"""The collective actions API (`/api/v1/actions`), one router per part. The action router is
the root, so its "" routes are `/api/v1/actions` itself, without a trailing slash."""

from maillage.actions.api import actions, logbook, participants, reports, sessions, steering, time

router = actions.router
router.add_router("", sessions.router)
router.add_router("", time.router)
router.add_router("", reports.router)
router.add_router("", steering.router)
router.add_router("", logbook.router)
router.add_router("", participants.router)
