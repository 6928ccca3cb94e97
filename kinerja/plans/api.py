"""The plans API: one router per area (SKP, goals and tree, SKP document, team)."""

from ninja import Router

from kinerja.plans.api_document import router as document_router
from kinerja.plans.api_goals import router as goals_router
from kinerja.plans.api_skp import router as skp_router
from kinerja.plans.api_team import router as team_router

router = Router()
router.add_router("/", skp_router)
router.add_router("/", goals_router)
router.add_router("/", document_router)
router.add_router("/", team_router)
