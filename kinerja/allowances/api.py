"""The TPP API: months, lines, explanations and adjustments (api_months), presets, versions and
the what-if (api_presets)."""

from ninja import Router

from kinerja.allowances.api_months import router as months_router
from kinerja.allowances.api_presets import router as presets_router

router = Router()
router.add_router("/", months_router)
router.add_router("/", presets_router)
