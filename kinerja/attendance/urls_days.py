"""Attendance pages: one's own month, someone else's in scope, and the month summary (see
kinerja/attendance/urls.py)."""

from django.urls import URLPattern, path

from kinerja.attendance import views_days

urlpatterns: list[URLPattern] = [
    path("kehadiran/", views_days.my_month, name="attendance_mine"),
    path("kehadiran/pegawai/<str:nip>/", views_days.person_month, name="attendance_person"),
    path("kehadiran/rekap/", views_days.summary, name="attendance_summary"),
]
