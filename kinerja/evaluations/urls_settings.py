"""Evaluation pages: the evaluation settings and the recompute of a period (see
kinerja/evaluations/urls.py and views_settings.py)."""

from django.urls import path

from kinerja.evaluations import views_settings as views

urlpatterns = [
    path("pengaturan/penilaian/", views.evaluation_settings, name="evaluation_settings"),
    path("penilaian/hitung-ulang/", views.recompute, name="recompute"),
    path("penilaian/hitung-ulang/<int:run_pk>/", views.recompute_run, name="recompute_run"),
]
