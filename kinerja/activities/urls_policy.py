"""Activities pages: the instansi's activity policy."""

from django.urls import path

from kinerja.activities import views_policy

urlpatterns = [
    path("pengaturan/kegiatan/", views_policy.activity_policy, name="activity_policy"),
]
