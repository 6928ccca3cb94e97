"""Evaluation pages: calibration (see kinerja/evaluations/urls.py and views_calibration.py)."""

from django.urls import path

from kinerja.evaluations import views_calibration as views

urlpatterns = [
    path("kalibrasi/", views.calibration, name="calibration"),
    path("kalibrasi/opd/<int:opd_pk>/", views.calibration_opd, name="calibration_opd"),
    path("kalibrasi/opd/<int:opd_pk>/predikat/", views.calibration_org_predikat,
         name="calibration_org_predikat"),
    path("kalibrasi/penilaian/<int:evaluation_pk>/", views.calibration_change,
         name="calibration_change"),
]
