"""Attendance pages: discipline cases (see kinerja/attendance/urls.py)."""

from django.urls import URLPattern, path

from kinerja.attendance import views_discipline as views

urlpatterns: list[URLPattern] = [
    path("kehadiran/disiplin/", views.discipline_list, name="discipline_list"),
    path("kehadiran/disiplin/<int:pk>/batal/", views.discipline_cancel,
         name="discipline_cancel"),
]
