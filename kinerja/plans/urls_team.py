"""Plans pages: the supervisor's team planning (SKP status, matriks peran hasil), the monthly
plan of an SKP and starting an SKP from an earlier one (see kinerja/plans/urls.py)."""

from django.urls import path

from kinerja.plans import views_team

urlpatterns = [
    path("tim/skp/", views_team.team_skp, name="team_skp"),
    path("tim/matriks/", views_team.team_matrix, name="team_matrix"),
    path("rhk/<int:pk>/turunkan/", views_team.rhk_hand_down, name="rhk_hand_down"),
    path("skp/<int:pk>/rencana-aksi/", views_team.monthly_plan, name="monthly_plan"),
    path("skp/salin/", views_team.skp_copy, name="skp_copy"),
]
