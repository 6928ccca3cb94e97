"""Activities pages: logs (see kinerja/activities/urls.py).

One placeholder per route: the log, or the evidence item the page is about (found through the
same scoped look-ups: 404 outside the user's scope)."""

from django.urls import path

from kinerja.activities import views_logs as views

urlpatterns = [
    path("kegiatan/", views.activity_list, name="activity_list"),
    path("kegiatan/baru/", views.activity_new, name="activity_new"),
    path("kegiatan/ajukan-hari/", views.activity_submit_day, name="activity_submit_day"),
    path("kegiatan/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("kegiatan/<int:pk>/ubah/", views.activity_edit, name="activity_edit"),
    path("kegiatan/<int:pk>/ajukan/", views.activity_submit, name="activity_submit"),
    path("kegiatan/<int:pk>/hapus/", views.activity_delete, name="activity_delete"),
    path("kegiatan/<int:pk>/bukti/", views.evidence_add, name="evidence_add"),
    path("kegiatan/bukti/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("kegiatan/bukti/<int:pk>/hapus/", views.evidence_remove, name="evidence_remove"),
]
