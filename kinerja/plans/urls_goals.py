"""Plans pages: goals (see kinerja/plans/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
