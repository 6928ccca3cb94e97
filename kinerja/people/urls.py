from django.urls import path

from kinerja.people import views

app_name = "people"
urlpatterns: list = []
