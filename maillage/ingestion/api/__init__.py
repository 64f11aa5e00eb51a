"""The ingestion API (`/api/v1/ingestion`): `/documents`, `/candidates`, `/references`."""

from maillage.ingestion.api import documents, library, review

router = documents.router
router.add_router("", review.router)
router.add_router("", library.router)
