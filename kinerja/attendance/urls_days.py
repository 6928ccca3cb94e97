"""Attendance pages: days."""

urlpatterns: list = []
