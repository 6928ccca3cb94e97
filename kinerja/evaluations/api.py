"""The evaluations API: evaluations and their breakdown (api_evaluations), objections
(api_objections), feedback and dialogues (api_feedback), calibration, organisation predikat,
rater analytics, policy and recompute (api_calibration), the document (api_document)."""

from ninja import Router

from kinerja.evaluations.api_calibration import router as calibration_router
from kinerja.evaluations.api_document import router as document_router
from kinerja.evaluations.api_evaluations import router as evaluations_router
from kinerja.evaluations.api_feedback import router as feedback_router
from kinerja.evaluations.api_objections import router as objections_router

router = Router()
router.add_router("/", evaluations_router)
router.add_router("/", objections_router)
router.add_router("/", feedback_router)
router.add_router("/", calibration_router)
router.add_router("/", document_router)
