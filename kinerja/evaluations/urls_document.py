"""Evaluation pages: the evaluation document (see kinerja/evaluations/urls.py)."""

from django.urls import path

from kinerja.evaluations import views_document

urlpatterns = [
    path("penilaian/<int:pk>/dokumen.pdf", views_document.evaluation_document,
         name="evaluation_document"),
]
