"""The collective actions API (`/api/v1/actions`), one router per part."""

from ninja import Router

from maillage.actions.api import actions, reports, sessions, time

router = Router(tags=["Actions collectives"])
router.add_router("", actions.router)
router.add_router("", sessions.router)
router.add_router("", time.router)
router.add_router("", reports.router)
