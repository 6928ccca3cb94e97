"""Plans pages: organisation goals, their import and the cascading tree (see
kinerja/plans/urls.py)."""

from django.urls import path

from kinerja.plans import views_goals as views

urlpatterns = [
    path("sasaran/", views.goals, name="goals"),
    path("sasaran/impor/", views.goals_import_page, name="goals_import"),
    path("sasaran/impor/template.xlsx", views.goals_template, name="goals_template"),
    path("sasaran/opd/<int:opd_id>/perjanjian/", views.perjanjian_save,
         name="goals_perjanjian_save"),
    path("sasaran/perjanjian/<int:pk>/sasaran/", views.sasaran_add, name="goals_sasaran_add"),
    path("sasaran/sasaran/<int:pk>/", views.sasaran_edit, name="goals_sasaran_edit"),
    path("sasaran/sasaran/<int:pk>/hapus/", views.sasaran_delete, name="goals_sasaran_delete"),
    path("sasaran/sasaran/<int:pk>/iku/", views.iku_add, name="goals_iku_add"),
    path("sasaran/iku/<int:pk>/", views.iku_edit, name="goals_iku_edit"),
    path("sasaran/iku/<int:pk>/hapus/", views.iku_delete, name="goals_iku_delete"),
    path("sasaran/iku/<int:pk>/realisasi/", views.iku_realisation, name="goals_iku_realisation"),
    path("pohon-kinerja/", views.tree, name="tree"),
    path("pohon-kinerja/rhk/<int:pk>/", views.tree_rhk, name="tree_rhk"),
]
