"""Plans pages: skp (see kinerja/plans/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
