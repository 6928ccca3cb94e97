"""Pages for two-factor authentication (kinerja/people/twofactor_views.py)."""

from django.urls import path

from kinerja.people import twofactor_views as views

urlpatterns = [
    path("masuk/kode/", views.otp_verify, name="otp_verify"),
    path("akun/2fa/", views.twofactor_page, name="twofactor"),
    path("akun/2fa/nonaktifkan/", views.twofactor_disable_view, name="twofactor_disable"),
    path("pegawai/<str:nip>/2fa/reset/", views.twofactor_reset_view, name="twofactor_reset"),
]
