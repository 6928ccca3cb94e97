from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "kinerja.activities"
    label = "activities"
    verbose_name = "Kegiatan harian"
