"""Evaluation pages: the user's own evaluations, the supervisor's team, one evaluation with its
self-assessment, rating, finalising, acknowledging, objecting and reopening forms, and the
explanation of its result (see kinerja/evaluations/urls.py)."""

from django.urls import path

from kinerja.evaluations.views_evaluation import actions, pages

urlpatterns = [
    path("penilaian/", pages.evaluation_list, name="evaluation_list"),
    path("penilaian/tim/", pages.evaluation_team, name="evaluation_team"),
    path("penilaian/ringkasan/", pages.evaluation_summary, name="evaluation_summary"),
    path("penilaian/mulai/", pages.evaluation_start, name="evaluation_start"),
    path("penilaian/<int:pk>/", pages.evaluation_detail, name="evaluation_detail"),
    path("penilaian/<int:pk>/rincian/", pages.evaluation_breakdown, name="evaluation_breakdown"),
    path("penilaian/<int:pk>/penilaian-diri/", actions.evaluation_self_save,
         name="evaluation_self_save"),
    path("penilaian/<int:pk>/ajukan/", actions.evaluation_self_submit,
         name="evaluation_self_submit"),
    path("penilaian/<int:pk>/nilai/", actions.evaluation_rate, name="evaluation_rate"),
    path("penilaian/<int:pk>/tetapkan/", actions.evaluation_finalise, name="evaluation_finalise"),
    path("penilaian/<int:pk>/terima/", actions.evaluation_acknowledge,
         name="evaluation_acknowledge"),
    path("penilaian/<int:pk>/keberatan/", actions.evaluation_object, name="evaluation_object"),
    path("penilaian/<int:pk>/buka/", actions.evaluation_reopen, name="evaluation_reopen"),
]
