"""Attendance pages: the working calendar of a year, its OPD and unit schedules and its
holidays (see kinerja/attendance/urls.py)."""

from django.urls import URLPattern, path

from kinerja.attendance import views_calendar as views

urlpatterns: list[URLPattern] = [
    path("kehadiran/kalender/", views.calendar_index, name="attendance_calendar"),
    path("kehadiran/kalender/jadwal/baru/", views.schedule_new, name="attendance_schedule_new"),
    path("kehadiran/kalender/jadwal/<int:pk>/", views.schedule_edit,
         name="attendance_schedule_edit"),
    path("kehadiran/kalender/jadwal/<int:pk>/hapus/", views.schedule_delete,
         name="attendance_schedule_delete"),
    path("kehadiran/kalender/libur/", views.holiday_add, name="attendance_holiday_add"),
    path("kehadiran/kalender/libur/<int:pk>/hapus/", views.holiday_delete,
         name="attendance_holiday_delete"),
]
