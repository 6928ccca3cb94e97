"""Activities pages: the supervisor's verification queue (see kinerja/activities/urls.py)."""

from django.urls import URLPattern, path

from kinerja.activities import views_verify

urlpatterns: list[URLPattern] = [
    path("verifikasi/", views_verify.queue, name="verification_queue"),
    path("verifikasi/pilihan/", views_verify.verify_many, name="verification_verify_many"),
    path("verifikasi/<int:pk>/verifikasi/", views_verify.verify_one, name="verification_verify"),
    path("verifikasi/<int:pk>/kembalikan/", views_verify.return_one, name="verification_return"),
]
