"""Pages for the organisation structure."""

from django.urls import path

from kinerja.org import views

app_name = "org"
urlpatterns = [
    path("", views.index, name="index"),
    path("opd/<int:pk>/", views.opd_detail, name="opd"),
]
