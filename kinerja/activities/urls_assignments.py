"""Activities pages: assignments (see kinerja/activities/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
