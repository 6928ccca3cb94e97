from django.urls import path

from kinerja.people import import_views

app_name = "imports"
urlpatterns = [
    path("", import_views.import_index, name="index"),
    path("<int:run_id>/", import_views.import_detail, name="detail"),
]
