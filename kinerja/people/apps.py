from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kinerja.people"
    label = "people"
