"""The attendance API: days, calendar, holidays and discipline cases (api_attendance)."""

from ninja import Router

from kinerja.attendance.api_attendance import router as attendance_router

router = Router()
router.add_router("/", attendance_router)
