"""The activities API: logs, evidence and verification (api_logs); assignments (api_assignments)."""

from ninja import Router

from kinerja.activities.api_assignments import router as assignments_router
from kinerja.activities.api_logs import router as logs_router

router = Router()
router.add_router("/", logs_router)
router.add_router("/", assignments_router)
