"""Activities pages: assignments (see kinerja/activities/urls.py)."""

from django.urls import path

from kinerja.activities import views_assignments as views

urlpatterns = [
    path("penugasan/", views.assignment_list, name="assignment_list"),
    path("penugasan/baru/", views.assignment_new, name="assignment_new"),
    path("penugasan/tim/", views.assignment_team, name="assignment_team"),
    path("penugasan/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("penugasan/<int:pk>/status/", views.assignment_transition, name="assignment_transition"),
    path("penugasan/<int:pk>/progres/", views.assignment_progress, name="assignment_progress"),
    path("penugasan/<int:pk>/komentar/", views.assignment_comment, name="assignment_comment"),
]
