"""Attendance pages: discipline."""

urlpatterns: list = []
