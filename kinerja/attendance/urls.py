"""Pages of attendance, one module per area: one's own month and a team's (urls_days), the
working calendar (urls_calendar), discipline cases (urls_discipline)."""

from django.urls import include, path

urlpatterns = [
    path("", include("kinerja.attendance.urls_days")),
    path("", include("kinerja.attendance.urls_calendar")),
    path("", include("kinerja.attendance.urls_discipline")),
]
