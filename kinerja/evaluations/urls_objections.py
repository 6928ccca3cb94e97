"""Evaluation pages: objections (see kinerja/evaluations/urls.py)."""

from django.urls import URLPattern, path

from kinerja.evaluations import views_objections

urlpatterns: list[URLPattern] = [
    path("keberatan/", views_objections.objection_list, name="objection_list"),
    path("keberatan/<int:pk>/", views_objections.objection_detail, name="objection_detail"),
]
