from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kinerja.plans"
    label = "plans"
    verbose_name = "Perencanaan kinerja"
