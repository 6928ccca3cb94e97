"""Attendance pages: calendar."""

urlpatterns: list = []
