"""Pages of daily work, one module per area: the employee's logs and evidence (urls_logs), the
supervisor's verification queue (urls_verify), assignments (urls_assignments), monitoring
(urls_monitor)."""

from django.urls import include, path

urlpatterns = [
    path("", include("kinerja.activities.urls_logs")),
    path("", include("kinerja.activities.urls_verify")),
    path("", include("kinerja.activities.urls_assignments")),
    path("", include("kinerja.activities.urls_monitor")),
    path("", include("kinerja.activities.urls_policy")),
]
