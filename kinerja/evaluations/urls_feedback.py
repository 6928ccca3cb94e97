"""Evaluation pages: feedback (see kinerja/evaluations/urls.py)."""

from django.urls import URLPattern, path

from kinerja.evaluations import views_feedback

urlpatterns: list[URLPattern] = [
    path("umpan-balik/", views_feedback.feedback_list, name="feedback_list"),
    path("umpan-balik/baru/", views_feedback.feedback_add, name="feedback_add"),
    path("umpan-balik/dialog/", views_feedback.dialogue_add, name="dialogue_add"),
]
