"""Activities pages: monitoring (see kinerja/activities/urls.py)."""

from django.urls import URLPattern, path

from kinerja.activities import views_monitor

urlpatterns: list[URLPattern] = [
    path("pemantauan/tim/", views_monitor.team, name="monitor_team"),
    path("pemantauan/opd/", views_monitor.opd, name="monitor_opd"),
    path("pemantauan/opd/<int:pk>/", views_monitor.opd, name="monitor_opd_detail"),
]
