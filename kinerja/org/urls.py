from django.urls import path

from kinerja.org import views

app_name = "org"
urlpatterns: list = []
