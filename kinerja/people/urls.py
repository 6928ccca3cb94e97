"""Pages for people."""

from django.urls import path

from kinerja.people import views

app_name = "people"
urlpatterns = [
    path("", views.pegawai_index, name="list"),
    path("<str:nip>/", views.pegawai_detail, name="detail"),
]
